"""Settings: one pydantic model per function, read from the environment on first use.

Nothing is read at import time. Resource names have no defaults: a function deployed without one fails its
first request with a `misconfigured` problem instead of writing to the wrong table.
"""

from __future__ import annotations

import functools
import os
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bidcraft.errors import ConfigurationError

S = TypeVar("S", bound="BaseSettings")


class BaseSettings(BaseModel):
    """Fields map to upper-case environment variables of the same name (`users_table` ← `USERS_TABLE`)."""

    # Built on first `load`, not at import: a function validates only the settings models its path needs.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    stage: str = "dev"
    local_stack: bool = False


class CoreSettings(BaseSettings):
    """What every function of the service needs."""

    users_table: str
    analytics_table: str
    audit_table: str
    jwt_issuer: str = "bidcraft"
    jwt_audience: str = "bidcraft-api"
    signing_key_secret_arn: str


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def split_csv(value: str | list[str]) -> list[str]:
    """Comma-separated environment values (`ALLOWED_REDIRECT_URIS`) as a clean list."""
    return value if isinstance(value, list) else _csv(value)


@functools.cache
def load(model: type[S]) -> S:
    """The settings of `model`, validated once per container."""
    fields = model.model_fields
    raw = {name: os.environ[name.upper()] for name in fields if name.upper() in os.environ}
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        missing = sorted(".".join(str(p) for p in err["loc"]).upper() for err in exc.errors())
        raise ConfigurationError(f"Missing or invalid settings: {', '.join(missing)}") from exc


def reset() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    load.cache_clear()
