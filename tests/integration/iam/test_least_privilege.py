"""Least privilege, proven from the outside: every AWS call a function made in this run is allowed by its
policy in template.yaml, and every setting it needs is in its environment (docs/iam.md).

The verdict runs last (plugin: `iam_verdict` marker) and writes build/iam-observed.json: per function the
observed action+resource list, what was denied, and grants never used (removal candidates, not failures).
Run on its own (no other integration test selected), it has nothing to judge, so it runs the integration
suite in a subprocess and judges that run instead — a skip would hide exactly the defects it exists to find.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from devserver.testing import LocalAws
from tests.integration.iam import plugin
from tests.integration.iam.recorder import RECORDER
from tests.integration.iam.report import build

REPORT_ENV = "BIDCRAFT_IAM_REPORT"
SUBRUN_ENV = "BIDCRAFT_IAM_SUBRUN"
SUBRUN_TIMEOUT_SECONDS = 1200
# boto3 clients are made in one place (bidcraft/aws.py: shared config, caching); PynamoDB makes its own
# (bidcraft/tables), which the recorder sees too: it hooks botocore's client factory (test_recorder.py).
_CLIENT_FACTORY = re.compile(
    r"\bboto3\.(client|resource|session|Session)\b|\bbotocore\.session\b|\bSession\(\)"
)


def _report_path(repo_root: Path) -> Path:
    return Path(os.environ.get(REPORT_ENV) or repo_root / "build" / "iam-observed.json")


def test_every_aws_client_of_our_code_comes_from_bidcraft_aws(repo_root: Path) -> None:
    """One factory for boto3 clients (timeouts, retries, one per container), beside PynamoDB's models."""
    offenders = []
    for base in (repo_root / "layers" / "common" / "bidcraft", repo_root / "functions"):
        for path in sorted(base.rglob("*.py")):
            if path == repo_root / "layers" / "common" / "bidcraft" / "aws.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _CLIENT_FACTORY.search(line):
                    offenders.append(f"{path.relative_to(repo_root)}:{number}: {line.strip()}")
    assert not offenders, "AWS clients made outside bidcraft.aws:\n" + "\n".join(offenders)


@pytest.mark.iam_verdict
def test_every_observed_aws_call_is_allowed_by_the_functions_policy(
    local_aws: LocalAws, repo_root: Path
) -> None:
    if not plugin.STATE.suite_collected:
        if os.environ.get(SUBRUN_ENV):
            pytest.fail("the IAM sub-run collected no integration test besides tests/integration/iam")
        _judge_a_fresh_run_of_the_suite(local_aws, repo_root)
        return
    assert RECORDER.installed, "the IAM recorder is not installed (tests/conftest.py registers the plugin)"
    assert sum(RECORDER.invocations.values()), "integration tests ran but no function invocation was seen"

    report = build(RECORDER, local_aws.template, local_aws.resources, local_aws.environment)
    report.write(_report_path(repo_root))

    problems = [str(violation) for violation in report.violations]
    assert not problems, (
        f"{len(problems)} call(s)/setting(s) the deployed functions would be refused "
        f"(details: {_report_path(repo_root)}):\n  " + "\n  ".join(problems)
    )


def _judge_a_fresh_run_of_the_suite(local_aws: LocalAws, repo_root: Path) -> None:
    report_path = repo_root / "build" / "iam-observed.json"
    report_path.unlink(missing_ok=True)
    # The child starts its own emulator: drop what this session's stack put in the environment.
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in local_aws.environment and name != "AWS_ENDPOINT_URL"
    }
    env.update({SUBRUN_ENV: "1", REPORT_ENV: str(report_path)})
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/integration", "-q", "-p", "no:cacheprovider", "--tb=line"],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBRUN_TIMEOUT_SECONDS,
        check=False,
    )
    tail = "\n".join(completed.stdout.splitlines()[-30:])
    assert report_path.exists(), f"the integration sub-run wrote no IAM report:\n{tail}"
    verdict = json.loads(report_path.read_text(encoding="utf-8"))
    assert not verdict["violations"], "the deployed functions would be refused:\n  " + "\n  ".join(
        verdict["violations"]
    )
    if completed.returncode != 0:
        warnings.warn(f"the integration sub-run had failures (IAM verdict unaffected):\n{tail}", stacklevel=1)
