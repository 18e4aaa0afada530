"""The alerts outbox of the local stack: sandbox Slack and Telegram endpoints, and `GET /_sandbox/outbox`.

Mounted by the devserver at `/_sandbox` (beside the Upwork sandbox at `/_sandbox/upwork`); the alerts worker
is pointed here with `ALERTS_SANDBOX_URL`. Framework-free like the Upwork sandbox: one `handle()` per request.

- `POST /_sandbox/slack/services/<T>/<B>/<token>` — a Slack incoming webhook: takes `{"text", "blocks"?}`
  JSON, answers `200 ok` as Slack does (`400 invalid_payload` / `no_text` otherwise).
- `POST /_sandbox/telegram/bot<token>/sendMessage` — the Bot API call: `{"chat_id", "text",
  "parse_mode"?}`; with `parse_mode=HTML` the text must use only Telegram's tags, properly nested, or the
  answer is Telegram's `400 Bad Request: can't parse entities` — so escaping mistakes fail here first.
- `GET /_sandbox/outbox` — every message sent through these and every e-mail the emulated SES accepted,
  newest first: `[{"channel_type", "target", "subject"?, "text", "sent_at"}]` (API.md "local stack").
  E-mails are read from the in-process emulator (moto); their `sent_at` is when the outbox first saw them.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

OUTBOX_PREFIX = "/_sandbox"
MAX_ENTRIES = 1000
_SLACK = re.compile(r"^/slack/services/([A-Za-z0-9]+)/([A-Za-z0-9]+)/[A-Za-z0-9]+$")
_TELEGRAM = re.compile(r"^/telegram/bot([0-9A-Za-z:_-]+)/sendMessage$")
_TELEGRAM_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"})


@dataclass(frozen=True)
class OutboxResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _json(status: int, payload: Any) -> OutboxResponse:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return OutboxResponse(status, headers, json.dumps(payload).encode())


def _telegram_error(description: str) -> OutboxResponse:
    return _json(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"})


def _text(status: int, text: str) -> OutboxResponse:
    return OutboxResponse(status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode())


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _TelegramHtml(HTMLParser):
    """Checks Telegram's HTML subset: known tags only, properly nested; collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TELEGRAM_TAGS:
            self.error = self.error or f'unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'unexpected end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p", "tr", "li", "h2", "table", "ul"):
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")


def html_to_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


def moto_ses_messages() -> list[dict[str, Any]]:
    """E-mails the in-process emulator accepted: `{"id", "target", "subject", "text"}` each."""
    try:
        from moto.backends import get_backend
    except ImportError:  # pragma: no cover - moto is a dev dependency of the local stack
        return []
    found: list[dict[str, Any]] = []
    backends: Any = get_backend("ses")
    for regions in list(backends.values()):
        for backend in list(regions.values()):
            for message in list(getattr(backend, "sent_messages", [])):
                destinations = getattr(message, "destinations", {}) or {}
                to = destinations.get("ToAddresses") if isinstance(destinations, dict) else destinations
                body = getattr(message, "body", None) or getattr(message, "raw_data", "")
                found.append(
                    {
                        "id": str(message.id),
                        "target": ", ".join(to or []),
                        "subject": getattr(message, "subject", None),
                        "text": html_to_text(str(body)) if "<" in str(body) else str(body),
                    }
                )
    return found


class Outbox:
    """What the local stack 'sent' to Slack, Telegram and e-mail. Thread-safe."""

    def __init__(
        self,
        emails: Callable[[], Iterable[dict[str, Any]]] = moto_ses_messages,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._emails = emails
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._seen_emails: set[str] = set()
        self._ids = itertools.count(1)

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        source_ip: str,
    ) -> OutboxResponse:
        """One request; `path` is relative to `/_sandbox`."""
        if path == "/outbox":
            if method.upper() not in ("GET", "HEAD"):
                return OutboxResponse(405, {"Allow": "GET"})
            return _json(200, self.entries())
        if method.upper() != "POST":
            return OutboxResponse(404)
        slack = _SLACK.match(path)
        if slack:
            return self._slack(f"https://hooks.slack.com/services/{slack[1]}/{slack[2]}/…", body)
        telegram = _TELEGRAM.match(path)
        if telegram:
            return self._telegram(body)
        return OutboxResponse(404)

    def _record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append({**entry, "sent_at": _iso(self._clock())})
            del self._entries[:-MAX_ENTRIES]

    def _slack(self, target: str, body: bytes) -> OutboxResponse:
        try:
            payload = json.loads(body)
        except ValueError:
            return _text(400, "invalid_payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str) or not payload["text"]:
            return _text(400, "no_text")
        if "blocks" in payload and not isinstance(payload["blocks"], list):
            return _text(400, "invalid_blocks")
        self._record({"channel_type": "slack", "target": target, "text": html.unescape(payload["text"])})
        return _text(200, "ok")

    def _telegram(self, body: bytes) -> OutboxResponse:
        try:
            payload = json.loads(body)
        except ValueError:
            return _telegram_error("invalid JSON")
        chat, text = payload.get("chat_id") if isinstance(payload, dict) else None, None
        if isinstance(payload, dict):
            text = payload.get("text")
        if chat in (None, "") or not isinstance(text, str) or not text:
            return _telegram_error("message text is empty")
        visible = text
        if isinstance(payload, dict) and str(payload.get("parse_mode", "")).upper() == "HTML":
            parser = _TelegramHtml()
            parser.feed(text)
            parser.close()
            if parser.error or parser.stack:
                reason = parser.error or f'unclosed tag "{parser.stack[-1]}"'
                return _telegram_error(f"can't parse entities: {reason}")
            visible = "".join(parser.text)
        if len(visible) > 4096:
            return _telegram_error("message is too long")
        self._record({"channel_type": "telegram", "target": str(chat), "text": visible})
        message_id = next(self._ids)
        result = {"message_id": message_id, "chat": {"id": chat}, "text": visible}
        return _json(200, {"ok": True, "result": result})

    def _sync_emails(self) -> None:
        for email in self._emails():
            with self._lock:
                if email["id"] in self._seen_emails:
                    continue
                self._seen_emails.add(email["id"])
            entry = {"channel_type": "email", "target": email["target"], "text": email["text"]}
            if email.get("subject"):
                entry["subject"] = email["subject"]
            self._record(entry)

    def entries(self) -> list[dict[str, Any]]:
        """Everything sent, newest first."""
        self._sync_emails()
        with self._lock:
            return list(reversed(self._entries))
