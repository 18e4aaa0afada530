"""`make invoke FN=... EVENT=...`: one function, one event, the result as JSON on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from devserver.events import http_event


def run_invoke(repo_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name in ("PATH", "HOME", "LANG") or name.startswith(("COVERAGE_", "COV_CORE_"))
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "devserver.invoke", *args],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_invoking_a_function_prints_its_result(repo_root: Path, tmp_path: Path) -> None:
    event_file = tmp_path / "health.json"
    event_file.write_text(json.dumps(http_event("GET", "/health", route_key="GET /health")))

    completed = run_invoke(repo_root, "meta", str(event_file))

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["status"] == "ok"


def test_an_unknown_function_is_a_usage_error(repo_root: Path, tmp_path: Path) -> None:
    event_file = tmp_path / "empty.json"
    event_file.write_text("{}")

    completed = run_invoke(repo_root, "NoSuchFunction", str(event_file))

    assert completed.returncode == 2
    assert "NoSuchFunction" in completed.stderr
    assert completed.stdout == ""
