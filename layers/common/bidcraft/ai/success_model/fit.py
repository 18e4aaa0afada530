"""Offline fitting, pure Python (no numpy at run time or here): logistic regression by IRLS, and the strength
of a Beta prior by the method of moments. At request time the model is only a dot product.

`logistic(rows, outcomes)` maximises the log-likelihood with a small ridge penalty `RIDGE·Σβ²` (the intercept
unpenalised) by iteratively reweighted least squares: β ← β + (XᵀWX + R)⁻¹ (Xᵀ(y − p) − Rβ), W = p(1 − p),
until the largest step is below 1e-8 (or 50 rounds). ~10 features and tens of thousands of rows take seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

RIDGE = 1e-3
MAX_ROUNDS = 50
TOLERANCE = 1e-8


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """x with matrix·x = vector (Gaussian elimination with partial pivoting)."""
    n = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            raise ValueError("singular system: a feature is constant or duplicated")
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            if factor:
                row, top = a[r], a[col]
                for c in range(col, n + 1):
                    row[c] -= factor * top[c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - sum(a[r][c] * x[c] for c in range(r + 1, n))) / a[r][r]
    return x


def logistic(
    rows: Sequence[Sequence[float]], outcomes: Sequence[bool], *, ridge: float = RIDGE
) -> list[float]:
    """Coefficients of P(y) = σ(β·x); column 0 of every row is the intercept (1)."""
    if not rows or len(rows) != len(outcomes):
        raise ValueError("rows and outcomes must be non-empty and of equal length")
    k = len(rows[0])
    beta = [0.0] * k
    penalty = [0.0] + [ridge * len(rows)] * (k - 1)
    for _ in range(MAX_ROUNDS):
        hessian = [[0.0] * k for _ in range(k)]
        gradient = [-penalty[j] * beta[j] for j in range(k)]
        for x, y in zip(rows, outcomes, strict=True):
            p = sigmoid(sum(b * v for b, v in zip(beta, x, strict=True)))
            w = p * (1 - p)
            residual = (1.0 if y else 0.0) - p
            nonzero = [(j, v) for j, v in enumerate(x) if v]
            for j, v in nonzero:
                gradient[j] += v * residual
                wv = w * v
                hrow = hessian[j]
                for i, u in nonzero:
                    if i <= j:
                        hrow[i] += wv * u
        for j in range(k):
            hessian[j][j] += penalty[j]
            for i in range(j):
                hessian[i][j] = hessian[j][i]
        step = solve(hessian, gradient)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < TOLERANCE:
            break
    return beta


def between_variance(wins: Sequence[int], trials: Sequence[int]) -> tuple[float, float]:
    """(pooled rate m, the variance of the groups' true rates), by the method of moments: the observed
    variance of the groups' rates minus the binomial noise m(1−m)·mean(1/n), floored at 1e-6."""
    groups = [(w, n) for w, n in zip(wins, trials, strict=True) if n > 0]
    if len(groups) < 2:
        raise ValueError("need at least two groups with trials")
    m = sum(w for w, _ in groups) / sum(n for _, n in groups)
    rates = [w / n for w, n in groups]
    mean_rate = sum(rates) / len(rates)
    observed = sum((r - mean_rate) ** 2 for r in rates) / (len(rates) - 1)
    noise = m * (1 - m) * sum(1 / n for _, n in groups) / len(groups)
    return m, max(observed - noise, 1e-6)


def strength(rate: float, variance: float) -> float:
    """κ of a Beta(κm, κ(1−m)) prior with mean `rate` and variance `variance`: m(1−m)/variance − 1 (≥ 1)."""
    return max(1.0, rate * (1 - rate) / max(variance, 1e-6) - 1)
