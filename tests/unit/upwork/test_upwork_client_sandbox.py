"""The production Upwork client against the sandbox, end to end in-process (no network, no server)."""

from __future__ import annotations

from datetime import timedelta

import httpx2
import pytest

from bidcraft.upwork import (
    UpworkAuthError,
    UpworkError,
    UpworkGrantError,
    UpworkGraphQL,
    UpworkOAuth,
    authorize_url,
)
from devserver.sandbox import UpworkSandbox
from devserver.sandbox.shapes import UPWORK_PROPOSAL_STATUS

from .helpers import (
    BASE_URL,
    CHALLENGE,
    CLIENT_ID,
    REDIRECT_URI,
    VERIFIER,
    Clock,
    authorization_code,
    sign_in,
)


def test_authorize_url_carries_the_pkce_request() -> None:
    url = authorize_url(BASE_URL + "/", CLIENT_ID, REDIRECT_URI, "state-1", CHALLENGE, scope="profile")

    assert url.startswith(BASE_URL + "/ab/account-security/oauth2/authorize?")
    query = httpx2.URL(url).params
    assert dict(query) == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "state": "state-1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        "scope": "profile",
    }


def test_sign_in_and_identity(
    oauth: UpworkOAuth,
    api: UpworkGraphQL,
    http: httpx2.Client,
    clock: Clock,
    sandbox: UpworkSandbox,
    unique_user,
) -> None:
    # Given a sandbox user
    user = unique_user("olena")

    # When the service runs the authorization-code flow and reads the identity
    tokens = sign_in(oauth, http, sandbox_user=user, sandbox_proposals="40")
    identity = api.fetch_identity(tokens.access_token)

    # Then the tokens are usable, hidden and dated; the identity is the sandbox account
    assert tokens.expires_at == clock.now + timedelta(hours=24)
    assert tokens.access_token.get_secret_value() not in repr(tokens)
    assert tokens.refresh_token.get_secret_value() not in tokens.model_dump_json()
    account = sandbox.account(user)
    assert account is not None
    assert identity.upwork_user_id == user
    assert identity.name == account.name
    assert identity.email == account.email
    assert identity.profile.profile_id == account.profile.key
    assert identity.profile.title == account.profile.title
    assert identity.profile.hourly_rate == account.profile.hourly_rate
    assert identity.profile.total_earnings == pytest.approx(account.profile.total_earnings)
    assert identity.profile.job_success_score == account.profile.job_success_score


def test_iter_proposals_over_5000_with_rate_limit_retries(
    oauth: UpworkOAuth,
    api: UpworkGraphQL,
    http: httpx2.Client,
    clock: Clock,
    sandbox: UpworkSandbox,
    unique_user,
) -> None:
    # Given an account with 5,000 proposals
    user = unique_user("busy")
    tokens = sign_in(oauth, http, sandbox_user=user, sandbox_proposals="5000")

    # When the client reads them status by status, 40 per page (~130 requests: far above 10 per second)
    proposals = list(api.iter_proposals(tokens.access_token))

    # Then it gets each exactly once, newest first within a status, waiting out each 429
    account = sandbox.account(user)
    assert account is not None
    assert len(proposals) == 5000
    assert sorted(p.proposal_id for p in proposals) == sorted(p.id for p in account.proposals)
    upwork_status = {p.id: UPWORK_PROPOSAL_STATUS[p.status] for p in account.proposals}
    assert all(p.upwork_status == upwork_status[p.proposal_id] for p in proposals)
    assert "viewed" not in {p.status for p in proposals}  # Upwork's API does not say; only events do
    assert clock.sleeps, "130 requests in no time must meet the sandbox's rate limit"
    assert set(clock.sleeps) == {1.0}  # Retry-After honoured
    by_id = {p.proposal_id: p for p in proposals}
    newest = by_id[account.proposals[-1].id]
    source = account.proposals[-1]
    assert newest.submitted_at == source.submitted_at
    assert newest.updated_at == source.updated_at
    assert newest.job_title == source.job_title
    assert newest.category == source.category.label
    assert newest.hourly_rate == source.hourly_rate
    assert newest.budget == source.bid_amount


def test_iter_proposals_filtered_by_upwork_status(
    oauth: UpworkOAuth, api: UpworkGraphQL, http: httpx2.Client, sandbox: UpworkSandbox, unique_user
) -> None:
    user = unique_user()
    tokens = sign_in(oauth, http, sandbox_user=user, sandbox_proposals="300")

    hired = list(api.iter_proposals(tokens.access_token, page_size=40, statuses=["Hired"]))

    account = sandbox.account(user)
    assert account is not None
    assert {p.status for p in hired} == {"hired"}
    assert len(hired) == sum(1 for p in account.proposals if p.status == "hired")


def test_contracts_and_transactions(
    oauth: UpworkOAuth,
    api: UpworkGraphQL,
    http: httpx2.Client,
    clock: Clock,
    sandbox: UpworkSandbox,
    unique_user,
) -> None:
    user = unique_user("earner")
    tokens = sign_in(oauth, http, sandbox_user=user, sandbox_proposals="400")
    account = sandbox.account(user)
    assert account is not None

    contracts = list(api.iter_contracts(tokens.access_token, user, page_size=20))
    payments = list(api.iter_transactions(tokens.access_token, since=clock.now - timedelta(days=800)))

    assert {c.contract_id for c in contracts} == {c.id for c in account.contracts}
    source = {c.id: c for c in account.contracts}
    for contract in contracts:
        truth = source[contract.contract_id]
        assert (contract.title, contract.category) == (truth.title, truth.category.label)
        assert contract.contract_type == truth.contract_type
        assert (contract.hourly_rate, contract.fixed_amount) == (truth.hourly_rate, truth.fixed_amount)
        assert contract.ended_at == truth.ended_at
    assert {c.proposal_id for c in contracts} == {p.id for p in account.proposals if p.status == "hired"}
    assert {c.status for c in contracts} <= {"active", "paused", "closed"}
    assert all((c.hourly_rate is None) != (c.fixed_amount is None) for c in contracts)
    assert [p.payment_id for p in payments] == [p.id for p in account.payments]
    assert sum(p.amount for p in payments) == pytest.approx(account.profile.total_earnings)
    assert {p.contract_id for p in payments} <= {c.contract_id for c in contracts}


def test_market_search(
    oauth: UpworkOAuth, api: UpworkGraphQL, http: httpx2.Client, sandbox: UpworkSandbox
) -> None:
    tokens = sign_in(oauth, http)

    found = api.search_freelancers(
        tokens.access_token, "531770282580668418", ["Python", "AWS Lambda"], limit=60, enrich_top=3
    )
    jobs = list(api.search_jobs(tokens.access_token, query="python", limit=7, page_size=5))

    competitors = found.freelancers
    assert found.total_count is not None
    assert found.total_count > len(competitors) == 60  # Upwork's total for the filter, not the sample
    assert all(c.hourly_rate and c.hourly_rate > 0 for c in competitors)
    assert {"Python", "AWS Lambda"} & set(competitors[0].skills)
    market = sandbox.market().freelancers_by_key
    for competitor in competitors[:3]:
        assert competitor.job_success_score == market[competitor.profile_key].job_success_score
    assert all(c.job_success_score is None for c in competitors[3:])
    assert len(jobs) == 7
    assert all(job.posted_at is not None and job.contract_type in {"hourly", "fixed"} for job in jobs)


def test_refresh_rotates_and_revoke_ends_access(
    oauth: UpworkOAuth, api: UpworkGraphQL, http: httpx2.Client, clock: Clock
) -> None:
    tokens = sign_in(oauth, http)
    clock.advance(hours=2)

    rotated = oauth.refresh(tokens.refresh_token)
    oauth.revoke(rotated.refresh_token)

    assert rotated.refresh_token.get_secret_value() != tokens.refresh_token.get_secret_value()
    assert rotated.expires_at == clock.now + timedelta(hours=24)
    with pytest.raises(UpworkAuthError):
        api.fetch_identity(rotated.access_token)
    with pytest.raises(UpworkGrantError) as caught:
        oauth.refresh(tokens.refresh_token)
    assert caught.value.code == "invalid_grant"
    assert caught.value.status == 400


def test_bad_verifier_and_reused_code_are_grant_errors(oauth: UpworkOAuth, http: httpx2.Client) -> None:
    code = authorization_code(http)

    with pytest.raises(UpworkGrantError):
        oauth.exchange_code(code, "A" * 43, REDIRECT_URI)
    with pytest.raises(UpworkGrantError):
        oauth.exchange_code(code, VERIFIER, REDIRECT_URI)


def test_wrong_client_secret_is_an_auth_error_not_a_grant_error(http: httpx2.Client, clock: Clock) -> None:
    oauth = UpworkOAuth(BASE_URL, CLIENT_ID, "wrong-secret", http, clock=clock, sleep=clock.sleep)

    with pytest.raises(UpworkAuthError) as caught:
        oauth.exchange_code(authorization_code(http), VERIFIER, REDIRECT_URI)

    assert not isinstance(caught.value, UpworkGrantError)
    assert caught.value.code == "invalid_client"
    assert caught.value.status == 502
    assert "wrong-secret" not in str(caught.value)


def test_talent_search_refuses_a_category_it_cannot_express(api: UpworkGraphQL) -> None:
    with pytest.raises(UpworkError) as caught:
        api.search_freelancers("unused-token", "0")

    assert caught.value.code == "BAD_USER_INPUT"
