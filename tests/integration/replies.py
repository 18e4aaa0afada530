"""A Lambda proxy response as the integration tests read it: status, lower-cased headers, parsed JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    json: Any = field(default=None)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Reply:
        headers = {k.lower(): str(v) for k, v in (raw.get("headers") or {}).items()}
        body = raw.get("body") or ""
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        return cls(status=int(raw["statusCode"]), headers=headers, body=body, json=parsed)
