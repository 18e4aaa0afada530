"""The parts of template.yaml the local stack serves: functions and their triggers, and AWS resources."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devserver.cfn import Resolver, TemplateError, load_template_file

DEFAULT_ROUTE = "$default"

FUNCTION = "AWS::Serverless::Function"
TABLE = "AWS::DynamoDB::Table"
QUEUE = "AWS::SQS::Queue"
BUCKET = "AWS::S3::Bucket"
KEY = "AWS::KMS::Key"
ALIAS = "AWS::KMS::Alias"
SECRET = "AWS::SecretsManager::Secret"  # noqa: S105  # a resource type, not a secret  # nosec B105
LAYER = "AWS::Serverless::LayerVersion"
HTTP_API = "AWS::Serverless::HttpApi"
EMAIL_IDENTITY = "AWS::SES::EmailIdentity"


@dataclass(frozen=True)
class HttpRoute:
    """One `HttpApi` event: `method` is upper case or `ANY`; `path` may be `$default`."""

    method: str
    path: str

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.path == DEFAULT_ROUTE else f"{self.method} {self.path}"


@dataclass(frozen=True)
class SqsSource:
    """One `SQS` event: the queue (logical id, when the template names one) and how batches are fed."""

    name: str
    queue: Any
    batch_size: int = 10
    report_batch_item_failures: bool = False
    enabled: bool = True

    @property
    def queue_logical_id(self) -> str | None:
        if isinstance(self.queue, dict) and set(self.queue) == {"Fn::GetAtt"}:
            argument = self.queue["Fn::GetAtt"]
            return str(argument.partition(".")[0] if isinstance(argument, str) else argument[0])
        if isinstance(self.queue, dict) and set(self.queue) == {"Ref"}:
            return str(self.queue["Ref"])
        return None


@dataclass(frozen=True)
class ScheduleSource:
    name: str
    expression: str
    input: str | None = None
    enabled: bool = True


@dataclass
class Function:
    logical_id: str
    code_uri: str
    handler: str
    timeout: int = 3
    memory_size: int = 128
    environment: dict[str, Any] = field(default_factory=dict)
    routes: list[HttpRoute] = field(default_factory=list)
    sqs_sources: list[SqsSource] = field(default_factory=list)
    schedules: list[ScheduleSource] = field(default_factory=list)
    function_url: bool = False

    @property
    def dir_name(self) -> str:
        return Path(self.code_uri).name

    @property
    def module_name(self) -> str:
        """`functions/auth/` + `app.lambda_handler` → `functions.auth.app`."""
        code_parts = [part for part in Path(self.code_uri).parts if part not in (".", "")]
        handler_module = self.handler.rpartition(".")[0]
        return ".".join([*code_parts, *handler_module.split(".")])

    @property
    def handler_name(self) -> str:
        return self.handler.rpartition(".")[2]


@dataclass
class Resource:
    logical_id: str
    type: str
    properties: dict[str, Any]


@dataclass
class Template:
    path: Path
    data: dict[str, Any]
    functions: dict[str, Function]
    resources: dict[str, Resource]
    parameter_overrides: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    def of_type(self, resource_type: str) -> dict[str, Resource]:
        return {name: res for name, res in self.resources.items() if res.type == resource_type}

    @property
    def tables(self) -> dict[str, Resource]:
        return self.of_type(TABLE)

    @property
    def queues(self) -> dict[str, Resource]:
        return self.of_type(QUEUE)

    @property
    def buckets(self) -> dict[str, Resource]:
        return self.of_type(BUCKET)

    @property
    def keys(self) -> dict[str, Resource]:
        return self.of_type(KEY)

    @property
    def aliases(self) -> dict[str, Resource]:
        return self.of_type(ALIAS)

    @property
    def secrets(self) -> dict[str, Resource]:
        return self.of_type(SECRET)

    @property
    def layer_dirs(self) -> list[Path]:
        dirs = []
        for layer in self.of_type(LAYER).values():
            content = layer.properties.get("ContentUri")
            if isinstance(content, str):
                dirs.append(self.root / content)
        return dirs

    def function(self, name: str) -> Function:
        """A function by logical id (`AuthFunction`) or by code directory (`auth`)."""
        if name in self.functions:
            return self.functions[name]
        for function in self.functions.values():
            if function.dir_name == name or function.code_uri.rstrip("/") == name.rstrip("/"):
                return function
        raise KeyError(f"no function {name!r} in {self.path.name} (have: {', '.join(self.functions)})")


def load_template(path: str | Path, parameter_overrides: dict[str, str] | None = None) -> Template:
    """Read a SAM template; resources whose `Condition` is false are left out."""
    path = Path(path).resolve()
    data = load_template_file(path)
    overrides = dict(parameter_overrides or {})
    resolver = Resolver(data, parameter_overrides=overrides)
    globals_function = (data.get("Globals") or {}).get("Function") or {}
    functions: dict[str, Function] = {}
    resources: dict[str, Resource] = {}
    for logical_id, body in (data.get("Resources") or {}).items():
        if not isinstance(body, dict) or "Type" not in body:
            raise TemplateError(f"resource {logical_id} has no Type")
        condition = body.get("Condition")
        if isinstance(condition, str) and not resolver.condition(condition):
            continue
        properties = body.get("Properties") or {}
        resources[logical_id] = Resource(logical_id, body["Type"], properties)
        if body["Type"] == FUNCTION:
            functions[logical_id] = _function(logical_id, _merge(globals_function, properties), resolver)
    return Template(
        path=path, data=data, functions=functions, resources=resources, parameter_overrides=overrides
    )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _int(resolver: Resolver, value: Any, default: int) -> int:
    return default if value is None else int(resolver.resolve(value))


def _function(logical_id: str, props: dict[str, Any], resolver: Resolver) -> Function:
    code_uri = props.get("CodeUri")
    if not isinstance(code_uri, str):
        raise TemplateError(f"{logical_id}: CodeUri must be a local directory")
    function = Function(
        logical_id=logical_id,
        code_uri=code_uri,
        handler=str(props.get("Handler", "app.lambda_handler")),
        timeout=_int(resolver, props.get("Timeout"), 3),
        memory_size=_int(resolver, props.get("MemorySize"), 128),
        environment=dict((props.get("Environment") or {}).get("Variables") or {}),
        function_url="FunctionUrlConfig" in props,
    )
    for event_name, event in (props.get("Events") or {}).items():
        kind = event.get("Type")
        event_props = event.get("Properties") or {}
        if kind == "HttpApi":
            path = event_props.get("Path")
            method = event_props.get("Method")
            if path is None and method is None:
                function.routes.append(HttpRoute("ANY", DEFAULT_ROUTE))
            else:
                method = str(method or "ANY").upper()
                method = "ANY" if method in ("*", "X-AMAZON-APIGATEWAY-ANY-METHOD") else method
                function.routes.append(HttpRoute(method, str(path or DEFAULT_ROUTE)))
        elif kind == "SQS":
            function.sqs_sources.append(
                SqsSource(
                    name=event_name,
                    queue=event_props.get("Queue"),
                    batch_size=_int(resolver, event_props.get("BatchSize"), 10),
                    report_batch_item_failures="ReportBatchItemFailures"
                    in (event_props.get("FunctionResponseTypes") or []),
                    enabled=bool(resolver.resolve(event_props.get("Enabled", True))),
                )
            )
        elif kind in ("Schedule", "ScheduleV2"):
            expression = event_props.get("Schedule") or event_props.get("ScheduleExpression") or ""
            raw_input = event_props.get("Input")
            function.schedules.append(
                ScheduleSource(
                    name=event_name,
                    expression=str(resolver.resolve(expression)),
                    input=None if raw_input is None else str(resolver.resolve(raw_input)),
                    enabled=_schedule_enabled(resolver, event_props),
                )
            )
    return function


def _schedule_enabled(resolver: Resolver, props: dict[str, Any]) -> bool:
    if "Enabled" in props:
        return bool(resolver.resolve(props["Enabled"]))
    state = props.get("State")
    return state is None or str(resolver.resolve(state)).upper() == "ENABLED"
