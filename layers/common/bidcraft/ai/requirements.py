"""What a client asked for in a job description: requirements, questions and instructions, in any language.

`extract(description)` reads a job post clause by clause (sentences and lines, see `text.clauses`) and keeps
the ones that ask for something:
- **question** — ends with `?` (or opens with `¿`), or asks the freelancer to tell, describe, share or include
  something in the proposal ("Please describe…", "Опишіть…", "Indique…");
- **instruction** — a screening instruction naming a word the proposal must contain ("Start your proposal with
  the word 'mango'", "Почніть відгук зі слова …", "Comience su propuesta con …"); `word` holds it;
- **requirement** — a list item, or a clause with a requirement cue (must, need, required, experience with,
  потрібно, досвід, необхідно, necesitamos, imprescindible, experiencia …).

Each `Ask` carries its key terms (content words minus the cue words themselves) and their stems, so
`coverage(ask, stems)` tells how much of it a proposal addresses, across inflections. The module is pure
(no I/O, no state), so both the analysis and the drafting of proposals use it.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from bidcraft.ai import text
from bidcraft.patterns import LazyPattern

Kind = Literal["requirement", "question", "instruction"]

MAX_ASKS = 12
MAX_CLAUSES = 150  # a job post is read up to here (real ones have a few dozen clauses)
ANSWERED = 0.5  # share of an ask's key stems a proposal must contain for it to count as addressed

_BULLET = LazyPattern(r"^\s*(?:[-*•–·]|\d{1,2}[.)])\s+")
_QUESTION_CUES = (
    # en
    "please describe", "please share", "please tell", "please explain", "please include", "please list",
    "please provide", "please send", "please answer", "tell us", "tell me", "let us know", "let me know",
    "describe", "include in your", "in your proposal", "in your cover letter", "share a link", "share links",
    "share examples", "send examples", "answer the", "explain how",
    # uk
    "опишіть", "розкажіть", "вкажіть", "надішліть", "поділіться", "напишіть", "додайте", "у відгуку",
    "у пропозиції", "в пропозиції", "дайте відповідь",
    # es
    "describa", "describe", "indique", "indica", "cuéntenos", "cuéntanos", "comparta", "comparte", "envíe",
    "envía", "incluya", "incluye", "en su propuesta", "en tu propuesta", "responda", "responde", "explique",
)  # fmt: skip
_REQUIREMENT_CUES = (
    # en
    "must", "need", "needs", "needed", "required", "require", "requires", "requirement", "requirements",
    "should", "experience with", "experience in", "looking for", "proficient", "proficiency", "familiar",
    "knowledge of", "expert in", "ability to", "deliverable", "deliverables", "deadline", "responsible for",
    "you will", "nice to have", "plus if", "budget",
    # uk
    "потрібно", "потрібен", "потрібна", "потрібні", "необхідно", "необхідний", "обов'язково", "маєте", "мати",
    "досвід", "шукаємо", "шукаю", "вимоги", "знання", "має бути", "повинен", "треба", "завдання", "бюджет",
    "термін",
    # es
    "necesito", "necesitamos", "necesita", "requisito", "requisitos", "requiere", "debe", "deberá",
    "buscamos", "busco", "imprescindible", "experiencia", "conocimiento", "conocimientos", "dominio", "plazo",
    "entregables", "presupuesto", "se valora", "valorable",
)  # fmt: skip
_INSTRUCTION = LazyPattern(
    r"(?:start|begin|open)\s+(?:your\s+)?(?:proposal|cover letter|application|reply|message)\s+with"
    r"|(?:include|mention|write|use)\s+the\s+(?:word|phrase|code)"
    r"|почніть\s+(?:ваш\s+|свій\s+)?(?:відгук|пропозицію|лист|відповідь)\s+(?:зі|із|з)\s+слова"
    r"|(?:напишіть|вкажіть|додайте)\s+слово"
    r"|(?:comience|empiece|comienza|empieza)\s+(?:su\s+|tu\s+)?(?:propuesta|carta|mensaje|respuesta)\s+con"
    r"|(?:incluya|incluye|escriba|escribe)\s+la\s+palabra",
    re.IGNORECASE,
)
_QUOTED = LazyPattern(r"[\"'«“„‘]([^\"'«»“”„‘’]{1,40})[\"'»”’]")
# Asks about time or money are answered by a duration or an amount, whatever words carry it.
_TIMELINE_TERMS = frozenset(
    [
        "long", "timeline", "timeframe", "deadline", "when", "soon", "duration", "availability",
        "available", "start", "eta", "терміни", "термін", "строки", "часу", "коли", "тривалість", "plazo",
        "tiempo", "cuándo", "cuando", "duración", "disponibilidad", "fecha"
    ]
)  # fmt: skip
_PRICE_TERMS = frozenset(
    [
        "rate", "rates", "price", "pricing", "cost", "quote", "budget", "fee", "fees", "estimate", "ціна",
        "ціну", "вартість", "бюджет", "ставка", "кошторис", "precio", "tarifa", "coste", "costo",
        "presupuesto", "cotización"
    ]
)  # fmt: skip
DURATION = LazyPattern(
    r"\d+\s*(?:-\s*\d+\s*)?(?:h\b|hours?|days?|weeks?|months?|business days|год|годин\w*|дн\w*|тиж\w*|"
    r"місяц\w*|horas?|días?|dias?|semanas?|mes(?:es)?)"
    r"|\b(?:one|two|three|four|five|six|a)\s+(?:days?|weeks?|months?)"
    r"|\b(?:один|два|три|чотири|п'ять)\s+(?:дн\w*|тиж\w*)|\b(?:una|dos|tres|cuatro|cinco)\s+(?:días|semanas?)",
    re.IGNORECASE,
)
_AMOUNT = LazyPattern(
    r"[$€£₴]\s?\d|\d\s?[$€£₴]|\d\s?(?:usd|eur|грн|uah|dollars|euros|доларів)\b|\d+\s?/\s?h(?:our|r)?\b",
    re.IGNORECASE,
)

# Words a requirement is phrased with, not what it is about: not key terms.
_CUE_WORDS = frozenset(
    [
        "experience", "experienced", "expert", "expertise", "strong", "good", "great", "excellent", "solid",
        "proven", "ability", "skills", "skill", "knowledge", "required", "require", "requires",
        "requirement", "requirements", "must", "should", "need", "needs", "needed", "looking", "someone",
        "freelancer", "candidate", "person", "developer", "able", "familiar", "proficient", "proficiency",
        "years", "year", "plus", "nice", "have", "please", "describe", "share", "tell", "include",
        "proposal", "cover", "letter", "examples", "example", "send", "answer", "explain", "link", "links",
        "list", "provide", "specialist", "досвід", "досвіду", "досвідом", "потрібно", "потрібен", "потрібна",
        "потрібні", "фахівець", "фахівця", "спеціаліст", "especialista",
        "необхідно", "необхідний", "обов'язково", "маєте", "мати", "шукаємо", "шукаю", "вимоги", "знання",
        "повинен", "треба", "роки", "років", "рік", "опишіть", "розкажіть", "вкажіть", "надішліть",
        "поділіться", "напишіть", "додайте", "відгуку", "пропозиції", "приклади", "приклад", "посилання",
        "будь", "ласка", "experiencia", "necesitamos", "necesito", "necesita", "requisito", "requisitos",
        "requiere", "debe", "buscamos", "busco", "imprescindible", "conocimiento", "conocimientos",
        "dominio", "años", "año", "describa", "indique", "cuéntenos", "comparta", "envíe", "incluya",
        "propuesta", "ejemplos", "ejemplo", "enlace", "enlaces", "favor", "responda", "explique",
        # how a question is put, not what it is about
        "know", "knows", "mentioned", "listed", "above", "worked", "work", "done", "before", "usually",
        "offer", "prefer", "would", "скільки", "який", "яка", "яке", "які", "знаєте", "згаданих", "згадані",
        "працювали", "робили", "пропонуєте", "зазвичай", "conoce", "conocer", "mencionadas", "mencionados",
        "trabajado", "realizado", "hecho", "antes", "cuál", "cuáles", "cuánto", "cuánta", "cuántos",
        "cuántas", "cómo", "dónde", "cuándo", "quién", "ofrece", "suele"
    ]
)  # fmt: skip


class Ask(NamedTuple):
    """One thing the client asked for."""

    kind: Kind
    text: str  # the clause as the client wrote it (bullet removed, whitespace collapsed)
    terms: tuple[str, ...]  # its key content words, lower-cased, in order
    word: str | None = None  # an instruction's required word
    topic: Literal["timeline", "price"] | None = None  # answered by a duration / an amount

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(text.stem(t) for t in self.terms)

    def label(self, limit: int = 90) -> str:
        """The clause shortened for a suggestion."""
        return text.shorten(self.text.rstrip(" .:;"), limit)


def _any_of(phrases: tuple[str, ...]) -> text.LazyPattern:
    """One whole-word pattern for a list of lower-case phrases (longest first)."""
    ordered = sorted(phrases, key=len, reverse=True)
    return LazyPattern(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in ordered) + r")(?!\w)")


_QUESTION_CUE = _any_of(_QUESTION_CUES)
_REQUIREMENT_CUE = _any_of(_REQUIREMENT_CUES)


def _kind(clause: str, lowered: str, bulleted: bool) -> Kind | None:
    if _INSTRUCTION.search(clause):
        return "instruction"
    if clause.rstrip().endswith("?") or clause.lstrip().startswith("¿"):
        return "question"
    if _QUESTION_CUE.search(lowered):
        return "question"
    if bulleted or _REQUIREMENT_CUE.search(lowered):
        return "requirement"
    return None


def _terms(clause: str) -> tuple[str, ...]:
    chosen: dict[str, str] = {}
    for word in text.content_words(clause):
        if word in _CUE_WORDS:
            continue
        chosen.setdefault(text.stem(word), word)
    return tuple(chosen.values())


def extract(description: str) -> list[Ask]:
    """The requirements, questions and instructions of a job description, in order (at most `MAX_ASKS`, from
    its first `MAX_CLAUSES` clauses)."""
    asks: list[Ask] = []
    seen: set[frozenset[str]] = set()
    for raw in text.clauses(description)[:MAX_CLAUSES]:
        bulleted = bool(_BULLET.match(raw))
        clause = _BULLET.sub("", raw).strip()
        if not clause or (clause.endswith(":") and not bulleted):
            continue  # a heading ("Requirements:") introduces asks, it is not one
        kind = _kind(clause, clause.lower(), bulleted)
        if kind is None:
            continue
        word = None
        if kind == "instruction":
            quoted = _QUOTED.search(clause[_INSTRUCTION.search(clause).end() :])  # type: ignore[union-attr]
            word = quoted.group(1).strip() if quoted else None
            if word is None:
                kind = "requirement"
        terms = _terms(clause) if kind != "instruction" else ((word or "").lower(),)
        lowered_terms = set(text.lowered_words(clause))
        topic: Literal["timeline", "price"] | None = None
        if kind == "question" and lowered_terms & _TIMELINE_TERMS:
            topic = "timeline"
        elif kind == "question" and lowered_terms & _PRICE_TERMS:
            topic = "price"
        key = frozenset(terms)
        if not terms or key in seen:
            continue
        seen.add(key)
        asks.append(Ask(kind=kind, text=clause, terms=terms, word=word, topic=topic))
        if len(asks) == MAX_ASKS:
            break
    return asks


def key_terms(description: str, limit: int) -> list[str]:
    """The job's most frequent content words that say what it is about (no cue words such as "need")."""
    return [t for t in text.top_terms(description, limit + 20) if t not in _CUE_WORDS][:limit]


def coverage(ask: Ask, proposal_stems: set[str] | frozenset[str], proposal_lower: str = "") -> float:
    """How much of `ask` a proposal addresses (0..1): the share of its key stems found among the proposal's;
    an instruction counts only when its word appears in the proposal (`proposal_lower`, normalised and
    lower-cased), a question about time or price fully when the proposal names a duration or an amount."""
    if ask.kind == "instruction":
        return 1.0 if ask.word and text.contains_phrase(proposal_lower, ask.word.lower()) else 0.0
    if ask.topic == "timeline" and DURATION.search(proposal_lower):
        return 1.0
    if ask.topic == "price" and _AMOUNT.search(proposal_lower):
        return 1.0
    wanted = ask.stems
    if not wanted:
        return 0.0
    return len(wanted & proposal_stems) / len(wanted)


def unanswered(asks: list[Ask], proposal: str) -> list[Ask]:
    """The asks a proposal leaves unaddressed (coverage under `ANSWERED`), in the job's order."""
    found = text.stems(proposal)
    lowered = text.normalize(proposal).lower()
    return [ask for ask in asks if coverage(ask, found, lowered) < ANSWERED]
