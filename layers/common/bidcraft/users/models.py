"""The user as the API shows it (`User`, API.md) and as it is stored (`UserRecord`, with activity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_serializer

from bidcraft import clock

DEFAULT_ROLES: tuple[str, ...] = ("user",)


class ApiModel(BaseModel):
    """Response models: optional fields that are unset are left out of the JSON, not sent as null."""

    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", defer_build=True)

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            return {name: value for name, value in data.items() if value is not None}
        return data


class UpworkProfile(ApiModel):
    profile_id: str
    title: str | None = None
    hourly_rate: float | None = None
    total_earnings: float | None = None
    job_success_score: float | None = None


class User(ApiModel):
    user_id: str
    email: str | None = None
    name: str
    upwork_user_id: str
    roles: list[str]
    mfa_enabled: bool
    upwork_profile: UpworkProfile
    created_at: datetime = Field(description="ISO 8601 UTC")

    @field_serializer("created_at")
    def _iso(self, value: datetime) -> str:
        return clock.iso(value)


class Activity(BaseModel):
    login_count: int = 0
    last_login: str | None = None
    last_logout: str | None = None
    avg_session_duration: float | None = None
    failed_login_attempts: int = 0
    account_locked: bool = False


class UserRecord(BaseModel):
    """The stored profile item (`USER#<id>` / `PROFILE`)."""

    model_config = ConfigDict(extra="ignore")

    user_id: str
    email: str | None = None
    name: str
    upwork_user_id: str
    roles: list[str] = Field(default_factory=lambda: list(DEFAULT_ROLES))
    mfa_enabled: bool = False
    upwork_profile: UpworkProfile
    created_at: datetime
    activity: Activity = Field(default_factory=Activity)

    def to_api(self) -> User:
        return User(
            user_id=self.user_id,
            email=self.email,
            name=self.name,
            upwork_user_id=self.upwork_user_id,
            roles=list(self.roles),
            mfa_enabled=self.mfa_enabled,
            upwork_profile=self.upwork_profile,
            created_at=self.created_at,
        )

    @property
    def account_name(self) -> str:
        """How authenticator apps label this account."""
        return self.email or self.upwork_user_id
