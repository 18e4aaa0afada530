"""Cold start of the jobs functions (issue 10): what their import must not pay; first use still works.

Each probe runs in a fresh interpreter (the test session's `sys.modules` already holds everything).
"""

from __future__ import annotations

from tests.unit.coldstart.test_lazy_imports import _probe

_LOADED = "print(sorted(m for m in {names} if m in sys.modules))\n"


def test_the_jobs_function_loads_scoring_and_upwork_postings_only_for_job_details() -> None:
    names = ["bidcraft.jobs.scoring", "bidcraft.upwork.models", "bidcraft.ai.models", "boto3.dynamodb"]
    lines = _probe(
        "import sys\n"
        "import functions.jobs.app\n" + _LOADED.format(names=names) + "from bidcraft.jobs import feed\n"
        "from bidcraft.jobs.scoring import Profile\n"
        "from tests.unit.jobs.fakes import contexts, posting\n"
        "feed.store.feed_entry = lambda *a: None\n"
        "feed.store.get_job = lambda *a: None\n"
        "feed.store.put_job = lambda *a: None\n"
        "job = feed.job_detail('u1', 'j1', fetch=lambda u, j: posting(j, 5, description='d'), "
        "contexts=contexts(Profile(skills=('Python',)), 0.5))\n"
        "print(job.job_id, job.description, 0 <= job.scores.overall <= 1)\n" + _LOADED.format(names=names[:2])
    )
    assert lines == ["[]", "j1 d True", "['bidcraft.jobs.scoring', 'bidcraft.upwork.models']"]


def test_the_poller_imports_neither_the_routes_models_nor_boto3_dynamodb() -> None:
    names = ["bidcraft.jobs.models", "bidcraft.ai.models", "bidcraft.security.cursor", "boto3.dynamodb"]
    lines = _probe("import sys\nimport functions.jobs_poller.app\n" + _LOADED.format(names=names))
    assert lines == ["[]"]


def test_the_jobs_models_build_their_schemas_on_first_use() -> None:
    lines = _probe(
        "import functions.jobs.app\n"
        "from bidcraft.jobs.job_models import Job, Scores\n"
        "from bidcraft.jobs.models import FeedPage, Search, JobDraft\n"
        "models = (Job, Scores, FeedPage, Search, JobDraft)\n"
        "print([m.__pydantic_complete__ for m in models])\n"
        "Scores.model_validate({'fit': 0.1, 'client_quality': 0.2, 'competition': 0.3, 'overall': 0.4})\n"
        "print(Scores.__pydantic_complete__)\n"
    )
    assert lines == ["[False, False, False, False, False]", "True"]


def test_the_jobs_function_loads_search_filters_and_upwork_categories_only_to_write_a_search() -> None:
    """Reading, listing or deleting a search needs neither; create and replace load them (the fingerprint)."""
    names = ["bidcraft.jobs.filters", "bidcraft.upwork.categories", "bidcraft.upwork"]
    lines = _probe(
        "import sys\n"
        "import functions.jobs.app\n"
        + _LOADED.format(names=names)
        + "from bidcraft.jobs import searches, store\n"
        "from bidcraft.jobs.models import SearchIn\n"
        "writes = []\n"
        "store.create_search = lambda saved, wanted, scope, maximum: writes.append((saved, wanted, scope))\n"
        "store.count_recent = lambda *a: 0\n"
        "import os\n"
        "os.environ.update(JOBS_TABLE='t', USERS_TABLE='t', UPWORK_CLIENT_SECRET_ARN='arn:x')\n"
        "made = searches.create('u1', SearchIn(name='Go', skills=['Go']))\n"
        "saved, wanted, scope = writes[0]\n"
        "print(made.search_id == saved.search_id, wanted, scope, len(saved.fingerprint))\n"
        + _LOADED.format(names=names)
    )
    assert lines == [
        "[]",
        "True {'skills': ['Go']} service 32",
        "['bidcraft.jobs.filters', 'bidcraft.upwork', 'bidcraft.upwork.categories']",
    ]


def test_no_jobs_model_needs_pydantic_functional_serializers() -> None:
    """Fields left out when None use `exclude_if`; neither the function, nor the poller, nor a reply loads the
    serializer decorators' module (~9 M instructions)."""
    lines = _probe(
        "import sys\n"
        "import functions.jobs.app, functions.jobs_poller.app\n"
        "print('pydantic.functional_serializers' in sys.modules)\n"
        "from bidcraft.jobs.job_models import Budget\n"
        "print(Budget(amount=5).model_dump(mode='json'))\n"
        "print('pydantic.functional_serializers' in sys.modules)\n"
    )
    assert lines == ["False", "{'amount': 5.0, 'currency': 'USD'}", "False"]
