"""`python -m tests.eval [--write] [--part NAME …]`: print the evaluation table; `--write` also puts it into
docs/ai.md; `--part` measures only the named parts (repeatable). With `OPENAI_BASE_URL` set, every part runs
against that OpenAI-compatible server instead of the offline engine (`tests.eval.engines`)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from tests.eval.table import Row, render, splice

PARTS = ("analysis", "generation", "safety", "prediction")
DOC = Path(__file__).resolve().parents[2] / "docs" / "ai.md"


def collect(parts: tuple[str, ...] = PARTS) -> list[Row]:
    rows: list[Row] = []
    for name in parts:
        print(f">> evaluating {name}", file=sys.stderr, flush=True)
        module = importlib.import_module(f"tests.eval.{name}")
        rows.extend(module.evaluate())
    return rows


def _parts(argv: list[str]) -> tuple[str, ...]:
    chosen = tuple(argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--part")
    unknown = [name for name in chosen if name not in PARTS]
    if unknown:
        raise SystemExit(f"unknown part(s) {', '.join(unknown)}; known: {', '.join(PARTS)}")
    return chosen or PARTS


def main(argv: list[str]) -> int:
    rows = collect(_parts(argv))
    table = render(rows)
    print(table)
    if "--write" in argv:
        DOC.write_text(splice(DOC.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f">> table written into {DOC.name}", file=sys.stderr)
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
