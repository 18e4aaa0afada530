"""`python -m tests.eval [--write]`: print the evaluation table; `--write` also puts it into docs/ai.md."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from tests.eval.table import Row, render, splice

PARTS = ("analysis", "generation", "safety", "prediction")
DOC = Path(__file__).resolve().parents[2] / "docs" / "ai.md"


def collect() -> list[Row]:
    rows: list[Row] = []
    for name in PARTS:
        print(f">> evaluating {name}", file=sys.stderr, flush=True)
        module = importlib.import_module(f"tests.eval.{name}")
        rows.extend(module.evaluate())
    return rows


def main(argv: list[str]) -> int:
    rows = collect()
    table = render(rows)
    print(table)
    if "--write" in argv:
        DOC.write_text(splice(DOC.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f">> table written into {DOC.name}", file=sys.stderr)
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
