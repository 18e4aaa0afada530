"""Job search and job details through the production client against the sandbox (service and user tokens)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bidcraft.upwork import UpworkGraphQL, UpworkNotFound, UpworkOAuth
from bidcraft.upwork.graphql import job_search_filter
from devserver.sandbox import UpworkSandbox

from .helpers import Clock, sign_in


def _publish(sandbox: UpworkSandbox, **fields: Any) -> str:
    response = sandbox.handle(
        "POST", "/_jobs", {}, {"content-type": "application/json"}, json.dumps(fields).encode(), "10.1.1.1"
    )
    assert response.status == 201, response.body
    return str(response.json()["job_id"])


def test_search_with_the_service_token_maps_every_field_upwork_gives(
    sandbox: UpworkSandbox, oauth: UpworkOAuth, api: UpworkGraphQL
) -> None:
    job_id = _publish(
        sandbox,
        title="Frobnicate the Django admin",
        skills=["Django", "Python"],
        category="Web, Mobile & Software Dev",
        type="hourly",
        hourly_min=30,
        hourly_max=60,
        client={
            "payment_verified": True,
            "total_spent": 12500,
            "hires": 8,
            "jobs_posted": 10,
            "rating": 4.8,
            "reviews": 6,
            "country": "Germany",
            "member_since": "2019-03-01T00:00:00Z",
        },
        total_applicants=12,
    )
    token = oauth.client_credentials()

    found = list(api.search_jobs(token.access_token, query="frobnicate", limit=5))

    assert [job.job_id for job in found] == [job_id]
    job = found[0]
    assert job.title == "Frobnicate the Django admin"
    assert job.url == f"https://www.upwork.com/jobs/{job.ciphertext}"
    assert job.contract_type == "hourly"
    assert (job.hourly_min, job.hourly_max, job.budget, job.currency) == (30.0, 60.0, None, "USD")
    assert job.skills == ("Django", "Python")
    assert job.category == "Web, Mobile & Software Dev"
    assert job.total_applicants == 12
    assert job.activity.applicants == 12
    assert job.client.payment_verified is True
    assert (job.client.total_spent, job.client.hires, job.client.jobs_posted) == (12500.0, 8, 10)
    assert job.client.hire_rate == pytest.approx(0.8)
    assert (job.client.rating, job.client.reviews, job.client.country) == (4.8, 6, "Germany")
    assert job.client.member_since is not None
    assert job.client.member_since.year == 2019
    assert job.applied is None  # a client-credentials token has no user who could have applied


def test_what_upwork_did_not_give_stays_absent(
    sandbox: UpworkSandbox, oauth: UpworkOAuth, api: UpworkGraphQL
) -> None:
    _publish(sandbox, title="Sparse quuxbar posting", amount=400)

    job = next(api.search_jobs(oauth.client_credentials().access_token, query="quuxbar"))

    assert job.contract_type == "fixed"
    assert job.budget == 400.0
    assert job.total_applicants is None
    assert job.activity.applicants is None
    assert job.client.model_dump() == {
        "payment_verified": None,
        "total_spent": None,
        "hires": None,
        "jobs_posted": None,
        "hire_rate": None,
        "rating": None,
        "reviews": None,
        "member_since": None,
        "country": None,
    }


def test_newest_first_stopping_at_posted_after_across_pages(
    sandbox: UpworkSandbox, oauth: UpworkOAuth, api: UpworkGraphQL, clock: Clock
) -> None:
    _publish(sandbox, title="Blorft old")
    clock.advance(minutes=10)
    cutoff = clock.now - timedelta(minutes=5)
    newer = []
    for number in range(5):
        newer.append(_publish(sandbox, title=f"Blorft new {number}"))
        clock.advance(seconds=2)
    token = oauth.client_credentials().access_token

    since_cutoff = list(api.search_jobs(token, query="blorft", posted_after=cutoff, page_size=2))
    limited = list(api.search_jobs(token, query="blorft", limit=3, page_size=2))

    assert [job.job_id for job in since_cutoff] == newer[::-1]
    assert [job.job_id for job in limited] == newer[::-1][:3]


def test_filters_reach_upwork_as_its_search_filter(
    sandbox: UpworkSandbox, oauth: UpworkOAuth, api: UpworkGraphQL
) -> None:
    hourly = _publish(sandbox, title="Snorkel hourly", type="hourly", hourly_min=10, hourly_max=20)
    fixed = _publish(sandbox, title="Snorkel fixed", amount=900, client={"payment_verified": True})
    token = oauth.client_credentials().access_token

    def ids(**filters: Any) -> list[str]:
        return [job.job_id for job in api.search_jobs(token, query="snorkel", **filters)]

    assert set(ids()) == {hourly, fixed}
    assert ids(job_type="hourly") == [hourly]
    assert ids(job_type="fixed", min_budget=500) == [fixed]
    assert ids(verified_payment_only=True) == [fixed]


def test_search_filter_is_upworks_shape() -> None:
    built = job_search_filter(
        query=" react native ",
        category="Web, Mobile & Software Dev",
        skills=["React", " TypeScript "],
        job_type="fixed",
        min_budget=99.5,
        min_hourly_rate=25,
        verified_payment_only=True,
    )

    assert built == {
        "searchExpression_eq": "react native",
        "categoryIds_any": ["531770282580668418"],
        "skillExpression_eq": "React,TypeScript",
        "jobType_eq": "FIXED_PRICE",
        "budgetRange_eq": {"rangeStart": 100},
        "hourlyRate_eq": {"rangeStart": 25},
        "verifiedPaymentOnly_eq": True,
    }
    with pytest.raises(ValueError, match="unknown Upwork category"):
        job_search_filter(category="Basket weaving")


def test_get_job_with_a_users_token_and_a_missing_job(
    sandbox: UpworkSandbox, oauth: UpworkOAuth, api: UpworkGraphQL, http: Any
) -> None:
    job_id = _publish(
        sandbox,
        title="Zorp",
        description="Build the zorp.",
        amount=300,
        screening_questions=["Have you built a zorp?", "How long would it take?"],
        client={"payment_verified": False, "country": "Spain"},
    )
    tokens = sign_in(oauth, http, sandbox_user="jobs-reader")

    job = api.get_job(tokens.access_token, job_id)

    assert job.description == "Build the zorp."
    assert job.screening_questions == ("Have you built a zorp?", "How long would it take?")
    assert (job.contract_type, job.budget) == ("fixed", 300.0)
    assert (job.client.payment_verified, job.client.country) == (False, "Spain")
    with pytest.raises(UpworkNotFound):
        api.get_job(tokens.access_token, "404404")
