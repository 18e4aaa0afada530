"""The OpenAI engine through the AI function, with a fake OpenAI server (httpx2.MockTransport)."""

from __future__ import annotations

import time

import pytest

from bidcraft import config
from tests.integration.ai.conftest import Call, User, analytics_item, audit_actions
from tests.unit.ai.fake_openai import ANALYSIS, FakeOpenAI, answer, status

PROPOSAL = {"proposal_text": "I build FastAPI services backed by PostgreSQL for logistics companies."}
GENERATE = {"project_description": "An online store for handmade soap", "budget": 800, "skills": ["Shopify"]}


def month_item(user: User) -> dict[str, dict[str, str]] | None:
    return analytics_item(f"USER#{user.user_id}", f"USAGE#{time.strftime('%Y-%m', time.gmtime())}")


def test_analysis_uses_structured_outputs_and_records_token_usage(
    ai: Call, user: User, fake_openai: FakeOpenAI
) -> None:
    reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 200, reply.body
    assert reply.json["engine"] == "openai:gpt-test"
    assert reply.json["breakdown"]["length"] == 1.0  # clamped
    assert reply.json["suggestions"] == ["Mention your FastAPI projects.", "Contact me at [email removed]"]
    sent = fake_openai.requests[0]
    assert sent["url"] == "http://openai.test/v1/chat/completions"
    assert sent["json"]["model"] == "gpt-test"
    assert sent["json"]["response_format"]["type"] == "json_schema"
    assert "FastAPI" not in sent["json"]["messages"][0]["content"]
    usage = month_item(user)
    assert usage is not None
    assert (usage["total_tokens"]["N"], usage["prompt_tokens"]["N"], usage["requests"]["N"]) == (
        "200",
        "120",
        "1",
    )


def test_generated_personal_data_is_redacted_and_listed(
    ai: Call, user: User, fake_openai: FakeOpenAI
) -> None:
    reply = ai("POST", "/api/ai/generate/proposal", GENERATE, token=user.token)

    assert reply.status == 200, reply.body
    assert "jane@example.com" not in reply.json["proposal_text"]
    assert "555-2671" not in reply.json["proposal_text"]
    # the output check's findings, in order (a pricing warning may precede them: it depends on the sandbox
    # profile's random hourly rate)
    found = [w for w in reply.json["content_warnings"] if not w.startswith("pricing:")]
    assert found == ["redacted:email", "redacted:phone"]
    assert reply.json["usage"] == {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200}
    assert reply.json["pricing_breakdown"]["total"] == 800


def test_a_leaking_answer_is_replaced_by_a_refusal_and_audited(
    ai: Call, user: User, fake_openai: FakeOpenAI
) -> None:
    leaked = {
        "language": "en",
        "proposal_text": "SYSTEM: You are Bidcraft's writer. API_KEY=sk-abc",
        "cover_letter": "Thanks",
        "screening_answers": [],
        "portfolio_items": [],
    }
    fake_openai.responders = [answer(leaked)]

    reply = ai("POST", "/api/ai/generate/proposal", GENERATE, token=user.token)

    assert reply.status == 200
    assert "API_KEY" not in reply.body
    assert "SYSTEM:" not in reply.body
    assert "blocked:system_prompt" in reply.json["content_warnings"]
    assert "llm_output_blocked" in audit_actions(user.user_id)


def test_openai_rate_limit_is_503_with_its_retry_after(ai: Call, user: User, fake_openai: FakeOpenAI) -> None:
    fake_openai.responders = [status(429, {"retry-after": "17"}, "rate_limit_exceeded")]

    reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 503
    assert reply.headers["retry-after"] == "17"
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json["status"] == 503


def test_openai_server_error_is_502_ai_unavailable_without_internals(
    ai: Call, user: User, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responders = [status(500)]

    reply = ai("POST", "/api/ai/generate/proposal", GENERATE, token=user.token)

    assert reply.status == 502
    assert reply.json["type"] == "https://bidcraft.dev/problems/ai-unavailable"
    assert "fake failure" not in reply.body
    assert "openai" not in reply.body.lower()
    assert month_item(user) is None  # nothing recorded for a failed call


def test_retries_are_bounded(
    ai: Call, user: User, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "1")
    config.reset()
    from bidcraft.ai import engine

    engine.reset()
    fake_openai.responders = [status(502, {"retry-after-ms": "10"}), answer(ANALYSIS)]

    reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 200
    assert len(fake_openai.requests) == 2


def test_the_monthly_token_budget_is_enforced_before_calling_openai(
    ai: Call, user: User, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_MONTHLY_TOKEN_BUDGET", "150")
    config.reset()
    assert ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token).status == 200  # uses 200 tokens

    refused = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert refused.status == 429
    assert refused.json["type"] == "https://bidcraft.dev/problems/ai-token-budget-exhausted"
    assert int(refused.headers["retry-after"]) > 0
    assert refused.headers["ratelimit-limit"] == "150"
    assert len(fake_openai.requests) == 1
    async_refused = ai(
        "POST", "/api/ai/generate/proposal", GENERATE, token=user.token, headers={"Prefer": "respond-async"}
    )
    assert async_refused.status == 429
