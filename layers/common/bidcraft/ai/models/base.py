"""What every AI request and reply model shares: the constrained field types and the two base classes.

Requests forbid unknown fields (mass assignment, ASVS 15.3.3) and reject text that cannot be stored or logged
safely (NUL and other control characters, lone surrogates) with a 422 instead of failing later with a 500.
Optional response fields that are unset are left out of the JSON (`Omittable`, e.g. `AiJob.result`).
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bidcraft.api_fields import Clean, Number, SafeText, Skill

# The safe-text and JSON-number rules are shared with the jobs API's models (`bidcraft.api_fields`).
ProposalText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=20, max_length=10_000), Clean, SafeText
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000), Clean, SafeText
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Clean, SafeText
]
ProjectDescription = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=10, max_length=10_000), Clean, SafeText
]
Skills = Annotated[list[Skill], Field(max_length=30)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0), Number]


class Request(BaseModel):
    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Reply(BaseModel):
    """Response models. An optional field that is left out when unset is declared `Omittable[...]`
    (`bidcraft.api_fields`): omitted, not sent as null."""

    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", defer_build=True)
