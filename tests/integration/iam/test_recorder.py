"""The recorder sees calls from every botocore client — PynamoDB's own included — attributed to the function
whose handler is running, and the policy engine judges them like any other call (docs/iam.md)."""

from __future__ import annotations

import uuid

from devserver.testing import LocalAws
from tests.integration.iam.actions import requests
from tests.integration.iam.policy import FunctionPolicies
from tests.integration.iam.recorder import RECORDER, attributed_to


def _judge(local_aws: LocalAws, function: str, operation: str) -> list[bool]:
    from bidcraft.users import store

    with RECORDER.scratch() as calls, attributed_to(function):
        assert store.get(f"nobody-{uuid.uuid4()}") is None  # a PynamoDB `UserProfile.get`
    (call,) = calls
    assert (call.function, call.service, call.operation) == (function, "dynamodb", operation)
    assert call.facts["TableName"] == local_aws.resources.ref("UsersTable")
    policies = FunctionPolicies.from_template(local_aws.template, local_aws.resources)
    return [
        policies.decide(function, request).allowed
        for request in requests(call, account_id=local_aws.resources.account_id)
    ]


def test_a_pynamodb_call_is_recorded_for_the_invoking_function_and_allowed_by_its_policy(
    local_aws: LocalAws,
) -> None:
    assert _judge(local_aws, "AuthFunction", "GetItem") == [True]


def test_a_pynamodb_call_from_a_function_without_the_grant_is_judged_refused(local_aws: LocalAws) -> None:
    assert _judge(local_aws, "WebhooksFunction", "GetItem") == [False]


def test_calls_outside_an_invocation_are_not_recorded() -> None:
    from bidcraft.users import store

    with RECORDER.scratch() as calls:
        store.get(f"nobody-{uuid.uuid4()}")
    assert calls == []
