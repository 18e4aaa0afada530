"""layers/common/pins.py: an artifact ships exactly the versions the tests run (issue 10 item 13)."""

from __future__ import annotations

from pathlib import Path

import pins


def test_a_shipped_version_the_tests_did_not_run_is_reported() -> None:
    shipped = {"pillow": "12.2.0", "pydantic": "2.14.4", "boto3": "1.30.0", "jiter": "0.9.0"}
    tested = {"pillow": "13.0.0", "pydantic": "2.14.4", "boto3": "1.44.8"}

    problems = pins.mismatches(shipped, tested)

    assert problems == [
        "jiter==0.9.0 is shipped but not installed where the tests run",
        "pillow==12.2.0 is shipped but the tests run pillow==13.0.0",
    ]  # boto3 is the runtime's own: the build removes it


def test_identical_sets_pass() -> None:
    assert pins.mismatches({"fpdf2": "2.8.9"}, {"fpdf2": "2.8.9", "pytest": "9.0"}) == []


def test_names_are_compared_in_canonical_form(tmp_path: Path) -> None:
    dist = tmp_path / "Typing_Extensions-4.16.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: Typing_Extensions\nVersion: 4.16.0\n")

    assert pins.installed([str(tmp_path)]) == {"typing-extensions": "4.16.0"}


def test_constraints_pin_every_tested_distribution_but_the_project() -> None:
    text = pins.constraints({"pydantic": "2.14.4", "bidcraft": "0.1.0", "annotated-types": "0.8.0"})
    assert text == "annotated-types==0.8.0\npydantic==2.14.4\n"


def test_the_check_passes_for_what_this_interpreter_runs(tmp_path: Path, capsys) -> None:
    from importlib import metadata

    pydantic = metadata.distribution("pydantic")
    shipped = tmp_path / f"pydantic-{pydantic.version}.dist-info"
    shipped.mkdir()
    (shipped / "METADATA").write_text(f"Metadata-Version: 2.1\nName: pydantic\nVersion: {pydantic.version}\n")

    assert pins.main(["check", str(tmp_path)]) == 0
    (shipped / "METADATA").write_text("Metadata-Version: 2.1\nName: pydantic\nVersion: 1.0.0\n")
    assert pins.main(["check", str(tmp_path)]) == 1
    assert "pydantic==1.0.0 is shipped but the tests run" in capsys.readouterr().err
