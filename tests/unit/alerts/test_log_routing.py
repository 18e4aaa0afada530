"""The alerts functions' log lines reach CloudWatch: Powertools hides every logger whose name *contains* the
function's service name (its SuppressFilter on the root handlers), so no service name of ours may be part of
the name of a module that logs on their path."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from aws_lambda_powertools.logging.filters import SuppressFilter

from tests.unit.template.conftest import load_cfn_yaml

ROOT = Path(__file__).resolve().parents[3]
LOGGING_MODULES = sorted(
    "bidcraft." + ".".join(path.relative_to(ROOT / "layers/common/bidcraft").with_suffix("").parts)
    for base in ("alerts", "outbound", "crypto", "security")
    for path in (ROOT / "layers/common/bidcraft" / base).glob("*.py")
    if "getLogger(__name__)" in path.read_text(encoding="utf-8")
)


def _service(function: str) -> str:
    template = load_cfn_yaml((ROOT / "template.yaml").read_text(encoding="utf-8"))
    variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
    return str(variables["POWERTOOLS_SERVICE_NAME"])


@pytest.mark.parametrize("function", ["AlertsFunction", "AlertsWorkerFunction"])
def test_no_domain_logger_of_the_alerts_path_is_suppressed(function: str) -> None:
    suppress = SuppressFilter(_service(function))

    hidden = [
        name
        for name in LOGGING_MODULES
        if not suppress.filter(logging.LogRecord(name, logging.INFO, __file__, 1, "x", None, None))
    ]

    assert LOGGING_MODULES
    assert hidden == [], f"{function}'s service name hides these loggers' records"
