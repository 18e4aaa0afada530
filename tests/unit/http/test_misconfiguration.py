"""bidcraft.misconfiguration: which AWS errors mean "deployed wrong", and the metric it prints."""

from __future__ import annotations

import json
import logging

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from bidcraft import misconfiguration
from bidcraft.errors import ConfigurationError


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "arn:aws:secret:... is secret"}}, "GetSecretValue")


@pytest.mark.parametrize("code", ["AccessDeniedException", "ResourceNotFoundException", "AccessDenied"])
def test_permissions_and_missing_resources_are_misconfigurations(code: str) -> None:
    assert misconfiguration.is_misconfiguration(_error(code))


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "ProvisionedThroughputExceededException", "InternalServerError"]
)
def test_throttling_and_outages_are_not(code: str) -> None:
    assert not misconfiguration.is_misconfiguration(_error(code))
    assert not misconfiguration.is_misconfiguration(EndpointConnectionError(endpoint_url="https://x"))


def test_a_report_is_an_error_line_a_metric_in_total_and_per_component_and_a_500(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "BidcraftTest")

    with caplog.at_level(logging.ERROR):
        error = misconfiguration.report("secrets", _error("AccessDeniedException"))

    assert isinstance(error, ConfigurationError)
    assert error.status == 500
    (record,) = [r for r in caplog.records if r.getMessage() == "misconfigured"]
    assert (record.levelno, record.component, record.error) == (
        logging.ERROR,
        "secrets",
        "AccessDeniedException",
    )
    assert "is secret" not in caplog.text  # the AWS message (it can name ARNs) is never logged
    (line,) = capsys.readouterr().out.splitlines()
    document = json.loads(line)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "BidcraftTest"
    assert directive["Dimensions"] == [["component"], []]
    assert directive["Metrics"] == [{"Name": "Misconfiguration", "Unit": "Count"}]
    assert document["Misconfiguration"] == 1
    assert document["component"] == "secrets"
