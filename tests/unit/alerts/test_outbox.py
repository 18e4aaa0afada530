"""The local stack's alerts outbox: sandbox Slack and Telegram endpoints behave as the real ones answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bidcraft.alerts import messages
from devserver.sandbox.outbox import Outbox

JOB = {**messages.SAMPLE_JOB, "title": "Fix <b>bold</b> & co"}


def _post(outbox: Outbox, path: str, payload: Any) -> Any:
    return outbox.handle("POST", path, {}, {}, json.dumps(payload).encode(), "127.0.0.1")


def _outbox(emails: list[dict[str, Any]] | None = None) -> Outbox:
    return Outbox(emails=lambda: list(emails or []), clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))


def test_telegram_send_message_with_our_html_is_accepted_and_listed() -> None:
    outbox = _outbox()
    text = messages.telegram_html(messages.summarize(JOB))

    reply = _post(
        outbox, "/telegram/bot123:ABC/sendMessage", {"chat_id": "42", "text": text, "parse_mode": "HTML"}
    )

    assert reply.status == 200
    assert json.loads(reply.body)["ok"] is True
    (entry,) = outbox.entries()
    assert entry["channel_type"] == "telegram"
    assert entry["target"] == "42"
    assert "Fix <b>bold</b> & co" in entry["text"]  # the visible text, unescaped once
    assert entry["sent_at"] == "2026-01-01T00:00:00.000Z"


def test_telegram_refuses_html_it_cannot_parse_as_telegram_does() -> None:
    outbox = _outbox()

    reply = _post(
        outbox, "/telegram/botX/sendMessage", {"chat_id": 1, "text": "<b>Fix <script>", "parse_mode": "HTML"}
    )

    assert reply.status == 400
    assert json.loads(reply.body)["description"].startswith("Bad Request: can't parse entities")
    assert outbox.entries() == []


def test_slack_incoming_webhook_answers_ok_and_lists_the_fallback_text() -> None:
    outbox = _outbox()
    payload = messages.slack_payload(messages.summarize(JOB))

    reply = _post(outbox, "/slack/services/T0001/B0002/secretXYZ", payload)

    assert (reply.status, reply.body) == (200, b"ok")
    (entry,) = outbox.entries()
    assert entry["target"] == "https://hooks.slack.com/services/T0001/B0002/…"  # the token is not listed
    assert entry["text"].startswith("Fix <b>bold</b> & co")
    assert _post(outbox, "/slack/services/T0001/B0002/secretXYZ", {"blocks": []}).body == b"no_text"


def test_emails_from_the_emulated_ses_are_listed_once_newest_first() -> None:
    emails = [{"id": "m1", "target": "jane@example.com", "subject": "New job match", "text": "Hello"}]
    outbox = _outbox(emails)
    _post(outbox, "/telegram/botX/sendMessage", {"chat_id": 7, "text": "first"})

    listed = outbox.entries()
    assert [e["channel_type"] for e in listed] == ["email", "telegram"]
    assert listed[0]["subject"] == "New job match"
    assert len(outbox.entries()) == 2


def test_unknown_paths_and_methods() -> None:
    outbox = _outbox()

    assert outbox.handle("GET", "/telegram/botX/sendMessage", {}, {}, b"", "127.0.0.1").status == 404
    assert outbox.handle("POST", "/outbox", {}, {}, b"", "127.0.0.1").status == 405
