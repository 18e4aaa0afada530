"""Cold start (issue 10): what a function module must not pay at import, and that the first use still pays it.

Each probe runs in a fresh interpreter (`sys.modules` of the test session already holds everything), imports
the function modules as Lambda would, and prints what is loaded before and after the code path that needs it.
"""

from __future__ import annotations

from tests import fresh_interpreter

_probe = fresh_interpreter.lines


def test_cryptography_is_imported_by_the_first_seal_not_by_the_alerts_function() -> None:
    lines = _probe(
        "import sys\n"
        "import functions.alerts.app\n"
        "print('cryptography' in sys.modules)\n"
        "from bidcraft.crypto import aead\n"
        "key = bytes(32)\n"
        "sealed = aead.seal(key, b'secret', b'aad')\n"
        "print('cryptography' in sys.modules, aead.open_(key, sealed, b'aad'))\n"
    )
    assert lines == ["False", "True b'secret'"]


def test_the_jobs_function_loads_the_upwork_client_on_first_use() -> None:
    lines = _probe(
        "import sys\n"
        "import functions.jobs.app\n"
        "print('httpx2' in sys.modules)\n"
        "from bidcraft.upwork import UpworkGraphQL\n"
        "print('httpx2' in sys.modules, UpworkGraphQL.__module__)\n"
    )
    assert lines == ["False", "True bidcraft.upwork.graphql"]


def test_phone_context_patterns_compile_on_the_first_phone_candidate() -> None:
    lines = _probe(
        "import functions.ai.app, functions.ai_worker.app\n"
        "from bidcraft.ai import safety\n"
        "print(safety._phone_cues.cache_info().currsize)\n"
        "safety.check('plain words, no number at all')\n"
        "print(safety._phone_cues.cache_info().currsize)\n"
        "print(safety.check('Call me on +44 20 7946 0958').text)\n"
        "print(safety._phone_cues.cache_info().currsize)\n"
    )
    assert lines[:2] == ["0", "0"]
    assert "+44" not in lines[2]
    assert lines[3] == "1"


def test_models_outside_the_route_table_are_built_on_first_use() -> None:
    """`defer_build`: importing a function builds no schema of these models; validating one builds it."""
    lines = _probe(
        "import functions.analytics.app, functions.ai.app, functions.auth.app, functions.alerts.app\n"
        "from bidcraft.analytics.models import ProposalItem, Summary\n"
        "from bidcraft.ai.models import ProposalAnalysis\n"
        "from bidcraft.auth.models import Request\n"
        "from bidcraft.alerts.spec import AlertsSpec\n"
        "from bidcraft.auth.settings import TokenSettings\n"
        "models = (ProposalItem, Summary, ProposalAnalysis, Request, AlertsSpec, TokenSettings)\n"
        "print([m.__pydantic_complete__ for m in models])\n"
        "from pydantic import ValidationError\n"
        "try:\n"
        "    Summary.model_validate({})\n"
        "except ValidationError as exc:\n"
        "    print(exc.error_count() > 0)\n"
        "print(Summary.__pydantic_complete__)\n"
    )
    assert lines == [str([False] * 6), "True", "True"]


def test_the_auth_function_loads_the_session_check_but_not_the_other_routes_domains() -> None:
    """Every auth request reads the users table (session check or rate window): that loads with the function;
    sign-in, MFA, refresh and the account routes load their own domain modules; PyJWT and `cryptography` are
    not on the token path at all (HS256 via hmac, `bidcraft.auth.jws`)."""
    lines = _probe(
        "import sys\n"
        "import functions.auth.app\n"
        "names = ['bidcraft.auth.tokens', 'bidcraft.tables.users', 'bidcraft.auth.signin',\n"
        "         'bidcraft.auth.mfa', 'bidcraft.auth.sessions', 'bidcraft.auth.account',\n"
        "         'bidcraft.security.audit', 'bidcraft.crypto.envelope', 'jwt', 'cryptography']\n"
        "print([n for n in names if n in sys.modules])\n"
        "from bidcraft.auth import mfa\n"
        "print([n for n in names if n in sys.modules])\n"
    )
    assert lines[0] == "['bidcraft.auth.tokens', 'bidcraft.tables.users']"
    assert lines[1] == (
        "['bidcraft.auth.tokens', 'bidcraft.tables.users', 'bidcraft.auth.mfa', 'bidcraft.auth.sessions', "
        "'bidcraft.security.audit', 'bidcraft.crypto.envelope']"
    )


def test_bearer_functions_load_the_token_verifier_and_public_ones_do_not() -> None:
    lines = _probe(
        "import sys\n"
        "import functions.meta.app, functions.webhooks.app\n"
        "print('bidcraft.auth.tokens' in sys.modules)\n"
        "import functions.jobs.app\n"
        "print('bidcraft.auth.tokens' in sys.modules)\n"
    )
    assert lines == ["False", "True"]


def test_the_analytics_function_loads_the_report_code_when_the_report_route_runs() -> None:
    """Gathering, charts, PDF/CSV and S3 are the report route's alone; its answer model is there at import."""
    lines = _probe(
        "import sys\n"
        "import functions.analytics.app as app\n"
        "report = ('bidcraft.analytics.reports.generate', 'bidcraft.analytics.reports.data',\n"
        "          'bidcraft.analytics.reports.charts', 'bidcraft.analytics.reports.storage')\n"
        "print([name in sys.modules for name in report])\n"
        "print(app.report_models.GeneratedReport.__pydantic_complete__)\n"
        "from bidcraft.analytics.reports import generate\n"
        "same = generate.GeneratedReport is app.report_models.GeneratedReport\n"
        "print([name in sys.modules for name in report], same)\n"
    )
    assert lines == [str([False] * 4), "False", f"{[True] * 4} True"]


def test_the_event_and_sync_workers_and_the_api_import_no_boto3() -> None:
    """Storage goes through PynamoDB models: `boto3.dynamodb.types` (all of boto3) is not imported."""
    lines = _probe(
        "import sys\n"
        "import functions.analytics.app, functions.upwork.app\n"
        "import functions.events_worker.app, functions.sync_worker.app\n"
        "print('boto3' in sys.modules, 'bidcraft.dynamo' in sys.modules)\n"
    )
    assert lines == ["False False"]


_ENGINE_CALL = ["bidcraft.ai.engine", "bidcraft.ai.usage", "bidcraft.tables.analytics.ai"]


def test_the_ai_function_loads_the_engine_and_usage_counters_with_the_calls_of_an_engine() -> None:
    """Competition, prediction and a job's status never call an engine: the engine choice and the usage
    counters (with the AI table's items) load with the operations that do (analysis, drafts)."""
    lines = _probe(
        "import os, sys\n"
        "import functions.ai.app\n"
        f"names = {_ENGINE_CALL!r}\n"
        "print([n for n in names if n in sys.modules])\n"
        "os.environ.update(ANALYTICS_TABLE='analytics', USERS_TABLE='users', OPENAI_SECRET_ARN='')\n"
        "from bidcraft.ai import service\n"
        "print(service._engine('u').name)  # no OpenAI secret: the offline engine, not metered\n"
        "print([n for n in names if n in sys.modules])\n"
    )
    assert lines == ["[]", "offline", str(_ENGINE_CALL)]
