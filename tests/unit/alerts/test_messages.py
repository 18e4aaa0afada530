"""What an alert says, in each format: the facts a person wants, nothing invented, everything escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from bidcraft.alerts import messages

JOB: dict[str, Any] = {
    "job_id": "~01abc",
    "title": "Fix <script>alert(1)</script> & tune Postgres",
    "url": "https://www.upwork.com/jobs/~01abc?x=1&y=\"2\"",
    "type": "hourly",
    "budget": {"hourly_min": 40, "hourly_max": 65, "currency": "USD"},
    "client": {"payment_verified": True, "total_spent": 12500, "hires": 8, "rating": 4.85, "reviews": 12,
               "country": "Canada"},
    "scores": {"fit": 0.91, "client_quality": 0.8, "competition": 0.42, "overall": 0.78},
    "reasons": [
        {"score": "fit", "effect": "+", "detail": "4 of 5 skills match <postgres>"},
        {"score": "fit", "effect": "+", "detail": "a weaker second reason"},
        {"score": "competition", "effect": "-", "detail": "35 proposals already"},
    ],
}  # fmt: skip


def test_plain_text_has_title_budget_client_scores_reasons_and_link() -> None:
    text = messages.plain_text(messages.summarize(JOB))

    assert text.splitlines() == [
        "Fix <script>alert(1)</script> & tune Postgres",
        "Budget: Hourly $40–$65/hr",
        "Client: payment verified, $12,500 spent, 8 hires, rated 4.8/5 (12 reviews), Canada",
        "Match: 78% overall",
        "- Fit 91%: + 4 of 5 skills match <postgres>",
        "- Client 80%",
        "- Competition 42%: - 35 proposals already",
        'https://www.upwork.com/jobs/~01abc?x=1&y="2"',
    ]


def test_what_upwork_did_not_give_is_left_out() -> None:
    bare = {"job_id": "j", "title": "Bare", "type": "fixed", "budget": {"currency": "USD"}, "client": {},
            "scores": {"overall": 0.7}}  # fmt: skip

    text = messages.plain_text(messages.summarize(bare))

    assert "Client:" not in text
    assert "Budget: Fixed price" in text
    assert "$" not in text
    assert "- Fit n/a" in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def test_telegram_html_escapes_text_and_quotes_the_link() -> None:
    markup = messages.telegram_html(messages.summarize(JOB))
    parser = _Tags()
    parser.feed(markup)

    assert set(parser.tags) <= {"b", "i", "a"}  # the title's <script> is text, not a tag
    assert "&lt;script&gt;" in markup
    assert "&amp; tune" in markup
    assert parser.hrefs == [JOB["url"]]


def test_telegram_messages_stay_under_4096_characters() -> None:
    long_job = {**JOB, "title": "x" * 5000}

    assert len(messages.telegram_html(messages.summarize(long_job))) <= messages.TELEGRAM_MAX_CHARS


def test_slack_payload_has_blocks_a_button_and_escaped_fallback_text() -> None:
    payload = messages.slack_payload(messages.summarize(JOB))

    assert [block["type"] for block in payload["blocks"]] == ["header", "section", "section", "actions"]
    assert payload["blocks"][3]["elements"][0]["url"] == JOB["url"]
    assert "&lt;script&gt;" in payload["text"]
    assert "<script>" not in json.dumps(payload["blocks"][1:3])


def test_email_has_an_escaped_html_part_and_a_subject() -> None:
    summary = messages.summarize(JOB)

    assert "<script>" not in messages.email_html(summary)
    assert messages.subject(summary).startswith("New job match (78%): Fix <script>")
    assert messages.subject(messages.summarize(JOB, test=True)).startswith("[Test] ")


def test_the_webhook_event_carries_type_timestamp_search_and_the_job_as_given() -> None:
    from datetime import UTC, datetime

    body = json.loads(messages.webhook_event("job.matched", "s-1", JOB, datetime(2026, 1, 2, tzinfo=UTC)))

    assert body == {
        "type": "job.matched",
        "timestamp": "2026-01-02T00:00:00Z",
        "data": {"search_id": "s-1", "job": JOB},
    }
