"""The house rule "Catch what you mean" (CONVENTIONS.md, issue 10), enforced on deployed code.

Around AWS calls the code catches `bidcraft.aws.AWS_ERRORS` (botocore's `ClientError`/`BotoCoreError`). An
`except Exception` (or `BaseException`, or a bare `except:`) is allowed only where it is meant — an audit
record that must never fail the request it describes, a job that must never stay claimed — and then says so
on its line: `# deliberately broad: <why>`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOYED = [ROOT / "layers" / "common" / "bidcraft", ROOT / "functions"]
MARK = "deliberately broad"


def _broad(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return caught is None or any(
        isinstance(name, ast.Name) and name.id in {"Exception", "BaseException"} for name in names
    )


def unmarked_broad_catches(source: str, name: str) -> list[str]:
    lines = source.splitlines()
    return [
        f"{name}:{node.lineno}: {lines[node.lineno - 1].strip()}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ExceptHandler) and _broad(node) and MARK not in lines[node.lineno - 1]
    ]


def test_every_broad_catch_in_deployed_code_says_why() -> None:
    files = [path for folder in DEPLOYED for path in sorted(folder.rglob("*.py"))]
    assert len(files) > 100  # the scan sees the code (not an empty glob)
    found = [hit for path in files for hit in unmarked_broad_catches(path.read_text(), str(path))]
    assert found == []


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("try:\n    f()\nexcept Exception:\n    pass\n", True),
        ("try:\n    f()\nexcept (ValueError, Exception) as exc:\n    pass\n", True),
        ("try:\n    f()\nexcept:\n    pass\n", True),
        ("try:\n    f()\nexcept Exception:  # deliberately broad: why\n    pass\n", False),
        ("try:\n    f()\nexcept aws.AWS_ERRORS as exc:\n    pass\n", False),
        ("try:\n    f()\nexcept ValueError:\n    pass\n", False),
    ],
)
def test_the_scan_tells_broad_from_narrow(source: str, flagged: bool) -> None:
    assert bool(unmarked_broad_catches(source, "x.py")) is flagged
