"""Jobs paths the rest of the suite does not reach, driven here so the IAM verdict observes them: with owner
credentials a polling round runs a search with its owner's Upwork token — refreshed under the per-user lease
when it is about to expire (UsersTable, the Upwork client secret, KMS Decrypt and GenerateDataKey) — and a
job's details are fetched with the caller's own token, refreshed the same way."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx2
import pytest

from bidcraft import config
from devserver.testing import LocalAws
from tests.integration.iam.test_token_refresh_paths import (
    _assert_refreshed,
    _expire_upwork_access_token,
    signed_in,  # noqa: F401  # fixture
)


@pytest.fixture
def owner_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("JOBS_UPWORK_CREDENTIALS", "owner")
    config.reset()
    yield
    monkeypatch.undo()
    config.reset()


def _publish(local_aws: LocalAws, skill: str) -> str:
    reply = httpx2.post(
        f"{local_aws.sandbox_url}/_jobs",
        json={
            "title": f"{skill} work",
            "description": f"Needs {skill}.",
            "skills": [skill],
            "type": "fixed",
            "amount": 500,
        },
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    return str(reply.json()["job_id"])


def test_an_owner_scoped_round_refreshes_the_owners_expiring_token(
    local_aws: LocalAws,
    signed_in: tuple[str, str],  # noqa: F811  # the fixture
    owner_credentials: None,
) -> None:
    user_id, token = signed_in
    skill = "Iam" + uuid.uuid4().hex[:8]
    created = local_aws.request(
        "POST",
        "/api/jobs/searches",
        body={"name": "iam", "skills": [skill]},
        headers={"authorization": f"Bearer {token}"},
    )
    assert created["statusCode"] == 201, created["body"]
    job_id = _publish(local_aws, skill)
    version = _expire_upwork_access_token(user_id)

    report = local_aws.invoke("JobsPollerFunction", local_aws.schedule_event("JobsPollerFunction"))

    assert report["failed"] == 0, report
    _assert_refreshed(user_id, version)
    feed = local_aws.request("GET", "/api/jobs/feed", headers={"authorization": f"Bearer {token}"})
    assert job_id in [job["job_id"] for job in json.loads(feed["body"])["jobs"]]


def test_job_details_refresh_the_callers_expiring_token(
    local_aws: LocalAws,
    signed_in: tuple[str, str],  # noqa: F811  # the fixture
) -> None:
    user_id, token = signed_in
    job_id = _publish(local_aws, "Iam" + uuid.uuid4().hex[:8])
    version = _expire_upwork_access_token(user_id)

    reply = local_aws.request("GET", f"/api/jobs/{job_id}", headers={"authorization": f"Bearer {token}"})

    assert reply["statusCode"] == 200, reply["body"]
    assert json.loads(reply["body"])["description"]
    _assert_refreshed(user_id, version)
