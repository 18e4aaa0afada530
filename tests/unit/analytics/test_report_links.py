"""Report download links as AWS would serve them: Signature Version 4 on the bucket's regional
virtual-hosted host (issue 10 items 7 and 12). Pre-signing is computed offline: nothing is sent."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bidcraft import aws, config
from bidcraft.analytics.reports import storage


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment of the deployed function: a region, credentials, no emulator endpoint."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("REPORTS_BUCKET", "bidcraft-reports-123456789012")
    monkeypatch.setenv("ANALYTICS_TABLE", "analytics")
    aws.reset()
    config.reset()
    yield
    aws.reset()
    config.reset()


def test_a_report_link_is_signed_with_sigv4_on_the_regional_virtual_hosted_host(deployed: None) -> None:
    url = storage.presign("reports/u1/r1.pdf")

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.scheme == "https"
    assert parts.hostname == "bidcraft-reports-123456789012.s3.eu-central-1.amazonaws.com"
    assert parts.path == "/reports/u1/r1.pdf"
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == [str(storage.LINK_SECONDS)]
    assert query["X-Amz-Credential"][0].endswith("/eu-central-1/s3/aws4_request")
    assert query["X-Amz-SignedHeaders"] == ["host"]
    assert "Signature" not in query  # SigV2's query parameters
    assert "AWSAccessKeyId" not in query


def test_us_east_1_links_use_the_regional_host_too(deployed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    aws.reset()

    parts = urlsplit(storage.presign("reports/u1/r1.csv"))

    assert parts.hostname == "bidcraft-reports-123456789012.s3.us-east-1.amazonaws.com"
    assert parse_qs(parts.query)["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]


def test_on_the_local_stack_links_point_at_the_emulator_path_style(
    deployed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    aws.reset()

    parts = urlsplit(storage.presign("reports/u1/r1.pdf"))

    assert (parts.scheme, parts.netloc) == ("http", "127.0.0.1:4566")
    assert parts.path == "/bidcraft-reports-123456789012/reports/u1/r1.pdf"
    assert parse_qs(parts.query)["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
