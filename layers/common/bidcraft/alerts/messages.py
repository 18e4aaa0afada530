"""What an alert says: one summary of a job, rendered as plain text and in each channel's own format.

A person deciding whether to apply wants: the title, the budget, who the client is (payment verified, money
spent, hires, rating, country), the three scores with the reason that weighed most for each, the overall
score, and the link. A field Upwork did not give is left out, never invented.

Formats: plain text (every channel, and the e-mail's text part), Slack Block Kit (`blocks` + `text`
fallback; `&`, `<`, `>` escaped as Slack requires), Telegram HTML (`parse_mode=HTML`; text escaped, link
attribute quoted; at most 4096 characters), e-mail HTML (escaped) with the text alternative. Webhooks get the
JSON event (`webhook_event`), not prose.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bidcraft import clock

SCORE_LABELS = (("fit", "Fit"), ("client_quality", "Client"), ("competition", "Competition"))
TELEGRAM_MAX_CHARS = 4096
SAMPLE_JOB: dict[str, Any] = {
    "job_id": "sample-test-alert",
    "title": "Sample job (test alert from Bidcraft)",
    "url": "https://www.upwork.com/jobs/sample-test-alert",
    "posted_at": "2026-01-01T00:00:00Z",
    "type": "fixed",
    "budget": {"amount": 500, "currency": "USD"},
    "skills": ["Python"],
    "client": {"payment_verified": True},
    "competition": {},
    "scores": {"fit": 0.9, "client_quality": 0.8, "competition": 0.7, "overall": 0.82},
    "win_probability": 0.3,
    "reasons": [{"score": "fit", "effect": "+", "detail": "This is a test alert: the job is a sample"}],
    "matched_searches": [],
    "seen_at": "2026-01-01T00:00:00Z",
}


@dataclass(frozen=True)
class Summary:
    title: str
    budget: str | None
    client: str | None
    scores: list[tuple[str, float | None, str | None]]  # (label, score, top reason)
    overall: float | None
    url: str | None
    test: bool


def _money(value: Any) -> str | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"


def _budget(job: Mapping[str, Any]) -> str | None:
    budget = job.get("budget") or {}
    currency = budget.get("currency") or "USD"
    suffix = "" if currency == "USD" else f" {currency}"
    if job.get("type") == "hourly":
        low, high = _money(budget.get("hourly_min")), _money(budget.get("hourly_max"))
        if low and high:
            return f"Hourly {low}–{high}/hr{suffix}"
        if low or high:
            return f"Hourly {low or high}/hr{suffix}"
        return "Hourly (rate not given)"
    amount = _money(budget.get("amount"))
    return f"Fixed price {amount}{suffix}" if amount else ("Fixed price" if job.get("type") else None)


def _client(job: Mapping[str, Any]) -> str | None:
    client = job.get("client") or {}
    parts: list[str] = []
    if client.get("payment_verified") is True:
        parts.append("payment verified")
    elif client.get("payment_verified") is False:
        parts.append("payment not verified")
    spent = _money(client.get("total_spent"))
    if spent:
        parts.append(f"{spent} spent")
    if isinstance(client.get("hires"), int):
        parts.append(f"{client['hires']} hires")
    if isinstance(client.get("rating"), int | float):
        reviews = client.get("reviews")
        tail = f" ({reviews} reviews)" if isinstance(reviews, int) else ""
        parts.append(f"rated {client['rating']:.1f}/5{tail}")
    if client.get("country"):
        parts.append(str(client["country"]))
    return ", ".join(parts) if parts else None


def _top_reason(reasons: Sequence[Mapping[str, Any]], score: str) -> str | None:
    for reason in reasons:
        if reason.get("score") == score and reason.get("detail"):
            return f"{reason.get('effect', '')}{' ' if reason.get('effect') else ''}{reason['detail']}"
    return None


def _score(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def summarize(job: Mapping[str, Any], *, test: bool = False) -> Summary:
    scores = job.get("scores") or {}
    reasons = [r for r in job.get("reasons") or [] if isinstance(r, Mapping)]
    return Summary(
        title=str(job.get("title") or "Untitled job"),
        budget=_budget(job),
        client=_client(job),
        scores=[(label, _score(scores.get(key)), _top_reason(reasons, key)) for key, label in SCORE_LABELS],
        overall=_score(scores.get("overall")),
        url=str(job["url"]) if job.get("url") else None,
        test=test,
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


def subject(summary: Summary) -> str:
    prefix = "[Test] " if summary.test else ""
    return f"{prefix}New job match ({_pct(summary.overall)}): {summary.title}"[:200]


def plain_text(summary: Summary) -> str:
    lines = [("TEST ALERT — " if summary.test else "") + summary.title]
    if summary.budget:
        lines.append(f"Budget: {summary.budget}")
    if summary.client:
        lines.append(f"Client: {summary.client}")
    lines.append(f"Match: {_pct(summary.overall)} overall")
    for label, score, reason in summary.scores:
        lines.append(f"- {label} {_pct(score)}" + (f": {reason}" if reason else ""))
    if summary.url:
        lines.append(summary.url)
    return "\n".join(lines)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(summary: Summary) -> dict[str, Any]:
    """Slack incoming-webhook body: Block Kit blocks plus the plain-text fallback `text`."""
    facts = []
    if summary.budget:
        facts.append(f"*Budget*\n{_slack_escape(summary.budget)}")
    if summary.client:
        facts.append(f"*Client*\n{_slack_escape(summary.client)}")
    facts.append(f"*Match*\n{_pct(summary.overall)} overall")
    score_lines = [
        f"• *{label}* {_pct(score)}" + (f" — {_slack_escape(reason)}" if reason else "")
        for label, score, reason in summary.scores
    ]
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": (("Test: " if summary.test else "") + summary.title)[:150],
            },
        },
        {"type": "section", "fields": [{"type": "mrkdwn", "text": fact} for fact in facts]},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(score_lines)}},
    ]
    if summary.url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open on Upwork"},
                        "url": summary.url,
                    }
                ],
            }
        )
    return {"text": _slack_escape(plain_text(summary))[:3000], "blocks": blocks}


def _h(text: str) -> str:
    return html.escape(text, quote=False)


def telegram_html(summary: Summary) -> str:
    """Telegram `parse_mode=HTML` text: only <b>, <i>, <a href> tags; everything else escaped."""
    lines = [("<i>Test alert</i>\n" if summary.test else "") + f"<b>{_h(summary.title)}</b>"]
    if summary.budget:
        lines.append(f"Budget: {_h(summary.budget)}")
    if summary.client:
        lines.append(f"Client: {_h(summary.client)}")
    lines.append(f"Match: <b>{_pct(summary.overall)}</b>")
    for label, score, reason in summary.scores:
        lines.append(f"• {label} {_pct(score)}" + (f" — {_h(reason)}" if reason else ""))
    if summary.url:
        lines.append(f'<a href="{html.escape(summary.url, quote=True)}">Open on Upwork</a>')
    text = "\n".join(lines)
    if len(text) > TELEGRAM_MAX_CHARS:  # cut plain text only: never inside a tag
        return _h(plain_text(summary))[: TELEGRAM_MAX_CHARS - 1] + "…"
    return text


def email_html(summary: Summary) -> str:
    rows = []
    if summary.budget:
        rows.append(f"<tr><th align='left'>Budget</th><td>{_h(summary.budget)}</td></tr>")
    if summary.client:
        rows.append(f"<tr><th align='left'>Client</th><td>{_h(summary.client)}</td></tr>")
    rows.append(f"<tr><th align='left'>Match</th><td>{_pct(summary.overall)} overall</td></tr>")
    items = "".join(
        f"<li><b>{label}</b> {_pct(score)}" + (f" — {_h(reason)}" if reason else "") + "</li>"
        for label, score, reason in summary.scores
    )
    link = (
        f'<p>Open the job on Upwork: <a href="{html.escape(summary.url, quote=True)}">'
        f"{_h(summary.url)}</a></p>"
        if summary.url
        else ""
    )
    banner = "<p><i>This is a test alert.</i></p>" if summary.test else ""
    return (
        "<!DOCTYPE html><html><body>"
        f"{banner}<h2>{_h(summary.title)}</h2><table>{''.join(rows)}</table><ul>{items}</ul>{link}"
        "<p style='color:#888'>Sent by Bidcraft because this job matched one of your saved searches.</p>"
        "</body></html>"
    )


def webhook_event(event_type: str, search_id: str | None, job: Mapping[str, Any], at: datetime) -> bytes:
    """The signed body of a webhook delivery: `{"type", "timestamp", "data": {"search_id", "job"}}`."""
    document = {
        "type": event_type,
        "timestamp": clock.iso(at),
        "data": {"search_id": search_id, "job": dict(job)},
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
