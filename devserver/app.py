"""Request dispatch for the local stack: functions (HTTP API routes and the Function URL), the Upwork
sandbox and the local-only `/_local/*` endpoints."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs

from devserver.cors import CorsPolicy
from devserver.events import DEFAULT_ACCOUNT, http_event
from devserver.invoker import HttpResponse, Invoker, new_request_id, problem
from devserver.router import (
    LOCAL_PREFIX,
    OUTBOX_PREFIX,
    SANDBOX_PREFIX,
    WEBHOOK_PATH,
    Router,
    function_url_function,
)
from devserver.schedule import fire_schedule

log = logging.getLogger("devserver")

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class Request:
    method: str
    path: str
    raw_query: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    source_ip: str = "127.0.0.1"

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def request_id(self) -> str:
        sent = self.header("x-request-id")
        return sent if sent and _SAFE_REQUEST_ID.match(sent) else new_request_id()


class Sandbox(Protocol):
    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        source_ip: str,
    ) -> Any: ...


def json_response(status: int, document: Any, request_id: str) -> HttpResponse:
    return HttpResponse(
        status,
        [("Content-Type", "application/json"), ("X-Request-Id", request_id)],
        json.dumps(document, indent=2, default=str).encode(),
    )


class LocalStack:
    """Turns HTTP requests into handler invocations (and answers the local-only endpoints itself)."""

    def __init__(
        self,
        invoker: Invoker | None,
        *,
        sandbox: Sandbox | None = None,
        status: Callable[[], dict[str, Any]] | None = None,
        port: int | None = None,
        cors: CorsPolicy | None = None,
        outbox: Sandbox | None = None,
    ) -> None:
        self.invoker = invoker
        self.router = Router.from_template(invoker.template) if invoker else Router([])
        self.webhook_function = function_url_function(invoker.template) if invoker else None
        self.sandbox = sandbox
        self.status = status
        self.port = port
        self.cors = cors
        self.outbox = outbox  # alerts: sandbox Slack/Telegram endpoints and GET /_sandbox/outbox

    def handle(self, request: Request) -> HttpResponse:
        if _under(request.path, SANDBOX_PREFIX) and self.sandbox is not None:
            return self._sandbox(self.sandbox, request)
        if _under(request.path, OUTBOX_PREFIX) and self.outbox is not None:
            return self._sandbox(self.outbox, request, prefix=OUTBOX_PREFIX)
        if _under(request.path, LOCAL_PREFIX) and self.invoker is not None:
            return self._local(self.invoker, request)
        if request.path == WEBHOOK_PATH and self.webhook_function is not None:
            # A Lambda Function URL: no routes, no API Gateway CORS; the event's route key is $default.
            name = self.webhook_function.logical_id
            return self._invoke(request, name, "$default", {}, account="anonymous")
        headers = {name.lower(): value for name, value in request.headers}
        if self.cors is not None and self.cors.is_preflight(request.method, headers):
            return self.cors.preflight(headers)
        response = self._api(request)
        return self.cors.decorate(response, headers.get("origin")) if self.cors else response

    def _api(self, request: Request) -> HttpResponse:
        match = self.router.match(request.method, request.path) if self.invoker else None
        if match is None:
            return problem(
                404, "not-found", "Not found", "No route matches this request.", request.request_id()
            )
        return self._invoke(request, match.route.function, match.route.route_key, match.path_parameters)

    def _invoke(
        self,
        request: Request,
        function: str,
        route_key: str,
        params: dict[str, str],
        *,
        account: str = DEFAULT_ACCOUNT,
    ) -> HttpResponse:
        request_id = request.request_id()
        if len(request.body) > MAX_BODY_BYTES:
            return problem(
                413, "payload-too-large", "Payload too large", "The body is over 10 MB.", request_id
            )
        if self.invoker is None:
            return problem(404, "not-found", "Not found", "No route matches this request.", request_id)
        event = http_event(
            request.method,
            request.path,
            raw_query=request.raw_query,
            headers=request.headers,
            body=request.body,
            source_ip=request.source_ip,
            route_key=route_key,
            path_parameters=params,
            account_id=account,
            port=self.port,
        )
        response = self.invoker.invoke_http(function, event, request_id)
        if response.header("apigw-requestid") is None:
            response.headers.append(("apigw-requestid", event["requestContext"]["requestId"]))
        return response

    def _sandbox(self, sandbox: Sandbox, request: Request, prefix: str = SANDBOX_PREFIX) -> HttpResponse:
        path = request.path[len(prefix) :] or "/"
        headers: dict[str, str] = {}
        for name, value in request.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        query = parse_qs(request.raw_query, keep_blank_values=True)
        try:
            result = sandbox.handle(request.method, path, query, headers, request.body, request.source_ip)
        except Exception:
            log.exception("the sandbox failed on %s %s", request.method, path)
            return problem(500, "internal", "Sandbox error", "The Upwork sandbox failed.", new_request_id())
        result_headers = result.headers.items() if isinstance(result.headers, dict) else result.headers
        return HttpResponse(
            int(result.status), [(str(k), str(v)) for k, v in result_headers], bytes(result.body)
        )

    def _local(self, invoker: Invoker, request: Request) -> HttpResponse:
        request_id = request.request_id()
        if request.path == f"{LOCAL_PREFIX}/status" and request.method in ("GET", "HEAD"):
            return json_response(200, self.status() if self.status else {}, request_id)
        prefix = f"{LOCAL_PREFIX}/schedule/"
        if request.path.startswith(prefix) and request.method == "POST":
            name = request.path[len(prefix) :]
            started = time.perf_counter()
            try:
                results = fire_schedule(invoker, name)
            except KeyError as exc:
                return problem(404, "not-found", "Not found", str(exc.args[0]), request_id)
            except LookupError as exc:
                return problem(404, "not-found", "Not found", str(exc), request_id)
            except Exception:
                log.exception("scheduled run of %s failed", name)
                return problem(
                    502, "internal", "Internal error", f"{name} failed; see the console.", request_id
                )
            elapsed = round((time.perf_counter() - started) * 1000)
            return json_response(200, {"function": name, "results": results, "ms": elapsed}, request_id)
        return problem(404, "not-found", "Not found", "Unknown local-stack endpoint.", request_id)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")
