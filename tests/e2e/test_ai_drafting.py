"""Drafts on the local stack: the user's own Upwork record grounds the draft, and the job's language rules.

The record arrives as it does in production: signed `proposal.created` / `proposal.updated` events through
the receiver and the events queue; a won proposal is evidence a draft may cite. All over HTTP, offline engine.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in
from tests.e2e.test_events_flow import _eventually, _post_signed

pytestmark = pytest.mark.e2e

WON = "Shopify theme customization for a cosmetics brand"
JOB = {
    "project_description": "We need a Shopify store for our handmade soap, with a Stripe checkout. "
    "Do you have examples of Shopify stores you built?",
    "skills": ["Shopify", "Stripe"],
    "budget": 1500,
    "timeline": "3 weeks",
}


def _event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "timestamp": datetime.now(UTC).isoformat(), "data": data}


def test_a_draft_cites_the_users_own_won_work(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    # Given a freelancer whose record (delivered as signed events) holds one won Shopify job
    account = f"e2e-dr-{uuid.uuid4().hex[:10]}"
    auth = sign_in(http, local_stack.redirect_uri, account=account).headers
    proposal_id = f"p-{uuid.uuid4().hex[:8]}"
    for kind, data in (
        ("proposal.created", {"job_title": WON, "category": "Web Development", "budget": 900,
                              "submitted_at": "2024-03-01T10:00:00Z"}),
        ("proposal.updated", {"status": "hired", "occurred_at": "2024-03-05T10:00:00Z"}),
    ):  # fmt: skip
        event = _event(kind, {"proposal_id": proposal_id, "freelancer_id": account, **data})
        sent = _post_signed(http, local_stack.webhook_secret, f"msg_{uuid.uuid4().hex}", event)
        assert sent.status_code == 202, sent.text

    # When they draft for a Shopify job (once the queue worker has applied the events)
    def draft() -> dict[str, Any] | None:
        reply = http.post("/api/ai/generate/proposal", json=JOB, headers=auth)
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        # Without a record the portfolio suggests the job's skills: wait for the record, not for any portfolio
        return body if "my record is" in body["proposal_text"] else None

    body = _eventually(draft, timeout=30.0)

    # Then the draft cites that work, with its price, where the client asked for examples
    assert body is not None, "the won proposal never reached the draft"
    assert [item["title"] for item in body["portfolio_items"]] == [WON]
    answer = next(line for line in body["proposal_text"].splitlines() if "Do you have examples" in line)
    assert f"The closest work in my record is “{WON}” (fixed price, 900 USD)." in answer
    assert body["pricing_breakdown"]["total"] == 1500


def test_without_a_record_the_draft_claims_nothing(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = sign_in(http, local_stack.redirect_uri, account=f"e2e-dr-{uuid.uuid4().hex[:10]}").headers

    reply = http.post("/api/ai/generate/proposal", json=JOB, headers=auth)

    assert reply.status_code == 200, reply.text
    assert "my record is" not in reply.json()["proposal_text"]
    assert "has no contract that matches this exactly" in reply.json()["proposal_text"]


def test_a_spanish_job_is_answered_in_spanish(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    auth = sign_in(http, local_stack.redirect_uri, proposals=1).headers

    reply = http.post(
        "/api/ai/generate/proposal",
        json={
            "project_description": "Necesitamos una tienda online en WooCommerce con pasarela de pago. "
            "¿Cuánto tiempo tardarías?",
            "budget": 900,
            "timeline": "de 2 a 3 semanas",
        },
        headers=auth,
    )

    assert reply.status_code == 200, reply.text
    text = reply.json()["proposal_text"]
    assert "«¿Cuánto tiempo tardarías?» — Planifico todo el alcance en 2–3 semanas" in text
    prose = re.sub(r"«[^»]*»", " ", text)
    assert not {"the", "and", "with", "your", "will"} & {w.lower() for w in re.findall(r"\w+", prose)}
