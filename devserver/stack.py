"""Assembles the local stack: AWS (emulated or external), function environment, HTTP server, sandbox,
queue pollers. `python -m devserver` and the tests start it through here."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devserver.app import LocalStack, Sandbox
from devserver.aws import (
    STACK_NAME,
    Emulator,
    Resources,
    configure_environment,
    provision,
    start_emulator,
)
from devserver.containers import ProcessInvoker
from devserver.cors import CorsPolicy
from devserver.environment import function_environment, local_overrides, process_environment
from devserver.invoker import Invoker, import_paths
from devserver.queues import EventSource, QueuePoller
from devserver.router import OUTBOX_PREFIX, SANDBOX_PREFIX
from devserver.server import LocalServer
from devserver.template import HTTP_API, Template, load_template

log = logging.getLogger("devserver")


def prepare_aws(
    template: Template, environ: Mapping[str, str], *, stack_name: str = STACK_NAME
) -> tuple[Emulator, Resources]:
    """Use AWS_ENDPOINT_URL when set, else start moto in-process; then create the template's resources."""
    external = environ.get("AWS_ENDPOINT_URL")
    emulator = Emulator(external) if external else start_emulator()
    try:
        region = configure_environment(emulator.endpoint_url, in_process=emulator.emulated_in_process)
        resources = provision(
            template, emulator.endpoint_url, region=region, environ=environ, stack_name=stack_name
        )
    except BaseException:
        emulator.stop()
        raise
    return emulator, resources


def make_sandbox(resources: Resources) -> Sandbox | None:
    """The Upwork sandbox, with the client credentials stored in the emulated Upwork client secret."""
    try:
        from devserver.sandbox import UpworkSandbox
    except ImportError as exc:
        log.warning("the Upwork sandbox is not available (%s)", exc)
        return None
    creds = json.loads(resources.secret("upwork_client") or "{}")
    sandbox: Sandbox = UpworkSandbox(str(creds.get("client_id", "")), str(creds.get("client_secret", "")))
    return sandbox


def make_outbox() -> Sandbox:
    """The alerts outbox (sandbox Slack and Telegram endpoints, e-mails from the emulated SES)."""
    from devserver.sandbox.outbox import Outbox

    outbox: Sandbox = Outbox()
    return outbox


def event_sources(template: Template, resources: Resources) -> list[EventSource]:
    sources = []
    arns = {res.attributes.get("Arn"): lid for lid, res in resources.physical.items()}
    for function in template.functions.values():
        for sqs in function.sqs_sources:
            if not sqs.enabled:
                continue
            queue_id = sqs.queue_logical_id
            if queue_id is None or queue_id not in template.queues:
                queue_id = arns.get(str(resources.resolver(template).resolve(sqs.queue)))
            if queue_id is None or queue_id not in resources.physical:
                log.warning("%s: queue %s is not in the template; not polled", function.logical_id, sqs.queue)
                continue
            physical = resources.physical[queue_id]
            sources.append(
                EventSource(
                    function=function.logical_id,
                    queue_url=physical.attributes["QueueUrl"],
                    queue_arn=physical.attributes["Arn"],
                    batch_size=sqs.batch_size,
                    report_batch_item_failures=sqs.report_batch_item_failures,
                )
            )
    return sources


@dataclass
class RunningStack:
    template: Template
    emulator: Emulator
    resources: Resources
    server: LocalServer
    invoker: Invoker
    sandbox: Sandbox | None
    upwork_base_url: str | None = None
    pollers: list[QueuePoller] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def sandbox_url(self) -> str | None:
        return f"{self.base_url}{SANDBOX_PREFIX}" if self.sandbox is not None else None

    def status(self) -> dict[str, Any]:
        sqs = _sqs_client(self.resources)
        queues: dict[str, Any] = {}
        for logical_id in self.template.queues:
            url = self.resources.ref(logical_id)
            try:
                attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            except Exception:  # the emulator is going away
                attrs = {}
            queues[logical_id] = {
                "url": url,
                "visible": int(attrs.get("ApproximateNumberOfMessages", 0)),
                "in_flight": int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0)),
                "redrive_policy": json.loads(attrs["RedrivePolicy"]) if "RedrivePolicy" in attrs else None,
            }
        sandbox = None
        if self.sandbox_url:
            client_id = json.loads(self.resources.secret("upwork_client") or "{}").get("client_id")
            sandbox = {
                "url": self.sandbox_url,
                "authorize_url": f"{self.sandbox_url}/ab/account-security/oauth2/authorize",
                "client_id": client_id,
            }
        return {
            "api": self.base_url,
            "docs": f"{self.base_url}/docs",
            "openapi": f"{self.base_url}/openapi.json",
            "aws": {
                "endpoint": self.emulator.endpoint_url,
                "emulator": "moto (in-process)" if self.emulator.emulated_in_process else "external",
                "region": self.resources.region,
            },
            "functions": {
                function.logical_id: {
                    "module": function.module_name,
                    "routes": [route.route_key for route in function.routes],
                    "function_url": function.function_url,
                    "queues": sorted(
                        {poller.source.queue_arn for poller in self.pollers if poller.source.function == name}
                    ),
                    "schedules": [schedule.expression for schedule in function.schedules],
                }
                for name, function in self.template.functions.items()
            },
            "tables": {lid: self.resources.ref(lid) for lid in self.template.tables},
            "queues": queues,
            "buckets": {lid: self.resources.ref(lid) for lid in self.template.buckets},
            "keys": {lid: self.resources.ref(lid) for lid in [*self.template.keys, *self.template.aliases]},
            "secrets": {lid: self.resources.ref(lid) for lid in self.template.secrets},
            "sandbox": sandbox,
            "processes": {
                "devserver": os.getpid(),
                "containers": self.invoker.pids() if isinstance(self.invoker, ProcessInvoker) else {},
            },
        }

    def start_pollers(self, *, retry_delay: int = 1) -> None:
        """One poller per queue, with as many batches in flight as the function has containers: like Lambda's
        event-source mapping, a slow message does not hold up the rest of the queue."""
        sqs = _sqs_client(self.resources)
        for source in event_sources(self.template, self.resources):
            name = source.function

            def invoke(event: dict[str, Any], name: str = name) -> Any:
                return self.invoker.invoke(name, event)

            poller = QueuePoller(
                source,
                invoke,
                sqs,
                region=self.resources.region,
                retry_delay=retry_delay,
                concurrency=self.invoker.concurrency,
            )
            poller.start()
            self.pollers.append(poller)

    def warm_up(self) -> threading.Thread:
        """Import every function in the background so the first requests are not slowed by imports."""

        self.invoker.hold()

        def run() -> None:
            self.invoker.warm_up()

        thread = threading.Thread(target=run, name="devserver-warm-up", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop taking requests and messages, then the emulator. Pollers waiting on a long poll are not
        waited for long: they are daemon threads and hand back anything they receive after the stop."""
        for poller in self.pollers:
            poller.request_stop()
        stoppers = [threading.Thread(target=self.server.stop), threading.Thread(target=self.emulator.stop)]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()
        for poller in self.pollers:
            poller.stop(timeout=0.1)
        self.invoker.close()


def _sqs_client(resources: Resources) -> Any:
    import boto3

    return boto3.session.Session(region_name=resources.region).client(
        "sqs", endpoint_url=resources.endpoint_url
    )


def start_stack(
    template_path: str | Path = "template.yaml",
    *,
    host: str = "127.0.0.1",
    port: int = 3000,
    quiet: bool = False,
    parameter_overrides: dict[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    stack_name: str = STACK_NAME,
    in_process: bool = False,
) -> RunningStack:
    """Bind the port, bring up AWS, set the functions' environment and wire the server (not yet serving).

    `environ` is the developer's environment (default: os.environ). Each function runs in containers of its
    own (`devserver.containers`) with its own environment; `in_process=True` runs them all in this process
    instead (one at a time per HTTP request), with the union of their variables written into os.environ.
    """
    developer_env = dict(os.environ if environ is None else environ)
    template = load_template(template_path, parameter_overrides)
    server = LocalServer(host, port, quiet=quiet)
    try:
        sandbox_url = None if developer_env.get("UPWORK_BASE_URL") else f"{server.base_url}{SANDBOX_PREFIX}"
        emulator, resources = prepare_aws(template, developer_env, stack_name=stack_name)
        resources.add_local_endpoints(template, server.base_url)
        outbox_url = f"{server.base_url}{OUTBOX_PREFIX}"
        overrides = local_overrides(template, developer_env, sandbox_url=sandbox_url, outbox_url=outbox_url)
        base_env = dict(os.environ)  # the AWS endpoint, region and credentials configured above
        os.environ.update(process_environment(template, resources, overrides))
        invoker: Invoker
        if in_process:
            invoker = Invoker(template, region=resources.region)
        else:
            invoker = ProcessInvoker(
                template,
                region=resources.region,
                environments={
                    name: {**base_env, **function_environment(template, function, resources, overrides)}
                    for name, function in template.functions.items()
                },
                paths=import_paths(template),
            )
        sandbox = make_sandbox(resources) if sandbox_url else None
    except BaseException:
        server.server_close()
        raise
    stack = RunningStack(
        template, emulator, resources, server, invoker, sandbox, developer_env.get("UPWORK_BASE_URL") or None
    )
    cors = cors_policy(template, resources, developer_env.get("ALLOWED_ORIGINS"))
    server.stack = LocalStack(
        invoker, sandbox=sandbox, status=stack.status, port=server.port, cors=cors, outbox=make_outbox()
    )
    return stack


def cors_policy(template: Template, resources: Resources, origins: str | None) -> CorsPolicy | None:
    """The HTTP API's CORS settings (the first HttpApi with some), as API Gateway would apply them: the
    `x-amazon-apigateway-cors` extension of its DefinitionBody (what template.yaml uses, as it survives SAM's
    transform), else SAM's `CorsConfiguration` property."""
    for api in template.of_type(HTTP_API).values():
        body = api.properties.get("DefinitionBody")
        extension = body.get("x-amazon-apigateway-cors") if isinstance(body, dict) else None
        if isinstance(extension, dict):
            return CorsPolicy.from_openapi(
                resources.resolver(template).resolve(extension), origins_override=origins
            )
        config = api.properties.get("CorsConfiguration")
        if isinstance(config, dict):
            return CorsPolicy.from_config(
                resources.resolver(template).resolve(config), origins_override=origins
            )
    return None
