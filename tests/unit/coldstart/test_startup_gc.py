"""Every function pauses the cyclic garbage collector while it loads and turns it back on once its handler
exists (`bidcraft.startup`): the pause is the module's first import, `startup.finished()` its last statement,
and a function imported as Lambda imports it leaves the collector enabled with what it loaded frozen."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import fresh_interpreter

FUNCTIONS = sorted(path.parent.name for path in (fresh_interpreter.ROOT / "functions").glob("*/app.py"))


def _body(function: str) -> list[ast.stmt]:
    path = fresh_interpreter.ROOT / "functions" / function / "app.py"
    return ast.parse(Path(path).read_text(encoding="utf-8")).body


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_pause_is_the_first_import_and_finished_the_last_statement(function: str) -> None:
    imports = [node for node in _body(function) if isinstance(node, ast.Import | ast.ImportFrom)]
    first = next(
        node for node in imports if not (isinstance(node, ast.ImportFrom) and node.module == "__future__")
    )
    assert isinstance(first, ast.ImportFrom), function
    assert (first.module, [alias.name for alias in first.names]) == ("bidcraft", ["startup"]), function
    last = _body(function)[-1]
    assert isinstance(last, ast.Expr), function
    assert ast.unparse(last) == "startup.finished()", function


@pytest.mark.parametrize("function", ["auth", "events_worker"])
def test_a_loaded_function_collects_garbage_again_with_its_modules_frozen(function: str) -> None:
    lines = fresh_interpreter.lines(
        f"import gc\nimport functions.{function}.app\nprint(gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
    )
    assert lines == ["True True"]
