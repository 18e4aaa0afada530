"""One freelancer of a category's market snapshot, as `market` stores it and `competition` counts it.

Its own module: every draft reads the category's market median through `market` (the AI-jobs worker loads
it at start-up), and only the competition route needs the arithmetic of `competition` and its reply models.
"""

from __future__ import annotations

from typing import NamedTuple


class MarketCompetitor(NamedTuple):
    name: str
    hourly_rate: float | None = None
    job_success_score: float | None = None
    feedback_score: float | None = None
    total_jobs: int | None = None
    skills: tuple[str, ...] = ()
    currency: str = "USD"

    def matches(self, wanted: set[str]) -> int:
        return sum(1 for skill in self.skills if skill.casefold() in wanted)
