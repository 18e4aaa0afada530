"""Manual syncs over HTTP: a burst of `POST /api/upwork/sync` starts one sync (issue 10 item 6)."""

from __future__ import annotations

import itertools
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in

pytestmark = pytest.mark.e2e


def test_forty_sync_requests_at_once_share_one_job(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    # Given a signed-in user
    auth = sign_in(http, local_stack.redirect_uri, account=f"e2e-sync-{uuid.uuid4().hex[:10]}").headers

    # When 40 sync requests arrive together
    def ask(_: int) -> httpx2.Response:
        with httpx2.Client(base_url=local_stack.base_url, timeout=30.0) as client:
            return client.post("/api/upwork/sync", headers=auth)

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(ask, range(40)))

    # Then each is accepted, and they share jobs: a new one starts only after the previous one finished
    # (the local stack's worker runs a sync within a second or two, so a burst may span more than one)
    assert {reply.status_code for reply in replies} == {202}, [
        r.text for r in replies if r.status_code != 202
    ]
    job_ids = {reply.json()["job_id"] for reply in replies}
    jobs = sorted(
        (http.get(f"/api/upwork/sync/{job_id}", headers=auth).json() for job_id in job_ids),
        key=lambda job: job["created_at"],
    )
    assert len(jobs) < 10
    for earlier, later in itertools.pairwise(jobs):
        assert earlier["status"] in ("succeeded", "failed"), jobs
        assert earlier["finished_at"] <= later["created_at"], jobs
