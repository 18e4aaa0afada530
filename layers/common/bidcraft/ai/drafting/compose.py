"""The offline letter: whole sentences from a phrasebook per language, filled where fill-ins stay grammatical.

Phrasebooks (`phrases/<lang>.json`: English, Ukrainian, Spanish) hold complete sentences. What goes in is
either the client's own words in quotation marks (“…” / «…»), a name after a colon, a number with the unit's
plural form for that number (`units`: Ukrainian has one/few/many/fraction forms), or money — never a bare
phrase that would have to agree in case or gender. First-person sentences avoid gendered forms (Ukrainian past
tense, Spanish adjectives), since we do not know the freelancer's gender.

Where a phrase has variants, the job picks one (a CRC of its description), so two jobs rarely share a sentence
while the same job always gets the same letter.
"""

from __future__ import annotations

import functools
import json
import math
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bidcraft.ai.drafting import timeline as timelines
from bidcraft.ai.drafting.evidence import Match
from bidcraft.ai.drafting.language import detect as detect_language
from bidcraft.ai.drafting.models import FreelancerContext, ScreeningAnswer
from bidcraft.ai.drafting.planning import Plan
from bidcraft.ai.drafting.pricing import HOURS_PER_DAY
from bidcraft.ai.drafting.specifics import Specific, label, quote, words
from bidcraft.ai.drafting.written import Written
from bidcraft.ai.models.generation import PortfolioItem
from bidcraft.patterns import LazyPattern

LANGUAGES = ("en", "uk", "es")
TONES = ("professional", "friendly", "confident", "concise")
_PHRASES = Path(__file__).parent / "phrases"

# How a screening question (`_Q_*`) or a constraint (`_C_*`) is answered: compiled when a job first has one.
_Q_TIME = LazyPattern(
    r"how long|how soon|how quickly|when can|timeline|deadline|turnaround|скільки часу|коли|термін|як швидко"
    r"|cuánto tiempo|cuándo|plazo|qué tan rápido",
    re.IGNORECASE,
)
_Q_PRICE = LazyPattern(
    r"rate|price|cost|budget|quote|how much|charge|fee|ставк|ціна|цін[уи]|вартість|скільки коштує|бюджет"
    r"|tarifa|precio|costo|coste|cuánto cobra|presupuesto",
    re.IGNORECASE,
)
_Q_EXPERIENCE = LazyPattern(
    r"experience|done (?:this|something|similar)|worked (?:with|on)|examples?|portfolio|similar|past work"
    r"|досвід|приклад|портфоліо|працювали|робили|experiencia|ejemplos?|portafolio|trabajado|has hecho"
    r"|\byou(?:'ve| have)? (?:designed|built|made|created|developed|wrote|written|shipped|launched)\b"
    r"|^(?:have you|did you|are you familiar|чи (?:ви )?(?:працювали|робили|мали|створювали)"
    r"|¿?has? \w+[ao]d[oa]s?\b)",
    re.IGNORECASE,
)
_Q_AVAILABILITY = LazyPattern(
    r"availab|start|hours (?:per|a) week|time ?zone|full[- ]time|part[- ]time|доступн|почати|часов\w* пояс"
    r"|годин на тиждень|disponib|empezar|comenzar|zona horaria|horas (?:por|a la) semana",
    re.IGNORECASE,
)
_Q_SCOPE = LazyPattern(r"includ|включ|входить|incluye|incluid", re.IGNORECASE)
_C_TIME = LazyPattern(r"deadline|timeline|week|month|day|термін|дедлайн|тиж|місяц|днів|plazo|semana|mes|día",
                     re.IGNORECASE)  # fmt: skip
_C_BUDGET = LazyPattern(r"\bbudget\b|\bбюджет\b|\bpresupuesto\b", re.IGNORECASE)


@functools.cache
def phrasebook(language: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_PHRASES / f"{language}.json").read_text(encoding="utf-8"))
    return data


def _number(value: float, language: str) -> str:
    text = f"{round(value):,}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"
    if language == "uk":
        return text.replace(",", " ").replace(".", ",")
    if language == "es":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def money(amount: float, currency: str, language: str) -> str:
    whole = abs(amount - round(amount)) < 0.005
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    if language == "uk":
        text = text.replace(",", " ").replace(".", ",")
    elif language == "es":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} {currency}"


def unit_form(language: str, unit: str, n: float) -> str:
    forms: list[str] = phrasebook(language)["units"][unit]
    if language == "uk":
        if abs(n - round(n)) > 1e-9:
            return forms[3]
        whole = round(n)
        if whole % 10 == 1 and whole % 100 != 11:
            return forms[0]
        if 2 <= whole % 10 <= 4 and not 12 <= whole % 100 <= 14:
            return forms[1]
        return forms[2]
    return forms[0] if abs(n - 1) < 1e-9 else forms[1]


def duration(language: str, low: float, high: float, unit: str) -> str:
    if abs(low - high) < 1e-9:
        return f"{_number(high, language)} {unit_form(language, unit, high)}"
    return f"{_number(low, language)}–{_number(high, language)} {unit_form(language, unit, high)}"


def _estimate(effort_hours: float) -> tuple[float, str]:
    days = max(1.0, effort_hours / HOURS_PER_DAY)
    if days <= 10:
        return float(math.ceil(days)), "day"
    if days <= 60:
        return float(math.ceil(days / 5)), "week"
    return float(math.ceil(days / 21)), "month"


class _Writer:
    def __init__(self, language: str, tone: str, seed: str) -> None:
        self.language = language
        self.tone = tone if tone in TONES else "professional"
        self.book = phrasebook(language)
        self.seed = seed

    def pick(self, key: str, *, tone: bool = False, salt: str = "") -> str:
        entry = self.book[key]
        if tone:
            entry = entry[self.tone]
        if isinstance(entry, str):
            return entry
        index = zlib.crc32(f"{self.seed}|{key}|{salt}".encode()) % len(entry)
        return str(entry[index])

    def say(self, key: str, *, tone: bool = False, salt: str = "", **values: object) -> str:
        return self.pick(key, tone=tone, salt=salt).format(**values)


def _detail(writer: _Writer, match: Match) -> str:
    work = match.work
    if work.amount is None:
        return ""
    key = "detail_amount_hourly" if work.contract_type == "hourly" else "detail_amount_fixed"
    return writer.say(key, money=money(work.amount, work.currency, writer.language))


def _match_for(spec: Specific, found: Sequence[Match]) -> Match | None:
    terms = set(spec.terms)
    for match in found:
        if {w for s in match.shared for w in words(s)} & terms:
            return match
    return None


def _profile_skill(spec: Specific, freelancer: FreelancerContext | None) -> str | None:
    if freelancer is None:
        return None
    terms = set(spec.terms)
    for skill in freelancer.skills:
        parts = words(skill)
        if parts and set(parts) <= terms:
            return skill
    return None


def compose(plan: Plan, *, tone: str | None = None) -> Written:
    """The letter for `plan` in the job's language (English when the phrasebooks lack that language)."""
    job, freelancer, specifics, found, pricing = (
        plan.job,
        plan.freelancer,
        plan.specifics,
        plan.matches,
        plan.pricing,
    )
    language = plan.language if plan.language in LANGUAGES else "en"
    writer = _Writer(language, tone or "professional", job.description)
    lang = writer.language
    parsed = timelines.parse(job.timeline)
    if parsed is not None and parsed.unit is not None and not parsed.urgent:
        timeline_text = writer.say(
            "timeline_range", duration=duration(lang, parsed.low, parsed.high, parsed.unit)
        )
    elif parsed is not None and parsed.urgent:
        first = pricing.tasks[0].hours if pricing.tasks else pricing.effort_hours
        count, unit = _estimate(first)
        timeline_text = writer.say("timeline_urgent", duration=duration(lang, count, count, unit))
    else:
        count, unit = _estimate(pricing.effort_hours)
        timeline_text = writer.say("timeline_estimate", duration=duration(lang, count, count, unit))
    bid_money = money(pricing.bid_amount, pricing.currency, lang)
    bid_type = writer.say("bid_type_hourly" if pricing.bid_type == "hourly" else "bid_type_fixed")

    deliverables = [s for s in specifics if s.kind == "deliverable"]
    topic = (
        quote(job.title, 80)
        if job.title
        else label(deliverables[0].text if deliverables else job.description, 80)
    )
    cited: set[str] = set()

    def experience_answer(spec: Specific) -> str:
        match = _match_for(spec, found) or (found[0] if found else None)
        if match is None:
            return writer.say("answer_experience_plain")
        cited.add(match.work.title)
        return writer.say(
            "answer_experience_evidence", work=quote(match.work.title, 80), detail=_detail(writer, match)
        )

    def answer(question: Specific) -> str:
        text = question.text
        if _Q_PRICE.search(text):
            return writer.say("answer_price", money=bid_money, bid_type=bid_type)
        if _Q_AVAILABILITY.search(text):
            return writer.say("answer_availability")
        if _Q_TIME.search(text):
            return writer.say("answer_time", timeline=timeline_text)
        if _Q_EXPERIENCE.search(text):
            return experience_answer(question)
        if _Q_SCOPE.search(text):
            return writer.say("answer_scope")
        return writer.say("answer_generic", salt=text)

    questions = [s for s in specifics if s.kind == "question"]
    answers = {q.text: answer(q) for q in questions}
    screening = [
        ScreeningAnswer(question=q, answer=answers.get(quote(q), writer.say("answer_generic", salt=q)))
        for q in job.screening_questions
        if q.strip()
    ]

    requirement_lines: list[str] = []
    milestone = 0
    for spec in specifics:
        if spec.kind in ("question", "instruction"):
            continue
        text = spec.text
        if spec.kind == "deliverable":
            milestone += 1
            match = _match_for(spec, found)
            if match is not None:
                cited.add(match.work.title)
                line = writer.say(
                    "deliverable_evidence", spec=text, n=milestone, work=quote(match.work.title, 80)
                )
            else:
                line = writer.say("deliverable", spec=text, n=milestone, salt=text)
        elif spec.kind == "qualification":
            match = _match_for(spec, found)
            skill = _profile_skill(spec, freelancer)
            if match is not None:
                cited.add(match.work.title)
                line = writer.say(
                    "qualification_evidence",
                    spec=text,
                    work=quote(match.work.title, 80),
                    detail=_detail(writer, match),
                )
            elif skill is not None:
                line = writer.say("qualification_skill", spec=text, skill=skill)
            else:
                line = writer.say("qualification_plain", spec=text, salt=text)
        elif _C_BUDGET.search(text):
            line = writer.say("constraint_budget", spec=text, money=bid_money)
        elif _C_TIME.search(text):
            line = writer.say("constraint_time", spec=text, timeline=timeline_text)
        else:
            line = writer.say("constraint_other", spec=text, salt=text)
        requirement_lines.append(line)

    blocks = [writer.pick("greeting", tone=True), writer.say("opening", tone=True, topic=topic)]
    screening_words = [s.text for s in specifics if s.kind == "instruction"]
    if screening_words:  # the client filters on it: it opens the letter, as asked
        blocks.insert(0, " ".join(screening_words))
    lines = [writer.say("question_line", question=q.text, answer=answers[q.text]) for q in questions]
    lines += requirement_lines
    if lines:
        blocks.append("\n".join(f"{i}. {x}" for i, x in enumerate(lines, 1)))
    if timeline_text not in answers.values() and not any(timeline_text in line for line in requirement_lines):
        blocks.append(timeline_text)  # unless an answer above already gave it
    uncited = [m for m in found if m.work.title not in cited]
    if uncited and writer.tone != "concise":
        items = [
            "- " + writer.say("evidence_line", work=quote(m.work.title, 80), detail=_detail(writer, m))
            for m in uncited
        ]
        blocks.append(writer.pick("evidence_intro") + "\n" + "\n".join(items))
    if pricing.bid_type == "hourly":
        head = writer.say(
            "bid_hourly",
            money=bid_money,
            hours=_number(round(pricing.effort_hours), lang),
            total=money(pricing.total, pricing.currency, lang),
        )
    else:
        head = writer.say("bid_fixed", money=bid_money)
    prices = [
        f"- {line.item}: {money(line.amount, pricing.currency, lang)}" for line in pricing.breakdown.items
    ]
    blocks.append(head + "\n" + "\n".join(prices))
    others = [label(s.text) for s in deliverables if label(s.text, 80) != topic]
    point = min(others, key=len) if others else None  # the shortest reads best inside a question
    point = point or (job.skills[0] if job.skills else label(topic))
    blocks.append(writer.say("closing_question", tone=True, point=point))
    sign_off = writer.book["sign_off"][writer.tone]
    # The name, and the Upwork profile's title when it is in the letter's language (no English line under a
    # Ukrainian letter).
    title = freelancer.title.strip() if freelancer and freelancer.title else ""
    signature = [
        line
        for line in (
            freelancer.name.strip() if freelancer and freelancer.name else "",
            title if title and (lang == "en" or detect_language(title) == lang) else "",
        )
        if line
    ]
    blocks.append("\n".join([sign_off, *signature]))

    proof = (
        writer.say("cover_proof_evidence", work=quote(found[0].work.title, 80))
        if found
        else writer.pick("cover_proof_plain")
    )
    cover_bid = writer.say(
        "cover_bid_hourly" if pricing.bid_type == "hourly" else "cover_bid_fixed", money=bid_money
    )
    cover = (
        writer.pick("greeting", tone=True)
        + "\n\n"
        + writer.say("cover", topic=topic, proof=proof, bid=cover_bid)
    )

    portfolio = [
        PortfolioItem(
            title=quote(m.work.title, 120),
            description=writer.say("portfolio_match", shared=", ".join(m.shared[:5])),
            skills=list(m.work.skills[:10]),
        )
        for m in found
    ] or [
        PortfolioItem(
            title=skill, description=writer.say("portfolio_suggestion", skill=skill), skills=[skill]
        )
        for skill in job.skills[:2]
    ]
    warnings = (
        []
        if language == plan.language
        else [f"language:{plan.language} — drafted in English: the offline engine writes en, uk and es"]
    )
    return Written(
        language=language,
        proposal_text="\n\n".join(blocks),
        cover_letter=cover,
        screening_answers=screening,
        portfolio_items=portfolio,
        warnings=warnings,
    )
