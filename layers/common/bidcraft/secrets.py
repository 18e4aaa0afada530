"""Secrets from AWS Secrets Manager, fetched once and cached for a few minutes (rotation-friendly)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from bidcraft import aws, misconfiguration
from bidcraft.errors import ConfigurationError, ServiceUnavailable

_TTL_SECONDS = 300.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, str]] = {}


def get(secret_id: str) -> str:
    """The secret's string value. Fails closed: no secret, no operation — a secret that does not exist or that
    the function may not read is a misconfiguration (500, logged and metered), a throttled or failed read a
    503."""
    if not secret_id:
        raise ConfigurationError("A secret ARN is not configured")
    now = time.monotonic()
    with _lock:
        hit = _cache.get(secret_id)
        if hit and now - hit[0] < _TTL_SECONDS:
            return hit[1]
    try:
        value = aws.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    except aws.AWS_ERRORS as exc:
        if misconfiguration.is_misconfiguration(exc):  # no such secret, or the role may not read it: 500
            raise misconfiguration.report("secrets", exc) from exc
        raise ServiceUnavailable("A required secret could not be read") from exc
    with _lock:
        _cache[secret_id] = (now, value)
    return str(value)


def get_json(secret_id: str) -> dict[str, Any]:
    value = get(secret_id)
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ConfigurationError("A secret does not hold the JSON document it should") from exc
    if not isinstance(parsed, dict):
        raise ConfigurationError("A secret does not hold the JSON object it should")
    return parsed


def reset() -> None:
    with _lock:
        _cache.clear()
