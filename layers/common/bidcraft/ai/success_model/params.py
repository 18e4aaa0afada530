"""The fitted parameters (`params.json`, versioned with the code): read once per container, on first use.

`params.json` holds: `name`, `version`; `fitted_on` (where the training sample came from and its size);
`features` and `coefficients` / `means` by feature (the means of the training sample's design columns, the
"average job" that contributions are measured against); `median_rates` by Upwork category id and
`default_median_rate` (the reference of an hourly bid); `base_rate` and `category_base_rates` (the training
sample's hire rates: the mean of the Beta priors); `prior_strength.user` / `.category` (κ of those priors,
in pseudo-proposals). Refit with `python -m tests.eval.prediction --refit` (a test fails when it is stale).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bidcraft.ai.success_model.features import FEATURES

PATH = Path(__file__).with_name("params.json")


@dataclass(frozen=True)
class Params:
    name: str
    version: str
    coefficients: tuple[float, ...]  # in FEATURES order
    means: tuple[float, ...]
    median_rates: dict[str, float]
    default_median_rate: float
    base_rate: float
    category_base_rates: dict[str, float]
    user_prior_strength: float
    category_prior_strength: float

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Params:
        if tuple(raw["features"]) != FEATURES:
            raise ValueError("params.json was fitted for other features: refit it")
        return cls(
            name=str(raw["name"]),
            version=str(raw["version"]),
            coefficients=tuple(float(raw["coefficients"][f]) for f in FEATURES),
            means=tuple(float(raw["means"][f]) for f in FEATURES),
            median_rates={str(k): float(v) for k, v in raw["median_rates"].items()},
            default_median_rate=float(raw["default_median_rate"]),
            base_rate=float(raw["base_rate"]),
            category_base_rates={str(k): float(v) for k, v in raw["category_base_rates"].items()},
            user_prior_strength=float(raw["prior_strength"]["user"]),
            category_prior_strength=float(raw["prior_strength"]["category"]),
        )


@functools.cache
def load() -> Params:
    return Params.from_dict(json.loads(PATH.read_text(encoding="utf-8")))
