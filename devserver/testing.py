"""What integration tests run handlers against: the local stack minus its HTTP front door.

`LocalAws.start()` starts moto in server mode (or uses AWS_ENDPOINT_URL), creates template.yaml's resources
with the same code as `make dev`, serves the Upwork sandbox on a free local port and sets every function's
environment in `os.environ`. Its helpers build API Gateway / SQS / schedule events and invoke handlers
in-process. `stop()` restores the environment it found.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from devserver.app import LocalStack
from devserver.aws import Emulator, Resources, configure_environment, provision, start_emulator
from devserver.environment import local_overrides, process_environment
from devserver.events import LambdaContext, http_event, schedule_event, sqs_event
from devserver.invoker import Invoker
from devserver.router import OUTBOX_PREFIX, SANDBOX_PREFIX, WEBHOOK_PATH, Router, function_url_function
from devserver.server import LocalServer
from devserver.stack import make_outbox, make_sandbox
from devserver.template import Template, load_template

Query = Mapping[str, str | Sequence[str]]
UNREACHABLE_UPWORK = "http://127.0.0.1:9/upwork-sandbox-unavailable"


def random_test_ip() -> str:
    """A client IP from 198.18.0.0/15 (benchmarking range), so per-IP rate limits do not leak across tests."""
    return f"198.{18 + secrets.randbelow(2)}.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"


@dataclass
class LocalAws:
    template: Template
    emulator: Emulator
    resources: Resources
    invoker: Invoker
    server: LocalServer | None = None
    sandbox: Any = None
    environment: dict[str, str] = field(default_factory=dict)
    _saved_environ: dict[str, str] = field(default_factory=dict, repr=False)
    outbox: Any = None  # the alerts outbox served at {server}/_sandbox (devserver.sandbox.outbox)

    # -- lifecycle ---------------------------------------------------------------------------------------
    @classmethod
    def start(
        cls, template_path: str | Path = "template.yaml", *, environ: Mapping[str, str] | None = None
    ) -> LocalAws:
        """`environ` plays the developer's environment (WEBHOOK_SECRET, ALLOWED_REDIRECT_URIS, ...)."""
        saved = dict(os.environ)
        developer_env = dict(environ or {})
        template = load_template(template_path)
        external = os.environ.get("AWS_ENDPOINT_URL")
        emulator = Emulator(external) if external else start_emulator()
        server: LocalServer | None = None
        try:
            region = configure_environment(emulator.endpoint_url, in_process=not external)
            resources = provision(template, emulator.endpoint_url, region=region, environ=developer_env)
            sandbox = make_sandbox(resources)
            outbox = make_outbox()
            server = LocalServer("127.0.0.1", 0, LocalStack(None, sandbox=sandbox, outbox=outbox), quiet=True)
            server.start_in_thread()
            sandbox_url = f"{server.base_url}{SANDBOX_PREFIX}" if sandbox is not None else UNREACHABLE_UPWORK
            outbox_url = f"{server.base_url}{OUTBOX_PREFIX}"
            resources.add_local_endpoints(template, "http://127.0.0.1:3000")
            overrides = local_overrides(
                template, developer_env, sandbox_url=sandbox_url, outbox_url=outbox_url
            )
            environment = process_environment(template, resources, overrides)
            os.environ.update(environment)
        except BaseException:
            if server is not None:
                server.stop()
            emulator.stop()
            _restore(saved)
            raise
        invoker = Invoker(template, region=resources.region)
        return cls(template, emulator, resources, invoker, server, sandbox, environment, saved, outbox)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.emulator.stop()
        _restore(self._saved_environ)

    @property
    def sandbox_url(self) -> str | None:
        return f"{self.server.base_url}{SANDBOX_PREFIX}" if self.server is not None else None

    def sandbox_client(self) -> tuple[str, str]:
        """The Upwork OAuth client id and secret the functions (and the sandbox) use."""
        creds = json.loads(self.resources.secret("upwork_client") or "{}")
        return str(creds.get("client_id", "")), str(creds.get("client_secret", ""))

    # -- events ------------------------------------------------------------------------------------------
    def apigw_event(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        query: Query | None = None,
        source_ip: str | None = None,
    ) -> dict[str, Any]:
        """An HTTP API payload 2.0 event for `method path`, with the route key and path parameters the
        template's routes give it. A dict/list body is sent as JSON; the client IP is random unless given."""
        request_headers = {"user-agent": "bidcraft-tests", "host": "api.bidcraft.test", **(headers or {})}
        raw_body: bytes | str | None = None
        if isinstance(body, dict | list):
            raw_body = json.dumps(body)
            request_headers.setdefault("content-type", "application/json")
        elif body is not None:
            raw_body = body
        path_only, _, inline_query = path.partition("?")
        raw_query = inline_query or (urlencode(query or {}, doseq=True))
        route_key, params = "$default", {}
        if path_only != WEBHOOK_PATH or function_url_function(self.template) is None:
            match = Router.from_template(self.template).match(method, path_only)
            if match is not None:
                route_key, params = match.route.route_key, match.path_parameters
        return http_event(
            method,
            path_only,
            raw_query=raw_query,
            headers=request_headers,
            body=raw_body,
            source_ip=source_ip or random_test_ip(),
            route_key=route_key,
            path_parameters=params,
        )

    def sqs_event(self, *bodies: str | Mapping[str, Any], queue: str = "EventsQueue") -> dict[str, Any]:
        """An SQS event from the template queue `queue` (logical id), one record per body."""
        return sqs_event(
            *bodies, queue_arn=self.resources.attribute(queue, "Arn"), region=self.resources.region
        )

    def schedule_event(self, function: str = "SyncWorkerFunction") -> dict[str, Any]:
        return schedule_event(
            f"{self.template.function(function).logical_id}-Schedule", region=self.resources.region
        )

    def context(self, function: str) -> LambdaContext:
        return self.invoker.context(self.template.function(function))

    # -- invocation ------------------------------------------------------------------------------------------
    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Call the function's handler (logical id or directory name) in-process; exceptions propagate."""
        return self.invoker.invoke(function, event)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Route `method path` as API Gateway would and invoke the function that serves it."""
        event = self.apigw_event(method, path, **kwargs)
        path_only = event["rawPath"]
        webhook = function_url_function(self.template)
        if path_only == WEBHOOK_PATH and webhook is not None:
            return self.invoke(webhook.logical_id, event)
        match = Router.from_template(self.template).match(method, path_only)
        if match is None:
            raise LookupError(f"no route for {method} {path_only}")
        return self.invoke(match.route.function, event)


def _restore(saved: Mapping[str, str]) -> None:
    for name in list(os.environ):
        if name not in saved:
            del os.environ[name]
    os.environ.update(saved)
