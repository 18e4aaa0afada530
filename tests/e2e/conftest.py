"""End-to-end tests: the whole local stack (`python -m devserver`) as a subprocess, driven over HTTP.

The stack starts once for the e2e package (and stops after its last test) on a free port, with a fresh
environment (no AWS credentials or endpoints inherited: it emulates AWS itself), a known webhook secret and
an allowed redirect URI. Its console output goes to a log file that is printed when an e2e test failed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

STARTUP_TIMEOUT = 30.0
WEBHOOK_SECRET = "whsec_" + "ZTJlLXdlYmhvb2stc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY="
REDIRECT_URI = "http://localhost:5173/callback"
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
_COVERAGE_PREFIXES = ("COVERAGE_", "COV_CORE_")  # lets coverage measure the subprocess when configured to


@dataclass(frozen=True)
class LocalStackProcess:
    base_url: str
    webhook_secret: str
    redirect_uri: str
    log_path: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(base_url: str, process: subprocess.Popen[bytes]) -> None:
    """Any HTTP answer on /health counts: whether it is 200 is what the tests check."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {process.returncode}")
        try:
            httpx2.get(f"{base_url}/health", timeout=2.0)
            return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"the local stack did not answer on {base_url}/health within {STARTUP_TIMEOUT:.0f}s")


@pytest.fixture(scope="package")
def local_stack(repo_root: Path, request: pytest.FixtureRequest) -> Iterator[LocalStackProcess]:
    port = _free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if name in _INHERITED or name.startswith(_COVERAGE_PREFIXES)
    }
    env.update(
        PORT=str(port),
        PYTHONUNBUFFERED="1",
        WEBHOOK_SECRET=WEBHOOK_SECRET,
        ALLOWED_REDIRECT_URIS=REDIRECT_URI,
        # Every e2e request comes from 127.0.0.1: one shared per-IP auth budget would make the suite's
        # outcome depend on its size. Rate limits themselves are tested in tests/integration/http.
        RATE_LIMIT_AUTH="1000",
    )
    log_file = tempfile.NamedTemporaryFile(prefix="bidcraft-e2e-", suffix=".log", delete=False)  # noqa: SIM115
    log_path = Path(log_file.name)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "devserver", "--port", str(port), "--quiet"],
        cwd=repo_root,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    failed_before = request.session.testsfailed
    try:
        _wait_until_serving(base_url, process)
        yield LocalStackProcess(base_url, WEBHOOK_SECRET, REDIRECT_URI, log_path)
    except BaseException:
        failed_before = -1
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()
        if request.session.testsfailed != failed_before:
            sys.stderr.write(f"\n----- local stack output ({log_path}) -----\n")
            sys.stderr.write(log_path.read_text(encoding="utf-8", errors="replace")[-20_000:])
            sys.stderr.write("\n----- end of local stack output -----\n")
        else:
            log_path.unlink(missing_ok=True)


@pytest.fixture(scope="package")
def base_url(local_stack: LocalStackProcess) -> str:
    return local_stack.base_url


@pytest.fixture
def http(base_url: str) -> Iterator[httpx2.Client]:
    """An HTTP client on the local stack; redirects are not followed."""
    with httpx2.Client(base_url=base_url, follow_redirects=False, timeout=30.0) as client:
        yield client
