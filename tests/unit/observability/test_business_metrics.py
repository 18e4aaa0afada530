"""Business metrics come out as CloudWatch embedded-metric-format lines with their dimensions."""

from __future__ import annotations

import json

import pytest

from bidcraft.observability import count


def _emf_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{") and "_aws" in line]


def test_a_counted_event_is_one_emf_line_with_its_dimensions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the namespace every deployed function has
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Bidcraft")
    # When a webhook is counted as a duplicate
    count("WebhookReceived", outcome="duplicate")
    # Then one EMF document carries the metric, its unit and its dimension
    (line,) = _emf_lines(capsys.readouterr().out)
    directive = line["_aws"]["CloudWatchMetrics"][0]  # type: ignore[index]
    assert directive["Namespace"] == "Bidcraft"
    assert directive["Metrics"] == [{"Name": "WebhookReceived", "Unit": "Count"}]
    assert directive["Dimensions"] == [["outcome"]]
    assert line["outcome"] == "duplicate"
    assert line["WebhookReceived"] == [1.0]


def test_without_a_namespace_nothing_is_emitted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE", raising=False)
    count("SignIn", mfa="none")
    assert _emf_lines(capsys.readouterr().out) == []
