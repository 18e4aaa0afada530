"""The specifics of a job the draft must answer one by one: the client's questions and requirements.

`extract(description, screening_questions)` reads the description line by line (bullets and numbered items are
requirements by construction) and sentence by sentence, in English, Ukrainian and Spanish:

- an *instruction* is a screening word the client wants to see ("Start your proposal with the word 'mango'"),
  read by `bidcraft.ai.requirements` (the analysis's reader, so both sides agree on it); `text` is the word;
- a *question* ends with `?` (or opens with `¿`), or is one of the posting's screening questions;
- a *deliverable* asks for something to be built or done (`build`, `create`, `we need a …`, `потрібно
  зробити`, `necesitamos …`, or a bullet);
- a *qualification* asks about the freelancer (`experience with`, `must know`, `досвід`, `experiencia`);
- a *constraint* is about time, budget, hours or time zones.

Greetings, thanks and sentences about the client's company are context, not specifics. Each specific keeps the
client's own words (shortened), so the draft can quote it: quoting is grammatical in every language.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from bidcraft.ai import requirements

Kind = Literal["instruction", "question", "deliverable", "qualification", "constraint"]
MAX_SPECIFICS = 10
MAX_QUOTE = 140
MAX_SENTENCE = 400  # characters of a sentence read to classify it (a longer one is not a single ask)
MAX_PIECES = 150  # sentences of a description read (real posts have a few dozen)

_BULLET = re.compile(r"^\s*(?:[-*•▪◦·–]|\d{1,2}[.)]|[a-z][.)])\s+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|(?<=[.!?])$")
_WORD = re.compile(r"[^\W_]+(?:[+#.\-][^\W_]+)*[+#]*", re.UNICODE)

_QUALIFICATION = re.compile(
    r"nice to have|would be a plus|is a plus|a bonus|preferred|бажано|буде плюсом|перевагою|se valora"
    r"|valorable|deseable|experience|experienced|expert|proficien|familiar|knowledge of|skilled|portfolio"
    r"|years? of|must know"
    r"|background in|track record|certified|native speaker|fluent"
    r"|досвід|досвідчен|знанн|вміння|володі|портфоліо|рок(?:и|ів) |знати|носій"
    r"|experiencia|experto|conocimiento|dominio|portafolio|portfolio|años de|nativo|fluido",
    re.IGNORECASE,
)
_CONSTRAINT = re.compile(
    r"deadline|timeline|\bbudget\b|can be|may be|може бути|puede ser"
    r"|time ?zone|hours? (?:a|per) (?:day|week)|overlap|available|availability"
    r"|start (?:immediately|asap|today)|by (?:monday|tuesday|wednesday|thursday|friday|the end)"
    r"|термін|дедлайн|бюджет|часов(?:ий|ому) пояс|годин на тиждень|доступн|до кінця"
    r"|plazo|fecha límite|presupuesto|zona horaria|horas (?:a|por) semana|disponib"
    # formats and rights the result must come in: "9:16", "in Word format", "права передаються"
    r"|\b\d{1,2}:\d{1,2}\b|\bformat\b|формат|formato|\brights\b|copyright|\bnda\b|\bправа\b|derechos",
    re.IGNORECASE,
)
# Context the work must fit, unless the sentence also asks for work: sizes ("files can be 1 GB") and the stack
# ("the site uses Elementor"). "Translate a 40-page manual" stays a deliverable.
_SETTING = re.compile(
    r"\b\d[\d,.]*\s?(?:gb|mb|tb|pages?|words?|rows?|users?|сторін\w*|слів|рядк\w*|páginas?|palabras?|filas?)\b"
    r"|\buses\b|\bwe use\b|built (?:on|with)|runs on|використовуємо|usamos|utilizamos"
    r"|використову|працює на|\busa\b|utiliza|hecho (?:en|con)",
    re.IGNORECASE,
)
_DELIVERABLE = re.compile(
    r"\b(?:need|needs|want|looking for|require|build|create|develop|design|implement|integrate|set up|setup"
    r"|migrate|fix|write|translate|redesign|optimi[sz]e|automate|convert|deliver|produce|edit|analy[sz]e"
    r"|connect|add|make|launch|deploy|improve|update|prepare|research|manage|clean)\b"
    r"|потріб|необхідно|треба|зроби|створ|розроб|налашту|інтегр|переклас|написа|виправ|оптиміз"
    r"|підключ|додат|запуст|оновит|перенест|проаналіз|підготу"
    r"|necesit|quiero|queremos|buscamos|crear|desarroll|diseñ|implement|integrar|configur|migrar"
    r"|arreglar|corregir|escribir|traducir|optimiz|automatiz|conectar|agregar|añadir|lanzar|mejorar"
    r"|actualizar|preparar|analizar"
    # modal requirements: "must work in one colour", "має бути двомовним", "debe tener…"
    r"|\b(?:must|should|has to|have to|needs? to|please (?:share|send|include|attach))\b"
    r"|\b(?:має|мають|повин\w+|необхідно)\b|\b(?:debe|deben|tiene que|hay que|es necesario)\b",
    re.IGNORECASE,
)
_CONTEXT_ONLY = re.compile(
    r"^(?:hi|hello|hey|dear|thanks|thank you|regards|best|cheers|вітаю|привіт|добр(?:ий|ого) д|дякую"
    r"|з повагою|hola|buen(?:os|as) d|gracias|saludos)\b",
    re.IGNORECASE,
)


class Specific(NamedTuple):
    kind: Kind
    text: str  # the client's words, shortened for quoting
    terms: tuple[str, ...] = ()  # its content words, lower-cased (for matching evidence)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    """`text` on one line, without a leading bullet or trailing punctuation, cut at a word boundary."""
    line = _BULLET.sub("", " ".join(text.split())).strip().rstrip(".;:,")
    line = line[:1].upper() + line[1:]
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",;:-–") + "…"


_REQUEST_LEAD = re.compile(
    # someone who will do X → X
    r"^(?:(?:we are |we're |i am |i'm )?looking for (?:an? )?(?:[\w-]+ ){0,3}?(?:who (?:can|will) |to )"
    r"|(?:need|hiring) (?:an? )?(?:[\w-]+ ){0,2}?(?:to|who (?:can|will)) "
    r"|(?:шукаємо|шукаю|потрібен|потрібна|потрібні) [\w'’-]+,? (?:який|яка|що|щоб|для) (?:зможе |може )?"
    r"|buscamos (?:a )?(?:un |una )?(?:[\w-]+ ){0,4}?(?:que|para) (?:pueda )?"
    # it must have X → X
    r"|(?:it |the [\w-]+ )?(?:must|should|needs to) (?:have|include|support)\s+"
    r"|(?:має|повинен|повинна) (?:мати|підтримувати)\s+|debe (?:tener|incluir)\s+"
    # we need X → X
    r"|(?:(?:we|i)(?:'d| would)? (?:also )?(?:need|want|require|are looking for|am looking for)"
    r"|(?:we|i)'re looking for|looking for|need|we'd like|i'd like"
    r"|(?:нам|мені) (?:потріб\w*|треба)|потріб(?:ен|на|но|ні)|необхідно|треба|шукаємо|хочемо"
    r"|necesit\w*|buscamos|busco|queremos|quiero)\s+(?:(?:a|an|to|someone to|un|una|que)\s+)?)",
    re.IGNORECASE,
)


_PRONOUN = re.compile(r"^(?:it|this|that|them|these|це|його|її|їх|lo|la|los|las|esto)\b", re.IGNORECASE)


def label(text: str, limit: int = 60) -> str:
    """A requirement as a short noun-like label (`We need a new checkout` → `New checkout`), for price lines
    and questions back to the client; the client's own words, without the request verb."""
    stripped = _REQUEST_LEAD.sub("", quote(text, 400)).strip()
    if not stripped or _PRONOUN.match(stripped):  # "We want it above 80" → keep the whole sentence
        return quote(text, limit)
    return quote(stripped, limit)


def _pieces(description: str) -> list[tuple[str, bool]]:
    """(sentence, came from a bullet) in order."""
    out: list[tuple[str, bool]] = []
    for line in description.splitlines():
        if not line.strip():
            continue
        bullet = _BULLET.match(line) is not None
        for sentence in _SENTENCE.split(line.strip()):
            if sentence.strip():
                out.append((sentence.strip(), bullet))
    return out


_ASKS = re.compile(
    r"^(?:please|kindly) (?:share|send|provide|list|attach|include)\b"
    r"|^(?:please |pls |kindly )?(?:explain|describe|tell (?:me|us)|let (?:me|us) know|mention"
    r"|include in your"
    r"|send (?:me|us)|share (?:your|a|links?|examples?)|include (?:examples?|links?|your)|attach"
    r"|list (?:your|the)"
    r"|in your (?:proposal|cover letter|reply))\b"
    r"|^(?:будь ласка,? )?(?:опишіть|розкажіть|вкажіть|поясніть|напишіть у відгуку|надішліть|поділіться"
    r"|додайте)"
    r"|^(?:por favor,? )?(?:explique|indique|describa|cuénte(?:nos|me)|díga(?:nos|me)|envíe|envíenos|comparta"
    r"|incluya|adjunte)",
    re.IGNORECASE,
)


def _kind(sentence: str, bullet: bool) -> Kind | None:
    stripped = sentence.strip()[:MAX_SENTENCE]
    if stripped.endswith("?") or stripped.startswith("¿") or _ASKS.search(_BULLET.sub("", stripped)):
        return "question"
    greeting = _CONTEXT_ONLY.match(stripped)
    if greeting is not None and not bullet:
        rest = stripped[greeting.end() :].lstrip(" ,!.:-—")
        if len(words(rest)) < 4:  # "Hi there!", "Thanks in advance"
            return None
        stripped = rest
    if _QUALIFICATION.search(stripped):
        return "qualification"
    if _CONSTRAINT.search(stripped):
        return "constraint"
    if _DELIVERABLE.search(stripped):
        return "deliverable"
    if _SETTING.search(stripped):
        return "constraint"
    return "deliverable" if bullet else None


def _without_greeting(sentence: str) -> str:
    greeting = _CONTEXT_ONLY.match(sentence.strip())
    return sentence.strip()[greeting.end() :].lstrip(" ,!.:-—") if greeting else sentence


def _position(description: str, text: str) -> int:
    """Where a specific starts in the description (screening questions, not in it, come first)."""
    head = text.rstrip("…")[:30].lower()
    found = description.lower().find(head)
    return found if found >= 0 else -1


def extract(description: str, screening_questions: list[str] | tuple[str, ...] = ()) -> list[Specific]:
    """The job's questions (screening questions first) and requirements, in order, without duplicates."""
    found: list[Specific] = []
    seen: set[str] = set()

    def add(kind: Kind, sentence: str) -> None:
        text = quote(sentence)
        key = " ".join(words(text))
        if len(key) < 3 or key in seen:
            return
        seen.add(key)
        found.append(Specific(kind, text, tuple(words(text))))

    asks = requirements.extract(description)
    instructions = [ask for ask in asks if ask.kind == "instruction" and ask.word]
    skip = {" ".join(words(quote(ask.text))) for ask in instructions}
    for ask in instructions:
        seen.add(" ".join(words(quote(ask.text))))
        found.append(Specific("instruction", ask.word or "", (str(ask.word).lower(),)))
    for question in screening_questions:
        if question.strip():
            add("question", question)
    for sentence, bullet in _pieces(description)[:MAX_PIECES]:
        kind = _kind(sentence, bullet)
        if kind is not None and " ".join(words(quote(_without_greeting(sentence)))) not in skip:
            add(kind, _without_greeting(sentence))
    for ask in asks:  # what the analysis's reader sees that these cues missed ("Responsive on all devices")
        clause = _without_greeting(ask.text)
        if ask.kind == "question":
            add("question", clause)
        elif ask.kind == "requirement":
            add(_kind(clause, True) or "deliverable", clause)
    position = {s.text: _position(description, s.text) for s in found}
    found.sort(key=lambda s: (s.kind != "instruction", s.kind != "question", position[s.text]))
    ordered = [s for s in found if s.kind == "instruction"] + [s for s in found if s.kind == "question"]
    others = [s for s in found if s.kind not in ("instruction", "question")]
    return (ordered + others)[: max(MAX_SPECIFICS, len(ordered))]
