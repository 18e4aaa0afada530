"""A domain log line reaches the logs as JSON with the correlation id, in every function.

Each function runs in a fresh interpreter with a root handler installed first, as the Lambda runtime does:
Powertools' `SuppressFilter` on that handler used to drop `bidcraft.<service>.*` records (others reached it as
plain text). The function's own configuration, done at import, must route them through its JSON handler.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests import fresh_interpreter

ROOT = fresh_interpreter.ROOT
FUNCTIONS = sorted(path.parent.name for path in (ROOT / "functions").glob("*/app.py"))

_PROBE = """
import importlib, logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr)  # the Lambda runtime's root handler
importlib.import_module("functions.{function}.app")
assert logging.getLogger("bidcraft").handlers, "importing the function did not configure the domain logger"
from bidcraft.observability import function_logger
function_logger().set_correlation_id("corr-{function}")
logging.getLogger("bidcraft.{function}.probe").warning("domain line from {function}", extra={{"probe": 1}})
"""


def _run(function: str) -> subprocess.CompletedProcess[str]:
    env = {
        "POWERTOOLS_SERVICE_NAME": function,
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    return fresh_interpreter.run(_PROBE.format(function=function), env)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_domain_warning_arrives_as_json_with_the_correlation_id(function: str) -> None:
    # Given a function imported as Lambda would, with the runtime's root handler in place
    # When domain code under bidcraft.<service> logs a warning
    done = _run(function)

    # Then exactly one JSON line carries it, with the service, level and correlation id
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    probes = [line for line in lines if line.get("message") == f"domain line from {function}"]
    assert len(probes) == 1, (done.stdout, done.stderr)
    assert probes[0]["level"] == "WARNING"
    assert probes[0]["service"] == function
    assert probes[0]["correlation_id"] == f"corr-{function}"
    assert probes[0]["probe"] == 1
    assert f"domain line from {function}" not in done.stderr  # not also printed as plain text by the root


def test_libraries_that_log_whole_requests_stay_quiet_even_at_debug() -> None:
    # Given a function configured to log at DEBUG, as an operator might while chasing a bug
    probe = """
import importlib, logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
importlib.import_module("functions.auth.app")
for name in ("botocore", "pynamodb", "httpx2"):
    logging.getLogger(name + ".probe").debug("request with code_verifier=secret")
logging.getLogger("bidcraft.auth.probe").debug("domain debug line")
"""
    env = {
        "POWERTOOLS_SERVICE_NAME": "auth",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
    }
    done = fresh_interpreter.run(probe, env)
    # Then the libraries' request dumps never come out, while the domain's own debug line does
    assert done.returncode == 0, done.stderr
    assert "code_verifier" not in done.stdout + done.stderr
    assert "domain debug line" in done.stdout
