"""The build: every function and the layer build with `BuildMethod: makefile` for python3.13/x86_64 without
Docker, at the versions and hashes requirements.lock pins (test_lock.py checks the lock itself)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

import pins
from tests.unit.template.conftest import ROOT

CROSS_PLATFORM_FLAGS = (
    "--python-platform x86_64-manylinux_2_28",  # python3.13's Amazon Linux 2023 (issue 10 item 13)
    "--python-version 3.13",
    "--only-binary :all:",
    "--verify-hashes",  # every file against the lock's hashes
    f'-c "{ROOT}/requirements.lock"',  # every version from the lock
)


def _extra_requirements(directory: str) -> list[str]:
    makefile = (ROOT / "functions" / directory / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^EXTRA_REQUIREMENTS := (.*)$", makefile, re.MULTILINE)
    return match.group(1).split() if match else []


def test_function_only_dependencies_are_the_optional_dependencies() -> None:
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]

    def names(extra: str) -> list[str]:
        return [pins.canonical(Requirement(spec).name) for spec in optional[extra]]

    expected = {
        "ai": names("ai"),
        "ai_worker": names("ai"),
        "analytics": names("reports"),
        "jobs": ["openai"],
    }
    with_extras = {
        directory.name
        for directory in (ROOT / "functions").iterdir()
        if directory.is_dir() and _extra_requirements(directory.name)
    }
    assert with_extras == set(expected)
    for directory, requirements in expected.items():
        assert _extra_requirements(directory) == requirements, directory


def test_the_extras_lambda_installs_are_those_make_lock_checks_for_the_runtime() -> None:
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    makefile = (ROOT / "layers/common/Makefile").read_text(encoding="utf-8")
    lambda_extras = re.search(r"^LAMBDA_EXTRAS := (.*)$", makefile, re.MULTILINE)
    assert lambda_extras is not None
    checked = {
        pins.canonical(Requirement(spec).name)
        for extra in lambda_extras.group(1).split()
        for spec in optional[extra]
    }
    installed = {
        name
        for directory in ("ai", "ai_worker", "analytics", "jobs")
        for name in _extra_requirements(directory)
    }
    assert installed <= checked


def test_every_function_and_the_layer_build_with_their_makefile_target(
    resources: dict[str, dict[str, Any]],
) -> None:
    built = 0
    for name, body in resources.items():
        if body["Type"] not in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            continue
        props = body["Properties"]
        source = props.get("CodeUri") or props.get("ContentUri")
        assert body["Metadata"]["BuildMethod"] == "makefile", name
        makefile = (ROOT / source / "Makefile").read_text(encoding="utf-8")
        assert f"\nbuild-{name}:" in makefile, f"{source}Makefile lacks build-{name}"
        built += 1
    assert built == 14


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_layer_build_recipe_dry_run(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-n", "-f", str(ROOT / "layers/common/Makefile"), "build-CommonLayer",  # noqa: S607
         f"ARTIFACTS_DIR={tmp_path}", "PYTHON313=false"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    commands = result.stdout
    for flag in CROSS_PLATFORM_FLAGS:
        assert flag in commands
    assert f'--target "{tmp_path}/python" -r "{ROOT}/pyproject.toml"' in commands  # [project.dependencies]
    assert "botocore" in commands, "the runtime's boto3/botocore must not be shadowed by the layer"
    assert "phonenumbers/geodata" in commands, "phonenumbers' geocoder data (~40 MB) is never used"
    assert f'"{tmp_path}/python/.lock"' in commands  # uv's lock of the target directory
    assert "--exclude=__pycache__" in commands
    assert "bidcraft" in commands
    assert "skipping bytecode precompilation" in commands
    # what was installed is checked against the lock before the package is added
    assert f'pins.py check "{tmp_path}/python"' in commands
    assert "manylinux_2_29" not in commands  # Amazon Linux 2023's glibc takes 2.28 at most for this build


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("directory", "target", "extra"),
    [
        ("ai", "AiFunction", "openai"),
        ("analytics", "AnalyticsFunction", "fpdf2"),
        ("meta", "MetaFunction", None),
    ],
)
def test_function_build_recipe_dry_run(
    tmp_path: Path, directory: str, target: str, extra: str | None
) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-n", "-f", str(ROOT / "functions" / directory / "Makefile"), f"build-{target}",  # noqa: S607
         f"ARTIFACTS_DIR={tmp_path}"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    commands = result.stdout
    assert "find . -name '*.py'" in commands
    if extra is None:
        assert "pip install" not in commands
    else:
        assert extra in commands
        for flag in CROSS_PLATFORM_FLAGS:
            assert flag in commands
        assert f'--target "{tmp_path}" {extra}' in commands  # a bare name: the version is the lock's
        assert f'--target "$tmp/layer" -r "{ROOT}/pyproject.toml"' in commands  # what to leave to the layer
        assert f'pins.py check "{tmp_path}"' in commands


def test_layer_build_fails_without_artifacts_dir(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-f", str(ROOT / "layers/common/Makefile"), "build-CommonLayer", "ARTIFACTS_DIR="],  # noqa: S607
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ARTIFACTS_DIR is not set" in result.stderr
