"""Channel targets: what each type accepts (422 otherwise) and how responses mask it."""

from __future__ import annotations

import pytest

from bidcraft.alerts.channels import mask, validate_target
from bidcraft.errors import Unprocessable
from bidcraft.outbound.guard import Policy

DEPLOYED, LOCAL = Policy(), Policy(allow_loopback=True)
SLACK = "https://hooks.slack.com/services/T0001/B0002/abcdefXYZ123"


@pytest.mark.parametrize(
    ("kind", "target", "policy"),
    [
        ("webhook", "https://hooks.example.com/bidcraft?k=1", DEPLOYED),
        ("webhook", "http://127.0.0.1:8080/hook", LOCAL),
        ("webhook", "http://localhost:9000/hook", LOCAL),
        ("slack", SLACK, DEPLOYED),
        ("telegram", "123456789", DEPLOYED),
        ("telegram", "-1001234567890", DEPLOYED),
        ("telegram", "@bidcraft_alerts", DEPLOYED),
        ("email", "jane.doe+jobs@example.co.uk", DEPLOYED),
    ],
)
def test_accepted_targets(kind: str, target: str, policy: Policy) -> None:
    assert validate_target(kind, f"  {target} ", policy) == target


@pytest.mark.parametrize(
    ("kind", "target", "policy"),
    [
        ("webhook", "http://hooks.example.com/x", DEPLOYED),
        ("webhook", "http://127.0.0.1:8080/hook", DEPLOYED),
        ("webhook", "https://169.254.169.254/latest/meta-data", LOCAL),
        ("webhook", "https://10.0.0.5/hook", LOCAL),
        ("webhook", "https://user:pw@hooks.example.com/x", DEPLOYED),
        ("webhook", "ftp://hooks.example.com/x", DEPLOYED),
        ("webhook", "not a url", DEPLOYED),
        ("slack", "https://hooks.example.com/services/T/B/X", DEPLOYED),
        ("slack", "https://hooks.slack.com/other/T/B/X", DEPLOYED),
        ("slack", "http://hooks.slack.com/services/T0001/B0002/abc", DEPLOYED),
        ("telegram", "12ab", DEPLOYED),
        ("telegram", "@ab", DEPLOYED),
        ("email", "not-an-address", DEPLOYED),
        ("email", "a@b", DEPLOYED),
        ("email", "x@example.com\r\nBcc: victim@example.com", DEPLOYED),
    ],
)
def test_refused_targets_are_422_on_the_target_field(kind: str, target: str, policy: Policy) -> None:
    with pytest.raises(Unprocessable) as refused:
        validate_target(kind, target, policy)

    assert refused.value.errors is not None
    assert refused.value.errors[0]["loc"] == ["body", "target"]
    assert target not in refused.value.errors[0]["msg"]


def test_masks_show_enough_to_recognise_and_not_enough_to_use() -> None:
    assert mask("webhook", "https://hooks.example.com/secret-path?token=abc") == "https://hooks.example.com/…"
    assert mask("webhook", "http://127.0.0.1:8080/hook") == "http://127.0.0.1:8080/…"
    assert mask("slack", SLACK) == "https://hooks.slack.com/…"
    assert mask("email", "jane.doe@example.com") == "j***@example.com"
    assert mask("telegram", "-1001234567890") == "-1001234567890"
