"""What IAM authorizes for one AWS API call: (action, resource ARN, condition context) requests.

Two steps, both pure:
- `facts(service, operation, params)` keeps the few request parameters IAM looks at (table and index names,
  transaction item kinds, key ids and encryption context, secret ids, queue URLs, bucket/key). It runs while
  the call is made, so it copies small strings only.
- `requests(call, region, account_id)` turns a recorded call into the authorization requests IAM evaluates.
  Most operations are one request `<service>:<Operation>` on one resource; the exceptions are spelled out:
  TransactWriteItems is authorized per item (`PutItem`/`UpdateItem`/`DeleteItem`/`ConditionCheckItem` on each
  item's table), TransactGetItems per `GetItem`, Batch* per table, an index query on `table/<t>/index/<i>`,
  S3 HEAD as `GetObject`, SQS batch sends as `SendMessage`, SES v2 `SendEmail` as `ses:SendEmail` on the
  identity of the From address's domain, with the `ses:FromAddress` condition key.
An operation this module does not know is still reported, as `<service>:<Operation>` on `*`, so the verdict
flags it instead of ignoring it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

UNKNOWN_RESOURCE = "*"

_TRANSACT_WRITE_KINDS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}
_S3_ACTIONS = {
    "HeadObject": "s3:GetObject",
    "GetObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
}
_SQS_ACTIONS = {
    "SendMessageBatch": "sqs:SendMessage",
    "DeleteMessageBatch": "sqs:DeleteMessage",
    "ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
}


@dataclass
class Call:
    """One API call made by a function (mutable only to add its outcome once the response is in)."""

    function: str
    service: str  # the IAM prefix (botocore's signing name): dynamodb, kms, s3, ...
    operation: str  # the API operation: TransactWriteItems, GenerateDataKey, ...
    facts: dict[str, Any] = field(default_factory=dict)
    region: str = "us-east-1"
    presigned: bool = False
    error_code: str | None = None  # None: succeeded (or a pre-signed URL, whose use is not seen here)
    # The template-declared environment variables as the invocation saw them (tests may point a function at
    # a resource of their own: the verdict maps it back to the stack resource the template would give).
    environment: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Request:
    """One authorization request: IAM decides each of these on its own."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()

    def condition_value(self, key: str) -> str | None:
        wanted = key.lower()
        return next((value for name, value in self.context if name.lower() == wanted), None)


# --------------------------------------------------------------------------------------------- record time


def facts(service: str, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The request parameters IAM evaluates (strings only; never item contents or secret values)."""
    found: dict[str, Any] = {}
    if service == "dynamodb":
        for name in ("TableName", "IndexName"):
            if isinstance(params.get(name), str):
                found[name] = params[name]
        if operation == "TransactWriteItems":
            found["items"] = [
                (kind, str(body.get("TableName", "")))
                for item in params.get("TransactItems") or []
                for kind, body in item.items()
            ]
        elif operation == "TransactGetItems":
            found["items"] = [
                ("Get", str(item.get("Get", {}).get("TableName", "")))
                for item in params.get("TransactItems") or []
            ]
        elif operation in ("BatchGetItem", "BatchWriteItem"):
            found["tables"] = sorted(str(name) for name in (params.get("RequestItems") or {}))
    elif service == "kms":
        if isinstance(params.get("KeyId"), str):
            found["KeyId"] = params["KeyId"]
        context = params.get("EncryptionContext")
        if isinstance(context, Mapping):
            found["EncryptionContext"] = {str(k): str(v) for k, v in context.items()}
    elif service == "secretsmanager":
        if isinstance(params.get("SecretId"), str):
            found["SecretId"] = params["SecretId"]
    elif service == "sqs":
        if isinstance(params.get("QueueUrl"), str):
            found["QueueUrl"] = params["QueueUrl"]
    elif service == "s3":
        for name in ("Bucket", "Key"):
            if isinstance(params.get(name), str):
                found[name] = params[name]
    elif service == "ses" and isinstance(params.get("FromEmailAddress"), str):
        found["FromEmailAddress"] = params["FromEmailAddress"]
    return found


# ------------------------------------------------------------------------------------------- evaluation time


def requests(call: Call, *, account_id: str, aliases: Mapping[str, str] | None = None) -> list[Request]:
    """The authorization requests of `call`. `aliases` maps KMS alias names to key ARNs."""
    region = call.region
    op = call.operation
    f = call.facts
    if call.service == "dynamodb":
        return _dynamodb(op, f, region, account_id)
    if call.service == "kms":
        return [_kms(op, f, region, account_id, aliases or {})]
    if call.service == "secretsmanager":
        secret = f.get("SecretId", "")
        if secret and not secret.startswith("arn:"):
            secret = f"arn:aws:secretsmanager:{region}:{account_id}:secret:{secret}"
        return [Request(f"secretsmanager:{op}", secret or UNKNOWN_RESOURCE)]
    if call.service == "sqs":
        return [Request(_SQS_ACTIONS.get(op, f"sqs:{op}"), queue_arn(f.get("QueueUrl", ""), region))]
    if call.service == "s3":
        bucket, key = f.get("Bucket"), f.get("Key")
        resource = UNKNOWN_RESOURCE
        if bucket:
            resource = f"arn:aws:s3:::{bucket}" + (f"/{key}" if key is not None else "")
        return [Request(_S3_ACTIONS.get(op, f"s3:{op}"), resource)]
    if call.service == "ses" and op == "SendEmail":
        return [_ses_send(f, region, account_id)]
    return [Request(f"{call.service}:{op}", UNKNOWN_RESOURCE)]


def _ses_send(f: Mapping[str, Any], region: str, account_id: str) -> Request:
    """SES authorizes a send on the sending identity: the From address's domain (or the address itself,
    when that is the verified identity — this service verifies a domain)."""
    sender = str(f.get("FromEmailAddress", ""))
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    domain = address.rpartition("@")[2]
    if not domain:
        return Request("ses:SendEmail", UNKNOWN_RESOURCE)
    arn = f"arn:aws:ses:{region}:{account_id}:identity/{domain}"
    return Request("ses:SendEmail", arn, (("ses:FromAddress", address),))


def table_arn(name: str, region: str, account_id: str) -> str:
    if not name:
        return UNKNOWN_RESOURCE
    return name if name.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account_id}:table/{name}"


def queue_arn(url: str, region: str) -> str:
    """`http(s)://host/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`."""
    parts = [part for part in urlparse(url).path.split("/") if part]
    if len(parts) != 2:
        return UNKNOWN_RESOURCE
    account, name = parts
    return f"arn:aws:sqs:{region}:{account}:{name}"


def _dynamodb(op: str, f: Mapping[str, Any], region: str, account_id: str) -> list[Request]:
    if op == "TransactWriteItems":
        return [
            Request(_TRANSACT_WRITE_KINDS.get(kind, f"dynamodb:{kind}"), table_arn(table, region, account_id))
            for kind, table in f.get("items", [])
        ]
    if op == "TransactGetItems":
        return [Request("dynamodb:GetItem", table_arn(table, region, account_id)) for _, table in f["items"]]
    if op in ("BatchGetItem", "BatchWriteItem"):
        return [Request(f"dynamodb:{op}", table_arn(t, region, account_id)) for t in f.get("tables", [])]
    resource = table_arn(f.get("TableName", ""), region, account_id)
    if f.get("IndexName") and resource != UNKNOWN_RESOURCE:
        resource = f"{resource}/index/{f['IndexName']}"
    return [Request(f"dynamodb:{op}", resource)]


def _kms(op: str, f: Mapping[str, Any], region: str, account_id: str, aliases: Mapping[str, str]) -> Request:
    key = str(f.get("KeyId", ""))
    if key.startswith("alias/"):
        key = aliases.get(key, f"arn:aws:kms:{region}:{account_id}:{key}")
    elif key.startswith("arn:") and ":alias/" in key:
        key = aliases.get("alias/" + key.split(":alias/", 1)[1], key)
    elif key and not key.startswith("arn:"):
        key = f"arn:aws:kms:{region}:{account_id}:key/{key}"
    context = tuple(
        sorted(
            (f"kms:EncryptionContext:{name}", value) for name, value in f.get("EncryptionContext", {}).items()
        )
    )
    return Request(f"kms:{op}", key or UNKNOWN_RESOURCE, context)
