"""requirements.lock: one lock, made from pyproject.toml, installed by `make venv` and by the Lambda builds.

The committed lock must match the committed pyproject.toml (a dependency added without `make lock` fails
here), serve the dev interpreter and the Lambda runtime with the same versions, and be what this virtualenv
runs.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

import pins
from tests.unit.template.conftest import ROOT

# CPython 3.11 on Linux x86_64: the dev interpreter here and in CI.
DEV_ENVIRONMENT = {**pins.LAMBDA_ENVIRONMENT, "python_version": "3.11", "python_full_version": "3.11.7"}

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lock_text() -> str:
    return (ROOT / "requirements.lock").read_text(encoding="utf-8")


def test_the_committed_lock_matches_pyproject(pyproject: dict[str, Any], lock_text: str) -> None:
    assert pins.lock_problems(pyproject, lock_text) == [], "run `make lock` and commit requirements.lock"


def test_the_lambda_runtime_gets_the_dev_interpreters_versions(
    pyproject: dict[str, Any], lock_text: str
) -> None:
    entries = pins.read_lock(lock_text)
    on_lambda = pins.pinned_for(entries, pins.LAMBDA_ENVIRONMENT)
    in_dev = pins.pinned_for(entries, DEV_ENVIRONMENT)
    runtime = {pins.canonical(Requirement(spec).name) for spec in pyproject["project"]["dependencies"]}

    assert runtime <= set(on_lambda)
    assert {name: in_dev.get(name) for name in on_lambda} == on_lambda  # a strict subset, same versions


def test_the_virtualenv_running_the_tests_has_the_locked_versions(lock_text: str) -> None:
    locked = pins.pinned_for(pins.read_lock(lock_text))
    installed = pins.installed()

    differing = {
        name: installed.get(name) for name, version in locked.items() if installed.get(name) != version
    }

    assert differing == {}, "make venv syncs the virtualenv with requirements.lock"


def _dry_run(*arguments: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-n", "-f", str(ROOT / "Makefile"), *arguments],  # noqa: S607
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return result.stdout


@needs_make
def test_make_venv_syncs_from_the_lock_with_hashes_then_adds_the_project(tmp_path: Path) -> None:
    commands = _dry_run("venv", f"VENV={tmp_path}/venv")

    bootstrap, sync, project = (
        commands.index("--require-hashes --no-deps -r"),
        commands.index(
            f"uv pip sync --quiet --python {tmp_path}/venv/bin/python --require-hashes requirements.lock"
        ),
        commands.index("--no-deps -e ."),
    )
    assert bootstrap < sync < project  # plain pip installs uv (hash-checked), uv makes the venv the lock
    assert "awk '/^uv==/" in commands


@needs_make
def test_make_lock_resolves_every_environment_with_hashes_and_checks_lambda() -> None:
    commands = _dry_run("lock", "UPGRADE=pydantic pydantic-core", f"VENV={ROOT}/.venv")

    compile_line = commands[commands.index("uv pip compile") :]
    for flag in ("--all-extras", "--universal", "--generate-hashes", "-o requirements.lock"):
        assert flag in compile_line
    assert "--upgrade-package pydantic --upgrade-package pydantic-core" in compile_line
    assert "pins.py stamp" in commands
    assert "--python-platform x86_64-manylinux_2_28" in commands  # check-lambda-lock
    assert "--extra ai --extra reports" in commands
