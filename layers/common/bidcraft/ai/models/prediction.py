"""`POST /api/ai/predict/success`: the request and the prediction it answers with (API.md "AI")."""

from typing import Annotated, Literal

from pydantic import Field, Strict

from bidcraft.ai.models.base import Fraction, Reply, Request, ShortText
from bidcraft.api_fields import Number

Complexity = Literal["low", "medium", "high"]


class SuccessPredictionRequest(Request):
    project_category: ShortText
    budget: Annotated[float, Field(gt=0, le=10_000_000, description="USD"), Number]
    client_rating: Annotated[float, Field(ge=0, le=5), Number] | None = Field(
        default=None, description="0..5; leave it out when the client has no reviews yet (not 0 stars)"
    )
    project_complexity: Complexity
    proposal_score: Fraction | None = None
    client_hire_rate: Fraction | None = Field(default=None, description="Fraction of the client's jobs hired")
    proposals_count: Annotated[int, Field(ge=0, le=10_000), Number] | None = None
    bid: Annotated[float, Field(gt=0, le=10_000_000), Number] | None = Field(
        default=None, description="Your bid in USD: an hourly rate or a fixed price"
    )
    client_payment_verified: Annotated[bool, Strict()] | None = Field(
        default=None, description='A JSON boolean ("yes" or 1 is a 422)'
    )
    client_total_spent: Annotated[float, Field(ge=0, le=1_000_000_000, description="USD"), Number] | None = (
        None
    )


class RiskFactor(Reply):
    factor: str
    impact: Literal["low", "medium", "high"]
    detail: str


class PredictionModel(Reply):
    name: str
    version: str
    trained_on: int = Field(
        ge=0, description="The caller's own decided proposals the estimate learned from (0: the prior alone)"
    )


class SuccessPrediction(Reply):
    success_probability: Fraction
    risk_factors: list[RiskFactor]
    recommendations: list[str]
    confidence: Fraction
    model: PredictionModel
