"""A bounded schemathesis run (security-tests.md I1) against the local stack's own /openapi.json.

Every documented operation is called with generated valid and invalid input, as a signed-in sandbox user,
and each answer is checked: never a 5xx, the documented status codes, content types and response schemas,
invalid input rejected with a 4xx, and bearer routes refusing anonymous callers.

Not checked here, on purpose:
- `positive_data_acceptance`: business rules the schema cannot express (an audit-log cursor must carry our
  signature — API.md wants an altered one to be a 400; an OAuth `state` must be one we issued; `date_from`
  after `date_to`; days outside 1970..2999; unknown Upwork categories) turn schema-valid input into 4xx.
- `unsupported_method` (TRACE, QUERY, ...): the local stack's HTTP server answers methods it does not know
  itself; API Gateway is what answers them once deployed.
- `POST /auth/logout`: it would revoke the session the run signs in with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in

schemathesis = pytest.importorskip(
    "schemathesis",
    reason="schemathesis is not installed (it is a dev dependency: `pip install schemathesis`)",
)
generic_checks = pytest.importorskip("schemathesis.checks")
openapi_checks = pytest.importorskip("schemathesis.specs.openapi.checks")
hypothesis = pytest.importorskip("hypothesis")

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 8
SKIPPED_OPERATIONS = ("/auth/logout",)
CHECKS: list[Callable[..., Any]] = [
    generic_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.ignored_auth,
]


def _fuzz(operation: Any, mode: Any, auth: dict[str, str]) -> None:
    """Up to `EXAMPLES_PER_OPERATION` generated cases of one operation; the first failure is raised."""

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # no shrinking: bounded time
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate(headers=auth, checks=CHECKS, timeout=20)

    run()


def test_the_api_holds_its_own_schema(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    # `schemathesis.pytest.from_fixture` (one test per operation) needs pytest < 9; this loops instead.
    auth = sign_in(http, local_stack.redirect_uri, proposals=5).headers
    schema = schemathesis.openapi.from_url(f"{local_stack.base_url}/openapi.json")
    failures: list[str] = []
    operations = [
        result.ok() for result in schema.exclude(path=list(SKIPPED_OPERATIONS)).get_all_operations()
    ]
    assert len(operations) > 15, "the OpenAPI document lost its operations"
    for operation in operations:
        for mode in schemathesis.GenerationMode:
            try:
                _fuzz(operation, mode, auth)
            except hypothesis.errors.Unsatisfiable:
                continue  # nothing to make invalid (GET /health has no parameters)
            except (Exception, BaseExceptionGroup) as failure:  # every failure is reported; the run goes on
                failures.append(f"{operation.label} ({mode.value}):\n{failure}")
    assert not failures, "\n\n".join(failures)
