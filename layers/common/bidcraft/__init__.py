"""Bidcraft domain package, shared by every function (deployed as the Common layer)."""

__version__ = "0.1.0"
