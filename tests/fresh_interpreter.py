"""Run a probe in a fresh interpreter, as Lambda would start one: the test session's `sys.modules` already
holds everything, so what a function module imports (cold start) or configures at import (logging) can only be
seen from a new process. The probe sees the repository and the layer on its path, and nothing else of ours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -c code` from the repository root; `env` adds variables to a minimal environment."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "common"), str(ROOT)]),
        **(env or {}),
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and a probe written by the tests
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def lines(code: str, env: dict[str, str] | None = None) -> list[str]:
    """The probe's output lines; the probe must succeed (its stderr is the failure message)."""
    done = run(code, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()
