"""The dev server in-process on a free port, serving a fixture template's fake functions over HTTP."""

from __future__ import annotations

import http.client
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import httpx2
import pytest

from devserver.__main__ import banner
from devserver.stack import RunningStack, start_stack

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    saved = dict(os.environ)
    running = start_stack(
        FIXTURES / "template.yaml",
        port=0,
        quiet=True,
        environ={"AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"]},
        stack_name=f"devserver-test-{uuid.uuid4().hex[:6]}",
    )
    running.server.start_in_thread()
    running.start_pollers(retry_delay=0)
    try:
        yield running
    finally:
        running.stop()  # the emulator is external here: only the server and pollers stop
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def client(stack: RunningStack) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=stack.base_url, timeout=10.0, follow_redirects=False) as client:
        yield client


def test_a_route_invokes_its_function_with_a_payload_2_0_event(
    client: httpx2.Client, stack: RunningStack
) -> None:
    response = client.get("/items/a%20b?x=1&x=2", headers={"Cookie": "s=1"})

    assert response.status_code == 200
    body = response.json()
    event = body["event"]
    assert event["routeKey"] == "GET /items/{item_id}"
    assert event["pathParameters"] == {"item_id": "a b"}
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["cookies"] == ["s=1"]
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"
    assert body["function"].endswith("EchoFunction")
    assert 0 < body["remaining_ms"] <= 5000
    assert body["env"] == {
        "FAKE_STAGE": "test",
        "FAKE_TABLE": stack.resources.ref("FakeTable"),
        "LOCAL_STACK": "true",
        "POWERTOOLS_SERVICE_NAME": "echo",
    }
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]


def test_unmatched_requests_go_to_the_default_route(client: httpx2.Client) -> None:
    response = client.delete("/elsewhere")

    assert response.json()["event"]["routeKey"] == "$default"


def test_a_plain_result_is_json(client: httpx2.Client) -> None:
    response = client.get("/api/plain")

    assert (response.status_code, response.json()) == (200, {"plain": True})
    assert response.headers["content-type"] == "application/json"


def test_an_exception_is_a_502_problem_without_internals(client: httpx2.Client) -> None:
    response = client.get("/api/boom", headers={"X-Request-Id": "boom-1"})

    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "boom-1"
    assert response.json()["type"] == "https://bidcraft.dev/problems/internal"
    assert "secret internal detail" not in response.text


def test_a_function_can_call_the_sandbox_on_the_same_server(client: httpx2.Client) -> None:
    response = client.get("/api/sandbox")

    assert response.json() == {"sandbox_status": 200}


def test_the_function_url_is_served_at_webhooks_upwork(client: httpx2.Client) -> None:
    response = client.post(
        "/webhooks/upwork", content=b'{"type": "x"}', headers={"Content-Type": "application/json"}
    )

    event = response.json()["event"]
    assert response.json()["function"].endswith("HookFunction")
    assert event["routeKey"] == "$default"
    assert event["requestContext"]["accountId"] == "anonymous"
    assert event["body"] == '{"type": "x"}'


def test_bodies_over_10_mb_are_refused_with_413(stack: RunningStack) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stack.server.port, timeout=10)
    connection.putrequest("POST", "/api/upload")
    connection.putheader("Content-Length", str(10 * 1024 * 1024 + 1))
    connection.endheaders()

    response = connection.getresponse()

    assert response.status == 413
    assert response.getheader("content-type") == "application/problem+json"
    connection.close()


def test_cors_is_applied_as_configured(client: httpx2.Client) -> None:
    preflight = client.options(
        "/items/1", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"}
    )
    actual = client.get("/items/1", headers={"Origin": "https://app.example.com"})
    foreign = client.get("/items/1", headers={"Origin": "https://evil.example"})

    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
    assert actual.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in foreign.headers


def test_schedules_fire_on_demand(client: httpx2.Client) -> None:
    response = client.post("/_local/schedule/CronFunction")

    assert response.status_code == 200
    (result,) = response.json()["results"]
    assert result["fired_by"] == "Scheduled Event"
    assert client.post("/_local/schedule/EchoFunction").status_code == 404


def test_status_reports_what_is_emulated(client: httpx2.Client, stack: RunningStack) -> None:
    status = client.get("/_local/status").json()

    assert status["api"] == stack.base_url
    assert status["tables"] == {"FakeTable": stack.resources.ref("FakeTable")}
    assert status["queues"]["FakeJobsQueue"]["redrive_policy"]["maxReceiveCount"] == 2
    assert status["functions"]["WorkerFunction"]["queues"] == [
        stack.resources.attribute("FakeJobsQueue", "Arn")
    ]
    assert status["sandbox"]["url"] == f"{stack.base_url}/_sandbox/upwork"


def test_queue_messages_reach_the_worker_and_failures_end_in_the_dlq(stack: RunningStack) -> None:
    sqs: Any = boto3.session.Session(region_name=stack.resources.region).client(
        "sqs", endpoint_url=stack.resources.endpoint_url
    )
    marker = f"ok-{uuid.uuid4().hex[:6]}"
    sqs.send_message(QueueUrl=stack.resources.ref("FakeJobsQueue"), MessageBody=marker)
    sqs.send_message(QueueUrl=stack.resources.ref("FakeJobsQueue"), MessageBody="fail")
    dlq = stack.resources.ref("FakeJobsDeadLetterQueue")

    deadline = time.monotonic() + 15
    dead: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not dead:
        dead = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"], WaitTimeSeconds=1).get(
            "Messages", []
        )

    # The failing message was received twice (maxReceiveCount in the fixture template), then dead-lettered;
    # the good one was deleted after its first, successful batch.
    assert [m["Body"] for m in dead] == ["fail"]
    assert int(dead[0]["Attributes"]["ApproximateReceiveCount"]) >= 2 + 1  # the worker's 2 (or more) + ours
    left = sqs.get_queue_attributes(
        QueueUrl=stack.resources.ref("FakeJobsQueue"),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert left == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def test_the_banner_tells_a_newcomer_where_everything_is(stack: RunningStack) -> None:
    text = banner(stack, 0.42)

    assert "ready in 0.42s" in text
    assert f"API       {stack.base_url}" in text
    assert f"{stack.base_url}/docs" in text
    assert f"POST {stack.base_url}/_local/schedule/CronFunction" in text
    assert f"sandbox at {stack.base_url}/_sandbox/upwork/" in text
    assert "Worker    WorkerFunction <- " in text
    assert "(external endpoint, us-east-1)" in text  # the session's emulator, not one of its own


# -------------------------------------------------------------------------------- functions in containers


def test_each_function_runs_with_its_own_environment(client: httpx2.Client) -> None:
    echo = client.get("/items/env").json()["env"]
    hook = client.post("/webhooks/upwork", json={}).json()["env"]

    assert echo["POWERTOOLS_SERVICE_NAME"] == "echo"
    assert hook["POWERTOOLS_SERVICE_NAME"] is None  # HookFunction does not set it: nothing leaks across


def test_overlapping_requests_run_concurrently_in_separate_containers(client: httpx2.Client) -> None:
    # Given two requests to the same function sent at once
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda _: client.get("/api/sleep", params={"seconds": "1"}), range(2)))

    # Then each ran in a container of its own, and their runs overlapped in time
    first, second = (reply.json() for reply in replies)
    assert first["pid"] != second["pid"]
    assert first["started"] < second["ended"]
    assert second["started"] < first["ended"]


def test_an_invocation_past_the_timeout_ends_its_container_and_the_next_one_works(
    client: httpx2.Client,
) -> None:
    before = client.get("/api/sleep", params={"seconds": "0"}).json()["pid"]

    late = client.get("/api/sleep", params={"seconds": "30"})  # the fixture's functions time out after 5 s

    assert late.status_code == 502
    assert late.headers["content-type"].startswith("application/problem+json")
    after = client.get("/api/sleep", params={"seconds": "0"})
    assert after.status_code == 200
    assert after.json()["pid"] != before  # the timed-out container (the last idle one, reused) was ended


def test_status_lists_the_processes_that_run_each_function(client: httpx2.Client) -> None:
    served_by = client.get("/api/sleep", params={"seconds": "0"}).json()["pid"]

    processes = client.get("/_local/status").json()["processes"]

    assert processes["devserver"] == os.getpid()  # this stack runs in the test's process
    assert served_by in processes["containers"]["EchoFunction"]
    assert served_by != os.getpid()
