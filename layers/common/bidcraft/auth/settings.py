"""Settings of the auth domain, read from the environment on first use (never at import).

Several models, because not every function needs every setting: `verify_access_token` runs in every API
function (`TokenSettings`), the storage adapters need only the users table (`UsersSettings`), Upwork calls
need `UpworkClientSettings` (the sync worker refreshes Upwork tokens too), and the auth function validates
everything it uses up front (`AuthSettings`). Envelope encryption reads `KMS_KEY_ID` itself.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from bidcraft import config


class UsersSettings(config.BaseSettings):
    users_table: str


class TokenSettings(config.BaseSettings):
    users_table: str
    signing_key_secret_arn: str
    jwt_issuer: str = "bidcraft"
    jwt_audience: str = "bidcraft-api"


class UpworkClientSettings(config.BaseSettings):
    """What talking to Upwork needs (also in the sync worker and the Upwork function)."""

    upwork_client_secret_arn: str
    upwork_base_url: str = "https://www.upwork.com"
    upwork_api_url: str = "https://api.upwork.com"


class AuthSettings(config.CoreSettings):
    """Everything `functions/auth` needs (`ALLOWED_REDIRECT_URIS` is comma-separated exact URIs)."""

    kms_key_id: str
    upwork_client_secret_arn: str
    upwork_base_url: str = "https://www.upwork.com"
    upwork_api_url: str = "https://api.upwork.com"
    sync_queue_url: str
    allowed_redirect_uris: Annotated[list[str], BeforeValidator(config.split_csv)] = []


def users_table() -> str:
    return config.load(UsersSettings).users_table


def auth() -> AuthSettings:
    return config.load(AuthSettings)


def upwork() -> UpworkClientSettings:
    return config.load(UpworkClientSettings)


def tokens() -> TokenSettings:
    return config.load(TokenSettings)
