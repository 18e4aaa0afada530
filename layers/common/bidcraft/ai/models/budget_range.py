"""A USD budget range `min-max` in a request (`budget_range` of the analysis and competition routes)."""

from typing import Annotated, Any

from pydantic import Field, model_validator

from bidcraft.ai.models.base import Request

BudgetRange = Annotated[
    str,
    Field(
        pattern=r"^\d{1,9}(?:\.\d{1,2})?-\d{1,9}(?:\.\d{1,2})?$",
        description="A USD range `min-max`, e.g. `1000-5000`",
        examples=["1000-5000"],
    ),
]


def budget_bounds(budget_range: str) -> tuple[float, float]:
    low, _, high = budget_range.partition("-")
    return float(low), float(high)


class WithBudgetRange(Request):
    """A request whose optional `budget_range` must be ordered (`min <= max`)."""

    @model_validator(mode="after")
    def _ordered_range(self) -> Any:
        budget_range = getattr(self, "budget_range", None)
        if budget_range:
            low, high = budget_bounds(budget_range)
            if low > high:
                raise ValueError("budget_range must be `min-max` with min <= max")
        return self
