"""Command lines: `python -m devserver` and `python -m devserver.invoke`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devserver import invoke
from devserver.__main__ import main, parse_args


def test_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "4321")

    args = parse_args(["--parameter", "Stage=prod", "--fire", "SyncWorkerFunction"])

    assert (args.host, args.port, args.template) == ("127.0.0.1", 4321, "template.yaml")
    assert args.parameter == [("Stage", "prod")]
    assert args.fire == ["SyncWorkerFunction"]


def test_a_malformed_parameter_is_a_usage_error() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--parameter", "no-equals-sign"])


def test_a_missing_template_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--template", str(tmp_path / "missing.yaml"), "--port", "0"]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_invoke_rejects_an_unknown_function_before_starting_anything(
    repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({}))

    code = invoke.main(["NoSuchFunction", str(event), "--template", str(repo_root / "template.yaml")])

    assert code == 2
    assert "NoSuchFunction" in capsys.readouterr().err
