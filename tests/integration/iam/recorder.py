"""Records every AWS API call our code makes during an invocation, attributed to the function invoked.

How it hooks in (no botocore internals are patched):
- `devserver.invoker.Invoker.invoke` — every way the harness runs a handler (`invoke`, `request`, the local
  server, queue pollers) goes through it — is wrapped to set a context variable to the function's logical id
  for the duration of the handler. Only invokers of the repository's own template.yaml count; the devserver's
  fake-function fixtures do not.
- `botocore.session.Session.create_client` — every botocore client in the process is made there: boto3's
  (`bidcraft.aws`) and PynamoDB's (`bidcraft.tables`, which makes its own) alike — is wrapped so each client
  gets handlers on its own event system: `before-parameter-build` records the call with the parameters IAM
  looks at (`actions.facts`), `after-call` adds the AWS error code if the call failed. Pre-signed URLs emit
  `before-parameter-build` too (with `is_presign_request`), so a pre-signed `GetObject` is attributed to the
  function that signed it: the download is authorized with the signer's permissions.
- `bidcraft.config.load` is wrapped to note which settings models each function reads (the environment check).
Calls outside any invocation (test set-up, seeding, assertions) are ignored. The per-call cost is a context
variable lookup and a small dict: negligible next to the HTTP round trip to moto.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.integration.iam.actions import Call, facts

_invocation: contextvars.ContextVar[tuple[str, Mapping[str, str]] | None] = contextvars.ContextVar(
    "bidcraft_iam_invocation", default=None
)
_CONTEXT_KEY = "bidcraft_iam_call"
_HANDLER_ID = "bidcraft-iam-recorder"


def current_function() -> str | None:
    """The logical id of the function whose handler is running in this thread, if any."""
    invocation = _invocation.get()
    return None if invocation is None else invocation[0]


@contextlib.contextmanager
def attributed_to(function: str, environment: Mapping[str, str] | None = None) -> Iterator[None]:
    token = _invocation.set((function, environment or {}))
    try:
        yield
    finally:
        _invocation.reset(token)


class Recorder:
    """The session's observations. Thread-safe: the local server runs handlers in its own threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: list[Call] = []
        self.invocations: Counter[str] = Counter()
        self.settings_read: set[tuple[str, type]] = set()
        self.installed = False
        self.notes: list[str] = []  # what the harness could not do (shown in the report)
        self._sink: list[Call] | None = None
        self._patch: pytest.MonkeyPatch | None = None

    # -- recording ----------------------------------------------------------------------------------------
    def add_call(self, call: Call) -> None:
        with self._lock:
            (self._sink if self._sink is not None else self.calls).append(call)

    def add_invocation(self, function: str) -> None:
        with self._lock:
            if self._sink is None:
                self.invocations[function] += 1

    def add_settings(self, function: str, model: type) -> None:
        key = (function, model)
        if key not in self.settings_read:
            with self._lock:
                if self._sink is None:
                    self.settings_read.add(key)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[list[Call]]:
        """Record into a separate list (the recorder's own tests), leaving the session's record alone."""
        sink: list[Call] = []
        with self._lock:
            previous, self._sink = self._sink, sink
        try:
            yield sink
        finally:
            with self._lock:
                self._sink = previous

    # -- botocore handlers ----------------------------------------------------------------------------------
    def _before_parameter_build(self, params: Any, model: Any, context: Any = None, **_: Any) -> None:
        invocation = _invocation.get()
        if invocation is None:
            return
        function, environment = invocation
        service = str(model.service_model.signing_name)
        context = context if isinstance(context, dict) else {}
        call = Call(
            function=function,
            service=service,
            operation=str(model.name),
            facts=facts(service, str(model.name), params if isinstance(params, dict) else {}),
            region=str(context.get("client_region") or _default_region()),
            presigned=bool(context.get("is_presign_request")),
            environment=environment,
        )
        context[_CONTEXT_KEY] = call
        self.add_call(call)

    @staticmethod
    def _after_call(http_response: Any, parsed: Any, context: Any = None, **_: Any) -> None:
        call = context.get(_CONTEXT_KEY) if isinstance(context, dict) else None
        if call is None or getattr(http_response, "status_code", 200) < 300:
            return
        error = parsed.get("Error", {}) if isinstance(parsed, dict) else {}
        call.error_code = str(error.get("Code") or f"HTTP{http_response.status_code}")

    @staticmethod
    def _after_call_error(exception: Exception, context: Any = None, **_: Any) -> None:
        call = context.get(_CONTEXT_KEY) if isinstance(context, dict) else None
        if call is not None:
            call.error_code = type(exception).__name__

    def hook(self, client: Any) -> Any:
        """Register the handlers on one client (idempotent: botocore dedups on the unique id)."""
        events = client.meta.events
        events.register("before-parameter-build", self._before_parameter_build, unique_id=_HANDLER_ID)
        events.register("after-call", self._after_call, unique_id=_HANDLER_ID + "-after")
        events.register("after-call-error", self._after_call_error, unique_id=_HANDLER_ID + "-error")
        return client

    # -- installation ----------------------------------------------------------------------------------------
    def install(self, template_path: Path) -> None:
        """Wrap the invoker, botocore's client factory and `bidcraft.config.load` for the session."""
        if self.installed:
            return
        from botocore.session import Session

        from bidcraft import aws, config
        from devserver.invoker import Invoker
        from tests.integration.iam import containers

        patch = pytest.MonkeyPatch()
        self._patch = patch
        patch.setattr(Invoker, "invoke", _attributing_invoke(Invoker.invoke, self, template_path.resolve()))
        patch.setattr(Session, "create_client", _hooking_create_client(Session.create_client, self))
        patch.setattr(config, "load", _noting_load(config.load, self))
        aws.reset()  # any client made before now (PynamoDB's too) gets made again, hooked
        self.notes.extend(containers.install(patch))
        self.installed = True

    def uninstall(self) -> None:
        if self._patch is not None:
            self._patch.undo()
            self._patch = None
        self.installed = False


def _default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def _attributing_invoke(original: Callable[..., Any], recorder: Recorder, template_path: Path) -> Any:
    from devserver.environment import declared_names

    @functools.wraps(original)
    def invoke(self: Any, name: str, event: dict[str, Any]) -> Any:
        if Path(self.template.path).resolve() != template_path:
            return original(self, name, event)
        function = self.template.function(name).logical_id
        recorder.add_invocation(function)
        environment = {key: os.environ[key] for key in declared_names(self.template) if key in os.environ}
        with attributed_to(function, environment):
            return original(self, name, event)

    return invoke


def _hooking_create_client(original: Any, recorder: Recorder) -> Any:
    @functools.wraps(original)
    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        return recorder.hook(original(self, *args, **kwargs))

    create_client.__wrapped_by_iam_recorder__ = True  # type: ignore[attr-defined]
    return create_client


def _noting_load(original: Any, recorder: Recorder) -> Any:
    @functools.wraps(original)
    def load(model: type) -> Any:
        function = current_function()
        if function is not None:
            recorder.add_settings(function, model)
        return original(model)

    load.cache_clear = original.cache_clear  # type: ignore[attr-defined]
    load.cache_info = original.cache_info  # type: ignore[attr-defined]
    return load


RECORDER = Recorder()
