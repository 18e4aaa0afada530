"""Settings of the AI domain, read from the environment on first use (never at import).

Two models: what every AI code path needs (`AiSettings`) and the queue that only the async submit path needs
(`AiQueueSettings`), so the worker does not require a queue URL it never uses.
"""

from __future__ import annotations

from pydantic import Field

from bidcraft import config

DEFAULT_MONTHLY_TOKEN_BUDGET = 2_000_000


class AiSettings(config.BaseSettings):
    analytics_table: str
    users_table: str
    audit_table: str = ""
    openai_secret_arn: str = ""
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = Field(default=20.0, gt=0, le=120)
    openai_max_retries: int = Field(default=2, ge=0, le=5)
    openai_max_output_tokens: int = Field(default=1_500, ge=64, le=16_000)
    ai_monthly_token_budget: int = Field(default=DEFAULT_MONTHLY_TOKEN_BUDGET, ge=0)
    upwork_api_url: str = "https://api.upwork.com"


class AiQueueSettings(config.BaseSettings):
    ai_jobs_queue_url: str


def settings() -> AiSettings:
    return config.load(AiSettings)


def queue() -> AiQueueSettings:
    return config.load(AiQueueSettings)
