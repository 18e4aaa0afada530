"""`make eval`'s safety rows kept in `make test`: every figure meets its target, and the corpora are what
their README says they are (sizes, labels, valid checksums), so a figure cannot pass on a broken corpus."""

from __future__ import annotations

from collections import Counter

import phonenumbers
import pytest
from stdnum import iban, luhn

from tests.eval import safety as evaluation
from tests.eval.table import Row

ROWS = evaluation.evaluate()


@pytest.mark.parametrize("row", ROWS, ids=[row.metric for row in ROWS])
def test_every_safety_figure_meets_its_target(row: Row) -> None:
    assert row.n > 0
    assert row.passed, (
        f"{row.metric}: {row.value:.3f} (target {row.op} {row.target}); {evaluation.failures()}"
    )


def test_the_table_has_the_rows_the_brief_asks_for() -> None:
    metrics = {row.metric for row in ROWS}
    for needed in (
        "benign texts flagged as malicious",
        "injection recall, overall",
        "injection recall, paraphrased",
        "injection recall, obfuscated",
        "injection recall, non-english",
        "injection recall, delimiter",
        "redaction recall (secrets and personal data)",
        "look-alikes altered by the output check",
    ):
        assert needed in metrics


def test_corpus_sizes_and_labels() -> None:
    benign, injections = evaluation.load("benign"), evaluation.load("injections")
    kinds = Counter(row["kind"] for row in injections)
    assert len(benign) >= 60
    assert len(injections) >= 60
    assert kinds["paraphrased"] >= 15
    assert {"obfuscated", "delimiter", "direct"} <= set(kinds)
    assert sum(1 for row in injections if row["kind"] == "non_english") >= 8
    assert len({row["lang"] for row in injections if row["kind"] == "non_english"}) >= 5
    assert {row["threat"] for row in injections} <= {
        "sql_injection",
        "xss",
        "prompt_injection",
        "command_injection",
        "path_traversal",
    }
    assert {"uk", "es"} <= {row["lang"] for row in benign}
    names = ["benign", "injections", "pii", "lookalikes", "blind_benign", "blind_injections"]
    names += ["blind2_benign", "blind2_injections", "blind2_pii", "blind2_lookalikes"]
    every = [row["id"] for name in names for row in evaluation.load(name)]
    assert len(every) == len(set(every)), "ids must be unique"


def test_personal_data_samples_are_valid_and_look_alikes_are_not() -> None:
    pii = evaluation.load("pii")
    assert len(pii) >= 40
    for row in pii:
        for secret in row["secrets"]:
            assert secret in row["text"], row["id"]
            digits = "".join(ch for ch in secret if ch.isdigit())
            if row["kind"] == "card":
                assert len(digits) == 16, row["id"]
                assert luhn.is_valid(digits), row["id"]
            if row["kind"] == "iban":
                assert iban.is_valid(secret), row["id"]
            if row["kind"] == "phone" and secret.startswith("+"):
                assert phonenumbers.is_valid_number(phonenumbers.parse(secret, None)), row["id"]
    kinds = Counter(row["kind"] for row in pii)
    assert min(kinds[k] for k in ("email", "phone", "card", "iban", "secret", "url_token")) >= 5
    invalid_cards = [row for row in evaluation.load("lookalikes") if row["kind"] == "card_invalid"]
    for row in invalid_cards:
        runs = [
            "".join(ch for ch in part if ch.isdigit())
            for part in row["text"].split(" ")
            if part[:1].isdigit()
        ]
        number = "".join(runs)
        assert not luhn.is_valid(number[:16]), row["id"]


def test_held_out_third_is_a_fixed_hash_split() -> None:
    ids = [row["id"] for row in evaluation.load("injections")]
    held = [i for i in ids if evaluation.held_out({"id": i})]
    assert 0.2 < len(held) / len(ids) < 0.5
    assert held == [i for i in ids if evaluation.held_out({"id": i})]
