"""Function environment on the local stack: template values, then the developer's, then local settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from devserver.aws import Resources
from devserver.cfn import PhysicalResource
from devserver.environment import function_environment, local_overrides, process_environment
from devserver.template import Template, load_template

TEMPLATE = """
Parameters:
  Stage: {Type: String, Default: dev}
  UpworkBaseUrl: {Type: String, Default: https://www.upwork.com}
Globals:
  Function:
    Environment:
      Variables:
        STAGE: !Ref Stage
        USERS_TABLE: !Ref Users
        LOCAL_STACK: "false"
Resources:
  Users: {Type: AWS::DynamoDB::Table}
  Jobs: {Type: AWS::SQS::Queue}
  Auth:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/auth/
      Environment:
        Variables:
          POWERTOOLS_SERVICE_NAME: auth
          UPWORK_BASE_URL: !Ref UpworkBaseUrl
          QUEUE_ARN: !GetAtt Jobs.Arn
          RATE: 60
          FLAG: true
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/worker/
      Environment:
        Variables: {POWERTOOLS_SERVICE_NAME: worker, RATE: 60}
"""


@pytest.fixture
def template(tmp_path: Path) -> Template:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return load_template(path)


@pytest.fixture
def resources() -> Resources:
    return Resources(
        region="us-east-1",
        account_id="123456789012",
        endpoint_url="http://127.0.0.1:1",
        physical={
            "Users": PhysicalResource("bidcraft-local-Users", {"Arn": "arn:table"}),
            "Jobs": PhysicalResource("http://q/jobs", {"Arn": "arn:aws:sqs:us-east-1:123456789012:jobs"}),
        },
    )


def test_template_values_are_resolved_to_strings(template: Template, resources: Resources) -> None:
    env = function_environment(template, template.functions["Auth"], resources)

    assert env == {
        "STAGE": "dev",
        "USERS_TABLE": "bidcraft-local-Users",
        "LOCAL_STACK": "false",
        "POWERTOOLS_SERVICE_NAME": "auth",
        "UPWORK_BASE_URL": "https://www.upwork.com",
        "QUEUE_ARN": "arn:aws:sqs:us-east-1:123456789012:jobs",
        "RATE": "60",
        "FLAG": "true",
    }


def test_the_local_stack_points_upwork_at_the_sandbox_and_marks_itself(
    template: Template, resources: Resources
) -> None:
    overrides = local_overrides(template, {}, sandbox_url="http://127.0.0.1:3000/_sandbox/upwork")

    env = function_environment(template, template.functions["Auth"], resources, overrides)

    assert env["UPWORK_BASE_URL"] == "http://127.0.0.1:3000/_sandbox/upwork"
    assert env["UPWORK_API_URL"] == "http://127.0.0.1:3000/_sandbox/upwork"
    assert env["LOCAL_STACK"] == "true"


def test_the_developer_environment_overrides_declared_names_only(
    template: Template, resources: Resources
) -> None:
    developer = {
        "RATE": "5",
        "UPWORK_BASE_URL": "https://upwork.example",
        "ALLOWED_REDIRECT_URIS": "http://localhost:1/cb",
        "UNRELATED": "x",
        "LOCAL_STACK": "false",
    }

    overrides = local_overrides(template, developer, sandbox_url=None)

    assert overrides["RATE"] == "5"
    assert overrides["UPWORK_BASE_URL"] == "https://upwork.example"
    assert overrides["ALLOWED_REDIRECT_URIS"] == "http://localhost:1/cb"
    assert overrides["LOCAL_STACK"] == "true"
    assert "UNRELATED" not in overrides


def test_the_process_environment_is_the_union_without_per_function_names(
    template: Template, resources: Resources
) -> None:
    env = process_environment(template, resources, {"LOCAL_STACK": "true"})

    assert "POWERTOOLS_SERVICE_NAME" not in env
    assert env["RATE"] == "60"
    assert env["QUEUE_ARN"].endswith(":jobs")
    assert env["LOCAL_STACK"] == "true"
