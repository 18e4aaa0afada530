"""The build: every function and the layer build with `BuildMethod: makefile` for python3.13/x86_64 without
Docker, and the layer ships exactly the dependencies pyproject.toml declares."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.unit.template.conftest import ROOT

CROSS_PLATFORM_FLAGS = (
    "--platform manylinux2014_x86_64",
    "--implementation cp",
    "--python-version 3.13",
    "--only-binary=:all:",
)


def _requirements(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_layer_requirements_mirror_the_project_dependencies() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layer = (ROOT / "layers/common/requirements.txt").read_text(encoding="utf-8").splitlines()
    assert _requirements(layer) == pyproject["project"]["dependencies"]


def test_function_only_dependencies_match_the_optional_dependencies() -> None:
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    expected = {"ai": optional["ai"], "ai_worker": optional["ai"], "analytics": optional["reports"]}
    for directory, requirements in expected.items():
        makefile = (ROOT / "functions" / directory / "Makefile").read_text(encoding="utf-8")
        assert f"EXTRA_REQUIREMENTS := {' '.join(requirements)}" in makefile, directory


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
    assert built == 10


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
    assert f'--target "{tmp_path}/python" -r "{ROOT}/layers/common/requirements.txt"' in commands
    assert "botocore" in commands, "the runtime's boto3/botocore must not be shadowed by the layer"
    assert "phonenumbers/geodata" in commands, "phonenumbers' geocoder data (~40 MB) is never used"
    assert "--exclude=__pycache__" in commands
    assert "bidcraft" in commands
    assert "skipping bytecode precompilation" in commands


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
        assert '-c "$tmp/constraints.txt"' in commands


def test_layer_build_fails_without_artifacts_dir(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-f", str(ROOT / "layers/common/Makefile"), "build-CommonLayer", "ARTIFACTS_DIR="],  # noqa: S607
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ARTIFACTS_DIR is not set" in result.stderr
