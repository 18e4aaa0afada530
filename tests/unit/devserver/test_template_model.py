"""What the local stack reads from a SAM template: functions, triggers, resources."""

from __future__ import annotations

from pathlib import Path

import pytest

from devserver.template import DEFAULT_ROUTE, HttpRoute, load_template

SMALL = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Handler: app.lambda_handler
    Timeout: 5
    Environment:
      Variables: {STAGE: !Ref Stage, SHARED: global}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fns/api/
      Timeout: 9
      Environment:
        Variables: {SHARED: mine, OWN: x}
      Events:
        Get: {Type: HttpApi, Properties: {Path: "/items/{id}", Method: get}}
        Any: {Type: HttpApi, Properties: {Path: "/items/{proxy+}", Method: any}}
        Fallback: {Type: HttpApi}
  Hook:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fns/hook
      Handler: handler.main
      FunctionUrlConfig: {AuthType: NONE}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fns/worker/
      Events:
        Jobs:
          Type: SQS
          Properties:
            {Queue: !GetAtt Jobs.Arn, BatchSize: 3, FunctionResponseTypes: [ReportBatchItemFailures]}
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 hour), Input: '{"k": 1}'}}
        Off: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 day), State: DISABLED}}
  Jobs: {Type: AWS::SQS::Queue}
  ProdOnly:
    Type: AWS::SQS::Queue
    Condition: IsProd
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(SMALL)
    return path


def test_functions_merge_globals_and_read_their_events(small: Path) -> None:
    template = load_template(small)

    api = template.functions["Api"]
    assert api.timeout == 9
    assert api.environment == {"STAGE": {"Ref": "Stage"}, "SHARED": "mine", "OWN": "x"}
    assert api.routes == [
        HttpRoute("GET", "/items/{id}"),
        HttpRoute("ANY", "/items/{proxy+}"),
        HttpRoute("ANY", DEFAULT_ROUTE),
    ]
    assert [route.route_key for route in api.routes] == ["GET /items/{id}", "ANY /items/{proxy+}", "$default"]
    assert api.module_name == "fns.api.app"
    assert template.functions["Hook"].module_name == "fns.hook.handler"
    assert template.functions["Hook"].handler_name == "main"
    assert template.functions["Hook"].function_url is True


def test_queue_and_schedule_triggers(small: Path) -> None:
    worker = load_template(small).functions["Worker"]

    (source,) = worker.sqs_sources
    assert source.queue_logical_id == "Jobs"
    assert source.batch_size == 3
    assert source.report_batch_item_failures is True
    tick, off = worker.schedules
    assert (tick.expression, tick.input, tick.enabled) == ("rate(1 hour)", '{"k": 1}', True)
    assert (off.expression, off.enabled) == ("rate(1 day)", False)


def test_conditional_resources_follow_parameters(small: Path) -> None:
    assert "ProdOnly" not in load_template(small).queues
    assert "ProdOnly" in load_template(small, {"Stage": "prod"}).queues


def test_functions_are_found_by_logical_id_or_directory(small: Path) -> None:
    template = load_template(small)
    assert template.function("Worker") is template.function("worker")
    with pytest.raises(KeyError):
        template.function("nope")


def test_the_project_template_declares_what_the_brief_lists(repo_root: Path) -> None:
    template = load_template(repo_root / "template.yaml")

    assert {"MetaFunction", "AuthFunction", "WebhooksFunction", "EventsWorkerFunction"} <= set(
        template.functions
    )
    meta_routes = {route.route_key for route in template.functions["MetaFunction"].routes}
    assert {"GET /health", "GET /openapi.json", "GET /docs", "GET /docs/{proxy+}", "$default"} <= meta_routes
    assert template.functions["WebhooksFunction"].function_url
    (events,) = template.functions["EventsWorkerFunction"].sqs_sources
    assert (events.queue_logical_id, events.batch_size, events.report_batch_item_failures) == (
        "EventsQueue",
        10,
        True,
    )
    assert template.functions["SyncWorkerFunction"].schedules[0].expression == "rate(6 hours)"
    assert {"UsersTable", "AnalyticsTable", "AuditTable", "IdempotencyTable"} <= set(template.tables)
    assert (repo_root / "layers/common") in template.layer_dirs
