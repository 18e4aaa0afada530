"""Runs the real Lambda handlers in-process and turns their results into HTTP responses."""

from __future__ import annotations

import base64
import importlib
import json
import logging
import pkgutil
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from devserver.events import LambdaContext
from devserver.template import Function, Template

log = logging.getLogger("devserver")

Handler = Callable[[dict[str, Any], Any], Any]
PROBLEM_TYPE = "application/problem+json"


class FunctionBusy(RuntimeError):
    """The function's only local 'container' stayed busy for longer than its timeout."""


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def problem(status: int, slug: str, title: str, detail: str, request_id: str) -> HttpResponse:
    """An RFC 9457 problem document produced by the local stack itself (not by a function)."""
    document = {
        "type": f"https://bidcraft.dev/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": request_id,
    }
    return HttpResponse(
        status,
        [("Content-Type", PROBLEM_TYPE), ("X-Request-Id", request_id)],
        json.dumps(document).encode(),
    )


def import_paths(template: Template) -> list[str]:
    """Repo root (for `functions.<dir>.app`) and layer directories (for `bidcraft`), as sys.path entries."""
    return [
        str(candidate)
        for path in [template.root, *template.layer_dirs]
        for candidate in (path, path / "python")
        if candidate.is_dir()
    ]


def ensure_import_paths(template: Template) -> None:
    for text in import_paths(template):
        if text not in sys.path:
            sys.path.insert(0, text)


class Invoker:
    """Calls `lambda_handler(event, context)` of a template function, in this process (tests, `make invoke`).

    All functions share this process, so each one runs one invocation at a time (like a single warm
    container): handler modules keep per-invocation state (the Powertools resolver's current event, logger
    keys) in module globals. `make dev` runs each function in processes of its own instead
    (`devserver.containers.ProcessInvoker`).
    """

    serial_http = True  # see `_http_lock`
    concurrency = 1  # invocations of one function that may run at once

    def __init__(
        self,
        template: Template,
        *,
        region: str = "us-east-1",
        handlers: Mapping[str, Handler] | None = None,
    ) -> None:
        self.template = template
        self.region = region
        self._handlers: dict[str, Handler] = dict(handlers or {})
        self._locks = {name: threading.Lock() for name in template.functions}
        self._load_lock = threading.Lock()
        # Powertools keeps the current event in a class attribute shared by every resolver
        # (`BaseRouter.current_event`), so two HTTP functions resolving at once in one process would read each
        # other's requests. Real Lambda has a process per container; here HTTP invocations take turns.
        self._http_lock = threading.Lock()
        # Set while no warm-up import is running: a lazy import racing a warm-up import of a module that
        # imports it back would see it partially initialised, so invocations wait for the warm-up to finish.
        self._ready = threading.Event()
        self._ready.set()

    def handler(self, function: Function) -> Handler:
        with self._load_lock:
            if function.logical_id not in self._handlers:
                ensure_import_paths(self.template)
                module = importlib.import_module(function.module_name)
                self._handlers[function.logical_id] = getattr(module, function.handler_name)
            return self._handlers[function.logical_id]

    def context(self, function: Function) -> LambdaContext:
        return LambdaContext(
            function_name=f"bidcraft-local-{function.logical_id}",
            memory_limit_in_mb=function.memory_size,
            timeout_seconds=float(function.timeout),
            region=self.region,
        )

    def hold(self) -> None:
        """Make invocations wait until `warm_up` has finished (call before starting it in a thread)."""
        self._ready.clear()

    def warm_up(self, extra_packages: tuple[str, ...] = ("bidcraft",)) -> None:
        """Import every function and every module of `extra_packages`, then let invocations run."""
        self._ready.clear()
        try:
            for function in self.template.functions.values():
                try:
                    self.handler(function)
                except Exception as exc:
                    log.warning("%s cannot be imported: %s: %s", function.logical_id, type(exc).__name__, exc)
            for package_name in extra_packages:
                package = importlib.import_module(package_name)
                for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
                    try:
                        importlib.import_module(module.name)
                    except Exception as exc:  # an optional dependency missing is the module's own business
                        log.debug("warm-up skipped %s: %s", module.name, exc)
        finally:
            self._ready.set()

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        """Invoke a function by logical id (or code directory); exceptions propagate."""
        self._ready.wait(timeout=60)
        function = self.template.function(name)
        handler = self.handler(function)
        lock = self._locks.setdefault(function.logical_id, threading.Lock())
        if not lock.acquire(timeout=max(float(function.timeout), 1.0) + 5.0):
            raise FunctionBusy(function.logical_id)
        try:
            return handler(event, self.context(function))
        finally:
            lock.release()

    def close(self) -> None:
        """Nothing to release in-process (see `ProcessInvoker.close`)."""

    def invoke_http(self, name: str, event: dict[str, Any], request_id: str) -> HttpResponse:
        """Invoke for an HTTP request: failures become 502 problems, as API Gateway turns them into 5xx."""
        function = self.template.function(name)
        serial = self.serial_http
        if serial and not self._http_lock.acquire(timeout=max(float(function.timeout), 1.0) + 5.0):
            log.warning("%s waited too long for its turn; answering 503", name)
            return problem(503, "unavailable", "Service unavailable", "The function is busy.", request_id)
        try:
            result = self.invoke(name, event)
        except FunctionBusy:
            log.warning("%s stayed busy; answering 503", name)
            return problem(503, "unavailable", "Service unavailable", "The function is busy.", request_id)
        except Exception:
            log.exception("%s raised an exception (the client sees a 502)", name)
            return internal_error(request_id)
        finally:
            if serial:
                self._http_lock.release()
        try:
            return http_response(result)
        except (TypeError, ValueError):
            log.exception("%s returned a response API Gateway cannot map", name)
            return internal_error(request_id)


def internal_error(request_id: str) -> HttpResponse:
    return problem(
        502, "internal", "Internal error", "The function failed to handle the request.", request_id
    )


def http_response(result: Any) -> HttpResponse:
    """Map a payload-2.0 Lambda result to an HTTP response, with API Gateway's rules for plain results."""
    if isinstance(result, dict) and "statusCode" in result:
        status = int(result["statusCode"])
        if not 100 <= status <= 599:
            raise ValueError(f"bad statusCode {status}")
        headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers.extend((str(name), str(value)) for value in values)
        headers.extend(("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or [])
        body = result.get("body")
        if body is None:
            raw = b""
        elif result.get("isBase64Encoded"):
            raw = base64.b64decode(str(body))
        else:
            raw = str(body).encode()
        return HttpResponse(status, headers, raw)
    text = result if isinstance(result, str) else json.dumps(result)
    return HttpResponse(200, [("Content-Type", "application/json")], text.encode())


def new_request_id() -> str:
    return str(uuid.uuid4())
