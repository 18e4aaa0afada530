"""Saved searches: validation (422 material) and the fingerprint that makes identical searches one."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bidcraft.jobs import filters
from bidcraft.jobs.models import SearchIn


def search(**fields: Any) -> SearchIn:
    return SearchIn.model_validate({"name": "Mine", **fields})


def test_identical_filters_have_one_fingerprint_whatever_the_names_case_and_order() -> None:
    a = search(name="A", query="  Django   API ", skills=["Python", "Django"], alerts={"channel_ids": ["c1"]})
    b = search(name="B", query="django api", skills=["django", "PYTHON"])
    assert filters.fingerprint(a, "service") == filters.fingerprint(b, "service")


def test_different_filters_or_scopes_have_different_fingerprints() -> None:
    a = search(skills=["Python"])
    assert filters.fingerprint(a, "service") != filters.fingerprint(
        search(skills=["Python"], min_budget=100), "service"
    )
    assert filters.fingerprint(a, "user:u1") != filters.fingerprint(a, "user:u2")


def test_request_filters_keep_the_users_spelling_and_leave_defaults_out() -> None:
    body = search(skills=["FastAPI", "python"], category="Web, Mobile & Software Dev")
    assert filters.request_filters(body) == {
        "skills": ["FastAPI", "python"],
        "category": "Web, Mobile & Software Dev",
    }


def test_scope_follows_the_credential_mode() -> None:
    assert filters.scope_for("u1", "service") == "service"
    assert filters.scope_for("u1", "owner") == "user:u1"
    assert filters.owner_of("user:u1") == "u1"
    assert filters.owner_of("service") is None


@pytest.mark.parametrize(
    "fields",
    [
        {},  # nothing to search for
        {"query": "   "},
        {"name": "", "query": "x"},
        {"name": "n" * 81, "query": "x"},
        {"query": "q" * 201},
        {"skills": [f"s{i}" for i in range(21)]},
        {"query": "x", "job_type": "weekly"},
        {"query": "x", "min_budget": "100"},  # a string is not a number
        {"query": "x", "verified_payment_only": "yes"},
        {"query": "x", "alerts": {"channel_ids": [], "min_score": 1.5}},
        {
            "query": "x",
            "alerts": {
                "channel_ids": [],
                "quiet_hours": {"start": "25:00", "end": "07:00", "timezone": "UTC"},
            },
        },
        {
            "query": "x",
            "alerts": {
                "channel_ids": [],
                "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Mars/Base"},
            },
        },
        {"query": "x", "owner": "someone-else"},  # unknown field
    ],
)
def test_invalid_searches_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SearchIn.model_validate({"name": "Mine", **fields})


def test_defaults() -> None:
    body = search(category="Design & Creative", alerts={"channel_ids": ["c1"]})
    assert body.job_type == "any"
    assert body.verified_payment_only is False
    assert body.alerts is not None
    assert body.alerts.min_score == 0.7


def test_a_category_is_one_of_upworks_by_label_or_id_and_both_fingerprint_alike() -> None:
    by_label = search(category="web, mobile & software dev")
    by_id = search(category="531770282580668418")
    assert filters.fingerprint(by_label, "service") == filters.fingerprint(by_id, "service")
    with pytest.raises(ValidationError):
        search(category="Basket weaving")
