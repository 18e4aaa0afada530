"""The success model learns from a freelancer's own history, over HTTP on the local stack: a sandbox account
with 400 past proposals signs in, its history is synced, and `POST /api/ai/predict/success` reports the
decided proposals it learned from and moves the estimate the way the account's record points."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from bidcraft.ai.success_model import params
from devserver.sandbox.data import build_account
from tests.e2e.session import sign_in

pytestmark = pytest.mark.e2e

SYNC_WAIT_SECONDS = 240.0
PROPOSALS = 400
DECIDED = {"hired", "declined", "archived"}
PREDICT: dict[str, Any] = {
    "project_category": "web_development",
    "budget": 5_000,
    "bid": 4_800,
    "client_payment_verified": True,
    "proposals_count": 10,
    "project_complexity": "medium",
}


def _predict(http: httpx2.Client, token: str, category: str) -> dict[str, Any]:
    body = {**PREDICT, "project_category": category}
    reply = http.post("/api/ai/predict/success", json=body, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def test_the_estimate_learns_from_the_synced_history(http: httpx2.Client, local_stack: Any) -> None:
    # Given a newcomer and a sandbox account with 400 past proposals (synced in after its first sign-in)
    account = f"e2e-predict-{uuid.uuid4().hex[:8]}"
    token = sign_in(http, local_stack.redirect_uri, account=account, proposals=PROPOSALS).access_token
    truth = build_account(account, PROPOSALS, datetime.now(UTC))
    main = truth.profile.categories[0].label  # 70 % of its proposals
    newcomer_token = sign_in(
        http, local_stack.redirect_uri, account=f"e2e-new-{uuid.uuid4().hex[:8]}"
    ).access_token
    newcomer = _predict(http, newcomer_token, main)
    decided = [p for p in truth.proposals if p.status in DECIDED]
    here = [p for p in decided if p.category.label == main]
    rate = sum(p.status == "hired" for p in decided) / len(decided)
    rate_here = sum(p.status == "hired" for p in here) / len(here)

    # When the history has been synced
    deadline = time.monotonic() + SYNC_WAIT_SECONDS
    body = _predict(http, token, main)
    while body["model"]["trained_on"] < len(decided) - 2 and time.monotonic() < deadline:
        time.sleep(1)
        body = _predict(http, token, main)

    # Then the estimate says how many decided proposals it learned from, and follows the record
    assert newcomer["model"]["trained_on"] == 0
    assert abs(body["model"]["trained_on"] - len(decided)) <= 2, (body["model"], len(decided))
    assert body["confidence"] > newcomer["confidence"]
    base = params.load().base_rate  # the account's own rates (in all, in the category) against the prior's
    if rate > base and rate_here > base:
        assert body["success_probability"] > newcomer["success_probability"]
    elif rate < base and rate_here < base:
        assert body["success_probability"] < newcomer["success_probability"]
