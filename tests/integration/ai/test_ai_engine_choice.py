"""Which engine answers when the OpenAI secret cannot be read (issue 10 item 15): a key configured as absent
(`none`, `offline`) is the offline engine, as API.md says; a secret that is missing or not readable by the
function is a misconfiguration — an error log line, a metric and a 500, never a silent switch to offline."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from botocore.stub import Stubber

from bidcraft import aws, config
from bidcraft.ai import engine
from tests.integration.ai.conftest import Call, User

PROPOSAL = {"proposal_text": "I build FastAPI services backed by PostgreSQL for logistics companies."}


@pytest.fixture
def openai_secret(monkeypatch: pytest.MonkeyPatch):
    """`openai_secret(value)`: point OPENAI_SECRET_ARN at a new secret holding `value` (None: at a secret that
    does not exist). Other cached secrets (the token-signing key) stay cached, so a stubbed failure hits this
    one read."""
    made: list[str] = []

    def _point(value: str | None) -> str:
        name = f"bidcraft-test-openai-{uuid.uuid4().hex[:8]}"
        secret_id = name
        if value is not None:
            secret_id = aws.client("secretsmanager").create_secret(Name=name, SecretString=value)["ARN"]
            made.append(secret_id)
        monkeypatch.setenv("OPENAI_SECRET_ARN", secret_id)
        config.reset()
        engine.reset()
        return secret_id

    yield _point
    for secret_id in made:
        aws.client("secretsmanager").delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)


def _misconfiguration_metrics(stdout: str) -> list[dict]:
    """The CloudWatch embedded-metric-format documents printed for the `Misconfiguration` metric."""
    found = []
    for line in stdout.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            document = json.loads(line)
            names = [m["Name"] for d in document["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]]
            if "Misconfiguration" in names:
                found.append(document)
    return found


@pytest.mark.parametrize("value", ["none", "offline", " "])
def test_a_key_configured_as_absent_is_the_offline_engine(
    ai: Call, user: User, openai_secret, value: str
) -> None:
    openai_secret(value)

    reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 200, reply.body
    assert reply.json["engine"] == "offline"


def test_a_missing_openai_secret_is_a_500_with_an_error_log_and_a_metric(
    ai: Call, user: User, openai_secret, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given OPENAI_SECRET_ARN names a secret that does not exist
    openai_secret(None)
    capsys.readouterr()

    # When an AI route is called
    with caplog.at_level(logging.ERROR):
        reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    # Then the answer is a misconfiguration, not an offline result
    assert reply.status == 500
    assert reply.json["type"] == "https://bidcraft.dev/problems/misconfigured"
    assert "engine" not in reply.json
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.getMessage() == "misconfigured"]
    assert errors
    assert getattr(errors[0], "error", None) == "ResourceNotFoundException"
    metrics = _misconfiguration_metrics(capsys.readouterr().out)
    assert metrics
    assert metrics[0]["component"] == "secrets"


def test_access_denied_to_the_openai_secret_is_a_500(ai: Call, user: User, openai_secret) -> None:
    openai_secret("sk-a-key-the-function-may-not-read")
    client = aws.client("secretsmanager")

    with Stubber(client) as stub:
        stub.add_client_error("get_secret_value", "AccessDeniedException", http_status_code=400)
        reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 500
    assert reply.json["type"] == "https://bidcraft.dev/problems/misconfigured"


def test_a_throttled_secret_read_is_a_503_not_the_offline_engine(ai: Call, user: User, openai_secret) -> None:
    openai_secret("sk-a-key")
    client = aws.client("secretsmanager")

    with Stubber(client) as stub:
        stub.add_client_error("get_secret_value", "ThrottlingException", http_status_code=400)
        reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 503
    assert reply.json["type"] == "https://bidcraft.dev/problems/service-unavailable"
