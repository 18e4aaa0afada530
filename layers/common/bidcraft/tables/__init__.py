"""PynamoDB models, one module per table (`users`: UsersTable), and what they share.

Importing this package is cheap (PynamoDB is imported by the table modules). Models are registered here so
`reset()` can drop their cached connections when a test moves the endpoint (`bidcraft.aws.reset` calls it).
"""

from __future__ import annotations

from typing import Any

_MODELS: list[Any] = []


def register(model: Any) -> Any:
    """Class decorator: remember a model so `reset()` reaches its connection."""
    _MODELS.append(model)
    return model


def reset() -> None:
    """Forget every model's connection (and so its botocore client); the next call makes a new one. The
    connection a table's models share lives on the table's root model (`tables.base.TableItem`)."""
    for model in _MODELS:
        for klass in model.__mro__:
            if "_connection" in vars(klass):
                klass._connection = None
