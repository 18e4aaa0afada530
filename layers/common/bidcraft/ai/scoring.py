"""Offline proposal analysis: what a proposal says, not how it is dressed. Six criteria, 0..1 each.

- **relevance** — the job's requirements, questions and screening instructions answered (`ai.requirements`),
  its key terms covered, the share of the proposal that is about the job's subject, the requested skills;
  discounted by how much of the text merely echoes the post.
- **evidence** — links to work, measured results (numbers with units, before → after) that are new to the
  job post, past work told with detail (`ai.evidence`); bare claims ("expert", "100% satisfaction") lower it.
- **specificity** — concrete terms (tools, names, figures) in number and per word, a plan in steps, a
  timeline, a question about the job.
- **originality** — distance from mass templates and clichés in any language (`ai.templates`, rapidfuzz),
  from lists of selling points and from echoing the job post.
- **clarity** — sentences of a readable length, no walls of text, no shouting (a weak signal).
- **length** — 30-350 words is comfortable; only extremes lose a little (a weak signal).

`score` (`overall`) = Σ weight × criterion, then two gates: with a job description a text that does not
address it is multiplied by `0.25 + 2.5 × relevance` (≤ 1), and any text by `0.45 + originality` (≤ 1), so
neither an off-topic text nor a template buys a good score with numbers or length; a text that speaks to
nobody (no first or second person in any of the three languages: a recipe, a news item) is multiplied by
0.6 when there is no job description to compare it with (with one, the relevance gate does that work).
Weights depend on the context: without a job description relevance cannot be judged, its weight moves to
evidence, specificity and originality, and `relevance` is reported as 0.5 (unknown) with weight 0.

Suggestions are written in the proposal's language (`ai.suggestions`), quote the sentence they are about
and name the job's unanswered asks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from bidcraft.ai import evidence, requirements, suggestions, templates, text
from bidcraft.ai.models.analysis import ProposalAnalysisRequest

CRITERIA = ("relevance", "evidence", "specificity", "originality", "clarity", "length")
WEIGHTS_WITH_JOB: dict[str, float] = {
    "relevance": 0.25,
    "evidence": 0.35,
    "specificity": 0.20,
    "originality": 0.10,
    "clarity": 0.05,
    "length": 0.05,
}
WEIGHTS_WITH_SKILLS: dict[str, float] = {
    "relevance": 0.15,
    "evidence": 0.35,
    "specificity": 0.20,
    "originality": 0.20,
    "clarity": 0.05,
    "length": 0.05,
}
WEIGHTS_WITHOUT_CONTEXT: dict[str, float] = {
    "relevance": 0.0,
    "evidence": 0.40,
    "specificity": 0.25,
    "originality": 0.25,
    "clarity": 0.05,
    "length": 0.05,
}
WEIGHTS = WEIGHTS_WITH_JOB  # the weights of a full request (the OpenAI engine scores with the same ones)
MAX_SUGGESTIONS = 6
UNKNOWN = 0.5

_SPECIFIC_TOKEN = text.LazyPattern(
    r"^(?:[^\W\d_]+[\d.#+/][\w.#+/-]*|[A-ZА-ЯІЇЄҐ]{2,6}\d*|[a-zа-яіїєґ]+[A-ZА-ЯІЇЄҐ]\w*|\w*\d\w*)$"
)
_ADDRESS = text.LazyPattern(
    r"\b(?:i|i'm|i've|i'd|i'll|my|me|we|our|you|your|я|мені|мене|мій|моя|мої|маю|ми|наш|ви|вам|вас|ваш|ваша|"
    r"ваші|вашого|yo|mi|mis|me|soy|tengo|puedo|he|llevo|trabajo|usted|ustedes|le|su|sus|nosotros)\b",
    re.IGNORECASE,
)
_SHOUTING = text.LazyPattern(r"!{2,}|\b[A-Z]{5,}\b")


@dataclass(frozen=True)
class Scorecard:
    breakdown: dict[str, float]
    score: float
    suggestions: list[str]
    keywords: list[str]
    confidence: float
    missing_terms: list[str] = field(default_factory=list)  # the job's unanswered asks, as labels
    language: str = "en"


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def weights_for(*, has_description: bool, has_skills: bool) -> dict[str, float]:
    if has_description:
        return WEIGHTS_WITH_JOB
    return WEIGHTS_WITH_SKILLS if has_skills else WEIGHTS_WITHOUT_CONTEXT


def combine(breakdown: dict[str, float], weights: dict[str, float]) -> float:
    """The weighted sum of the criteria (before the gates)."""
    return sum(weights[name] * breakdown.get(name, UNKNOWN) for name in weights)


def overall(breakdown: dict[str, float], *, has_description: bool, has_skills: bool) -> float:
    """The score of a breakdown, whichever engine produced it: the weighted sum for the context given, times
    the relevance gate (with a job description) and the originality gate."""
    score = combine(breakdown, weights_for(has_description=has_description, has_skills=has_skills))
    if has_description:
        score *= min(1.0, 0.25 + 2.5 * breakdown.get("relevance", UNKNOWN))
    score *= min(1.0, 0.45 + breakdown.get("originality", UNKNOWN))
    return _clamp(score)


# --- criteria -----------------------------------------------------------------------------------------------
def length_score(word_count: int) -> float:
    if word_count < 15:
        return 0.3
    if word_count < 30:
        return 0.3 + 0.7 * (word_count - 15) / 15
    if word_count <= 350:
        return 1.0
    return _clamp(max(0.6, 1 - (word_count - 350) / 750))


def clarity_score(body: str) -> float:
    parts = text.sentences(body)
    if not parts:
        return 0.0
    lengths = [len(text.words(s)) for s in parts]
    average = sum(lengths) / len(lengths)
    base = (
        1.0
        if 5 <= average <= 28
        else (max(0.4, average / 5) if average < 5 else max(0.2, 1 - (average - 28) / 30))
    )
    walls = sum(1 for p in text.paragraphs(body) if len(text.words(p)) > 130)
    shouting = len(_SHOUTING.findall(body))
    return _clamp(base - 0.15 * walls - 0.15 * min(shouting, 3))


def _skill_dump(clause: str) -> bool:
    """A comma-separated list of tool names ("… expertise in Python, Django, Flask, AWS, Docker, …")."""
    items = clause.split(",")
    return len(items) >= 5 and sum(1 for item in items if len(text.words(item)) <= 3) >= 0.6 * len(items)


def specificity_score(body: str, found: evidence.Evidence, description: str) -> float:
    job_words = {w.lower() for w in text.words(description)}
    specific = 0.0
    seen: set[str] = set()
    question = False
    claims = set(found.claims)
    for clause in text.clauses(body):
        if _skill_dump(clause) or clause in claims:
            continue  # tool lists, and titles inside a bare claim ("AWS Certified Architect"), prove nothing
        words = text.words(clause)
        for index, word in enumerate(words):
            key = word.lower()
            if key in seen or key in text.STOP_WORDS:
                continue
            named = index > 0 and word[:1].isupper() and not word.isupper() and len(word) > 2
            if _SPECIFIC_TOKEN.match(word) or named:
                seen.add(key)
                specific += 0.5 if key in job_words else 1.0
        if clause.rstrip().endswith("?") and len(text.content_words(clause)) >= 3:
            question = True
    duration = bool(requirements.DURATION.search(text.normalize(body).lower()))
    raw = 0.22 * min(specific, 10) + 0.3 * min(found.steps, 4) + 0.4 * duration + 0.5 * question
    amount = 1 - math.exp(-raw / 1.1)
    density = min(1.0, specific / max(25, len(text.words(body))) / 0.12)  # concrete terms per word
    return _clamp(0.5 * amount + 0.5 * density)


def evidence_score(found: evidence.Evidence) -> float:
    return _clamp(found.proof - 0.07 * min(len(found.claims), 5))


def originality_score(likeness: templates.Likeness) -> float:
    penalties = (
        _clamp((likeness.template - 0.55) / 0.3),
        _clamp(likeness.cliche_share * 2.2),
        _clamp(likeness.selling_lines / 4),
        _clamp((likeness.echo - 0.12) / 0.4),
    )
    kept = 1.0
    for penalty in penalties:
        kept *= 1 - penalty
    return _clamp(kept)


@dataclass(frozen=True)
class _Fit:
    relevance: float
    unanswered: list[requirements.Ask]
    off_topic_terms: list[str]


def relevance_score(
    body: str, description: str, skills: list[str], likeness: templates.Likeness
) -> _Fit | None:
    found = text.stems(body)
    skill_share = None
    if skills:
        covered = sum(1 for s in skills if text.stems(s) and text.stems(s) <= found)
        skill_share = covered / len(skills)
    if not description:
        return None if skill_share is None else _Fit(_clamp(min(1.0, skill_share / 0.6)), [], [])
    asks = requirements.extract(description)
    lowered = text.normalize(body).lower()
    key_terms = requirements.key_terms(description, 12)
    topic = sum(1 for t in key_terms if text.stem(t) in found) / max(1, min(len(key_terms), 8))
    topic = min(1.0, topic)
    mine = text.stems(body)
    focus = min(1.0, len(mine & text.stems(description)) / max(1, len(mine)) / 0.5)  # on the job's subject
    if asks:
        weights = {"question": 1.5, "instruction": 1.5, "requirement": 1.0}
        total = sum(weights[a.kind] for a in asks)
        answered = sum(
            weights[a.kind] * min(1.0, requirements.coverage(a, found, lowered) / requirements.ANSWERED)
            for a in asks
        )
        fit = 0.5 * answered / total + 0.25 * topic + 0.25 * focus
    else:
        fit = 0.6 * topic + 0.4 * focus
    if skill_share is not None:
        fit = 0.85 * fit + 0.15 * skill_share
    fit *= 1 - min(1.0, max(0.0, likeness.echo - 0.1) * 1.5)
    return _Fit(_clamp(fit), requirements.unanswered(asks, body), key_terms[:4])


# --- the analysis -------------------------------------------------------------------------------------------
def _advice(
    language: str,
    fit: _Fit | None,
    breakdown: dict[str, float],
    found: evidence.Evidence,
    likeness: templates.Likeness,
    word_count: int,
) -> list[str]:
    advice: list[str] = []
    if fit is not None:
        if fit.relevance < 0.15 and fit.off_topic_terms:
            advice.append(suggestions.say("off_topic", language, terms=", ".join(fit.off_topic_terms)))
        ordered = sorted(
            fit.unanswered, key=lambda a: {"instruction": 0, "question": 1, "requirement": 2}[a.kind]
        )
        for ask in ordered[:3]:
            value = ask.word if ask.kind == "instruction" and ask.word else ask.label()
            advice.append(suggestions.say(ask.kind, language, ask=value))
    if likeness.echo >= 0.3:
        advice.append(suggestions.say("echo", language, quote=likeness.echo_example))
    if breakdown["originality"] < 0.7 and likeness.cliches:
        advice.append(suggestions.say("cliche", language, quote=likeness.cliches[0]))
    if breakdown["evidence"] < 0.5:
        if found.claims:
            advice.append(suggestions.say("claim", language, quote=found.claims[0]))
        else:
            advice.append(suggestions.say("no_proof", language))
    if breakdown["specificity"] < 0.4:
        advice.append(suggestions.say("plan", language))
    if word_count > 450:
        advice.append(suggestions.say("too_long", language, count=word_count))
    elif word_count < 25:
        advice.append(suggestions.say("too_short", language, count=word_count))
    return list(dict.fromkeys(advice))[:MAX_SUGGESTIONS] or [suggestions.say("good", language)]


def score_proposal(request: ProposalAnalysisRequest) -> Scorecard:
    body = request.proposal_text
    description = request.job_description or ""
    skills = list(request.skills or [])
    language = text.language(body)
    word_count = len(text.words(body))
    found = evidence.find(body, description)
    likeness = templates.assess(body, description)
    fit = relevance_score(body, description, skills, likeness)
    breakdown = {
        "relevance": fit.relevance if fit is not None else UNKNOWN,
        "evidence": evidence_score(found),
        "specificity": specificity_score(body, found, description),
        "originality": originality_score(likeness),
        "clarity": clarity_score(body),
        "length": _clamp(length_score(word_count)),
    }
    score = overall(breakdown, has_description=bool(description), has_skills=bool(skills))
    if not description and not _ADDRESS.search(body):
        score *= 0.6  # without a job to compare with: nobody speaks to anybody (a recipe, a news item)
    confidence = 0.45 + (0.25 if description else 0.0) + (0.1 if skills else 0.0)
    confidence += 0.1 if word_count >= 40 else -0.1 if word_count < 20 else 0.0
    if language not in suggestions.SUPPORTED:
        confidence -= 0.15
    return Scorecard(
        breakdown=breakdown,
        score=_clamp(score),
        suggestions=_advice(language, fit, breakdown, found, likeness, word_count),
        keywords=text.keywords(body, context=description, skills=skills),
        confidence=_clamp(min(0.9, confidence)),
        missing_terms=[a.label() for a in fit.unanswered] if fit is not None else [],
        language=language,
    )
