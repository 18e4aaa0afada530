"""Offline drafting: templates per tone, pricing that adds up, estimates without a budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bidcraft.ai.generation import DEFAULT_HOURLY_RATE, PHASES, draft, estimate_total, price, timeline_days
from bidcraft.ai.models import ProposalGenerationRequest


def request(**fields: object) -> ProposalGenerationRequest:
    return ProposalGenerationRequest.model_validate(
        {"project_description": "E-commerce website development with a custom checkout.", **fields}
    )


def test_pricing_splits_the_budget_exactly() -> None:
    result = draft(request(budget=5_000, skills=["React", "Node.js", "MongoDB"], timeline="2 months"))
    assert sum(item.amount for item in result.pricing_items) == 5_000
    assert [i.item.split(" (")[0] for i in result.pricing_items] == [name for name, _ in PHASES]
    assert result.pricing_items[1].item == "Implementation (React, Node.js, MongoDB)"


@given(st.floats(min_value=0.01, max_value=10_000_000, allow_nan=False))
def test_price_items_always_add_up_to_the_total_to_the_cent(total: float) -> None:
    items = price(round(total, 2), [])
    assert round(sum(round(i.amount * 100) for i in items)) == round(round(total, 2) * 100)


def test_the_draft_uses_the_description_skills_and_timeline() -> None:
    result = draft(request(budget=1_200, skills=["Shopify"], timeline="3 weeks"))
    assert "e-commerce website development" in result.proposal_text.lower()
    assert "Shopify" in result.proposal_text
    assert "Shopify" in result.cover_letter
    assert "within 3 weeks" in result.proposal_text
    assert [p.skills for p in result.portfolio_items] == [["Shopify"]]


@pytest.mark.parametrize("tone", ["professional", "friendly", "confident", "concise"])
def test_each_tone_has_its_own_wording(tone: str) -> None:
    texts = {
        t: draft(request(tone=t)).proposal_text for t in ("professional", "friendly", "confident", "concise")
    }
    assert len(set(texts.values())) == 4
    assert draft(request(tone=tone)).proposal_text == texts[tone]  # deterministic


def test_without_budget_the_total_is_estimated_from_the_timeline_and_rate() -> None:
    assert timeline_days("2 weeks") == 10
    assert timeline_days("about 1.5 months") == 31.5
    assert timeline_days("asap") is None
    assert estimate_total("2 weeks", 80) == 10 * 6 * 80
    assert estimate_total(None, None) == 40 * DEFAULT_HOURLY_RATE
    result = draft(request(timeline="1 week"), hourly_rate=100)
    assert sum(i.amount for i in result.pricing_items) == 5 * 6 * 100
