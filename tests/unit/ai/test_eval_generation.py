"""`make test` keeps the generation targets of `make eval` (tests/eval/generation.py): regressions fail."""

from __future__ import annotations

import pytest

from tests.eval import generation
from tests.eval.table import Row

ROWS = generation.evaluate()


@pytest.mark.parametrize("row", ROWS, ids=[row.metric for row in ROWS])
def test_generation_meets_its_target(row: Row) -> None:
    assert row.passed, f"{row.metric}: {row.value:.3f} (target {row.op} {row.target:g}, n={row.n})"


def test_every_row_stands_on_labelled_data() -> None:
    assert {row.metric for row in ROWS} >= {
        "job specifics addressed by the draft",
        "sentences shared with drafts for other jobs",
        "draft in the job's language (en/uk/es)",
        "implied-rate warning on absurd offers",
        "implied-rate warning on sane offers",
    }
    assert all(row.n >= 7 for row in ROWS)


def test_a_line_that_only_names_a_specific_does_not_address_it() -> None:
    assert not generation.addressed("1. “Klaviyo”", ["klaviyo"])
    line = "1. “Integrate Klaviyo” — milestone 3 covers it, with a checklist."
    assert generation.addressed(line, ["klaviyo"])
    assert generation.sentences("Hello,\n\n1. “A b c” — one two three four.\nKind regards,") == [
        "“a b c” — one two three four."
    ]
