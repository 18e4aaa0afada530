"""Jobs integration helpers: signed-in users (the AI suite's sign-up through the Upwork sandbox), calls to
JobsFunction, and polling rounds of JobsPollerFunction over a scripted Upwork job search."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from bidcraft import config
from bidcraft.jobs import context, poller
from bidcraft.jobs.scoring import Profile
from devserver.testing import LocalAws, random_test_ip
from tests.integration.ai.conftest import User, sign_up, user  # noqa: F401  # the one sign-up helper
from tests.integration.replies import Reply
from tests.unit.jobs.fakes import FakeSearch, fixed_model

Call = Callable[..., Reply]


@pytest.fixture(autouse=True)
def _jobs_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A generous API limit; fresh settings per test (tests switch the credential mode)."""
    monkeypatch.setenv("RATE_LIMIT_API", "10000")
    monkeypatch.setenv("RATE_LIMIT_AI_OPERATIONS", "1000")
    config.reset()
    yield
    monkeypatch.undo()
    config.reset()


@pytest.fixture
def owner_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches run with their owner's token (the default is the service's client-credentials token)."""
    monkeypatch.setenv("JOBS_UPWORK_CREDENTIALS", "owner")
    config.reset()


@pytest.fixture
def jobs(local_aws: LocalAws) -> Call:
    """`jobs(method, path, body=None, token=None, query=None)` → Reply from JobsFunction."""

    def _call(
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Reply:
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        event = local_aws.apigw_event(
            method, path, body=body, headers=headers, query=query, source_ip=random_test_ip()
        )
        return Reply.from_raw(local_aws.invoke("JobsFunction", event))

    return _call


@pytest.fixture
def upwork_search(monkeypatch: pytest.MonkeyPatch) -> FakeSearch:
    """Upwork's job search as the poller sees it (scripted postings; every request counted), and the AI
    models the scores use, replaced by fixed ones."""
    search = FakeSearch()
    monkeypatch.setattr(poller, "_default_searcher", lambda: search)
    monkeypatch.setattr(poller, "_default_token", lambda scope: f"token-{scope}")
    monkeypatch.setattr(context, "load_win_model", lambda user_id: fixed_model(0.55))
    monkeypatch.setattr(
        context, "load_profile", lambda user_id: Profile(title="Python developer", skills=("Python",))
    )
    return search


@pytest.fixture
def poll(local_aws: LocalAws) -> Callable[[], dict[str, Any]]:
    """Run one polling round through JobsPollerFunction's schedule trigger; its report."""

    def _poll() -> dict[str, Any]:
        result: dict[str, Any] = local_aws.invoke(
            "JobsPollerFunction", local_aws.schedule_event("JobsPollerFunction")
        )
        return result

    return _poll
