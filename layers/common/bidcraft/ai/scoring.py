"""Offline proposal scoring: six explainable criteria, each 0..1, and their weighted sum.

| criterion | what raises it |
|---|---|
| relevance (0.25) | job-description keywords and requested skills that the proposal mentions |
| personalization (0.20) | talking to the client ("you/your"), a greeting, references to their job |
| clarity (0.15) | sentences of 8-25 words on average, few over 35 words, more than one paragraph |
| specificity (0.15) | numbers (years, %, $, counts), time frames and concrete deliverables |
| call_to_action (0.15) | a closing invitation: a question, "let's discuss", "schedule a call" … |
| length (0.10) | 150-400 words is ideal; shorter scales down linearly, longer decays slowly |

The score is `Σ weight x criterion`, rounded to 3 decimals. Suggestions are written for the criteria below
0.7, weakest-weighted-gap first. Confidence grows with the context given (job description, skills, text
length): without a job description relevance can only be guessed from the category and skills.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bidcraft.ai import text
from bidcraft.ai.models import ProposalAnalysisRequest

WEIGHTS: dict[str, float] = {
    "relevance": 0.25,
    "personalization": 0.20,
    "clarity": 0.15,
    "specificity": 0.15,
    "call_to_action": 0.15,
    "length": 0.10,
}
SUGGESTION_THRESHOLD = 0.7

_GREETINGS = ("hi", "hello", "dear", "good morning", "good afternoon", "hey")
_CTA_STRONG = (
    "let's discuss",
    "let us discuss",
    "schedule a call",
    "book a call",
    "hop on a call",
    "jump on a call",
    "quick call",
    "happy to chat",
    "message me",
    "contact me",
    "reach out",
    "get started",
    "start today",
    "start immediately",
    "can start",
    "available to start",
    "let me know",
    "send me",
    "shall we",
)
_CTA_WEAK = ("looking forward", "hope to hear", "hear from you", "thank you for your time", "available")
_TIME_WORDS = ("day", "days", "week", "weeks", "month", "months", "hour", "hours", "milestone", "milestones")
_DELIVERABLE_WORDS = (
    "deliver",
    "deliverable",
    "deliverables",
    "launch",
    "deploy",
    "portfolio",
    "case study",
    "built",
    "shipped",
    "increased",
    "reduced",
    "improved",
    "clients",
    "projects",
)
_JOB_REFERENCES = (
    "your project",
    "your job",
    "your post",
    "your posting",
    "your requirements",
    "you mentioned",
)


@dataclass(frozen=True)
class Scorecard:
    breakdown: dict[str, float]
    score: float
    suggestions: list[str]
    keywords: list[str]
    confidence: float
    missing_terms: list[str] = field(default_factory=list)


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def length_score(word_count: int) -> float:
    if word_count < 150:
        return _clamp(word_count / 150)
    if word_count <= 400:
        return 1.0
    return _clamp(max(0.4, 1 - (word_count - 400) / 800))


def clarity_score(body: str) -> float:
    parts = text.sentences(body)
    if not parts:
        return 0.0
    lengths = [len(text.words(s)) for s in parts]
    average = sum(lengths) / len(lengths)
    if 8 <= average <= 25:
        base = 1.0
    elif average < 8:
        base = max(0.3, average / 8)
    else:
        base = max(0.2, 1 - (average - 25) / 30)
    too_long = sum(1 for n in lengths if n > 35) / len(lengths)
    structure = 0.0 if len(text.paragraphs(body)) > 1 or len(parts) < 4 else 0.1
    return _clamp(base - 0.5 * too_long - structure)


def personalization_score(body: str, context_terms: list[str]) -> float:
    lowered = body.lower()
    tokens = text.lowered_words(body)
    you = sum(1 for t in tokens if t in ("you", "your", "you're", "yours"))
    ratio = you / max(1, len(tokens))
    greeting = 1.0 if any(text.contains_phrase(lowered[:60], g) for g in _GREETINGS) else 0.0
    references = any(text.contains_phrase(lowered, p) for p in _JOB_REFERENCES)
    mentioned = sum(1 for term in context_terms if text.contains_phrase(lowered, term))
    job_specific = 1.0 if references or mentioned >= 3 else (0.5 if mentioned else 0.0)
    return _clamp(0.4 * min(1.0, ratio / 0.03) + 0.25 * greeting + 0.35 * job_specific)


def specificity_score(body: str) -> float:
    lowered = body.lower()
    figures = len(text.numbers(body))
    timing = sum(1 for w in _TIME_WORDS if text.contains_phrase(lowered, w))
    deliverables = sum(1 for w in _DELIVERABLE_WORDS if text.contains_phrase(lowered, w))
    return _clamp(
        0.45 * min(1.0, figures / 3) + 0.25 * min(1.0, timing / 2) + 0.3 * min(1.0, deliverables / 3)
    )


def call_to_action_score(body: str) -> float:
    lowered = body.lower()
    closing = lowered[-300:]
    if "?" in closing or any(text.contains_phrase(closing, p) for p in _CTA_STRONG):
        return 1.0
    if any(text.contains_phrase(lowered, p) for p in _CTA_STRONG):
        return 0.75
    if any(text.contains_phrase(closing, p) for p in _CTA_WEAK):
        return 0.5
    return 0.0


def relevance_score(body: str, context_terms: list[str], skills: list[str]) -> tuple[float, list[str]]:
    """Share of the job's top terms and the skills that the proposal mentions; missing ones listed."""
    lowered = body.lower()
    wanted = list(dict.fromkeys([*skills, *context_terms]))
    if not wanted:
        return 0.5, []
    missing = [term for term in wanted if not text.contains_phrase(lowered, term)]
    covered = 1 - len(missing) / len(wanted)
    return _clamp(min(1.0, covered / 0.6)), missing


def _suggestions(breakdown: dict[str, float], missing: list[str], word_count: int) -> list[str]:
    advice = {
        "relevance": (
            "Mention what the job asks for that the proposal does not cover yet: "
            + ", ".join(missing[:5])
            + "."
            if missing
            else "Tie your experience to the job's requirements and the skills it names."
        ),
        "personalization": (
            "Address the client directly: open with a greeting and refer to details of their job "
            "(their goal, their stack, their deadline)."
        ),
        "clarity": "Use shorter sentences (8-25 words) and split the text into short paragraphs.",
        "specificity": (
            "Add concrete figures: years of experience, results you achieved (%, $, users), "
            "a timeline and the deliverables."
        ),
        "call_to_action": "End with a clear next step, e.g. a question or an offer to schedule a short call.",
        "length": (
            f"The proposal has {word_count} words; aim for 150-400 words."
            if word_count < 150
            else f"The proposal has {word_count} words; cut it to at most 400 so the client reads it all."
        ),
    }
    weak = [name for name, value in breakdown.items() if value < SUGGESTION_THRESHOLD]
    weak.sort(key=lambda name: (-(WEIGHTS[name] * (1 - breakdown[name])), name))
    if not weak:
        return ["The proposal does well on every criterion; proofread it once more before sending."]
    return [advice[name] for name in weak]


def score_proposal(request: ProposalAnalysisRequest) -> Scorecard:
    body = request.proposal_text
    skills = list(request.skills or [])
    context = request.job_description or ""
    context_terms = text.top_terms(context, 8) if context else []
    if request.category and not context:
        context_terms = [w for w in text.content_words(request.category.replace("_", " "))][:3]
    word_count = len(text.words(body))
    relevance, missing = relevance_score(body, context_terms, skills)
    breakdown = {
        "relevance": relevance,
        "personalization": personalization_score(body, context_terms),
        "clarity": clarity_score(body),
        "specificity": specificity_score(body),
        "call_to_action": call_to_action_score(body),
        "length": length_score(word_count),
    }
    score = _clamp(sum(WEIGHTS[name] * value for name, value in breakdown.items()))
    confidence = (
        0.5 + (0.2 if context else 0.0) + (0.1 if skills else 0.0) + (0.1 if word_count >= 100 else 0.0)
    )
    return Scorecard(
        breakdown=breakdown,
        score=score,
        suggestions=_suggestions(breakdown, missing, word_count),
        keywords=text.keywords(body, context=context, skills=skills),
        confidence=_clamp(min(0.9, confidence)),
        missing_terms=missing,
    )
