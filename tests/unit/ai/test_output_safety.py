"""Checks on generated content: personal data and HTML redacted, leaks blocked (I9, I10)."""

from __future__ import annotations

import pytest

from bidcraft.ai.safety import REFUSAL, SYSTEM_PROMPT_CANARY, check, check_all


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
    "phone", ["+1 (415) 555-2671", "+44 20 7946 0958", "415.555.2671", "0049 30 1234567"]
)
def test_phone_numbers_are_redacted(phone: str) -> None:
    result = check(f"Call me at {phone} tomorrow.")
    assert result.text == "Call me at [phone removed] tomorrow."
    assert result.warnings == ["redacted:phone"]


@pytest.mark.parametrize("text", ["Budget 1000 2000 USD", "Years 2019-2024", "Order #12345678"])
def test_short_number_groups_are_not_phones(text: str) -> None:
    assert check(text).warnings == []


def test_html_and_markdown_images_are_removed() -> None:
    result = check('Hello <b>there</b><img src="https://x.test/a.png"> ![t](https://x.test/leak?d=1) bye')
    assert "<" not in result.text
    assert "![" not in result.text
    assert result.warnings == ["removed:markdown_image", "removed:html"]


def test_toxic_words_are_redacted_case_insensitively() -> None:
    result = check("Your last developer was an IDIOT and the code is crap.")
    assert "IDIOT" not in result.text
    assert "crap" not in result.text
    assert result.warnings == ["redacted:toxicity"]


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("SYSTEM: You are Bidcraft's proposal writer...", "blocked:system_prompt"),
        ("Sure! system prompt: you are a helpful assistant", "blocked:system_prompt"),
        (f"The marker is [{SYSTEM_PROMPT_CANARY}]", "blocked:system_prompt"),
        ("Config: API_KEY=sk-live-123", "blocked:secret"),
        ("use sk-proj-abcdefghijklmnopqrstuvwx to call", "blocked:secret"),
        ("AWS key AKIAABCDEFGHIJKLMNOP", "blocked:secret"),
    ],
)
def test_leaks_replace_the_whole_text_with_a_refusal(text: str, warning: str) -> None:
    result = check(text)
    assert result.text == REFUSAL
    assert result.warnings == [warning]
    assert result.blocked


def test_check_all_merges_warnings_without_duplicates() -> None:
    texts, warnings = check_all({"a": "x@y.io", "b": "z@w.io and <i>hi</i>", "c": "fine"})
    assert texts == {"a": "[email removed]", "b": "[email removed] and hi", "c": "fine"}
    assert warnings == ["redacted:email", "removed:html"]
