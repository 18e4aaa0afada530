"""The helpers integration tests build events and call handlers with (devserver.testing.LocalAws)."""

from __future__ import annotations

import json

from devserver.testing import LocalAws, random_test_ip


def test_apigw_event_gets_the_route_key_and_path_parameters_of_the_template(local_aws: LocalAws) -> None:
    event = local_aws.apigw_event(
        "POST", "/auth/upwork/init", body={"redirect_uri": "x"}, query={"a": ["1", "2"]}
    )

    assert event["routeKey"] == "ANY /auth/{proxy+}"
    assert event["pathParameters"] == {"proxy": "upwork/init"}
    assert event["headers"]["content-type"] == "application/json"
    assert json.loads(event["body"]) == {"redirect_uri": "x"}
    assert event["queryStringParameters"] == {"a": "1,2"}
    assert event["requestContext"]["http"]["sourceIp"].startswith("198.1")


def test_unknown_paths_get_the_default_route(local_aws: LocalAws) -> None:
    assert local_aws.apigw_event("GET", "/nowhere?x=1")["routeKey"] == "$default"
    assert local_aws.apigw_event("GET", "/nowhere?x=1")["rawQueryString"] == "x=1"


def test_request_routes_and_invokes_like_api_gateway(local_aws: LocalAws) -> None:
    result = local_aws.request("GET", "/health", headers={"x-request-id": "helper-1"}, source_ip="198.18.0.1")

    assert result["statusCode"] == 200
    assert json.loads(result["body"])["status"] == "ok"


def test_sqs_and_schedule_events_point_at_template_resources(local_aws: LocalAws) -> None:
    (record,) = local_aws.sqs_event({"type": "proposal.created"}, queue="SyncQueue")["Records"]
    schedule = local_aws.schedule_event()

    assert record["eventSourceARN"] == local_aws.resources.attribute("SyncQueue", "Arn")
    assert schedule["detail-type"] == "Scheduled Event"
    assert local_aws.context("sync_worker").function_name.endswith("SyncWorkerFunction")


def test_random_test_ips_are_in_the_benchmarking_range() -> None:
    ips = {random_test_ip() for _ in range(50)}

    assert len(ips) > 40
    assert all(ip.startswith(("198.18.", "198.19.")) for ip in ips)
