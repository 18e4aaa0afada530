"""Request and response bodies of the Auth routes, exactly as API.md lists them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bidcraft.users.models import ApiModel, User

TotpCode = Annotated[
    str, Field(min_length=1, max_length=16, description="6 digits from the authenticator app")
]
BackupCode = Annotated[str, Field(min_length=1, max_length=64, description="one of the 10 backup codes")]


class Request(BaseModel):
    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", defer_build=True)


class InitRequest(Request):
    redirect_uri: Annotated[str, Field(min_length=1, max_length=2048)]


class InitResponse(ApiModel):
    authorization_url: str
    state: str
    code_challenge_method: Literal["S256"] = "S256"
    expires_in: int


class CallbackResponse(ApiModel):
    access_token: str
    refresh_token: str | None = Field(default=None, description="absent while MFA is still required")
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a type name, not a secret
    expires_in: int
    mfa_required: bool
    user: User


class RefreshRequest(Request):
    refresh_token: Annotated[str, Field(min_length=1, max_length=512)]


class TokenResponse(ApiModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a type name, not a secret
    expires_in: int


class LogoutRequest(Request):
    all_sessions: bool = False


class MfaSetupResponse(ApiModel):
    totp_secret: str
    otpauth_uri: str
    qr_code: str = Field(description="data:image/svg+xml;base64, QR code of otpauth_uri")
    backup_codes: list[str]


class _OneCode(Request):
    # The "exactly one" rule below, published in the schema so clients and fuzzers see it too.
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["totp_code"]}, {"required": ["backup_code"]}]}
    )

    totp_code: TotpCode | None = None
    backup_code: BackupCode | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> _OneCode:
        if (self.totp_code is None) == (self.backup_code is None):
            raise ValueError("send exactly one of totp_code or backup_code")
        return self


class MfaVerifyRequest(_OneCode):
    pass


class MfaDisableRequest(_OneCode):
    pass


class MfaVerifyResponse(ApiModel):
    verified: Literal[True] = True
    mfa_enabled: Literal[True] = True
    access_token: str | None = Field(default=None, description="set when this verify completed a sign-in")
    refresh_token: str | None = None


class MfaDisableResponse(ApiModel):
    mfa_enabled: Literal[False] = False
