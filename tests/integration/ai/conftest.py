"""AI integration helpers: signed-in users (through the Upwork sandbox), calls to the AI function and worker,
and switches for the engine (offline / a fake OpenAI behind `httpx2.MockTransport`)."""

from __future__ import annotations

import json
import os
import random
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from bidcraft import aws, config
from bidcraft.ai import engine, openai_engine
from devserver.events import sqs_record
from devserver.testing import LocalAws
from tests.integration import session
from tests.integration.audit import audit_actions
from tests.integration.replies import Reply
from tests.unit.ai.fake_openai import FakeOpenAI, by_schema


@dataclass(frozen=True)
class User:
    user_id: str
    token: str
    hourly_rate: float | None


def _test_ip() -> str:
    return f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture(autouse=True)
def _ai_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A generous AI rate limit unless a test lowers it; fresh settings and engine choice per test."""
    monkeypatch.setenv("RATE_LIMIT_AI_OPERATIONS", "1000")
    config.reset()
    engine.reset()
    yield
    monkeypatch.undo()
    config.reset()
    engine.reset()


@pytest.fixture
def sign_up(local_aws: LocalAws, redirect_uri: str) -> Callable[[], User]:
    """A new user signed in through the Upwork sandbox: `sign_up()` → User(user_id, token, hourly_rate)."""

    def _sign_up() -> User:
        signed = session.sign_in(local_aws, redirect_uri, account=session.new_account("ai"), proposals=1)
        profile = signed.reply.json["user"]["upwork_profile"]
        return User(signed.user_id, signed.access_token, profile.get("hourly_rate"))

    return _sign_up


@pytest.fixture
def user(sign_up: Callable[[], User]) -> User:
    return sign_up()


Call = Callable[..., Reply]


@pytest.fixture
def ai(local_aws: LocalAws) -> Call:
    """`ai(method, path, body=None, token=None, headers=None)` → Reply from AiFunction."""

    def _call(
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if token is not None:
            sent["authorization"] = f"Bearer {token}"
        event = local_aws.apigw_event(method, path, body=body, headers=sent, source_ip=_test_ip())
        return Reply.from_raw(local_aws.invoke("AiFunction", event))

    return _call


@pytest.fixture
def run_worker(local_aws: LocalAws) -> Callable[..., dict[str, Any]]:
    """`run_worker(*bodies, receive_count=1)` → the AiWorkerFunction's batch response."""

    def _run(*bodies: str | Mapping[str, Any], receive_count: int = 1) -> dict[str, Any]:
        arn = local_aws.resources.attribute("AiJobsQueue", "Arn")
        records = [
            sqs_record(
                body if isinstance(body, str) else json.dumps(body),
                queue_arn=arn,
                receive_count=receive_count,
                region=local_aws.resources.region,
            )
            for body in bodies
        ]
        result: dict[str, Any] = local_aws.invoke("AiWorkerFunction", {"Records": records})
        return result

    return _run


@pytest.fixture
def ai_queue(local_aws: LocalAws) -> Callable[[], list[dict[str, Any]]]:
    """Drain the AI jobs queue: the message bodies sent so far (parsed)."""
    url = local_aws.resources.ref("AiJobsQueue")

    def _drain() -> list[dict[str, Any]]:
        bodies = []
        while True:
            got = aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = got.get("Messages") or []
            if not messages:
                return bodies
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                aws.client("sqs").delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    return _drain


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch, local_aws: LocalAws) -> Iterator[FakeOpenAI]:
    """Switch the AI code to the OpenAI engine, talking to a fake server through `httpx2.MockTransport`.

    A fresh secret holds a test key (OPENAI_SECRET_ARN points at it), OPENAI_BASE_URL a fake host, and
    `openai_engine.make_http_client` returns a client on the mock transport; retries are off by default."""
    server = FakeOpenAI([by_schema])
    arn = aws.client("secretsmanager").create_secret(
        Name=f"bidcraft-test-openai-{uuid.uuid4().hex[:8]}", SecretString="sk-test-integration-key"
    )["ARN"]
    monkeypatch.setenv("OPENAI_SECRET_ARN", arn)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai.test/v1")
    monkeypatch.setenv("OPENAI_MODEL", "gpt-test")
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
    monkeypatch.setattr(
        openai_engine, "make_http_client", lambda timeout: httpx2.Client(transport=server.transport())
    )
    config.reset()
    engine.reset()
    yield server
    aws.client("secretsmanager").delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def analytics_item(pk: str, sk: str) -> dict[str, Any] | None:
    table = os.environ["ANALYTICS_TABLE"]
    item = (
        aws.client("dynamodb")
        .get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True)
        .get("Item")
    )
    return item


__all__ = ["audit_actions"]
