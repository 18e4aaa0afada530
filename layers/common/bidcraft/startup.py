"""A container's start-up: the cyclic garbage collector paused while a function's modules load.

Every `functions/<name>/app.py` imports this module first and calls `finished()` once its handler exists.
Loading a function creates tens of thousands of long-lived objects (modules, classes, pydantic schemas,
PynamoDB models, compiled patterns) and almost no garbage, yet the collector's full passes traverse all of
them again and again as they accumulate: 15-20 % of a function's import CPU (docs/capacity.md §5).
`finished()` then moves everything loaded into the permanent generation (`gc.freeze`), so the collections
that requests trigger no longer walk the loaded code either, and turns the collector back on.
"""

from __future__ import annotations

import gc

gc.disable()


def finished() -> None:
    """The function is loaded: freeze what is there and collect garbage normally from now on."""
    gc.freeze()
    gc.enable()
