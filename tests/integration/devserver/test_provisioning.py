"""template.yaml's resources, created in the emulator by the dev server's own provisioning code."""

from __future__ import annotations

import functools
import json
import urllib.request
from typing import Any

import boto3
import pytest

from devserver.aws import provision
from devserver.testing import LocalAws
from tests.integration.conftest import TEST_WEBHOOK_SECRET


@functools.cache
def _client(endpoint_url: str, region: str, service: str) -> Any:
    return boto3.session.Session(region_name=region).client(service, endpoint_url=endpoint_url)  # type: ignore[call-overload]


def client(local_aws: LocalAws, service: str) -> Any:
    return _client(local_aws.resources.endpoint_url, local_aws.resources.region, service)


@pytest.mark.parametrize("table", ["UsersTable", "AnalyticsTable", "AuditTable"])
def test_domain_tables_have_pk_sk_gsi1_ttl_and_pitr(local_aws: LocalAws, table: str) -> None:
    ddb = client(local_aws, "dynamodb")
    name = local_aws.resources.ref(table)

    description = ddb.describe_table(TableName=name)["Table"]

    assert description["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    (gsi,) = description["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "gsi1"
    assert [k["AttributeName"] for k in gsi["KeySchema"]] == ["gsi1pk", "gsi1sk"]
    assert gsi["Projection"]["ProjectionType"] == "ALL"
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_idempotency_table_uses_powertools_defaults(local_aws: LocalAws) -> None:
    ddb = client(local_aws, "dynamodb")
    name = local_aws.resources.ref("IdempotencyTable")

    assert ddb.describe_table(TableName=name)["Table"]["KeySchema"] == [
        {"AttributeName": "id", "KeyType": "HASH"}
    ]
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["AttributeName"] == "expiration"


@pytest.mark.parametrize(
    ("queue", "dlq"),
    [
        ("EventsQueue", "EventsDeadLetterQueue"),
        ("AiJobsQueue", "AiJobsDeadLetterQueue"),
        ("SyncQueue", "SyncDeadLetterQueue"),
    ],
)
def test_queues_redrive_to_their_dead_letter_queue_after_5_receives(
    local_aws: LocalAws, queue: str, dlq: str
) -> None:
    attributes = client(local_aws, "sqs").get_queue_attributes(
        QueueUrl=local_aws.resources.ref(queue), AttributeNames=["All"]
    )["Attributes"]

    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == local_aws.resources.attribute(dlq, "Arn")
    assert int(redrive["maxReceiveCount"]) == 5
    assert int(attributes["VisibilityTimeout"]) >= 300


def test_secrets_hold_local_values(local_aws: LocalAws) -> None:
    sm = client(local_aws, "secretsmanager")

    def value(logical_id: str) -> str:
        return str(sm.get_secret_value(SecretId=local_aws.resources.ref(logical_id))["SecretString"])

    assert value("WebhookSecret") == TEST_WEBHOOK_SECRET
    signing = json.loads(value("SigningKeySecret"))
    assert signing["kid"]
    assert len(signing["key"]) >= 32
    upwork = json.loads(value("UpworkClientSecret"))
    assert upwork["client_id"].startswith("sandbox-")
    assert upwork["client_secret"]
    assert (upwork["client_id"], upwork["client_secret"]) == local_aws.sandbox_client()
    assert value("OpenAISecret") == "offline"


def test_token_key_rotates_and_has_its_alias(local_aws: LocalAws) -> None:
    kms = client(local_aws, "kms")
    key_id = local_aws.resources.ref("TokenKey")

    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    aliases = kms.list_aliases(KeyId=key_id)["Aliases"]
    assert [a["AliasName"] for a in aliases] == [local_aws.resources.ref("TokenKeyAlias")]


def test_reports_bucket_serves_presigned_urls(local_aws: LocalAws) -> None:
    s3 = client(local_aws, "s3")
    bucket = local_aws.resources.ref("ReportsBucket")
    s3.put_object(Bucket=bucket, Key="reports/test/presign.txt", Body=b"report")

    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "reports/test/presign.txt"}, ExpiresIn=900
    )

    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the local emulator
        assert response.read() == b"report"


def test_functions_see_the_provisioned_names(local_aws: LocalAws) -> None:
    env = local_aws.environment

    assert env["USERS_TABLE"] == local_aws.resources.ref("UsersTable")
    assert env["EVENTS_QUEUE_URL"] == local_aws.resources.ref("EventsQueue")
    assert env["KMS_KEY_ID"] == local_aws.resources.attribute("TokenKey", "Arn")
    assert env["REPORTS_BUCKET"] == local_aws.resources.ref("ReportsBucket")
    assert env["LOCAL_STACK"] == "true"
    assert env["UPWORK_BASE_URL"] == local_aws.sandbox_url
    assert "POWERTOOLS_SERVICE_NAME" not in env


def test_provisioning_again_reuses_what_exists(local_aws: LocalAws) -> None:
    again = provision(local_aws.template, local_aws.resources.endpoint_url, environ={})

    for logical_id in ("UsersTable", "EventsQueue", "ReportsBucket", "TokenKey", "WebhookSecret"):
        assert again.ref(logical_id) == local_aws.resources.ref(logical_id)
    assert again.secret("webhook") == TEST_WEBHOOK_SECRET
    assert again.secret("upwork_client") == local_aws.resources.secret("upwork_client")
    assert again.secret("signing_key") == local_aws.resources.secret("signing_key")
