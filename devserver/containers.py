"""Functions in processes of their own, as Lambda runs them: a pool of warm "containers" per function.

Each container is a child process (spawned, so it starts as clean as a Lambda sandbox) with the function's
own environment — its `POWERTOOLS_SERVICE_NAME` and variables, not a union of every function's — that imports
the handler once and then runs one invocation at a time, sent over a pipe. More containers start when
its requests overlap (up to `max_containers`), so concurrent requests really run concurrently: a race or load
test over HTTP measures the code, not a lock of the local stack. An invocation that outlives the function's
`Timeout` is ended with its container, as Lambda ends it.

The emulated AWS and the Upwork sandbox stay in the parent process; containers reach them over HTTP
(`AWS_ENDPOINT_URL`, the sandbox URL), exactly as the functions reach AWS and Upwork when deployed.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Any

from devserver.events import LambdaContext
from devserver.invoker import FunctionBusy, Invoker
from devserver.template import Function, Template

log = logging.getLogger("devserver")

_SPAWN = multiprocessing.get_context("spawn")
INIT_TIMEOUT_SECONDS = (
    60.0  # importing a function on a busy laptop; Lambda allows 10 s of init, we are lenient
)
DEFAULT_MAX_CONTAINERS = 4
# Set in the devserver's own environment (never passed to the functions): each invocation is profiled there.
PROFILE_DIR_VARIABLE = "DEVSERVER_PROFILE_DIR"


class FunctionError(RuntimeError):
    """The handler raised (its traceback is in the function's log, as Lambda writes it)."""


class FunctionTimeout(RuntimeError):
    """The invocation outlived the function's timeout; its container was ended."""


def _serve(conn: Connection, env: dict[str, str], paths: list[str], function: dict[str, Any]) -> None:
    """The container's main loop (runs in the child process)."""
    os.environ.clear()
    os.environ.update(env)
    for path in reversed(paths):
        if path not in sys.path:
            sys.path.insert(0, path)
    try:
        module = importlib.import_module(function["module"])
        handler = getattr(module, function["handler"])
    except BaseException as exc:  # an init error: report it and end, as Lambda does
        traceback.print_exc()
        conn.send(("init_error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            event = conn.recv()
        except (EOFError, OSError):
            return
        context = LambdaContext(
            function_name=function["name"],
            memory_limit_in_mb=function["memory"],
            timeout_seconds=function["timeout"],
            region=function["region"],
        )
        try:
            if function.get("profile_dir"):
                result = _profiled(handler, event, context, function)
            else:
                result = handler(event, context)
        except BaseException as exc:
            traceback.print_exc()
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            continue
        try:
            conn.send(("ok", result))
        except Exception as exc:  # not serialisable: Lambda would fail to return it too
            conn.send(("error", f"the result could not be serialised: {type(exc).__name__}: {exc}"))


def _profiled(handler: Any, event: Any, context: LambdaContext, function: dict[str, Any]) -> Any:
    """Run one invocation under cProfile (CPU time of this process) and write its stats to
    `<profile_dir>/<function>-<pid>-<n>.prof` (`DEVSERVER_PROFILE_DIR`, for `bench/bench_sync.py`)."""
    import cProfile

    profile = cProfile.Profile(time.process_time)
    function["invocations"] = function.get("invocations", 0) + 1
    try:
        return profile.runcall(handler, event, context)
    finally:
        name = f"{function['logical_id']}-{os.getpid()}-{function['invocations']}.prof"
        profile.dump_stats(os.path.join(function["profile_dir"], name))


class Container:
    """One warm child process of a function."""

    def __init__(self, function: Function, env: Mapping[str, str], paths: list[str], region: str) -> None:
        self.function = function
        self._conn, child = _SPAWN.Pipe()
        spec = {
            "module": function.module_name,
            "handler": function.handler_name,
            "name": f"bidcraft-local-{function.logical_id}",
            "memory": function.memory_size,
            "timeout": float(function.timeout),
            "region": region,
            "logical_id": function.logical_id,
            "profile_dir": os.environ.get(PROFILE_DIR_VARIABLE) or None,
        }
        self.process = _SPAWN.Process(
            target=_serve,
            args=(child, dict(env), paths, spec),
            name=f"lambda-{function.logical_id}",
            daemon=True,
        )
        self.process.start()
        child.close()
        self._ready = False

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def _await_init(self) -> None:
        if self._ready:
            return
        if not self._conn.poll(INIT_TIMEOUT_SECONDS):
            self.stop()
            raise FunctionTimeout(
                f"{self.function.logical_id} did not initialise in {INIT_TIMEOUT_SECONDS:.0f}s"
            )
        status, detail = self._conn.recv()
        if status != "ready":
            self.stop()
            raise FunctionError(f"{self.function.logical_id} failed to initialise: {detail}")
        self._ready = True

    def warm(self) -> None:
        self._await_init()

    def invoke(self, event: dict[str, Any]) -> Any:
        self._await_init()
        self._conn.send(event)
        if not self._conn.poll(float(self.function.timeout)):
            self.stop()
            raise FunctionTimeout(f"{self.function.logical_id} timed out after {self.function.timeout}s")
        try:
            status, payload = self._conn.recv()
        except EOFError as exc:  # the process died mid-invocation (os._exit, a crash)
            self.stop()
            raise FunctionError(f"{self.function.logical_id} exited during the invocation") from exc
        if status == "ok":
            return payload
        raise FunctionError(payload)

    def stop(self) -> None:
        self._conn.close()
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=2)
            if self.process.is_alive():
                self.process.kill()


class ProcessInvoker(Invoker):
    """`Invoker` whose functions run in containers of their own: concurrent across and within functions."""

    serial_http = False

    def __init__(
        self,
        template: Template,
        *,
        region: str,
        environments: Mapping[str, Mapping[str, str]],
        paths: list[str],
        max_containers: int = DEFAULT_MAX_CONTAINERS,
    ) -> None:
        super().__init__(template, region=region)
        self._environments = environments
        self._paths = paths
        self._max = max(1, max_containers)
        self.concurrency = self._max
        self._idle: dict[str, list[Container]] = {name: [] for name in template.functions}
        self._count: dict[str, int] = dict.fromkeys(template.functions, 0)
        self._started: dict[str, list[Container]] = {name: [] for name in template.functions}
        self._changed = threading.Condition()
        self._closed = False

    def _new(self, function: Function) -> Container:
        container = Container(function, self._environments[function.logical_id], self._paths, self.region)
        with self._changed:
            self._started[function.logical_id].append(container)
        return container

    def _acquire(self, function: Function) -> Container:
        name = function.logical_id
        deadline = time.monotonic() + max(float(function.timeout), 1.0) + 5.0
        with self._changed:
            while True:
                idle = self._idle[name]
                while idle:
                    container = idle.pop()
                    if container.alive:
                        return container
                    self._count[name] -= 1
                if self._count[name] < self._max:
                    self._count[name] += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._changed.wait(remaining):
                    raise FunctionBusy(name)
        try:
            return self._new(function)
        except BaseException:
            self._release(name, None)
            raise

    def _release(self, name: str, container: Container | None) -> None:
        with self._changed:
            if container is not None and container.alive and not self._closed:
                self._idle[name].append(container)
            else:
                self._count[name] -= 1
                if container is not None:
                    container.stop()
            self._changed.notify()

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        function = self.template.function(name)
        container = self._acquire(function)
        try:
            return container.invoke(event)
        finally:
            self._release(function.logical_id, container)

    def warm_up(self, extra_packages: tuple[str, ...] = ()) -> None:
        """Start one container per function, all at once, and wait until each has imported its handler."""
        started: list[tuple[str, Container]] = []
        for function in self.template.functions.values():
            try:
                started.append((function.logical_id, self._acquire(function)))
            except Exception as exc:
                log.warning("%s: no container: %s", function.logical_id, exc)
        for name, container in started:
            try:
                container.warm()
            except Exception as exc:
                log.warning("%s cannot be imported: %s", name, exc)
            self._release(name, container)

    def pids(self) -> dict[str, list[int]]:
        """Process ids of each function's live containers (`/_local/status`; benchmarks read their CPU)."""
        with self._changed:
            self._started = {name: [c for c in found if c.alive] for name, found in self._started.items()}
            return {
                name: [c.process.pid for c in found if c.process.pid is not None]
                for name, found in self._started.items()
            }

    def close(self) -> None:
        with self._changed:
            self._closed = True
            containers = [container for idle in self._idle.values() for container in idle]
            for idle in self._idle.values():
                idle.clear()
        for container in containers:
            container.stop()
