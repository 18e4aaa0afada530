"""Which of the freelancer's own past work backs this job: matched on skills and on the words of titles.

A past item scores one point per job skill it lists (or names in its title) and half a point per other
content word it shares with the job's skills, title and requirements; items that share nothing are never
cited. The draft cites at most `MAX_CITED`, best first (ties: the order the record gave, newest first).
Nothing here is invented: an empty record means a draft that claims no past work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bidcraft.ai.drafting.models import FreelancerContext, JobContext, PastWork
from bidcraft.ai.drafting.specifics import Specific, words

MAX_CITED = 3
_MIN_TERM = 3
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "your",
        "you",
        "our",
        "are",
        "will",
        "have",
        "need",
        "must",
        "using",
        "use",
        "into",
        "new",
        "build",
        "create",
        "project",
        "work",
        "job",
        "looking",
        "experience",
        "years",
        "year",
        "help",
        "also",
        "who",
        "can",
        "should",
        "would",
        "want",
        "make",
        "make",
        "some",
        "для",
        "від",
        "або",
        "які",
        "яка",
        "який",
        "що",
        "щоб",
        "потрібно",
        "треба",
        "наш",
        "ваш",
        "має",
        "буде",
        "ми",
        "ви",
        "вам",
        "нам",
        "проект",
        "робота",
        "досвід",
        "con",
        "para",
        "una",
        "uno",
        "los",
        "las",
        "del",
        "que",
        "por",
        "como",
        "necesito",
        "necesitamos",
        "buscamos",
        "nuestro",
        "nuestra",
        "proyecto",
        "trabajo",
        "experiencia",
        "tiene",
    ]
)


class Match(NamedTuple):
    work: PastWork
    score: float
    shared: tuple[str, ...]  # the job's skills (as the job spells them) or words it shares


def _terms(text: str) -> set[str]:
    return {w for w in words(text) if len(w) >= _MIN_TERM and w not in _STOP and not w.isdigit()}


def matches(
    job: JobContext, freelancer: FreelancerContext | None, specifics: Sequence[Specific]
) -> list[Match]:
    if freelancer is None or not freelancer.past_work:
        return []
    job_skills = {s.casefold(): s for s in job.skills if s.strip()}
    job_terms = _terms(" ".join([job.title or "", " ".join(job.skills), *(s.text for s in specifics)]))
    found: list[tuple[float, int, Match]] = []
    for index, work in enumerate(freelancer.past_work):
        title = work.title.casefold()
        own = {s.casefold() for s in work.skills}
        skills_hit = [
            shown
            for key, shown in job_skills.items()
            if key in own or (len(key) >= 2 and f" {key} " in f" {title} ")
        ]
        other = sorted((_terms(work.title) | {s for s in own}) & job_terms - {k for k in job_skills})
        score = len(skills_hit) + 0.5 * len(other)
        if score > 0:
            found.append((-score, index, Match(work, score, tuple(skills_hit + other))))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [entry[2] for entry in found[:MAX_CITED]]
