"""The SSRF guard refuses every row of the refusal table — deployed policy, stub resolver, no traffic."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bidcraft.outbound.client import GuardedClient, OutboundRefused
from bidcraft.outbound.guard import Policy
from tests.unit.outbound.refusal_cases import CASES, PUBLIC, Case, render


class StubResolver:
    def __init__(self, answers: Sequence[str]) -> None:
        self.answers = list(answers)
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        return list(self.answers)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.address_class}-{c.trick}-{c.url}")
def test_deployed_guard_refuses(case: Case) -> None:
    # Given the deployed policy and a resolver that answers what the row says
    client = GuardedClient(Policy(allow_loopback=False), resolver=StubResolver(case.dns))

    # When a request is attempted, Then it is refused for the documented reason (no socket is opened:
    # the package's conftest fails any non-loopback connection, and a refusal must come before any)
    with pytest.raises(OutboundRefused) as refused:
        client.post(case.url, content=b"{}", headers={})

    assert refused.value.reason == case.reason
    assert case.url not in str(refused.value)  # URLs may hold secrets: never echoed


def test_a_public_name_passes_the_checks() -> None:
    client = GuardedClient(Policy(), resolver=StubResolver([PUBLIC, "2606:2800:220:1::1"]))

    target = client.check("https://hooks.example.com/services/T1/B2/x?y=1")

    assert client.resolve(target) == PUBLIC
    assert (target.host, target.port, target.target) == ("hooks.example.com", 443, "/services/T1/B2/x?y=1")
    assert target.host_header == "hooks.example.com"


def test_names_that_only_look_numeric_are_host_names() -> None:
    client = GuardedClient(Policy(), resolver=StubResolver([PUBLIC]))

    assert client.check("https://cafe.fade.example/x").host == "cafe.fade.example"
    assert client.check("https://0xdeadbeef.example.com/x").host == "0xdeadbeef.example.com"


def test_the_local_stack_allows_loopback_but_nothing_else_private() -> None:
    local = GuardedClient(Policy(allow_loopback=True), resolver=StubResolver(["127.0.0.1"]))

    assert local.resolve(local.check("http://localhost:8080/hook")) == "127.0.0.1"
    assert local.resolve(local.check("http://127.0.0.1:9/hook")) == "127.0.0.1"
    for url, reason in (
        ("http://10.0.0.1/hook", "scheme"),  # http only towards loopback names
        ("https://10.0.0.1/hook", "private"),
        ("https://169.254.169.254/latest", "cloud_metadata"),
        ("https://0.0.0.0/hook", "unspecified"),
    ):
        with pytest.raises(OutboundRefused) as refused:
            local.check(url)
        assert refused.value.reason == reason, url


def test_docs_carry_the_refusal_table(repo_root: Path) -> None:
    docs = (repo_root / "docs" / "alerts.md").read_text(encoding="utf-8")

    assert render() in docs, "docs/alerts.md: regenerate the refusal table from refusal_cases.render()"
