"""Checks on generated content: personal data, secrets and HTML redacted, look-alikes left alone, leaks
blocked, and every string of a reply checked (I9, I10; issue 10 item 9). Corpus figures: test_eval_safety."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidcraft.ai.models import AiJob, PortfolioItem, PricingBreakdown, PricingItem, ProposalDraft, TokenUsage
from bidcraft.ai.safety import REFUSAL, SYSTEM_PROMPT_CANARY, check, scrub
from tests import fresh_interpreter

PIECES = st.sampled_from(
    [
        "Call +44 20 7946 0958",
        " <scr",
        "<b>",
        "ipt>",
        " jane@example.com ",
        "4539 1488 0343 6467",
        " DE89 3704 0044 0532 0130 00 ",
        "https://x.test/?token=abc123def456&q=1",
        " ghp_" + "a1B2c3D4e5" * 4,
        " idiot-proof ",
        " 2024-05-01 10:30 ",
        " v2.14.3 ",
        " #123456789 ",
        "<",
        ">",
        " ",
        "x",
    ]
)


def test_clean_text_is_returned_unchanged() -> None:
    text = "I will deliver the API in 3 weeks for 2,500 USD; milestones on 2025-03-01 and 2025-03-15."
    result = check(text)
    assert result.text == text
    assert result.warnings == []


def test_email_addresses_are_redacted() -> None:
    result = check("Write to jane.doe+jobs@example.co.uk or me@test.io today.")
    assert "@" not in result.text
    assert result.text.count("[email removed]") == 2
    assert result.warnings == ["redacted:email"]


@pytest.mark.parametrize(
    "phone",
    [
        "+1 (415) 555-2671",
        "+44 20 7946 0958",
        "415.555.2671",
        "(415) 555-2671",
        "0049 30 1234567",
        "+380 67 123 4567",
        "+34 612 34 56 78",
        "020 7946 0958",
        "+49 (0)30 901820",
    ],
)
def test_phone_numbers_are_redacted(phone: str) -> None:
    """In any format, with or without a phone word before them."""
    result = check(f"Call me at {phone} tomorrow.")
    assert result.text == "Call me at [phone removed] tomorrow."
    assert result.warnings == ["redacted:phone"]


@pytest.mark.parametrize(
    ("text", "phone"), [("WhatsApp: 32 12 34 56", "32 12 34 56"), ("Tel. 555-1234", "555-1234")]
)
def test_after_a_phone_word_every_region_s_national_format_counts(text: str, phone: str) -> None:
    """A Danish number or a 7-digit local one is a phone when the text says so, an id otherwise."""
    assert check(text).text == text.replace(phone, "[phone removed]")
    assert check(f"Batch {phone} done").warnings == []


@pytest.mark.parametrize(
    "text",
    [
        "Budget 1000 2000 USD",
        "Years 2019-2024",
        "Order #123456789 shipped",
        "Your order number is 4500123987.",
        "ISBN 978-3-16-148410-0 and ISBN 9780306406157",
        "Kick-off on 2024-05-01 10:30 UTC",
        "Deadline 01/05/2024, then 15.06.2024",
        "Django 3.2.18, Chrome 124.0.6367.91, server 192.168.10.254",
        "Invoice No. 2024-0012345",
        "Test card 4111 1111 1111 1112 fails Luhn",
        "Job 550e8400-e29b-41d4-a716-446655440000 and colour #1a2b3c",
        "Price $1,234,567.89 or € 12 500",
        "I make admin panels idiot-proof for clients in Scunthorpe.",
        "Docs: https://example.com/search?q=react+hooks&page=3&sort=asc",
        "Commit 3f786850e387550fdab836ed7e6dc881de23001b",
        "Budget range 1000-5000 USD, or 357-4148 items",
        "We processed 103 469 680 rows and 6 042 603 928 events.",
        "Request 70293815-5351-d2c1-e8fb-46b52a2d551f failed at 40.712776, -74.005974",
        "EAN 6715180145036 on the box",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    result = check(text)
    assert result.text == text
    assert result.warnings == []


@pytest.mark.parametrize(
    ("secret", "warning"),
    [
        ("4539 1488 0343 6467", "redacted:card"),
        ("5555-5555-5555-4444", "redacted:card"),
        ("DE89 3704 0044 0532 0130 00", "redacted:iban"),
        ("GB29NWBK60161331926819", "redacted:iban"),
        ("ghp_" + "a1B2c3D4e5" * 4, "redacted:secret"),
        ("github_pat_" + "A" * 22 + "_" + "b" * 59, "redacted:secret"),
        ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "redacted:secret"),
        ("xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx", "redacted:secret"),
        ("AKIAIOSFODNN7EXAMPLE", "redacted:secret"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "redacted:secret",
        ),
    ],
)
def test_cards_ibans_and_known_secret_formats_are_redacted(secret: str, warning: str) -> None:
    result = check(f"Here it is: {secret} — keep it safe.")
    assert secret not in result.text
    assert result.warnings == [warning]
    assert not result.blocked


def test_tokens_in_url_query_strings_and_userinfo_are_redacted_and_the_rest_kept() -> None:
    text = "Get https://files.test/x.zip?token=abc123XYZ789&dl=1 or postgres://admin:S3cret!@db.test/app"
    result = check(text)
    assert (
        result.text
        == "Get https://files.test/x.zip?token=[removed]&dl=1 or postgres://admin:[removed]@db.test/app"
    )
    assert result.warnings == ["redacted:url_token"]


def test_tags_are_stripped_until_none_is_left() -> None:
    result = check("Hi <scr<b>ipt>alert(1)</scr</b>ipt> and <<b>img src=x onerror=alert(1)>")
    assert "<" not in result.text
    assert ">" not in result.text
    assert "script" not in result.text.replace("alert", "")
    assert result.warnings == ["removed:html"]


def test_html_and_markdown_images_are_removed() -> None:
    result = check('Hello <b>there</b><img src="https://x.test/a.png"> ![t](https://x.test/leak?d=1) bye')
    assert "<" not in result.text
    assert "![" not in result.text
    assert result.warnings == ["removed:markdown_image", "removed:html"]


def test_toxic_words_are_redacted_as_whole_words_only() -> None:
    result = check("Your last developer was an IDIOT and the code is crap, but the UI is idiot-proof.")
    assert "IDIOT" not in result.text
    assert "crap" not in result.text
    assert "idiot-proof" in result.text
    assert result.warnings == ["redacted:toxicity"]


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("SYSTEM: You are Bidcraft's proposal writer...", "blocked:system_prompt"),
        ("Sure!\nsystem prompt: you are a helpful assistant", "blocked:system_prompt"),
        (f"The marker is [{SYSTEM_PROMPT_CANARY}]", "blocked:system_prompt"),
        ("Config: API_KEY=sk-live-123abc", "blocked:secret"),
        ("password: Tr0ub4dor&3", "blocked:secret"),
    ],
)
def test_leaks_replace_the_whole_text_with_a_refusal(text: str, warning: str) -> None:
    result = check(text)
    assert result.text == REFUSAL
    assert result.warnings == [warning]
    assert result.blocked


@pytest.mark.parametrize(
    "text",
    [
        "Our developer: you are in good hands with her.",
        "Password: required for the admin area, reset via e-mail link.",
        "Set API_KEY=your_key_here in the .env file.",
        "The access token is refreshed every hour.",
    ],
)
def test_ordinary_words_never_refuse_the_whole_text(text: str) -> None:
    assert check(text).text == text


def _draft(**overrides: object) -> ProposalDraft:
    fields: dict[str, object] = {
        "proposal_text": "Hello, I am ready.",
        "cover_letter": "Thanks",
        "portfolio_items": [PortfolioItem(title="Shop", description="A store", skills=["React"])],
        "pricing_breakdown": PricingBreakdown(items=[PricingItem(item="Build", amount=100.0)], total=100.0),
        "engine": "openai:test",
        "usage": TokenUsage(),
        "content_warnings": ["pricing:below_market"],
    }
    fields.update(overrides)
    return ProposalDraft.model_validate(fields)


def test_scrub_checks_every_nested_string_and_keeps_existing_warnings() -> None:
    draft = _draft(
        portfolio_items=[
            PortfolioItem(
                title="Shop <b>x</b>",
                description="Call +44 20 7946 0958",
                skills=["React", "me@x.io", "<i></i>"],
            )
        ],
        pricing_breakdown=PricingBreakdown(
            items=[PricingItem(item="ghp_" + "x1" * 18, amount=1.0)], total=1.0
        ),
    )

    checked, warnings = scrub(draft)

    item = checked.portfolio_items[0]
    assert (item.title, item.description) == ("Shop x", "Call [phone removed]")
    assert item.skills == ["React", "[email removed]"]  # the emptied skill is dropped
    assert checked.pricing_breakdown.items[0].item == "[secret removed]"
    assert checked.content_warnings == ["pricing:below_market", *warnings]
    assert set(warnings) == {"removed:html", "redacted:phone", "redacted:email", "redacted:secret"}


def test_scrub_reaches_an_async_job_result() -> None:
    job = AiJob(job_id="j", status="succeeded", result=_draft(cover_letter="Mail jane@example.com"))

    checked, warnings = scrub(job)

    assert checked.result is not None
    assert checked.result.cover_letter == "Mail [email removed]"
    assert checked.result.content_warnings == ["pricing:below_market", "redacted:email"]
    assert warnings == ["redacted:email"]


def test_scrub_returns_a_clean_reply_untouched() -> None:
    draft = _draft()
    checked, warnings = scrub(draft)
    assert checked is draft
    assert warnings == []


LAZY_PROBE = """
import sys
import functions.ai.app, functions.ai_worker.app
from bidcraft.ai import safety
before = sorted(m for m in ('phonenumbers', 'stdnum') if m in sys.modules)
safety.check('plain words, no number at all')
quiet = sorted(m for m in ('phonenumbers', 'stdnum') if m in sys.modules)
safety.check('Call +44 20 7946 0958 or pay 4539 1488 0343 6467')
print(before, quiet, sorted(m for m in ('phonenumbers', 'stdnum') if m in sys.modules))
"""


def test_number_libraries_are_imported_only_when_a_text_holds_a_candidate() -> None:
    """Cold start: the AI function and worker import neither library; the first candidate number does."""
    assert fresh_interpreter.lines(LAZY_PROBE)[0] == "[] [] ['phonenumbers', 'stdnum']"


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_the_check_is_stable_and_leaves_no_tag(text: str) -> None:
    """Checking a checked text changes nothing more, and no tag survives, however the pieces are glued."""
    once = check(text).text
    assert check(once).text == once
    assert not any(once[i] == "<" and once[i + 1 : i + 2].isalpha() for i in range(len(once)))
