"""Settings of the alerts code, read from the environment on first use (no defaults for resource names)."""

from __future__ import annotations

from bidcraft import config


class AlertsQueueSettings(config.BaseSettings):
    alerts_queue_url: str


class DeliverySettings(config.BaseSettings):
    """What the delivery worker needs besides the table and the queue."""

    telegram_bot_secret_arn: str
    alerts_email_from: str
    telegram_api_url: str = "https://api.telegram.org"
    # Local stack only: Slack and Telegram calls go to the sandbox outbox mounted here (devserver).
    alerts_sandbox_url: str = ""
