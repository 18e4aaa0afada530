"""One sender per channel type: turn a delivery into the request its channel understands, and report back.

- webhook: the Standard Webhooks-signed JSON event (`webhook-id` = the delivery id, the same on every retry
  so receivers can deduplicate; `webhook-timestamp`; `webhook-signature: v1,<HMAC-SHA256>` with the
  channel's secret), through the guarded client.
- slack: the Block Kit payload POSTed to the channel's incoming-webhook URL, through the guarded client.
- telegram: `sendMessage` (HTML) on the Bot API with the service's bot token (Secrets Manager).
- email: Amazon SES v2 `SendEmail` from the service's identity, HTML with a text alternative.
On the local stack (`ALERTS_SANDBOX_URL`), Slack and Telegram requests go to the sandbox outbox instead.

Any 2xx is success (Telegram also needs `"ok": true`); everything else is a failure with a stable code
(`http_503`, `timeout`, `refused_private`, `ses_MessageRejected`, ...) — never the URL, which may be secret.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bidcraft import aws, clock, config, secrets
from bidcraft.alerts import messages
from bidcraft.alerts.settings import DeliverySettings
from bidcraft.errors import DomainError
from bidcraft.outbound.client import GuardedClient, OutboundFailed, OutboundRefused, OutboundResponse
from bidcraft.outbound.guard import Policy, parse_url
from bidcraft.webhooks import signature

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """Everything a sender needs about one attempt."""

    delivery_id: str
    delivery_type: str  # job.matched / alert.test
    channel_type: str
    target: str
    secret: str | None
    search_id: str | None
    job: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def _client() -> GuardedClient:
    return GuardedClient(Policy.for_stack(local_stack=config.load(config.BaseSettings).local_stack))


def _http_result(response: OutboundResponse) -> SendResult:
    if 200 <= response.status_code < 300:
        return SendResult(True, response.status_code)
    return SendResult(False, response.status_code, f"http_{response.status_code}")


def _post(url: str, body: bytes, headers: dict[str, str]) -> SendResult | OutboundResponse:
    try:
        return _client().post(url, content=body, headers={"Content-Type": "application/json", **headers})
    except OutboundRefused as refused:
        return SendResult(False, None, f"refused_{refused.reason}")
    except OutboundFailed as failed:
        return SendResult(False, None, failed.reason)


def send_webhook(out: Outgoing) -> SendResult:
    if not out.secret:
        return SendResult(False, None, "no_secret")
    body = messages.webhook_event(out.delivery_type, out.search_id, out.job, out.at)
    timestamp = str(clock.epoch(out.at))
    signed = signature.signature(signature.decode_secret(out.secret), out.delivery_id, timestamp, body)
    result = _post(
        out.target,
        body,
        {"webhook-id": out.delivery_id, "webhook-timestamp": timestamp, "webhook-signature": signed},
    )
    return result if isinstance(result, SendResult) else _http_result(result)


def _sandbox() -> str:
    return config.load(DeliverySettings).alerts_sandbox_url.rstrip("/")


def send_slack(out: Outgoing, summary: messages.Summary) -> SendResult:
    url = out.target
    if _sandbox():
        url = f"{_sandbox()}/slack{parse_url(out.target, Policy()).target}"
    body = json.dumps(messages.slack_payload(summary), ensure_ascii=False).encode("utf-8")
    result = _post(url, body, {})
    return result if isinstance(result, SendResult) else _http_result(result)


def send_telegram(out: Outgoing, summary: messages.Summary) -> SendResult:
    settings = config.load(DeliverySettings)
    try:
        token = secrets.get(settings.telegram_bot_secret_arn).strip()
    except DomainError:
        return SendResult(False, None, "telegram_token_unavailable")
    base = f"{_sandbox()}/telegram" if _sandbox() else settings.telegram_api_url.rstrip("/")
    body = json.dumps(
        {
            "chat_id": out.target,
            "text": messages.telegram_html(summary),
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
        },
        ensure_ascii=False,
    ).encode("utf-8")
    result = _post(f"{base}/bot{token}/sendMessage", body, {})
    if isinstance(result, SendResult):
        return result
    if not 200 <= result.status_code < 300:
        return _http_result(result)
    try:
        ok = json.loads(result.body).get("ok") is True
    except (ValueError, AttributeError):
        ok = False
    return (
        SendResult(True, result.status_code)
        if ok
        else SendResult(False, result.status_code, "telegram_not_ok")
    )


def send_email(out: Outgoing, summary: messages.Summary) -> SendResult:
    settings = config.load(DeliverySettings)
    try:
        aws.client("sesv2").send_email(
            FromEmailAddress=settings.alerts_email_from,
            Destination={"ToAddresses": [out.target]},
            Content={
                "Simple": {
                    "Subject": {"Data": messages.subject(summary), "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": messages.plain_text(summary), "Charset": "UTF-8"},
                        "Html": {"Data": messages.email_html(summary), "Charset": "UTF-8"},
                    },
                }
            },
        )
    except ClientError as exc:
        return SendResult(False, None, f"ses_{aws.error_code(exc) or 'error'}")
    except BotoCoreError as exc:
        return SendResult(False, None, f"ses_{type(exc).__name__}")
    return SendResult(True, None)


def send(out: Outgoing) -> SendResult:
    """Deliver one attempt to its channel."""
    if out.channel_type == "webhook":
        return send_webhook(out)
    summary = messages.summarize(out.job, test=out.delivery_type == "alert.test")
    if out.channel_type == "slack":
        return send_slack(out, summary)
    if out.channel_type == "telegram":
        return send_telegram(out, summary)
    if out.channel_type == "email":
        return send_email(out, summary)
    return SendResult(False, None, "unknown_channel_type")
