"""template.yaml: durability, least privilege and operability checks (security-tests C10, C11, R11, D8, D9,
L5, L7)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.template.conftest import (
    LOG_GROUP,
    Statement,
    as_list,
    references,
)

WORKER_QUEUES = {
    "EventsWorkerFunction": "EventsQueue",
    "AiWorkerFunction": "AiJobsQueue",
    "SyncWorkerFunction": "SyncQueue",
    "AlertsWorkerFunction": "AlertsQueue",
}
DEAD_LETTER_QUEUES = {
    "EventsQueue": "EventsDeadLetterQueue",
    "AiJobsQueue": "AiJobsDeadLetterQueue",
    "SyncQueue": "SyncDeadLetterQueue",
    "AlertsQueue": "AlertsDeadLetterQueue",
}
HTTP_API_FUNCTIONS = {
    "MetaFunction", "AuthFunction", "AiFunction", "AnalyticsFunction", "UpworkFunction", "JobsFunction",
    "AlertsFunction",
}  # fmt: skip
BEARER_FUNCTIONS = {
    "AuthFunction", "AiFunction", "AnalyticsFunction", "UpworkFunction", "JobsFunction", "AlertsFunction",
}  # fmt: skip

# Who may read which secret and send to which queue: anything else is a least-privilege regression.
SECRET_READERS = {
    "SigningKeySecret": BEARER_FUNCTIONS,
    "UpworkClientSecret": {
        "AuthFunction",
        "AiFunction",
        "UpworkFunction",
        "SyncWorkerFunction",
        "JobsFunction",
        "JobsPollerFunction",
    },
    "WebhookSecret": {"WebhooksFunction"},
    "OpenAISecret": {"AiFunction", "AiWorkerFunction", "JobsFunction"},  # JobsFunction: drafts for jobs
    "TelegramBotSecret": {"AlertsWorkerFunction"},
}
QUEUE_SENDERS = {
    "EventsQueue": {"WebhooksFunction", "SyncWorkerFunction"},
    "AiJobsQueue": {"AiFunction"},
    "SyncQueue": {"AuthFunction", "UpworkFunction", "SyncWorkerFunction"},
    # test alerts (AlertsFunction); retries and quiet-hour holds (AlertsWorkerFunction)
    "AlertsQueue": {"AlertsFunction", "AlertsWorkerFunction", "JobsPollerFunction"},  # poller: new matches
}
TOKEN_KEY_USERS = {
    "AuthFunction": {"upwork_token", "totp_seed"},
    "AiFunction": {"upwork_token"},  # refreshes the user's Upwork token for market data (competition)
    "UpworkFunction": {"upwork_token"},
    "SyncWorkerFunction": {"upwork_token"},
    "JobsFunction": {"upwork_token"},  # job details with the caller's own token
    "JobsPollerFunction": {"upwork_token"},  # searches run with their owner's token (docs/jobs.md)
    "AlertsFunction": {"alert_channel"},  # seals new channels (GenerateDataKey only)
    "AlertsWorkerFunction": {"alert_channel"},  # opens them to deliver (Decrypt only)
}
AUDIT_ACTIONS = {"dynamodb:PutItem", "dynamodb:Query"}

# The environment contract shared by template.yaml, the devserver and the code (team brief).
DOCUMENTED_ENV = {
    "STAGE", "USERS_TABLE", "ANALYTICS_TABLE", "AUDIT_TABLE", "IDEMPOTENCY_TABLE",
    "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL", "LOCAL_STACK",
    "KMS_KEY_ID", "SIGNING_KEY_SECRET_ARN", "UPWORK_CLIENT_SECRET_ARN", "UPWORK_BASE_URL", "UPWORK_API_URL",
    "WEBHOOK_SECRET_ARN", "OPENAI_SECRET_ARN", "OPENAI_BASE_URL", "OPENAI_MODEL", "EVENTS_QUEUE_URL",
    "AI_JOBS_QUEUE_URL", "SYNC_QUEUE_URL", "REPORTS_BUCKET", "ALLOWED_REDIRECT_URIS", "ALLOWED_ORIGINS",
    "RATE_LIMIT_AI_OPERATIONS", "RATE_LIMIT_AUTH", "RATE_LIMIT_API", "JWT_ISSUER", "JWT_AUDIENCE",
    "JOBS_TABLE", "JOBS_POLL_MINUTES", "JOBS_UPWORK_CREDENTIALS",
    "UPWORK_RATE_PER_SECOND", "UPWORK_DAILY_BUDGET",
    "ALERTS_TABLE", "ALERTS_QUEUE_URL", "TELEGRAM_BOT_SECRET_ARN", "ALERTS_EMAIL_FROM", "ALERTS_SANDBOX_URL",
    # Powertools' own settings
    "POWERTOOLS_SERVICE_NAME",
}  # fmt: skip


def _statements_on(statements: list[Statement], resource: str) -> list[Statement]:
    return [s for s in statements if resource in s.resource_names]


def _resource_props(resources: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    return dict(resources[name].get("Properties", {}))


# --- functions ----------------------------------------------------------------------------------------------
def test_every_function_sets_timeout_and_memory_explicitly(resources: dict[str, Any]) -> None:
    for name, body in resources.items():
        if body["Type"] == "AWS::Serverless::Function":
            props = body["Properties"]
            assert isinstance(props.get("Timeout"), int), f"{name}: Timeout not explicit"
            assert isinstance(props.get("MemorySize"), int), f"{name}: MemorySize not explicit"


def test_functions_share_the_runtime_layer_tracing_and_json_logs(functions: dict[str, Any]) -> None:
    assert len(functions) == 13
    for name, props in functions.items():
        assert props["Runtime"] == "python3.13", name
        assert props["Architectures"] == ["x86_64"], name
        assert props["Handler"] == "app.lambda_handler", name
        assert props["Tracing"] == "Active", name
        assert {"Ref": "CommonLayer"} in props["Layers"], name
        assert props["LoggingConfig"]["LogFormat"] == "JSON", name


def test_http_functions_stay_under_the_api_gateway_integration_timeout(functions: dict[str, Any]) -> None:
    for name in HTTP_API_FUNCTIONS:
        assert functions[name]["Timeout"] <= 29, name


def test_every_function_logs_to_its_own_log_group_with_retention(
    functions: dict[str, Any], resources: dict[str, Any]
) -> None:
    groups = [props["LoggingConfig"]["LogGroup"] for props in functions.values()]
    names = [group["Ref"] for group in groups]
    assert len(set(names)) == len(names), "log groups must not be shared"
    for name in names:
        assert resources[name]["Type"] == LOG_GROUP


def test_every_log_group_has_a_finite_retention(resources: dict[str, Any], template: dict[str, Any]) -> None:
    log_groups = {n: b for n, b in resources.items() if b["Type"] == LOG_GROUP}
    assert len(log_groups) >= 10
    for name, body in log_groups.items():
        retention = body["Properties"].get("RetentionInDays")
        assert retention is not None, f"{name} keeps logs forever"
        if isinstance(retention, dict):
            parameter = template["Parameters"][retention["Ref"]]
            assert 0 not in parameter["AllowedValues"]
            assert parameter["Default"] in parameter["AllowedValues"]


def test_function_environment_refers_only_to_existing_names(
    functions: dict[str, Any], template: dict[str, Any]
) -> None:
    known = set(template["Parameters"]) | set(template["Resources"])
    for name, props in functions.items():
        variables = props["Environment"]["Variables"]
        for variable, value in variables.items():
            unknown = {ref for ref in references(value) if not ref.startswith("AWS::")} - known
            assert not unknown, f"{name}.{variable} refers to {unknown}"


def test_function_environment_uses_only_documented_names(functions: dict[str, Any]) -> None:
    for name, props in functions.items():
        undocumented = set(props["Environment"]["Variables"]) - DOCUMENTED_ENV
        assert not undocumented, f"{name}: {undocumented}"


def test_environment_hands_each_function_what_its_policy_allows(functions: dict[str, Any]) -> None:
    env_to_resource = {
        "SIGNING_KEY_SECRET_ARN": "SigningKeySecret",
        "UPWORK_CLIENT_SECRET_ARN": "UpworkClientSecret",
        "WEBHOOK_SECRET_ARN": "WebhookSecret",
        "OPENAI_SECRET_ARN": "OpenAISecret",
        "EVENTS_QUEUE_URL": "EventsQueue",
        "AI_JOBS_QUEUE_URL": "AiJobsQueue",
        "SYNC_QUEUE_URL": "SyncQueue",
        "KMS_KEY_ID": "TokenKey",
        "REPORTS_BUCKET": "ReportsBucket",
        "ALERTS_TABLE": "AlertsTable",
        "ALERTS_QUEUE_URL": "AlertsQueue",
        "TELEGRAM_BOT_SECRET_ARN": "TelegramBotSecret",
    }
    for name, props in functions.items():
        variables = props["Environment"]["Variables"]
        policy_targets = references([p.get("Statement") for p in as_list(props.get("Policies", []))])
        for variable, resource in env_to_resource.items():
            if variable in variables:
                assert references(variables[variable]) == {resource}, f"{name}.{variable}"
                assert resource in policy_targets, f"{name} gets {variable} but no permission on {resource}"


# --- IAM ----------------------------------------------------------------------------------------------------
def test_no_wildcard_actions_and_no_wildcard_resources(statements: list[Statement]) -> None:
    assert statements
    for statement in statements:
        assert statement.effect == "Allow"
        for action in statement.actions:
            assert "*" not in action, f"{statement.function}/{statement.sid}: {action}"
        for resource in statement.resources:
            assert resource != "*", f"{statement.function}/{statement.sid}: Resource *"
        assert statement.resource_names, f"{statement.function}/{statement.sid}: not scoped to a resource"


def test_audit_table_is_append_only(statements: list[Statement], functions: dict[str, Any]) -> None:
    on_audit = _statements_on(statements, "AuditTable")
    # The jobs poller writes no audit record (it acts for no caller).
    assert {s.function for s in on_audit} == set(functions) - {"MetaFunction", "JobsPollerFunction"}
    for statement in on_audit:
        assert set(statement.actions) <= AUDIT_ACTIONS, f"{statement.function}: {statement.actions}"
        for forbidden in ("UpdateItem", "DeleteItem", "BatchWriteItem", "Scan", "PartiQL"):
            assert not any(forbidden in action for action in statement.actions)
    readers = {s.function for s in on_audit if "dynamodb:Query" in s.actions}
    assert readers == {"AnalyticsFunction"}


def test_audit_table_is_never_granted_through_sam_policy_templates(functions: dict[str, Any]) -> None:
    for name, props in functions.items():
        for policy in as_list(props.get("Policies", [])):
            assert set(policy) == {"Statement"}, f"{name}: {set(policy)}"


def test_token_key_use_is_limited_to_envelope_actions_with_a_purpose(statements: list[Statement]) -> None:
    users: dict[str, set[str]] = {}
    for statement in _statements_on(statements, "TokenKey"):
        assert set(statement.actions) <= {"kms:GenerateDataKey", "kms:Decrypt"}, statement
        purposes = statement.condition["StringEquals"]["kms:EncryptionContext:purpose"]
        assert statement.condition["Null"]["kms:EncryptionContext:user_id"] == "false"
        users[statement.function] = set(as_list(purposes))
    assert users == TOKEN_KEY_USERS


def test_every_kms_statement_is_conditioned_on_encryption_context(statements: list[Statement]) -> None:
    kms = [s for s in statements if any(a.startswith("kms:") for a in s.actions)]
    assert kms
    for statement in kms:
        keys = {key for operator in statement.condition.values() for key in operator}
        assert any(key.startswith("kms:EncryptionContext:") for key in keys), statement


def test_secrets_are_read_only_by_the_functions_that_use_them(statements: list[Statement]) -> None:
    readers: dict[str, set[str]] = {}
    for statement in statements:
        if any(a.startswith("secretsmanager:") for a in statement.actions):
            assert statement.actions == ("secretsmanager:GetSecretValue",)
            for secret in statement.resource_names:
                readers.setdefault(secret, set()).add(statement.function)
    assert readers == SECRET_READERS


def test_functions_send_only_to_their_queues(statements: list[Statement]) -> None:
    senders: dict[str, set[str]] = {}
    for statement in statements:
        if any(a.startswith("sqs:") for a in statement.actions):
            assert statement.actions == ("sqs:SendMessage",)
            for queue in statement.resource_names:
                senders.setdefault(queue, set()).add(statement.function)
    assert senders == QUEUE_SENDERS


def test_alert_channel_secrets_are_sealed_by_the_api_and_opened_only_by_the_worker(
    statements: list[Statement],
) -> None:
    on_key = {s.function: set(s.actions) for s in _statements_on(statements, "TokenKey")}
    assert on_key["AlertsFunction"] == {"kms:GenerateDataKey"}
    assert on_key["AlertsWorkerFunction"] == {"kms:Decrypt"}


def test_only_the_alerts_worker_sends_email_and_only_from_the_stacks_identity(
    statements: list[Statement], resources: dict[str, Any]
) -> None:
    ses = [s for s in statements if any(a.startswith("ses:") for a in s.actions)]
    assert [(s.function, s.actions) for s in ses] == [("AlertsWorkerFunction", ("ses:SendEmail",))]
    (statement,) = ses
    assert {name for name in statement.resource_names if not name.startswith("AWS::")} == {
        "AlertsEmailIdentity"
    }
    assert resources["AlertsEmailIdentity"]["Type"] == "AWS::SES::EmailIdentity"
    from_address = statement.condition["StringEquals"]["ses:FromAddress"]
    assert from_address == {"Fn::Sub": "alerts@${AlertsEmailDomain}"}


def test_reports_bucket_objects_only_for_analytics(statements: list[Statement]) -> None:
    on_bucket = _statements_on(statements, "ReportsBucket")
    assert [s.function for s in on_bucket] == ["AnalyticsFunction"]
    assert set(on_bucket[0].actions) == {"s3:PutObject", "s3:GetObject"}


def test_idempotency_table_only_for_workers_and_webhooks(statements: list[Statement]) -> None:
    users = {s.function for s in _statements_on(statements, "IdempotencyTable")}
    assert users <= {"WebhooksFunction", *WORKER_QUEUES}
    assert "WebhooksFunction" in users  # delivery receipts (webhook-id deduplication)


def test_key_policies_grant_only_the_account_and_named_services(resources: dict[str, Any]) -> None:
    for name, body in resources.items():
        if body["Type"] != "AWS::KMS::Key":
            continue
        for statement in body["Properties"]["KeyPolicy"]["Statement"]:
            principal = statement["Principal"]
            assert principal != "*", name
            assert principal.get("AWS") != "*", name
            if "kms:*" in as_list(statement["Action"]):
                assert set(principal) == {"AWS"}, name
                assert principal["AWS"]["Fn::Sub"].endswith(":root"), name


# --- queues -------------------------------------------------------------------------------------------------
def test_queue_visibility_is_at_least_six_times_the_worker_timeout(
    functions: dict[str, Any], queues: dict[str, Any]
) -> None:
    for function, queue in WORKER_QUEUES.items():
        timeout = functions[function]["Timeout"]
        sqs_events = [e for e in functions[function]["Events"].values() if e["Type"] == "SQS"]
        window = max(e["Properties"].get("MaximumBatchingWindowInSeconds", 0) for e in sqs_events)
        visibility = queues[queue]["Properties"]["VisibilityTimeout"]
        assert visibility >= 6 * timeout + window, f"{queue}: {visibility} < 6 x {timeout} + {window}"


def test_every_sqs_event_reports_batch_item_failures(functions: dict[str, Any]) -> None:
    seen = set()
    for name, props in functions.items():
        for event in props.get("Events", {}).values():
            if event["Type"] == "SQS":
                assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
                seen.add((name, event["Properties"]["Queue"]["Fn::GetAtt"][0]))
    assert seen == set(WORKER_QUEUES.items())


def test_work_queues_redrive_to_their_dead_letter_queue_after_five_receives(queues: dict[str, Any]) -> None:
    for queue, dlq in DEAD_LETTER_QUEUES.items():
        redrive = queues[queue]["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == 5
        assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq, "Arn"]}
        dlq_retention = queues[dlq]["Properties"]["MessageRetentionPeriod"]
        assert dlq_retention == 14 * 24 * 3600
        assert dlq_retention > queues[queue]["Properties"].get("MessageRetentionPeriod", 345600)


def test_every_queue_is_encrypted(queues: dict[str, Any]) -> None:
    assert len(queues) == 8
    for name, body in queues.items():
        props = body["Properties"]
        assert props.get("SqsManagedSseEnabled") is True or "KmsMasterKeyId" in props, name


def test_every_dead_letter_queue_has_a_depth_alarm(alarms: dict[str, Any]) -> None:
    watched = set()
    for alarm in alarms.values():
        props = alarm["Properties"]
        if props["MetricName"] == "ApproximateNumberOfMessagesVisible":
            assert props["Namespace"] == "AWS/SQS"
            assert props["ComparisonOperator"] == "GreaterThanThreshold"
            assert props["Threshold"] == 0
            assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
            (dimension,) = props["Dimensions"]
            watched.add(dimension["Value"]["Fn::GetAtt"][0])
    assert watched == set(DEAD_LETTER_QUEUES.values())


def test_every_function_has_an_errors_alarm(alarms: dict[str, Any], functions: dict[str, Any]) -> None:
    watched = set()
    for alarm in alarms.values():
        props = alarm["Properties"]
        if props["Namespace"] == "AWS/Lambda" and props["MetricName"] == "Errors":
            assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
            (dimension,) = props["Dimensions"]
            watched.add(dimension["Value"]["Ref"])
    assert watched == set(functions)


def test_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(resources: dict[str, Any]) -> None:
    topic = _resource_props(resources, "AlarmTopic")
    key_name = topic["KmsMasterKeyId"]["Ref"]
    statements = resources[key_name]["Properties"]["KeyPolicy"]["Statement"]
    assert any(s["Principal"].get("Service") == "cloudwatch.amazonaws.com" for s in statements)
    subscription = resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"


# --- data at rest -------------------------------------------------------------------------------------------
def test_kms_keys_rotate(resources: dict[str, Any]) -> None:
    keys = [b for b in resources.values() if b["Type"] == "AWS::KMS::Key"]
    assert keys
    for key in keys:
        assert key["Properties"]["EnableKeyRotation"] is True


def test_tables_are_on_demand_with_pitr_sse_and_ttl(tables: dict[str, Any]) -> None:
    assert set(tables) == {
        "UsersTable", "AnalyticsTable", "AuditTable", "IdempotencyTable", "JobsTable", "AlertsTable",
    }  # fmt: skip
    for name, body in tables.items():
        props = body["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name
        assert props["SSESpecification"]["SSEEnabled"] is True, name
        assert props["TimeToLiveSpecification"]["Enabled"] is True, name


@pytest.mark.parametrize("name", ["UsersTable", "AnalyticsTable", "AuditTable", "AlertsTable"])
def test_data_tables_follow_the_single_table_key_design(tables: dict[str, Any], name: str) -> None:
    body = tables[name]
    props = body["Properties"]
    assert body["DeletionPolicy"] == "Retain"
    assert body["UpdateReplacePolicy"] == "Retain"
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    attributes = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    assert attributes == {"pk": "S", "sk": "S", "gsi1pk": "S", "gsi1sk": "S"}
    (gsi,) = props["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "gsi1"
    assert gsi["KeySchema"] == [
        {"AttributeName": "gsi1pk", "KeyType": "HASH"},
        {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
    ]
    assert gsi["Projection"] == {"ProjectionType": "ALL"}
    assert props["TimeToLiveSpecification"]["AttributeName"] == "expires_at"


def test_idempotency_table_uses_powertools_defaults(tables: dict[str, Any]) -> None:
    props = tables["IdempotencyTable"]["Properties"]
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert props["TimeToLiveSpecification"]["AttributeName"] == "expiration"


def test_reports_bucket_is_private_encrypted_tls_only_and_expiring(resources: dict[str, Any]) -> None:
    props = _resource_props(resources, "ReportsBucket")
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    block = props["PublicAccessBlockConfiguration"]
    assert all(block[k] is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                          "RestrictPublicBuckets"))  # fmt: skip
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    rules = props["LifecycleConfiguration"]["Rules"]
    expiring = [r for r in rules if r.get("Prefix") == "reports/" and r["Status"] == "Enabled"]
    assert expiring
    assert expiring[0]["ExpirationInDays"] == 30
    assert any("AbortIncompleteMultipartUpload" in r for r in rules)
    policy = _resource_props(resources, "ReportsBucketPolicy")["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false" for s in policy
    )


def test_signing_key_secret_is_generated_with_a_kid(resources: dict[str, Any]) -> None:
    generate = _resource_props(resources, "SigningKeySecret")["GenerateSecretString"]
    assert generate["SecretStringTemplate"] == '{"kid":"k1"}'
    assert generate["GenerateStringKey"] == "key"
    assert generate["PasswordLength"] >= 64
    assert generate["ExcludePunctuation"] is True


def test_webhook_secret_is_generated_with_at_least_24_random_bytes(resources: dict[str, Any]) -> None:
    generate = _resource_props(resources, "WebhookSecret")["GenerateSecretString"]
    # alphanumeric characters are valid base64: 4 characters carry 3 bytes
    assert generate["PasswordLength"] % 4 == 0
    assert generate["PasswordLength"] * 3 // 4 >= 24
    assert generate["ExcludePunctuation"] is True
    assert generate["IncludeSpace"] is False


# --- HTTP API and webhooks ----------------------------------------------------------------------------------
def _route_keys(functions: dict[str, Any]) -> set[str]:
    keys = set()
    for props in functions.values():
        for event in props.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                p = event["Properties"]
                keys.add("$default" if "Path" not in p else f"{p['Method'].upper()} {p['Path']}")
    return keys


def test_http_api_routes_match_the_contract(functions: dict[str, Any]) -> None:
    assert _route_keys(functions) == {
        "GET /health", "GET /openapi.json", "GET /docs", "GET /docs/{proxy+}", "$default",
        "ANY /auth/{proxy+}", "ANY /api/ai/{proxy+}", "ANY /api/analytics/{proxy+}",
        "ANY /api/dashboard/{proxy+}", "ANY /api/security/{proxy+}", "ANY /api/upwork/{proxy+}",
        "ANY /api/jobs/{proxy+}",
        "ANY /api/alerts/{proxy+}",
    }  # fmt: skip
    for props in functions.values():
        for event in props.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                assert event["Properties"]["ApiId"] == {"Ref": "HttpApi"}
                assert event["Properties"].get("PayloadFormatVersion", "2.0") == "2.0"


def test_http_api_is_throttled_with_stricter_auth_and_ai_routes(
    resources: dict[str, Any], functions: dict[str, Any]
) -> None:
    props = _resource_props(resources, "HttpApi")
    default = props["DefaultRouteSettings"]
    assert default["ThrottlingBurstLimit"] > 0
    assert default["ThrottlingRateLimit"] > 0
    strict = props["RouteSettings"]
    assert set(strict) == {"ANY /auth/{proxy+}", "ANY /api/ai/{proxy+}"}
    assert set(strict) <= _route_keys(functions), "RouteSettings for a route that does not exist fail deploys"
    for settings in strict.values():
        assert settings["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert settings["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]


def test_http_api_access_log_and_cors_from_parameters(resources: dict[str, Any]) -> None:
    props = _resource_props(resources, "HttpApi")
    destination = props["AccessLogSettings"]["DestinationArn"]
    assert resources[destination["Fn::GetAtt"][0]]["Type"] == LOG_GROUP
    log_format = props["AccessLogSettings"]["Format"]
    assert "$context.requestId" in log_format
    assert "authorization" not in log_format.lower()
    assert "CorsConfiguration" not in props  # SAM's transform breaks it (test_transformed.py)
    cors = props["DefinitionBody"]["x-amazon-apigateway-cors"]
    assert cors["allowOrigins"] == {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}
    assert cors["allowCredentials"] is False


def test_webhooks_function_has_a_public_function_url_and_no_api_route(functions: dict[str, Any]) -> None:
    props = functions["WebhooksFunction"]
    assert props["FunctionUrlConfig"]["AuthType"] == "NONE"
    assert "Events" not in props
    others = [name for name, p in functions.items() if "FunctionUrlConfig" in p]
    assert others == ["WebhooksFunction"]


def test_sync_worker_runs_every_six_hours(functions: dict[str, Any]) -> None:
    schedules = [e for e in functions["SyncWorkerFunction"]["Events"].values() if e["Type"] == "Schedule"]
    assert [s["Properties"]["Schedule"] for s in schedules] == ["rate(6 hours)"]


def test_outputs_expose_the_api_and_webhook_urls(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert "HttpApi" in references(outputs["ApiUrl"]["Value"])
    assert outputs["WebhookUrl"]["Value"] == {"Fn::GetAtt": ["WebhooksFunctionUrl", "FunctionUrl"]}


def test_parameters_have_the_documented_defaults(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert parameters["OpenAIModel"]["Default"] == "gpt-4o-mini"
    assert parameters["OpenAIBaseUrl"]["Default"] == "https://api.openai.com/v1"
    assert parameters["UpworkBaseUrl"]["Default"] == "https://www.upwork.com"
    assert parameters["UpworkApiUrl"]["Default"] == "https://api.upwork.com"
    assert parameters["RateLimitAiOperations"]["Default"] == 30
    assert parameters["RateLimitAuth"]["Default"] == 60
    assert parameters["RateLimitApi"]["Default"] == 600
    assert parameters["AlarmEmail"]["Default"] == ""
    assert {"Stage", "AllowedOrigins", "AllowedRedirectUris", "LogRetentionDays"} <= set(parameters)


def test_the_public_webhook_function_has_reserved_concurrency_by_default(
    template: dict[str, Any], functions: dict[str, Any]
) -> None:
    """An unauthenticated flood of the Function URL must not take the concurrency the API functions need."""
    parameter = template["Parameters"]["WebhooksReservedConcurrency"]
    assert 1 <= int(parameter["Default"]) <= 50
    reserved = functions["WebhooksFunction"]["ReservedConcurrentExecutions"]
    assert reserved == {
        "Fn::If": [
            "HasWebhooksReservedConcurrency",
            {"Ref": "WebhooksReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }
    condition = template["Conditions"]["HasWebhooksReservedConcurrency"]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebhooksReservedConcurrency"}, 0]}]}


@pytest.mark.parametrize("metric", ["Misconfiguration", "RateLimiterFailedOpen"])
def test_the_application_alarms_watch_the_metrics_the_code_emits(
    template: dict[str, Any], alarms: dict[str, Any], metric: str
) -> None:
    """bidcraft.misconfiguration publishes these without dimensions in POWERTOOLS_METRICS_NAMESPACE."""
    from bidcraft import misconfiguration
    from bidcraft.security import ratelimit

    assert metric in (misconfiguration.METRIC, ratelimit.FAILED_OPEN_METRIC)
    namespace = template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
    (alarm,) = [a["Properties"] for a in alarms.values() if a["Properties"]["MetricName"] == metric]
    assert alarm["Namespace"] == namespace
    assert "Dimensions" not in alarm
    assert (alarm["Statistic"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "Sum",
        0,
        "GreaterThanThreshold",
    )
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
