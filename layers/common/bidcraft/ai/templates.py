"""How much a proposal reads like a mass template, a string of clichés, or an echo of the job post.

The bank (`data/templates.json`: whole templates and clichés in English, Ukrainian and Spanish) is data, read
once on first use (never at import). Matching is fuzzy, with `rapidfuzz` (imported on first use):
- a whole proposal against each bank template: `token_set_ratio` (word order and extra words do not hide a
  template with the job title pasted in);
- each sentence against the clichés: `partial_ratio` ≥ `CLICHE_MATCH` (a cliché inside a longer sentence);
- lines that open with a check mark or an emoji ("✅ Unlimited revisions") are counted as selling-point
  lines, the layout of mass proposals.
The echo is the share of the proposal's word trigrams (on stems) that occur in the job description.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

from bidcraft.ai import text

CLICHE_MATCH = 90
MAX_CLAUSES = 50  # sentences checked for clichés: the first 40 and the last 10 of a long text
_BULLET_MARK = text.LazyPattern(r"^\s*(?:[✅✔✓☑⭐★🎬🚀👉🔥💯✨➡️▶•*+-]\s*)", re.MULTILINE)


@dataclass(frozen=True)
class Bank:
    templates: tuple[str, ...]
    cliches: tuple[str, ...]  # shortest first
    lengths: tuple[int, ...]  # of the clichés, for slicing off those longer than a sentence


@functools.cache
def bank() -> Bank:
    raw = json.loads(
        resources.files("bidcraft.ai").joinpath("data/templates.json").read_text(encoding="utf-8")
    )
    unique = dict.fromkeys(c.lower() for group in raw["cliches"].values() for c in group)
    cliches = tuple(sorted(unique, key=len))
    return Bank(
        templates=tuple(t.lower() for t in raw["templates"]),
        cliches=cliches,
        lengths=tuple(len(c) for c in cliches),
    )


@dataclass(frozen=True)
class Likeness:
    template: float  # 0..1, best whole-text similarity to a bank template
    cliches: list[str] = field(default_factory=list)  # sentences that contain a cliché, as written
    cliche_share: float = 0.0  # share of the sentences that do
    selling_lines: int = 0  # lines opening with a check mark / emoji
    echo: float = 0.0  # share of the proposal's trigrams taken from the job description
    echo_example: str = ""  # the sentence that repeats the job description most


def _is_emoji_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    first = stripped[0]
    return bool(_BULLET_MARK.match(stripped)) and (first in "✅✔✓☑⭐★" or unicodedata.category(first) == "So")


def _trigrams(body: str) -> set[tuple[str, ...]]:
    stems = [text.stem(w) for w in text.content_words(body)]
    return {tuple(stems[i : i + 3]) for i in range(len(stems) - 2)}


def echo(proposal: str, description: str) -> tuple[float, str]:
    """Share of the proposal's content-word trigrams that also occur in `description` (0 without one), and
    the proposal's sentence that shares the most of them."""
    mine = _trigrams(proposal)
    if not mine or not description:
        return 0.0, ""
    theirs = _trigrams(description)
    best, example = 0, ""
    for clause in text.clauses(proposal):
        shared = len(_trigrams(clause) & theirs)
        if shared > best:
            best, example = shared, clause
    return len(mine & theirs) / len(mine), example


def assess(proposal: str, description: str = "") -> Likeness:
    from rapidfuzz import fuzz, process  # lazily: only analysis pays its import

    known = bank()
    lowered = text.normalize(proposal).lower()
    template = max((fuzz.token_set_ratio(lowered, t) for t in known.templates), default=0.0) / 100
    parts = text.clauses(proposal)
    if len(parts) > MAX_CLAUSES:  # bound the work on a 10,000-character text; templates open and close
        parts = parts[: MAX_CLAUSES - 10] + parts[-10:]
    hits = [
        part
        for part in parts
        if process.extractOne(
            part.lower(),
            known.cliches[: bisect.bisect_right(known.lengths, len(part) + 2)],
            scorer=fuzz.partial_ratio,
            score_cutoff=CLICHE_MATCH,
        )
    ]
    echoed, example = echo(proposal, description)
    return Likeness(
        template=round(template, 3),
        cliches=hits,
        cliche_share=len(hits) / len(parts) if parts else 0.0,
        selling_lines=sum(1 for line in proposal.splitlines() if _is_emoji_line(line)),
        echo=round(echoed, 3),
        echo_example=example,
    )
