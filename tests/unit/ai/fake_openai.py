"""A fake OpenAI-compatible server for `httpx2.MockTransport`: canned chat completions, errors, and a log of
what was sent (so tests can check where user text went)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

ANALYSIS = {
    "breakdown": {
        "relevance": 0.9,
        "evidence": 0.8,
        "specificity": 0.6,
        "originality": 1.0,
        "clarity": 0.7,
        "length": 1.4,  # out of range on purpose: the engine clamps
    },
    "suggestions": ["Mention your FastAPI projects.", "Contact me at bob@example.com"],
    "keywords": ["FastAPI", "PostgreSQL"],
    "confidence": 0.85,
}
DRAFT = {
    "language": "en",
    "proposal_text": "Hello! I can build your store. Reach me at jane@example.com or +1 (415) 555-2671.",
    "cover_letter": "Thank you for considering my proposal.",
    "screening_answers": [],
    "portfolio_items": [{"title": "Shop", "description": "A React store", "skills": ["React"]}],
}


def completion(
    document: dict[str, Any], *, prompt_tokens: int = 120, completion_tokens: int = 80
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": json.dumps(document), "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


Responder = Callable[[httpx2.Request, dict[str, Any]], httpx2.Response]


@dataclass
class FakeOpenAI:
    """Answers each call with the next responder; the last one repeats."""

    responders: list[Responder] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        payload = json.loads(request.content or b"{}")
        self.requests.append({"url": str(request.url), "headers": dict(request.headers), "json": payload})
        responder = self.responders[min(len(self.requests), len(self.responders)) - 1]
        return responder(request, payload)

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handler)


def answer(document: dict[str, Any]) -> Responder:
    return lambda _request, _payload: httpx2.Response(200, json=completion(document))


def by_schema(request: httpx2.Request, payload: dict[str, Any]) -> httpx2.Response:
    """Answer an analysis or a draft, whichever schema the request asks for."""
    name = payload.get("response_format", {}).get("json_schema", {}).get("name", "")
    return httpx2.Response(200, json=completion(ANALYSIS if "Analysis" in name else DRAFT))


def status(code: int, headers: dict[str, str] | None = None, error_code: str = "server_error") -> Responder:
    body = {"error": {"message": "fake failure", "type": error_code, "code": error_code}}
    return lambda _request, _payload: httpx2.Response(code, json=body, headers=headers or {})
