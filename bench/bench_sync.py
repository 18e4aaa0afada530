"""A first sync on the local stack, stage by stage (numbers, not assertions).

Starts `python -m devserver` on a free port (functions in containers of their own, as `make dev` runs them),
warms it with a sign-in of an empty account, then signs in a sandbox account with `--proposals` proposals
(default 5,000) and times, from the start of sign-in until `GET /api/analytics/proposals/{user}` counts them
all:

| stage | from the ... |
|---|---|
| sign-in | init, the sandbox's consent, the callback (which queues the sync) |
| queue hop | callback's answer to the sync job's `started_at` (whole seconds: ±1 s, may be negative) |
| Upwork reads | first to last GraphQL request the sandbox served (read ahead, overlapping the apply) |
| sync job | job `started_at` to `finished_at` (reads + apply + parked events + bookkeeping) |
| analytics visible | job `finished_at` to the first analytics answer counting all proposals (negative: all |
|  | proposals were visible before the job finished its other parts) |

CPU seconds per process come from `/proc/<pid>/stat` (the devserver process — moto, the sandbox, the HTTP
server, the queue pollers — and each function's containers, `GET /_local/status`), so a busy machine
inflates wall time but not CPU. `--profile DIR` profiles every invocation of the functions (cProfile, CPU
time; `DEVSERVER_PROFILE_DIR`) and prints the sync worker's top functions; `--py-spy PATH` samples the
devserver process with py-spy (collapsed stacks in `--py-spy-out`).

Run: `.venv/bin/python bench/bench_sync.py [--proposals 5000] [--runs 1] [--profile /tmp/prof]`.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import socket
import subprocess  # nosec B404  # starts the local stack and py-spy, with fixed arguments
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2

from tests.e2e import session

ROOT = Path(__file__).resolve().parent.parent
REDIRECT = "http://localhost:5173/callback"
TICKS = os.sysconf("SC_CLK_TCK")
_GRAPHQL = re.compile(r"^POST /_sandbox/upwork/graphql (\d{3}) (\d+)ms$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Stack:
    """The devserver subprocess; every line it writes to stderr, with the monotonic time it arrived."""

    process: subprocess.Popen[str]
    base_url: str
    lines: list[tuple[float, str]] = field(default_factory=list)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def status(self, http: httpx2.Client) -> dict[str, Any]:
        return dict(http.get("/_local/status").json())

    def processes(self, http: httpx2.Client) -> dict[str, list[int]]:
        found = self.status(http)["processes"]
        return {"devserver": [found["devserver"]], **found["containers"]}


@contextmanager
def local_stack(profile_dir: Path | None) -> Iterator[Stack]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers' / 'common'}:{ROOT}"}
    env.pop("AWS_ENDPOINT_URL", None)
    if profile_dir is not None:
        env["DEVSERVER_PROFILE_DIR"] = str(profile_dir)
    process = subprocess.Popen(  # noqa: S603  # nosec B603
        [sys.executable, "-m", "devserver", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stack = Stack(process, f"http://127.0.0.1:{port}")
    threading.Thread(target=stack._read, daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"{stack.base_url}/health", timeout=5).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the local stack did not answer /health")
        yield stack
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def sign_in(http: httpx2.Client, proposals: int) -> dict[str, Any]:
    """A new sandbox account with `proposals` past proposals, signed in as the e2e tests do (its tokens)."""
    account = f"bench-sync-{uuid.uuid4().hex[:8]}"
    return session.sign_in(http, REDIRECT, account=account, proposals=proposals).body


def sync_job(stack: Stack, http: httpx2.Client, user_id: str) -> dict[str, Any] | None:
    """The user's sign-in sync job, read from the emulated table (its id derives from the SQS message)."""
    import boto3

    status = stack.status(http)
    dummy = "bench"  # the emulator takes any credentials
    ddb = boto3.session.Session(
        region_name=status["aws"]["region"], aws_access_key_id=dummy, aws_secret_access_key=dummy
    ).client("dynamodb", endpoint_url=status["aws"]["endpoint"])
    items = ddb.query(
        TableName=status["tables"]["AnalyticsTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :job)",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":job": {"S": "SYNCJOB#"}},
    )["Items"]
    if not items:
        return None
    item = items[0]
    counts = item.get("counts", {}).get("M", {})
    return {
        "status": item["status"]["S"],
        "started_at": item.get("started_at", {}).get("S"),
        "finished_at": item.get("finished_at", {}).get("S"),
        "counts": {key: int(value["N"]) for key, value in counts.items()},
    }


class CpuMeter:
    """CPU seconds per process group (the devserver, each function's containers) since `start()`, counting
    containers that start or end (a timed-out invocation ends its container) in between."""

    def __init__(self, stack: Stack, http: httpx2.Client) -> None:
        self._stack = stack
        self._http = http
        self._baseline: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}

    def sample(self) -> None:
        for name, pids in self._stack.processes(self._http).items():
            for pid in pids:
                used = cpu_seconds(pid)
                if used:
                    self._last[pid] = (name, used)

    def start(self) -> None:
        self.sample()
        self._baseline = {pid: used for pid, (_, used) in self._last.items()}

    def totals(self) -> dict[str, float]:
        self.sample()
        found: dict[str, float] = {}
        for pid, (name, used) in self._last.items():
            found[name] = found.get(name, 0.0) + used - self._baseline.get(pid, 0.0)
        return {name: round(value, 1) for name, value in sorted(found.items()) if value >= 0.05}


def wait_for_total(
    http: httpx2.Client, body: dict[str, Any], total: int, poll: float, meter: CpuMeter | None = None
) -> tuple[float, int]:
    """Poll the analytics until they count `total` proposals: (when, how many reads)."""
    user_id = body["user"]["user_id"]
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    reads = 0
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        reads += 1
        answer = http.get(f"/api/analytics/proposals/{user_id}", headers=headers)
        if answer.status_code == 200 and answer.json().get("total_proposals") == total:
            return time.monotonic(), reads
        if meter is not None and reads % 5 == 0:
            meter.sample()
        time.sleep(poll)
    raise RuntimeError(f"the analytics did not reach {total} proposals in 900 s")


def epoch_to_monotonic(iso: str | None, offset: float) -> float | None:
    return None if iso is None else datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() - offset


def one_run(stack: Stack, http: httpx2.Client, proposals: int, poll: float) -> dict[str, Any]:
    offset = time.time() - time.monotonic()  # wall clock → this process's monotonic clock
    meter = CpuMeter(stack, http)
    meter.start()
    first_line = len(stack.lines)
    load = os.getloadavg()[0]
    started = time.monotonic()
    body = sign_in(http, proposals)
    signed_in = time.monotonic()
    visible, reads = wait_for_total(http, body, proposals, poll, meter)
    cpu = meter.totals()
    job = sync_job(stack, http, body["user"]["user_id"]) or {}
    deadline = time.monotonic() + 300
    while job.get("status") not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(1)  # the job goes on after the proposals (contracts, payments, parked events)
        job = sync_job(stack, http, body["user"]["user_id"]) or {}
    graphql = [(at, int(m.group(2))) for at, line in stack.lines[first_line:] if (m := _GRAPHQL.match(line))]
    job_started = epoch_to_monotonic(job.get("started_at"), offset)
    job_finished = epoch_to_monotonic(job.get("finished_at"), offset)
    stages = {
        "sign-in": signed_in - started,
        "queue hop": (job_started - signed_in) if job_started else None,
        "Upwork reads": (graphql[-1][0] - graphql[0][0]) if graphql else None,
        "sync job": (job_finished - job_started) if job_started and job_finished else None,
        "analytics visible": (visible - job_finished) if job_finished else None,
        "end to end": visible - started,
    }
    return {
        "stages": {name: None if value is None else round(value, 2) for name, value in stages.items()},
        "upwork_requests": len(graphql),
        "sandbox_ms": sum(ms for _, ms in graphql),
        "analytics_reads": reads,
        "cpu_seconds": cpu,
        "job": job,
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def warm(http: httpx2.Client) -> None:
    """Sign an empty account in and read its analytics once, so no container of the run is cold."""
    body = sign_in(http, 0)
    wait_for_total(http, body, 0, 0.5)
    time.sleep(3)  # its sync (a few requests) finishes


def print_profiles(profile_dir: Path, function: str, top: int) -> None:
    files = sorted(str(path) for path in profile_dir.glob(f"{function}-*.prof"))
    if not files:
        return
    stats = pstats.Stats(*files, stream=sys.stdout)
    print(f"\n{function}: {len(files)} invocations profiled (CPU seconds, cumulative)")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1, help="syncs of fresh accounts on the same stack")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between analytics reads")
    parser.add_argument("--profile", type=Path, help="profile every function invocation into this directory")
    parser.add_argument("--py-spy", help="py-spy executable: also sample the devserver process")
    parser.add_argument(
        "--py-spy-out", default="devserver.spy", help="py-spy's collapsed stacks (raw format)"
    )
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    with local_stack(args.profile) as stack, httpx2.Client(base_url=stack.base_url, timeout=60) as http:
        warm(http)
        if args.profile is not None:
            for stale in args.profile.glob("*.prof"):
                stale.unlink()
        spy = None
        if args.py_spy:
            devserver = str(stack.processes(http)["devserver"][0])
            out = str(Path(args.py_spy_out).resolve())
            spy = subprocess.Popen(  # noqa: S603  # nosec B603
                [
                    args.py_spy,
                    "record",
                    "-p",
                    devserver,
                    "-r",
                    "50",
                    "--format",
                    "raw",
                    "-o",
                    out,
                    "-d",
                    "900",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        for run in range(args.runs):
            result = one_run(stack, http, args.proposals, args.poll)
            print(json.dumps({"run": run + 1, "proposals": args.proposals, **result}, indent=1), flush=True)
        if spy is not None:
            spy.send_signal(2)  # py-spy writes its samples on SIGINT
            spy.wait(timeout=30)
    if args.profile is not None:
        print_profiles(args.profile, "SyncWorkerFunction", args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
