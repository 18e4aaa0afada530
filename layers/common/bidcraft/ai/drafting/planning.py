"""Everything a draft rests on, decided before any text is written and shared by both engines.

`plan()` detects the job's language, extracts its questions and requirements, finds the freelancer's matching
past work and prices the job. The offline engine turns a `Plan` into sentences (`compose`); the OpenAI engine
sends it to the model as data, so both write from the same facts and the same numbers.
"""

from __future__ import annotations

from typing import NamedTuple

from bidcraft.ai.drafting import evidence, language, pricing, specifics
from bidcraft.ai.drafting.models import FreelancerContext, JobContext


class Plan(NamedTuple):
    job: JobContext
    freelancer: FreelancerContext | None
    language: str  # the job's language (ISO 639-1)
    specifics: list[specifics.Specific]
    matches: list[evidence.Match]
    pricing: pricing.Pricing


def plan(
    job: JobContext,
    freelancer: FreelancerContext | None,
    *,
    bid: float | None = None,
    market_median: float | None = None,
) -> Plan:
    found = specifics.extract(job.description, job.screening_questions)
    return Plan(
        job=job,
        freelancer=freelancer,
        language=language.detect(" ".join(filter(None, [job.title, job.description]))),
        specifics=found,
        matches=evidence.matches(job, freelancer, found),
        pricing=pricing.price(
            job,
            found,
            profile_rate=freelancer.hourly_rate if freelancer else None,
            market_median=market_median,
            bid=bid,
        ),
    )
