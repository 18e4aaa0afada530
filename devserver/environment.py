"""Function environment variables on the local stack.

Values come from template.yaml (Globals merged with the function, intrinsics resolved against the emulated
resources); the developer's environment overrides any name the template declares; the local stack adds
`LOCAL_STACK=true`, points the Upwork URLs at the sandbox unless `UPWORK_BASE_URL` is set, and points alert
deliveries to Slack and Telegram at the outbox (`ALERTS_SANDBOX_URL`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from devserver.cfn import NO_VALUE
from devserver.template import Function, Template

if TYPE_CHECKING:
    from devserver.aws import Resources

log = logging.getLogger("devserver")

# Names the developer's environment may set even where the template does not declare them.
PASS_THROUGH = ("ALLOWED_REDIRECT_URIS", "ALLOWED_ORIGINS", "OPENAI_BASE_URL", "OPENAI_MODEL")
# Per-function names that must not leak into the shared process environment.
PER_FUNCTION_ONLY = frozenset({"POWERTOOLS_SERVICE_NAME"})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def declared_names(template: Template) -> set[str]:
    return {name for function in template.functions.values() for name in function.environment}


def local_overrides(
    template: Template,
    environ: Mapping[str, str],
    *,
    sandbox_url: str | None,
    outbox_url: str | None = None,
) -> dict[str, str]:
    """What the local stack sets on top of the template: its own values, then the developer's.

    `outbox_url`: where the alerts outbox is mounted (Slack and Telegram calls go there:
    `ALERTS_SANDBOX_URL`).
    """
    overrides = {"POWERTOOLS_TRACE_DISABLED": "true"}
    if sandbox_url:
        overrides["UPWORK_BASE_URL"] = overrides["UPWORK_API_URL"] = sandbox_url
    if outbox_url:
        overrides["ALERTS_SANDBOX_URL"] = outbox_url
    for name in sorted(declared_names(template) | set(PASS_THROUGH)):
        if name in environ and name not in PER_FUNCTION_ONLY:
            overrides[name] = environ[name]
    overrides["LOCAL_STACK"] = "true"
    return overrides


def function_environment(
    template: Template,
    function: Function,
    resources: Resources,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """One function's environment: template values resolved, then `overrides` on top."""
    resolver = resources.resolver(template)
    env: dict[str, str] = {}
    for name, value in function.environment.items():
        resolved = resolver.resolve(value)
        if resolved is not NO_VALUE:
            env[name] = _text(resolved)
    env.update(overrides or {})
    return env


def process_environment(
    template: Template, resources: Resources, overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The union of every function's environment, for running them all in one process."""
    union: dict[str, str] = {}
    for function in template.functions.values():
        for name, value in function_environment(template, function, resources, overrides).items():
            if name in PER_FUNCTION_ONLY:
                continue
            if name in union and union[name] != value:
                log.warning("functions disagree on %s; the local stack uses the first value", name)
                continue
            union[name] = value
    return union
