"""Cold start (issue 10): the analytics table's models are split by kind of item
(`bidcraft.tables.analytics.*`) so each function loads only the kinds it uses; the analytics function loads
the table's adapter on the routes that read it; the upwork function requests syncs without the analytics
domain's models."""

from __future__ import annotations

from tests import fresh_interpreter

_probe = fresh_interpreter.lines

_KINDS = "('records', 'parked', 'sync', 'reports', 'ai')"
_LOADED_KINDS = f"print([kind for kind in {_KINDS} if 'bidcraft.tables.analytics.' + kind in sys.modules])\n"


def test_the_analytics_function_loads_the_store_and_its_records_when_an_analytics_route_runs() -> None:
    """The audit-log and rate-limit routes never read the analytics table: its adapter, the PynamoDB records
    and the domain modules are the analytics routes' (their answer models are there at import)."""
    lines = _probe(
        "import sys\n"
        "import functions.analytics.app as app\n"
        "lazy = ('bidcraft.analytics.metrics', 'bidcraft.analytics.dashboard',\n"
        "        'bidcraft.analytics.proposals', 'bidcraft.analytics.store',\n"
        "        'bidcraft.analytics.models', 'bidcraft.tables.analytics')\n"
        "print([name for name in lazy if name in sys.modules])\n"
        "print(app.views.UserMetrics.__pydantic_complete__, app.views.Dashboard.__pydantic_complete__)\n"
        "from bidcraft.analytics import metrics\n"
        "print([name for name in lazy if name in sys.modules])\n"
        "print(metrics.UserMetrics is app.views.UserMetrics)\n" + _LOADED_KINDS
    )
    assert lines == [
        "[]",
        "False False",
        "['bidcraft.analytics.metrics', 'bidcraft.analytics.store', 'bidcraft.analytics.models', "
        "'bidcraft.tables.analytics']",
        "True",
        "['records']",
    ]


def test_the_upwork_function_loads_the_sync_items_and_not_the_analytics_domain() -> None:
    """Requesting a sync and reading its job touch the sync's items only: not the analytics domain's pydantic
    models, not the other kinds of item, not the `sync.user` message model (the worker parses it)."""
    lines = _probe(
        "import sys\n"
        "import functions.upwork.app\n"
        "names = ('bidcraft.analytics.models', 'bidcraft.analytics.store', 'bidcraft.sync.models',\n"
        "         'bidcraft.sync.messages', 'bidcraft.sync.runner')\n"
        "print([name for name in names if name in sys.modules])\n" + _LOADED_KINDS
    )
    assert lines == ["['bidcraft.sync.models']", "['sync']"]


def test_each_worker_loads_the_kinds_of_item_it_writes() -> None:
    lines = _probe(
        "import sys\n"
        "import functions.events_worker.app\n" + _LOADED_KINDS + "import functions.sync_worker.app\n"
        "print('bidcraft.sync.messages' in sys.modules)\n" + _LOADED_KINDS
    )
    assert lines == ["['records', 'parked']", "True", "['records', 'parked', 'sync']"]
