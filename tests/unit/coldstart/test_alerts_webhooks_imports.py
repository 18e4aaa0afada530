"""Cold start of the alerts, alerts worker and webhooks functions (issue 10): what their import must not load,
and that the path which needs it still does. Each probe is a fresh interpreter (see test_lazy_imports.py)."""

from __future__ import annotations

from tests.unit.coldstart.test_lazy_imports import _probe

FUNCTIONS = ("functions.alerts.app", "functions.alerts_worker.app", "functions.webhooks.app")


def test_no_function_of_the_alerts_or_webhooks_imports_boto3_dynamodb_or_the_old_toolkit() -> None:
    for module in FUNCTIONS:
        lines = _probe(
            "import sys\n"
            f"import {module}\n"
            "old = [m for m in sys.modules if m.startswith('boto3.dynamodb') or m == 'bidcraft.dynamo']\n"
            "print(sorted(old))\n"
        )
        assert lines == ["[]"], module


def test_the_alerts_function_loads_what_one_route_needs_on_that_route() -> None:
    lines = _probe(
        "import sys\n"
        "import functions.alerts.app\n"
        "from bidcraft.alerts.queue import DeliveryMessage\n"
        "lazy = ('bidcraft.outbound.guard', 'bidcraft.crypto.envelope', 'bidcraft.alerts.messages',\n"
        "        'bidcraft.alerts.spec')\n"
        "print([m in sys.modules for m in lazy], DeliveryMessage.__pydantic_complete__)\n"
        "print('pynamodb.models' in sys.modules)\n"
        "from bidcraft.alerts import channels\n"
        "masked = channels.mask('webhook', 'https://hooks.example.com/x')\n"
        "print(masked, 'bidcraft.outbound.guard' in sys.modules)\n"
    )
    # The table's models are imported with the function: every route reads or writes AlertsTable
    assert lines == [str([False] * 4) + " False", "True", "https://hooks.example.com/… True"]


def test_the_worker_builds_its_message_model_at_import_and_leaves_the_api_models_alone() -> None:
    lines = _probe(
        "import sys\n"
        "import functions.alerts_worker.app\n"
        "from bidcraft.alerts.queue import DeliveryMessage\n"
        "loaded = ('httpx2' in sys.modules, 'pynamodb.models' in sys.modules)\n"
        "print(DeliveryMessage.__pydantic_complete__, *loaded)\n"
        "print('bidcraft.alerts.models' in sys.modules, 'bidcraft.alerts.channels' in sys.modules)\n"
        "print('aws_lambda_powertools.utilities.parser' in sys.modules)\n"
    )
    # Every record is a DeliveryMessage and nearly every one a request through httpx2: both paid at import
    assert lines[:2] == ["True True True", "False False"]
    # Powertools' batch types import every parser model (SQS, Kinesis, Kafka, …: ~100 ms) when pydantic is
    # already loaded: the batch utility is imported before anything that loads pydantic
    assert lines[2] == "False"


def test_the_webhooks_function_loads_the_receipt_model_with_its_first_receipt() -> None:
    lines = _probe(
        "import sys\n"
        "import functions.webhooks.app\n"
        "print('pynamodb' in sys.modules, 'bidcraft.tables' in sys.modules)\n"
        "from bidcraft.webhooks import receipts\n"
        "model = receipts._model()\n"
        "print('pynamodb.connection' in sys.modules, model.__name__, model.key('m1'))\n"
    )
    assert lines == ["False False", "True WebhookReceipt webhook#m1"]
