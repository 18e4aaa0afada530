"""What every pydantic item of the Analytics table shares: the base model, the user partition key and the
conversion to a plain item (`to_item()`: python values, `None`s dropped, times as ISO 8601 `Z` strings).

The analytics items (`bidcraft.analytics.models`) and the sync's (`bidcraft.sync.models`) build on it; it
imports nothing else of either domain, so the upwork function's sync jobs do not load the analytics models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from bidcraft import clock


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """None dropped, datetimes as ISO `Z` strings, empty sets dropped (DynamoDB has no empty sets)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            out[name] = clock.iso(value)
        elif isinstance(value, set | frozenset):
            if value:
                out[name] = set(value)
        else:
            out[name] = value
    return out


class Item(BaseModel):
    # defer_build: each item's schema is built on first use, so a cold path builds only the items it reads
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Item:
        return cls.model_validate(dict(item))
