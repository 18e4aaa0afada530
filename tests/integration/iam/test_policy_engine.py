"""The IAM evaluator and call mapping themselves, and policy simulations against template.yaml's policies
(security-tests L5: the audit table is append-only for every role; C10: the token key only for envelope
operations with a purpose and a user in the encryption context; nobody has kms:*)."""

from __future__ import annotations

import pytest

from devserver.testing import LocalAws
from tests.integration.iam.actions import Call, Request, queue_arn, requests
from tests.integration.iam.policy import FunctionPolicies, PolicyError, Statement, glob_match, unused_grants

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def policies(local_aws: LocalAws) -> FunctionPolicies:
    return FunctionPolicies.from_template(local_aws.template, local_aws.resources)


def arn(local_aws: LocalAws, logical_id: str) -> str:
    return local_aws.resources.attribute(logical_id, "Arn")


# ------------------------------------------------------------------------------------------- call mapping


def test_a_transaction_is_authorized_per_item_action_on_each_items_table() -> None:
    call = Call(
        "F",
        "dynamodb",
        "TransactWriteItems",
        {"items": [("Put", "a"), ("Update", "a"), ("Delete", "b"), ("ConditionCheck", "c")]},
    )
    assert [(r.action, r.resource.rsplit("/", 1)[-1]) for r in requests(call, account_id=ACCOUNT)] == [
        ("dynamodb:PutItem", "a"),
        ("dynamodb:UpdateItem", "a"),
        ("dynamodb:DeleteItem", "b"),
        ("dynamodb:ConditionCheckItem", "c"),
    ]


def test_an_index_query_is_on_the_index_arn_and_a_batch_read_on_each_table() -> None:
    query = Call("F", "dynamodb", "Query", {"TableName": "users", "IndexName": "gsi1"})
    assert requests(query, account_id=ACCOUNT) == [
        Request("dynamodb:Query", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/users/index/gsi1")
    ]
    batch = Call("F", "dynamodb", "BatchGetItem", {"tables": ["a", "b"]})
    assert [r.resource.rsplit("/", 1)[-1] for r in requests(batch, account_id=ACCOUNT)] == ["a", "b"]


def test_kms_requests_carry_the_encryption_context_and_resolve_aliases() -> None:
    call = Call(
        "F",
        "kms",
        "Decrypt",
        {"KeyId": "alias/tokens", "EncryptionContext": {"purpose": "upwork_token", "user_id": "u1"}},
    )
    (request,) = requests(call, account_id=ACCOUNT, aliases={"alias/tokens": "arn:aws:kms:r:a:key/k"})
    assert request.resource == "arn:aws:kms:r:a:key/k"
    assert request.condition_value("kms:EncryptionContext:purpose") == "upwork_token"
    assert request.condition_value("KMS:ENCRYPTIONCONTEXT:USER_ID") == "u1"


def test_queue_urls_and_unknown_operations() -> None:
    assert (
        queue_arn("http://127.0.0.1:5000/123456789012/q1", "eu-west-1")
        == "arn:aws:sqs:eu-west-1:123456789012:q1"
    )
    (unknown,) = requests(Call("F", "lambda", "Invoke", {}), account_id=ACCOUNT)
    assert unknown == Request("lambda:Invoke", "*")


# --------------------------------------------------------------------------------------------- evaluator


def _statement(**overrides: object) -> Statement:
    fields: dict[str, object] = {
        "function": "F",
        "sid": "S",
        "effect": "Allow",
        "actions": ("dynamodb:GetItem",),
        "resources": ("arn:t/users",),
    }
    fields.update(overrides)
    return Statement(**fields)  # type: ignore[arg-type]


def test_wildcards_match_actions_case_insensitively_and_resources_exactly() -> None:
    assert glob_match("dynamodb:Get*", "DynamoDB:GetItem", ignore_case=True)
    assert glob_match("arn:b/reports/*", "arn:b/reports/u/1.pdf")
    assert not glob_match("arn:b/reports/*", "arn:b/other/1.pdf")
    assert not glob_match("arn:t/users", "arn:t/users/index/gsi1")
    assert not glob_match("arn:t/Users", "arn:t/users")


def test_conditions_null_and_string_equals_and_an_explicit_deny() -> None:
    conditioned = _statement(
        actions=("kms:Decrypt",),
        resources=("arn:k",),
        conditions=(
            ("StringEquals", "kms:EncryptionContext:purpose", ("upwork_token", "totp_seed")),
            ("Null", "kms:EncryptionContext:user_id", ("false",)),
        ),
    )
    both = (("kms:EncryptionContext:purpose", "totp_seed"), ("kms:EncryptionContext:user_id", "u"))
    assert conditioned.applies(Request("kms:Decrypt", "arn:k", both))
    assert not conditioned.applies(Request("kms:Decrypt", "arn:k", both[:1]))
    assert not conditioned.applies(
        Request("kms:Decrypt", "arn:k", (("kms:EncryptionContext:purpose", "other"), both[1]))
    )
    policies = FunctionPolicies(
        statements={"F": [conditioned, _statement(effect="Deny", actions=("kms:*",))]}
    )
    assert not policies.decide("F", Request("kms:Decrypt", "arn:t/users", both)).allowed
    assert policies.decide("F", Request("kms:Decrypt", "arn:k", both)).allowed


def test_an_unknown_condition_operator_is_an_error_not_a_pass() -> None:
    statement = _statement(conditions=(("NumericLessThan", "aws:MultiFactorAuthAge", ("300",)),))
    with pytest.raises(PolicyError):
        statement.applies(Request("dynamodb:GetItem", "arn:t/users"))


def test_unused_grants_are_the_action_resource_pairs_no_request_used() -> None:
    statement = _statement(
        actions=("dynamodb:GetItem", "dynamodb:DeleteItem"), resources=("arn:t/a", "arn:t/b")
    )
    policies = FunctionPolicies(statements={"F": [statement]})
    unused = unused_grants(policies, {"F": [Request("dynamodb:GetItem", "arn:t/a")]})
    assert {(g.action, g.resource) for g in unused["F"]} == {
        ("dynamodb:GetItem", "arn:t/b"),
        ("dynamodb:DeleteItem", "arn:t/a"),
        ("dynamodb:DeleteItem", "arn:t/b"),
    }


# ------------------------------------------------------------------------- simulations on template.yaml


def test_every_function_policy_is_evaluable(policies: FunctionPolicies, local_aws: LocalAws) -> None:
    assert set(policies.functions()) == set(local_aws.template.functions)


@pytest.mark.parametrize(
    "action",
    [
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:Scan",
        "dynamodb:PartiQLUpdate",
        "dynamodb:PartiQLDelete",
    ],
)
def test_no_role_can_change_or_dump_the_audit_trail(
    policies: FunctionPolicies, local_aws: LocalAws, action: str
) -> None:
    audit = arn(local_aws, "AuditTable")
    allowed = [f for f in policies.functions() if policies.decide(f, Request(action, audit)).allowed]
    assert allowed == [], f"{action} on the audit table is allowed for {allowed} (L5)"


def test_functions_that_audit_may_append(policies: FunctionPolicies, local_aws: LocalAws) -> None:
    audit = arn(local_aws, "AuditTable")
    writers = {
        f for f in policies.functions() if policies.decide(f, Request("dynamodb:PutItem", audit)).allowed
    }
    # The HTTP functions (authz_fail on 403, sign-in events, AI input scans), the receiver and the AI worker.
    http = {"AuthFunction", "AiFunction", "AnalyticsFunction", "UpworkFunction"}
    assert writers >= {*http, "WebhooksFunction", "AiWorkerFunction"}
    assert "MetaFunction" not in writers


@pytest.mark.parametrize(
    "action",
    ["kms:Encrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"],
)
def test_no_role_has_other_uses_of_the_token_key(
    policies: FunctionPolicies, local_aws: LocalAws, action: str
) -> None:
    key = arn(local_aws, "TokenKey")
    context = (("kms:EncryptionContext:purpose", "upwork_token"), ("kms:EncryptionContext:user_id", "u"))
    allowed = [f for f in policies.functions() if policies.decide(f, Request(action, key, context)).allowed]
    assert allowed == [], f"{action} on the token key is allowed for {allowed} (C10)"


@pytest.mark.parametrize("action", ["kms:GenerateDataKey", "kms:Decrypt"])
def test_the_token_key_needs_a_known_purpose_and_a_user(
    policies: FunctionPolicies, local_aws: LocalAws, action: str
) -> None:
    key = arn(local_aws, "TokenKey")
    no_user = (("kms:EncryptionContext:purpose", "upwork_token"),)
    other_purpose = (("kms:EncryptionContext:purpose", "backup"), ("kms:EncryptionContext:user_id", "u"))
    for function in policies.functions():
        assert not policies.decide(function, Request(action, key)).allowed, function
        assert not policies.decide(function, Request(action, key, no_user)).allowed, function
        assert not policies.decide(function, Request(action, key, other_purpose)).allowed, function


def test_totp_seeds_are_only_for_the_auth_function(policies: FunctionPolicies, local_aws: LocalAws) -> None:
    key = arn(local_aws, "TokenKey")
    context = (("kms:EncryptionContext:purpose", "totp_seed"), ("kms:EncryptionContext:user_id", "u"))
    readers = {
        f for f in policies.functions() if policies.decide(f, Request("kms:Decrypt", key, context)).allowed
    }
    assert readers == {"AuthFunction"}


def test_only_workers_may_consume_their_own_queue(policies: FunctionPolicies, local_aws: LocalAws) -> None:
    sources = {
        "EventsWorkerFunction": "EventsQueue",
        "AiWorkerFunction": "AiJobsQueue",
        "SyncWorkerFunction": "SyncQueue",
    }
    for function in policies.functions():
        for queue in ("EventsQueue", "AiJobsQueue", "SyncQueue", "EventsDeadLetterQueue"):
            decision = policies.decide(function, Request("sqs:DeleteMessage", arn(local_aws, queue)))
            assert decision.allowed == (sources.get(function) == queue), (function, queue)
