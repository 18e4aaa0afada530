"""The AWS side of the local stack: an in-process emulator and the template's resources in it.

`start_emulator()` runs moto in server mode on a free local port (so pre-signed S3 URLs are fetchable);
`provision(template, endpoint_url)` creates the template's tables, KMS keys and aliases, secrets, queues,
SES identities and buckets there (or in any endpoint named by AWS_ENDPOINT_URL). Provisioning is
idempotent: what exists is reused, so the dev server and the integration tests share one code path.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import secrets
import string
from collections.abc import Mapping, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from devserver.cfn import PhysicalResource, Resolver, references
from devserver.environment import function_environment, process_environment
from devserver.template import (
    ALIAS,
    BUCKET,
    EMAIL_IDENTITY,
    HTTP_API,
    KEY,
    QUEUE,
    SECRET,
    TABLE,
    Resource,
    Template,
)

__all__ = [
    "Emulator",
    "Resources",
    "configure_environment",
    "function_environment",
    "process_environment",
    "provision",
    "start_emulator",
]

log = logging.getLogger("devserver")

DEFAULT_REGION = "us-east-1"
STACK_NAME = "bidcraft-local"
LOGICAL_ID_TAG = "bidcraft:local:logical-id"
_SERVICES = {
    KEY: "kms",
    ALIAS: "kms",
    SECRET: "secretsmanager",
    TABLE: "dynamodb",
    BUCKET: "s3",
    QUEUE: "sqs",
    EMAIL_IDENTITY: "sesv2",
}

# Which secret is which: found through the environment variable that hands its ARN to the functions.
SECRET_ROLES = {
    "SIGNING_KEY_SECRET_ARN": "signing_key",  # a role name  # nosec
    "WEBHOOK_SECRET_ARN": "webhook",  # a role name
    "OPENAI_SECRET_ARN": "openai",  # a role name
    "UPWORK_CLIENT_SECRET_ARN": "upwork_client",  # a role name
}
_ROLE_FALLBACK_IDS = {
    "SigningKeySecret": "signing_key",
    "WebhookSecret": "webhook",
    "OpenAISecret": "openai",
    "UpworkClientSecret": "upwork_client",
}


@dataclass
class Emulator:
    """Where AWS is: the in-process moto server (when we started one) or an external endpoint."""

    endpoint_url: str
    server: Any = None

    @property
    def emulated_in_process(self) -> bool:
        return self.server is not None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def start_emulator(host: str = "127.0.0.1", port: int = 0) -> Emulator:
    """Start moto in server mode on `host:port` (0 = any free port)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    from moto.server import ThreadedMotoServer

    from devserver import moto_patches

    moto_patches.install_fast_moto_transactions()
    moto_patches.install_fast_moto_queries()
    moto_patches.install_serial_dynamodb()
    moto_patches.install_cached_service_list()
    moto_patches.install_cached_update_parser()

    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    return Emulator(endpoint_url=f"http://{bound_host}:{bound_port}", server=server)


def configure_environment(
    endpoint_url: str, *, in_process: bool, environ: MutableMapping[str, str] | None = None
) -> str:
    """Point boto3 at the endpoint; region us-east-1 unless set; dummy credentials for the emulator.

    Returns the region. Against the in-process emulator real credentials are never used (a configured
    AWS_PROFILE is dropped); against an external endpoint existing credentials are kept.
    """
    env = os.environ if environ is None else environ
    env["AWS_ENDPOINT_URL"] = endpoint_url
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = region
    if in_process or not env.get("AWS_ACCESS_KEY_ID"):
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            env.pop(name, None)
        env["AWS_ACCESS_KEY_ID"] = "testing"
        env["AWS_SECRET_ACCESS_KEY"] = "testing"  # noqa: S105  # the emulator's dummy credentials  # nosec
    return region


@dataclass
class Resources:
    """Physical names, URLs and ARNs of the provisioned resources, by logical id."""

    region: str
    account_id: str
    endpoint_url: str
    stack_name: str = STACK_NAME
    physical: dict[str, PhysicalResource] = field(default_factory=dict)
    secret_values: dict[str, str] = field(default_factory=dict, repr=False)
    secret_roles: dict[str, str] = field(default_factory=dict)

    def ref(self, logical_id: str) -> str:
        return self.physical[logical_id].ref

    def attribute(self, logical_id: str, name: str) -> str:
        return self.physical[logical_id].attributes[name]

    def secret(self, role: str) -> str | None:
        """The value of the secret with a role (`webhook`, `upwork_client`, ...), if provisioned."""
        logical_id = next((lid for lid, r in self.secret_roles.items() if r == role), None)
        return None if logical_id is None else self.secret_values.get(logical_id)

    def resolver(self, template: Template) -> Resolver:
        return Resolver(
            template.data,
            region=self.region,
            account_id=self.account_id,
            stack_name=self.stack_name,
            parameter_overrides=template.parameter_overrides,
            physical=self.physical,
        )

    def add_local_endpoints(self, template: Template, base_url: str) -> None:
        """What only the running dev server knows: the API endpoint and the Function URL."""
        for logical_id in [*template.of_type(HTTP_API), "ServerlessHttpApi"]:
            self.physical[logical_id] = PhysicalResource("local", {"ApiEndpoint": base_url})
        for function in template.functions.values():
            if function.function_url:
                url = f"{base_url}/webhooks/upwork"
                self.physical[f"{function.logical_id}Url"] = PhysicalResource(url, {"FunctionUrl": url})


class _Provisioner:
    def __init__(self, template: Template, resources: Resources, environ: Mapping[str, str]) -> None:
        import boto3

        self.template = template
        self.resources = resources
        self.environ = environ
        self.resolver = resources.resolver(template)
        session = boto3.session.Session(region_name=resources.region)
        self._session = session
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(  # type: ignore[call-overload]
                service, endpoint_url=self.resources.endpoint_url
            )
        return self._clients[service]

    def run(self) -> None:
        for function in self.template.functions.values():
            name = f"{self.resources.stack_name}-{function.logical_id}"
            arn = f"arn:aws:lambda:{self.resources.region}:{self.resources.account_id}:function:{name}"
            self.resources.physical[function.logical_id] = PhysicalResource(name, {"Arn": arn})
        ordered = _ordered(self.template)
        for service in sorted({_SERVICES[resource.type] for resource in ordered}):
            self.client(service)  # boto3 sessions are not thread-safe: create clients up front
        # Independent resources are created concurrently; each waits for the resources it refers to.
        futures: dict[str, Future[None]] = {}
        with ThreadPoolExecutor(max_workers=max(1, len(ordered)), thread_name_prefix="provision") as pool:
            for resource in ordered:  # dependencies come first, so their futures exist already
                needs = [futures[name] for name in references(resource.properties) if name in futures]
                futures[resource.logical_id] = pool.submit(self._create, resource, needs)
            for future in futures.values():
                future.result()

    def _create(self, resource: Resource, needs: list[Future[None]]) -> None:
        for future in needs:
            future.result()
        creators = {
            KEY: self._key,
            ALIAS: self._alias,
            SECRET: self._secret,
            TABLE: self._table,
            BUCKET: self._bucket,
            QUEUE: self._queue,
            EMAIL_IDENTITY: self._email_identity,
        }
        props = self.resolver.resolve(resource.properties)
        self.resources.physical[resource.logical_id] = creators[resource.type](resource, props)

    def _name(self, resource: Resource, props: dict[str, Any], key: str) -> str:
        return str(props.get(key) or f"{self.resources.stack_name}-{resource.logical_id}")

    # -- KMS -------------------------------------------------------------------------------------------------
    def _key(self, resource: Resource, props: dict[str, Any]) -> PhysicalResource:
        kms = self.client("kms")
        tag = f"{self.resources.stack_name}/{resource.logical_id}"
        key_id = self._find_key(tag)
        if key_id is None:
            created = kms.create_key(
                Description=str(props.get("Description", resource.logical_id)),
                KeyUsage=str(props.get("KeyUsage", "ENCRYPT_DECRYPT")),
                KeySpec=str(props.get("KeySpec", "SYMMETRIC_DEFAULT")),
                Tags=[{"TagKey": LOGICAL_ID_TAG, "TagValue": tag}],
            )
            key_id = created["KeyMetadata"]["KeyId"]
        if props.get("EnableKeyRotation") in (True, "true"):
            kms.enable_key_rotation(KeyId=key_id)
        arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
        return PhysicalResource(key_id, {"Arn": arn, "KeyId": key_id})

    def _find_key(self, tag: str) -> str | None:
        kms = self.client("kms")
        for page in kms.get_paginator("list_keys").paginate():
            for key in page["Keys"]:
                tags = kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])
                if {"TagKey": LOGICAL_ID_TAG, "TagValue": tag} in tags:
                    return str(key["KeyId"])
        return None

    def _alias(self, resource: Resource, props: dict[str, Any]) -> PhysicalResource:
        kms = self.client("kms")
        name, target = str(props["AliasName"]), str(props["TargetKeyId"])
        try:
            kms.create_alias(AliasName=name, TargetKeyId=target)
        except kms.exceptions.AlreadyExistsException:
            kms.update_alias(AliasName=name, TargetKeyId=target)
        return PhysicalResource(name, {})

    # -- Secrets Manager -------------------------------------------------------------------------------------
    def _secret(self, resource: Resource, props: dict[str, Any]) -> PhysicalResource:
        sm = self.client("secretsmanager")
        name = self._name(resource, props, "Name")
        role = _secret_role(self.template, resource.logical_id)
        wanted, explicit = self._secret_value(role, props)
        try:
            arn = sm.describe_secret(SecretId=name)["ARN"]
            current = _current_value(sm, arn)
            if wanted is not None and ((explicit and wanted != current) or current is None):
                sm.put_secret_value(SecretId=arn, SecretString=wanted)
                current = wanted
        except sm.exceptions.ResourceNotFoundException:
            extra = {"KmsKeyId": str(props["KmsKeyId"])} if props.get("KmsKeyId") else {}
            value = {"SecretString": wanted} if wanted is not None else {}
            arn = sm.create_secret(
                Name=name, Description=str(props.get("Description", "")), **value, **extra
            )["ARN"]
            current = wanted
        if role:
            self.resources.secret_roles[resource.logical_id] = role
        if current is not None:
            self.resources.secret_values[resource.logical_id] = current
        return PhysicalResource(arn, {"Id": arn})

    def _secret_value(self, role: str | None, props: dict[str, Any]) -> tuple[str | None, bool]:
        """The value to store and whether it was given explicitly (environment) rather than generated."""
        env = self.environ
        if role == "webhook":
            if env.get("WEBHOOK_SECRET"):
                return env["WEBHOOK_SECRET"], True
            return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(), False
        if role == "signing_key":
            kid = f"local-{secrets.token_hex(4)}"
            return json.dumps({"kid": kid, "key": secrets.token_urlsafe(48)}), False
        if role == "openai" and env.get("OPENAI_API_KEY"):
            return env["OPENAI_API_KEY"], True
        if role == "upwork_client":
            if env.get("UPWORK_BASE_URL") and env.get("UPWORK_CLIENT_ID"):
                creds = {
                    "client_id": env["UPWORK_CLIENT_ID"],
                    "client_secret": env.get("UPWORK_CLIENT_SECRET", ""),
                }
                return json.dumps(creds), True
            if not env.get("UPWORK_BASE_URL"):
                creds = {
                    "client_id": f"sandbox-{secrets.token_hex(8)}",
                    "client_secret": secrets.token_urlsafe(32),
                }
                return json.dumps(creds), False
        if "SecretString" in props:
            return str(props["SecretString"]), False
        generate = props.get("GenerateSecretString")
        if isinstance(generate, dict):
            return _generated_secret(generate), False
        return None, False

    # -- DynamoDB --------------------------------------------------------------------------------------------
    def _table(self, resource: Resource, props: dict[str, Any]) -> PhysicalResource:
        ddb = self.client("dynamodb")
        name = self._name(resource, props, "TableName")
        try:
            description = ddb.describe_table(TableName=name)["Table"]
        except ddb.exceptions.ResourceNotFoundException:
            description = ddb.create_table(**_create_table_args(name, props))["TableDescription"]
            if description.get("TableStatus") != "ACTIVE":
                ddb.get_waiter("table_exists").wait(TableName=name)
        ttl = props.get("TimeToLiveSpecification") or {}
        if ttl.get("Enabled") in (True, "true") and ttl.get("AttributeName"):
            current = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            if current.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                ddb.update_time_to_live(
                    TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": str(ttl["AttributeName"])},
                )
        pitr = props.get("PointInTimeRecoverySpecification") or {}
        if pitr.get("PointInTimeRecoveryEnabled") in (True, "true"):
            ddb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
        attributes = {"Arn": description["TableArn"]}
        if description.get("LatestStreamArn"):
            attributes["StreamArn"] = description["LatestStreamArn"]
        return PhysicalResource(name, attributes)

    # -- S3 --------------------------------------------------------------------------------------------------
    def _bucket(self, resource: Resource, props: dict[str, Any]) -> PhysicalResource:
        s3 = self.client("s3")
        default = f"{self.resources.stack_name}-{resource.logical_id}".lower()[:63]
        name = str(props.get("BucketName") or default)
        try:
            s3.head_bucket(Bucket=name)
        except s3.exceptions.ClientError:
            args: dict[str, Any] = {"Bucket": name}
            if self.resources.region != "us-east-1":
                args["CreateBucketConfiguration"] = {"LocationConstraint": self.resources.region}
            s3.create_bucket(**args)
        domain = f"{name}.s3.amazonaws.com"
        regional = f"{name}.s3.{self.resources.region}.amazonaws.com"
        return PhysicalResource(
            name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": domain, "RegionalDomainName": regional}
        )

    # -- SES -------------------------------------------------------------------------------------------------
    def _email_identity(self, resource: Resource, props: dict[str, Any]) -> PhysicalResource:
        """The identity alerts are sent from; the emulator treats it as verified (SES would want DKIM)."""
        ses = self.client("sesv2")
        identity = str(props["EmailIdentity"])
        with contextlib.suppress(ses.exceptions.AlreadyExistsException):
            ses.create_email_identity(EmailIdentity=identity)
        return PhysicalResource(identity, {})

    # -- SQS -------------------------------------------------------------------------------------------------
    def _queue(self, resource: Resource, props: dict[str, Any]) -> PhysicalResource:
        sqs = self.client("sqs")
        fifo = props.get("FifoQueue") in (True, "true")
        name = self._name(resource, props, "QueueName")
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        attributes = _queue_attributes(props)
        try:
            url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        except sqs.exceptions.ClientError as exc:
            if exc.response["Error"]["Code"] not in ("QueueAlreadyExists", "QueueNameExists"):
                raise
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            settable = {k: v for k, v in attributes.items() if k != "FifoQueue"}
            if settable:
                sqs.set_queue_attributes(QueueUrl=url, Attributes=settable)
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return PhysicalResource(url, {"Arn": arn, "QueueUrl": url, "QueueName": name})


def provision(
    template: Template,
    endpoint_url: str | None = None,
    *,
    region: str | None = None,
    account_id: str = "123456789012",
    environ: Mapping[str, str] | None = None,
    stack_name: str = STACK_NAME,
) -> Resources:
    """Create (or reuse) the template's resources at `endpoint_url` (default: AWS_ENDPOINT_URL)."""
    env = os.environ if environ is None else environ
    endpoint = endpoint_url or env.get("AWS_ENDPOINT_URL")
    if not endpoint:
        raise RuntimeError(
            "provision() needs an emulator endpoint (AWS_ENDPOINT_URL); it never touches real AWS"
        )
    resources = Resources(
        region=region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
        account_id=account_id,
        endpoint_url=endpoint,
        stack_name=stack_name,
    )
    _Provisioner(template, resources, env).run()
    return resources


def _ordered(template: Template) -> list[Resource]:
    """Provisioned resources, each after the resources it refers to (a DLQ before its queue)."""
    pending = {lid: res for lid, res in template.resources.items() if res.type in _SERVICES}
    ordered: list[Resource] = []
    visiting: set[str] = set()

    def visit(logical_id: str) -> None:
        if logical_id not in pending or logical_id in visiting:
            return
        visiting.add(logical_id)
        for dependency in sorted(references(pending[logical_id].properties)):
            visit(dependency)
        ordered.append(pending.pop(logical_id))

    for logical_id in list(pending):
        visit(logical_id)
    return ordered


def _secret_role(template: Template, logical_id: str) -> str | None:
    for function in template.functions.values():
        for name, value in function.environment.items():
            if name in SECRET_ROLES and logical_id in references(value):
                return SECRET_ROLES[name]
    return _ROLE_FALLBACK_IDS.get(logical_id)


def _current_value(sm: Any, arn: str) -> str | None:
    try:
        return str(sm.get_secret_value(SecretId=arn)["SecretString"])
    except (sm.exceptions.ResourceNotFoundException, KeyError):
        return None


def _generated_secret(spec: dict[str, Any]) -> str:
    length = int(spec.get("PasswordLength", 32))
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    alphabet = [c for c in string.ascii_letters + string.digits if c not in excluded]
    value = "".join(secrets.choice(alphabet) for _ in range(length))
    template_text, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template_text and key:
        document = json.loads(str(template_text))
        document[str(key)] = value
        return json.dumps(document)
    return value


def _create_table_args(name: str, props: dict[str, Any]) -> dict[str, Any]:
    billing = str(
        props.get("BillingMode", "PROVISIONED" if "ProvisionedThroughput" in props else "PAY_PER_REQUEST")
    )
    args: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        args["ProvisionedThroughput"] = _throughput(props.get("ProvisionedThroughput"))
    indexes = []
    for index in props.get("GlobalSecondaryIndexes") or []:
        gsi = {k: index[k] for k in ("IndexName", "KeySchema", "Projection") if k in index}
        if billing == "PROVISIONED":
            gsi["ProvisionedThroughput"] = _throughput(index.get("ProvisionedThroughput"))
        indexes.append(gsi)
    if indexes:
        args["GlobalSecondaryIndexes"] = indexes
    local = [
        {k: index[k] for k in ("IndexName", "KeySchema", "Projection") if k in index}
        for index in props.get("LocalSecondaryIndexes") or []
    ]
    if local:
        args["LocalSecondaryIndexes"] = local
    stream = props.get("StreamSpecification")
    if stream and stream.get("StreamViewType"):
        args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    sse = props.get("SSESpecification")
    if sse and sse.get("SSEEnabled") in (True, "true"):
        spec: dict[str, Any] = {"Enabled": True}
        if sse.get("SSEType"):
            spec["SSEType"] = sse["SSEType"]
        if sse.get("KMSMasterKeyId"):
            spec["KMSMasterKeyId"] = sse["KMSMasterKeyId"]
        args["SSESpecification"] = spec
    return args


def _throughput(value: Any) -> dict[str, int]:
    value = value or {}
    return {
        "ReadCapacityUnits": int(value.get("ReadCapacityUnits", 5)),
        "WriteCapacityUnits": int(value.get("WriteCapacityUnits", 5)),
    }


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
)


def _queue_attributes(props: dict[str, Any]) -> dict[str, str]:
    attributes = {
        name: str(props[name]).lower() if isinstance(props[name], bool) else str(props[name])
        for name in _QUEUE_ATTRIBUTES
        if name in props
    }
    for name in ("RedrivePolicy", "RedriveAllowPolicy"):
        if name in props:
            value = props[name]
            attributes[name] = value if isinstance(value, str) else json.dumps(value)
    return attributes
