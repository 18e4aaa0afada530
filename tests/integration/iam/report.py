"""The verdict over a session's observations: denied calls, missing settings, unused grants — and the JSON.

`build(recorder, template, resources)` evaluates every recorded call against its function's policy:
- a request the policy does not allow is a *violation* (in AWS: AccessDenied, an outage moto never shows);
- a test may point a function at a resource of its own (an environment variable set to a private queue, a
  table that does not exist, an unknown key): such a call is judged on the stack resource the template gives
  that variable, since that is what the deployed function would touch (listed under `redirected_by_tests`);
- a failed call on a resource that is neither in the stack nor explained that way is an injected fault
  (`injected_faults`), not a violation; a successful one is a violation;
- a settings field the code requires (no default) that the function's template environment does not declare
  is a violation too (in AWS: a `misconfigured` 503 on the first request); an optional one the template
  configures for other functions but not this one is reported (it silently takes the code's default in AWS).
Grants no observed request used are reported per function as candidates for removal — never failed on: a path
the tests do not exercise may still need them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devserver.environment import function_environment
from devserver.template import Template
from tests.integration.iam.actions import Call, Request, requests
from tests.integration.iam.policy import FunctionPolicies, unused_condition_values, unused_grants
from tests.integration.iam.recorder import Recorder


@dataclass(frozen=True)
class Violation:
    function: str
    kind: str  # "denied" | "missing-environment"
    detail: str
    operation: str = ""
    count: int = 1

    def __str__(self) -> str:
        via = f" (via {self.operation})" if self.operation else ""
        times = f" x{self.count}" if self.count > 1 else ""
        return f"{self.function}: {self.kind}: {self.detail}{via}{times}"


@dataclass
class Report:
    policies: FunctionPolicies
    invocations: dict[str, int]
    observed: dict[str, list[Request]]
    violations: list[Violation] = field(default_factory=list)
    injected_faults: list[str] = field(default_factory=list)
    redirected: set[str] = field(default_factory=set)
    environment_defaults: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def not_invoked(self) -> list[str]:
        return [f for f in self.policies.functions() if not self.invocations.get(f)]

    def describe(self, request: Request) -> str:
        return describe(self.policies, request)

    def to_json(self) -> dict[str, Any]:
        unused = unused_grants(self.policies, self.observed)
        unused_values = unused_condition_values(self.policies, self.observed)
        functions: dict[str, Any] = {}
        for function in self.policies.functions():
            requests_seen = self.observed.get(function, [])
            functions[function] = {
                "invocations": self.invocations.get(function, 0),
                "observed": sorted({self.describe(r) for r in requests_seen}),
                "denied": sorted(str(v) for v in self.violations if v.function == function),
                "unused_grants": sorted(
                    f"{g.sid}: {g.action} {self.policies.display(g.resource)}"
                    for g in unused.get(function, [])
                ),
                "unused_condition_values": sorted(unused_values.get(function, [])),
                "environment_defaults_in_aws": sorted(self.environment_defaults.get(function, [])),
            }
        return {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "complete": not self.not_invoked,
            "functions_not_invoked": self.not_invoked,
            "violations": [str(v) for v in self.violations],
            "redirected_by_tests": sorted(self.redirected),
            "injected_faults": sorted(set(self.injected_faults)),
            "harness_notes": self.notes,
            "functions": functions,
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")


def describe(policies: FunctionPolicies, request: Request) -> str:
    """`dynamodb:Query UsersTable/index/gsi1`, `kms:Decrypt TokenKey {purpose=upwork_token, user_id=…}`,
    `s3:GetObject ReportsBucket/reports/…` (user-specific values are elided so the list is stable)."""
    resource = policies.display(request.resource)
    if request.action.startswith("s3:") and resource.count("/") >= 2:
        resource = "/".join(resource.split("/")[:2]) + "/…"
    text = f"{request.action} {resource}"
    if request.context:
        shown = [
            f"{key.split(':')[-1]}={'…' if key.lower().endswith('user_id') else value}"
            for key, value in request.context
        ]
        text += " {" + ", ".join(shown) + "}"
    return text


def build(recorder: Recorder, template: Template, resources: Any, baseline: Mapping[str, str]) -> Report:
    """`baseline`: the environment the harness set for the functions (`LocalAws.environment`)."""
    policies = FunctionPolicies.from_template(template, resources)
    aliases = _kms_aliases(template, resources)
    report = Report(policies=policies, invocations=dict(recorder.invocations), observed={})
    report.notes.extend(recorder.notes)
    denied: Counter[tuple[str, str, str]] = Counter()
    for call in list(recorder.calls):
        if call.function not in policies.statements:
            report.notes.append(f"a call attributed to {call.function}, which template.yaml does not define")
            continue
        for observed in requests(call, account_id=resources.account_id, aliases=aliases):
            request = observed
            if policies.logical_id(observed.resource) is None:
                request, variables = _rebind(observed, call.environment, baseline)
                for variable in variables:
                    target = policies.logical_id(request.resource) or request.resource
                    report.redirected.add(f"{call.function}: {variable} -> {target}")
            decision = policies.decide(call.function, request)
            if decision.allowed:
                report.observed.setdefault(call.function, []).append(request)
            elif call.error_code is not None and policies.logical_id(request.resource) is None:
                report.injected_faults.append(
                    f"{call.function}: {request.action} {request.resource} failed with {call.error_code}"
                )
            else:
                report.observed.setdefault(call.function, []).append(request)
                denied[(call.function, describe(policies, request), _operation(call))] += 1
    for (function, detail, operation), count in sorted(denied.items()):
        report.violations.append(Violation(function, "denied", detail, operation, count))
    _check_environment(report, recorder, template, resources)
    return report


def _identity(value: str) -> str:
    """The part of a setting that names its resource inside an ARN: a queue URL's queue name, else itself."""
    if value.startswith(("http://", "https://")):
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value


def _rebind(
    request: Request, seen: Mapping[str, str], baseline: Mapping[str, str]
) -> tuple[Request, list[str]]:
    """`request` with any resource a test substituted (through an environment variable) put back."""
    resource, variables = request.resource, []
    for name, value in sorted(seen.items()):
        original = baseline.get(name)
        if original is None or original == value:
            continue
        old, new = _identity(value), _identity(original)
        if not old or not new:
            continue
        pattern = rf"(?:^|(?<=[:/])){re.escape(old)}(?=$|/)"
        rebound = re.sub(pattern, new.replace("\\", "\\\\"), resource)
        if rebound != resource:
            resource = rebound
            variables.append(name)
    return replace(request, resource=resource), variables


def _operation(call: Call) -> str:
    return f"presigned {call.operation}" if call.presigned else call.operation


def _kms_aliases(template: Template, resources: Any) -> dict[str, str]:
    aliases: dict[str, str] = {}
    resolver = resources.resolver(template)
    for logical_id, alias in template.aliases.items():
        target = str(resolver.resolve(alias.properties.get("TargetKeyId")))
        key = next(
            (
                p.attributes.get("Arn")
                for p in resources.physical.values()
                if target in (p.ref, p.attributes.get("Arn"))
            ),
            None,
        )
        if key and logical_id in resources.physical:
            aliases[resources.ref(logical_id)] = key
    return aliases


def _check_environment(report: Report, recorder: Recorder, template: Template, resources: Any) -> None:
    configured_anywhere = {name for f in template.functions.values() for name in f.environment}
    declared = {
        logical_id: set(function_environment(template, function, resources))
        for logical_id, function in template.functions.items()
    }
    missing: set[tuple[str, str, str]] = set()
    for function, model in sorted(recorder.settings_read, key=lambda item: (item[0], item[1].__qualname__)):
        if function not in declared:
            continue
        for name, info in getattr(model, "model_fields", {}).items():
            variable = name.upper()
            if variable in declared[function]:
                continue
            if info.is_required():
                missing.add((function, variable, f"{model.__module__}.{model.__qualname__}"))
            elif variable in configured_anywhere:
                report.environment_defaults.setdefault(function, [])
                if variable not in report.environment_defaults[function]:
                    report.environment_defaults[function].append(variable)
    for function, variable, model_name in sorted(missing):
        report.violations.append(
            Violation(function, "missing-environment", f"{variable} (required by {model_name})")
        )
