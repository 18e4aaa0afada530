"""Success prediction, measured against the sandbox's ground truth (`devserver/sandbox/outcomes.py`).

- **Fit** (`fit_params`; `python -m tests.eval.prediction --refit` writes `success_model/params.json`):
  logistic regression on `TRAIN_SIZE` generated proposals (seed `TRAIN_SEED`); base rates from the same
  sample; prior strengths κ_u, κ_c by the method of moments on `HISTORY_USERS` simulated freelancers.
- **Held out** (`evaluate`): `HOLDOUT_SIZE` other proposals (seed `HOLDOUT_SEED`), scored by the committed
  parameters — what the service ships: Brier score, expected calibration error over probability deciles
  (ECE = Σ n_b/N·|mean predicted − observed rate|), and the reliability table (`reliability_table`).
- **Personal record**: `PERSONAL_USERS` simulated freelancers with `PERSONAL_HISTORY` decided proposals each;
  the Brier score of their next `PERSONAL_NEXT` proposals with the track record against the global model
  alone.
- **Refit drift**: the committed coefficients against a fresh fit (0 unless the generator or the features
  changed without a refit).
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bidcraft.ai.prediction import SuccessModel
from bidcraft.ai.success_model import fit, history, params
from bidcraft.ai.success_model.features import FEATURES, SuccessFeatures, design, median_for
from devserver.sandbox import outcomes
from devserver.sandbox.catalog import CATEGORIES
from tests.eval.table import Row, render

NAME = "bidcraft-logistic-success"
VERSION = "2.0.0"
TRAIN_SEED = "bidcraft-success-train-v1"
HOLDOUT_SEED = "bidcraft-success-holdout-v1"
PERSONAL_SEED = "bidcraft-success-personal-v1"
TRAIN_SIZE = 20_000
HOLDOUT_SIZE = 5_000
HISTORY_USERS = 600
HISTORY_PER_CATEGORY = 100
PERSONAL_USERS = 300
PERSONAL_HISTORY = 80
PERSONAL_NEXT = 10
BINS = 10
ECE_TARGET = 0.05

MEDIANS = {c.id: c.median_rate for c in CATEGORIES}
DEFAULT_MEDIAN = sorted(MEDIANS.values())[len(MEDIANS) // 2]


def _rows(drawn: Sequence[tuple[outcomes.Situation, bool]]) -> list[list[float]]:
    return [
        design(SuccessFeatures(**s.features()), median_for(s.category, MEDIANS, DEFAULT_MEDIAN))
        for s, _ in drawn
    ]


def _history_strengths(seed: str) -> tuple[float, float]:
    """κ_u from users' pooled records; κ_c from the variance their categories add on top."""
    rng = random.Random(f"{seed}:histories")
    user_wins, user_trials, cat_wins, cat_trials = [], [], [], []
    for _ in range(HISTORY_USERS):
        own = rng.gauss(0, outcomes.SKILL_SD)
        won_total = 0
        for category in rng.sample(CATEGORIES, 3):
            skill = own + rng.gauss(0, outcomes.CATEGORY_SKILL_SD)
            won = 0
            for _ in range(HISTORY_PER_CATEGORY):
                situation = outcomes.draw_situation(rng, category, skill=skill)
                won += rng.random() < outcomes.hire_probability(situation)
            cat_wins.append(won)
            cat_trials.append(HISTORY_PER_CATEGORY)
            won_total += won
        user_wins.append(won_total)
        user_trials.append(3 * HISTORY_PER_CATEGORY)
    rate, between_users = fit.between_variance(user_wins, user_trials)
    _, between_all = fit.between_variance(cat_wins, cat_trials)
    return (
        round(fit.strength(rate, between_users), 1),
        round(fit.strength(rate, max(between_all - between_users, 1e-6)), 1),
    )


def fit_params() -> dict[str, Any]:
    drawn = outcomes.sample(TRAIN_SIZE, TRAIN_SEED)
    rows = _rows(drawn)
    labels = [hired for _, hired in drawn]
    beta = fit.logistic(rows, labels)
    means = [sum(row[j] for row in rows) / len(rows) for j in range(len(FEATURES))]
    by_category: dict[str, list[int]] = {}
    label_ids = {c.label: c.id for c in CATEGORIES}
    for situation, hired in drawn:
        counts = by_category.setdefault(label_ids[situation.category], [0, 0])
        counts[0] += hired
        counts[1] += 1
    kappa_user, kappa_category = _history_strengths(TRAIN_SEED)
    return {
        "name": NAME,
        "version": VERSION,
        "fitted_on": {
            "source": "devserver/sandbox/outcomes.py (sandbox ground truth)",
            "seed": TRAIN_SEED,
            "samples": TRAIN_SIZE,
            "method": "logistic regression, IRLS, ridge 1e-3; κ by the method of moments",
        },
        "features": list(FEATURES),
        "coefficients": {name: round(b, 6) for name, b in zip(FEATURES, beta, strict=True)},
        "means": {name: round(m, 6) for name, m in zip(FEATURES, means, strict=True)},
        "median_rates": MEDIANS,
        "default_median_rate": DEFAULT_MEDIAN,
        "base_rate": round(sum(labels) / len(labels), 6),
        "category_base_rates": {cid: round(won / n, 6) for cid, (won, n) in sorted(by_category.items())},
        "prior_strength": {"user": kappa_user, "category": kappa_category},
    }


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    predicted: float
    observed: float


def reliability(predicted: Sequence[float], observed: Sequence[bool], bins: int = BINS) -> list[Bin]:
    """Equal-count bins (deciles) of the predictions, in increasing order."""
    pairs = sorted(zip(predicted, observed, strict=True))
    table = []
    for b in range(bins):
        chunk = pairs[b * len(pairs) // bins : (b + 1) * len(pairs) // bins]
        if chunk:
            table.append(
                Bin(
                    low=chunk[0][0],
                    high=chunk[-1][0],
                    n=len(chunk),
                    predicted=sum(p for p, _ in chunk) / len(chunk),
                    observed=sum(1 for _, y in chunk if y) / len(chunk),
                )
            )
    return table


def ece(table: Sequence[Bin]) -> float:
    total = sum(b.n for b in table)
    return sum(b.n / total * abs(b.predicted - b.observed) for b in table)


def brier(predicted: Sequence[float], observed: Sequence[bool]) -> float:
    return sum((p - (1.0 if y else 0.0)) ** 2 for p, y in zip(predicted, observed, strict=True)) / len(
        predicted
    )


def personal() -> tuple[float, float, int]:
    """(Brier with the track record, Brier of the global model alone, proposals scored)."""
    rng = random.Random(f"{PERSONAL_SEED}:users")
    mine: list[float] = []
    plain: list[float] = []
    truth: list[bool] = []
    fitted = params.load()
    for _ in range(PERSONAL_USERS):
        main, other = rng.sample(CATEGORIES, 2)
        own = rng.gauss(0, outcomes.SKILL_SD)
        skills = {c.id: own + rng.gauss(0, outcomes.CATEGORY_SKILL_SD) for c in (main, other)}
        won = {main.id: 0, other.id: 0}
        decided = {main.id: 0, other.id: 0}
        for index in range(PERSONAL_HISTORY):
            category = main if index % 4 else other
            situation = outcomes.draw_situation(rng, category, skill=skills[category.id])
            won[category.id] += rng.random() < outcomes.hire_probability(situation)
            decided[category.id] += 1
        record = history.TrackRecord(
            total=history.Record(sum(won.values()), sum(decided.values())),
            by_category={cid: history.Record(won[cid], decided[cid]) for cid in won},
        )
        with_record, alone = SuccessModel(record, fitted), SuccessModel(history.TrackRecord(), fitted)
        for _ in range(PERSONAL_NEXT):
            situation = outcomes.draw_situation(rng, main, skill=skills[main.id])
            features = SuccessFeatures(**situation.features())
            mine.append(with_record.estimate(features).probability)
            plain.append(alone.estimate(features).probability)
            truth.append(rng.random() < outcomes.hire_probability(situation))
    return brier(mine, truth), brier(plain, truth), len(truth)


def drift(fresh: dict[str, Any]) -> float:
    committed = json.loads(params.PATH.read_text(encoding="utf-8"))
    if committed.get("features") != fresh["features"]:
        return math.inf
    return max(abs(committed["coefficients"][f] - fresh["coefficients"][f]) for f in FEATURES)


def reliability_table(table: Sequence[Bin]) -> str:
    lines = [
        "| decile | predicted range | n | mean predicted | observed hire rate |",
        "|---:|---|---:|---:|---:|",
    ]
    for index, b in enumerate(table, start=1):
        lines.append(f"| {index} | {b.low:.3f}–{b.high:.3f} | {b.n} | {b.predicted:.3f} | {b.observed:.3f} |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Figures:
    ece: float
    brier: float
    brier_base_rate: float  # the Brier score of always answering the held-out base rate (no skill)
    brier_truth: float  # the generator's own probabilities (knowing the freelancer's hidden skill)
    brier_attainable: float  # the generator's probabilities averaged over the skill nobody observes
    table: list[Bin]
    n: int

    @property
    def attained(self) -> float:
        """The share of the attainable Brier gain over the base rate that the model achieves."""
        return (self.brier_base_rate - self.brier) / (self.brier_base_rate - self.brier_attainable)


# Gauss–Hermite nodes and weights for an expectation over N(0, 1) (5 points).
_NODES = (
    (0.0, 0.533333),
    (1.355626, 0.222076),
    (-1.355626, 0.222076),
    (2.856970, 0.011257),
    (-2.856970, 0.011257),
)


def without_skill(situation: outcomes.Situation) -> float:
    """The true hire probability averaged over the freelancer's skill, which no model observes."""
    sd = math.hypot(outcomes.SKILL_SD, outcomes.CATEGORY_SKILL_SD)
    return sum(
        weight * outcomes.hire_probability(replace(situation, skill=node * sd)) for node, weight in _NODES
    )


def held_out() -> Figures:
    drawn = outcomes.sample(HOLDOUT_SIZE, HOLDOUT_SEED)
    model = SuccessModel(history.TrackRecord())
    predicted = [model.estimate(SuccessFeatures(**s.features())).probability for s, _ in drawn]
    observed = [hired for _, hired in drawn]
    rate = sum(observed) / len(observed)
    table = reliability(predicted, observed)
    return Figures(
        ece=ece(table),
        brier=brier(predicted, observed),
        brier_base_rate=brier([rate] * len(observed), observed),
        brier_truth=brier([outcomes.hire_probability(s) for s, _ in drawn], observed),
        brier_attainable=brier([without_skill(s) for s, _ in drawn], observed),
        table=table,
        n=len(observed),
    )


DOC = Path(__file__).resolve().parents[2] / "docs" / "ai.md"
RELIABILITY_BEGIN = "<!-- prediction-reliability:begin -->"
RELIABILITY_END = "<!-- prediction-reliability:end -->"


def write_reliability(table: str, doc: Path = DOC) -> None:
    """Put the reliability table between its markers in docs/ai.md (`make eval` passes `--write`)."""
    text = doc.read_text(encoding="utf-8")
    head, found, rest = text.partition(RELIABILITY_BEGIN)
    _, found_end, tail = rest.partition(RELIABILITY_END)
    if not (found and found_end):
        raise ValueError(f"{doc.name} lacks the reliability table markers")
    doc.write_text(f"{head}{RELIABILITY_BEGIN}\n{table}\n{RELIABILITY_END}{tail}", encoding="utf-8")


def evaluate(*, refit: bool = True) -> list[Row]:
    figures = held_out()
    print(reliability_table(figures.table), file=sys.stderr)
    if "--write" in sys.argv:
        write_reliability(reliability_table(figures.table))
    print(
        f"Brier: model {figures.brier:.4f}, base rate {figures.brier_base_rate:.4f}, attainable without the "
        f"hidden skill {figures.brier_attainable:.4f}, ground truth {figures.brier_truth:.4f}",
        file=sys.stderr,
    )
    with_record, alone, scored = personal()
    n = figures.n
    rows = [
        Row("prediction", "ECE over deciles, held-out sandbox proposals", figures.ece, "<=", ECE_TARGET, n),
        Row(
            "prediction",
            "Brier score, held out (target: the base rate's)",
            figures.brier,
            "<=",
            round(figures.brier_base_rate, 4),
            n,
        ),
        Row(
            "prediction",
            "share of the attainable Brier gain over the base rate",
            figures.attained,
            ">=",
            0.6,
            n,
        ),
        Row(
            "prediction",
            "Brier gain from an 80-proposal track record",
            alone - with_record,
            ">=",
            0.0,
            scored,
        ),
    ]
    if refit:
        rows.append(
            Row(
                "prediction",
                "refit drift: largest coefficient change vs. params.json",
                drift(fit_params()),
                "<=",
                1e-4,
                TRAIN_SIZE,
            )
        )
    return rows


def main(argv: list[str]) -> int:
    if "--refit" in argv:
        fresh = fit_params()
        params.PATH.write_text(json.dumps(fresh, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f">> wrote {params.PATH}", file=sys.stderr)
        return 0
    rows = evaluate()
    print(render(rows))
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
