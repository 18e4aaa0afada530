"""Settings of the jobs feature, read from the environment on first use (never at import)."""

from typing import Literal

from pydantic import Field

from bidcraft import config

CredentialMode = Literal["owner", "service"]


class JobsSettings(config.BaseSettings):
    """The jobs routes and the poller. `JOBS_UPWORK_CREDENTIALS`: whose Upwork token runs a search
    (docs/jobs.md, "Whose credentials"): `service` (default: the client-credentials grant) or `owner`."""

    jobs_table: str
    users_table: str
    upwork_client_secret_arn: str
    upwork_base_url: str = "https://www.upwork.com"
    upwork_api_url: str = "https://api.upwork.com"
    jobs_upwork_credentials: CredentialMode = "service"
    jobs_poll_minutes: int = Field(default=5, ge=1, le=60)


def jobs() -> JobsSettings:
    return config.load(JobsSettings)
