"""The AI-jobs worker's queue message (`worker.JobMessage.parse`): the shape `jobs.enqueue` writes, checked by
hand (no pydantic model at start-up); anything else is dropped as malformed, never retried."""

from __future__ import annotations

import json

import pytest

from bidcraft.ai.worker import JobMessage, process

GOOD = {"job_id": "j1", "user_id": "u1", "kind": "generate_proposal", "request": {"project_description": "x"}}


def test_the_message_enqueue_writes_is_read_back_and_other_members_are_ignored() -> None:
    body = json.dumps({**GOOD, "sent_at": "2026-01-01T00:00:00Z"})

    message = JobMessage.parse(body)

    assert message == JobMessage("j1", "u1", "generate_proposal", {"project_description": "x"})


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '"text"',
        "null",
        json.dumps({key: value for key, value in GOOD.items() if key != "kind"}),
        json.dumps({**GOOD, "job_id": 7}),
        json.dumps({**GOOD, "user_id": None}),
        json.dumps({**GOOD, "request": ["not", "an", "object"]}),
        '{"job_id": "j1", "user_id": "u1", "kind": "k", "request": {}, "n": ' + "9" * 5_000 + "}",
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_anything_else_is_malformed_and_dropped(body: str) -> None:
    assert JobMessage.parse(body) is None
    assert process(body) == "malformed"  # dropped before any storage call
