"""The success model's evaluation keeps its targets (`make eval` prints the same rows): calibration on
held-out sandbox proposals, a real gain over the base rate, a track record that helps, and a params.json
that is exactly what the documented fit produces."""

from __future__ import annotations

import pytest

from tests.eval import prediction as evaluation


@pytest.fixture(scope="module")
def figures() -> evaluation.Figures:
    return evaluation.held_out()


def test_the_held_out_sample_is_large_and_separate_from_training() -> None:
    assert evaluation.HOLDOUT_SIZE >= 2_000
    assert evaluation.HOLDOUT_SEED != evaluation.TRAIN_SEED


def test_calibration_error_over_deciles_is_at_most_5_points(figures: evaluation.Figures) -> None:
    assert len(figures.table) == 10
    assert sum(b.n for b in figures.table) == figures.n == evaluation.HOLDOUT_SIZE
    assert figures.ece <= evaluation.ECE_TARGET


def test_the_model_beats_the_base_rate_by_most_of_what_is_attainable(figures: evaluation.Figures) -> None:
    assert figures.brier_truth <= figures.brier_attainable < figures.brier < figures.brier_base_rate
    assert figures.attained >= 0.6


def test_the_reliability_table_spans_the_predictions(figures: evaluation.Figures) -> None:
    predicted = [b.predicted for b in figures.table]
    assert predicted == sorted(predicted)
    assert predicted[-1] > 3 * predicted[0]  # the model separates, it does not answer the base rate


def test_a_track_record_improves_the_estimates() -> None:
    with_record, alone, scored = evaluation.personal()
    assert scored == evaluation.PERSONAL_USERS * evaluation.PERSONAL_NEXT
    assert with_record < alone


def test_the_committed_parameters_are_what_the_fit_produces() -> None:
    assert evaluation.drift(evaluation.fit_params()) <= 1e-4


def test_ece_and_reliability_are_computed_as_documented() -> None:
    table = evaluation.reliability([0.1, 0.1, 0.9, 0.9], [False, False, True, False], bins=2)
    assert [(b.n, b.predicted, b.observed) for b in table] == [(2, 0.1, 0.0), (2, 0.9, 0.5)]
    assert evaluation.ece(table) == pytest.approx(0.5 * 0.1 + 0.5 * 0.4)
    assert evaluation.brier([0.5, 1.0], [True, True]) == pytest.approx(0.125)
