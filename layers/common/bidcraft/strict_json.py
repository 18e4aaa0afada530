"""The one strict JSON parser for what clients send us (API bodies and webhook deliveries alike).

RFC 8259 text, parsed so that every way a body can be malformed is a `json.JSONDecodeError` (a 400
`malformed-json` for the caller), never another exception that would surface as a 500:
- a repeated member name is refused, not "last one wins" (ASVS 15.3.7; RFC 8259 §4 leaves it undefined, and
  two parsers that disagree on it are a smuggling vector);
- `NaN`, `Infinity` and `-Infinity` are not JSON (Python's parser takes them by default);
- an integer over Python's 4,300-digit conversion limit makes `json.loads` raise a plain `ValueError`.
Nesting too deep for the parser raises `RecursionError`, which the HTTP layer answers as a 400 as well.
"""

from __future__ import annotations

import json
from typing import Any


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("duplicate member name")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> Any:
    """Parse one JSON document; `json.JSONDecodeError` for anything that is not strict JSON."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError("not UTF-8", "", 0) from exc
    try:
        return json.loads(text, object_pairs_hook=_unique, parse_constant=_no_constant)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # duplicate names, NaN/Infinity, integers past the 4,300-digit limit
        raise json.JSONDecodeError(str(exc).split(":")[0][:80], "", 0) from exc
