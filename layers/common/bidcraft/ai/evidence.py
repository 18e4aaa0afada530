"""Concrete evidence versus bare claims in a proposal, in English, Ukrainian and Spanish.

Evidence is what a client can check or picture: links to work, measured results (numbers with a unit, a
before → after), past work told in the past tense with a detail, and a plan in steps. Claims are adjectives
about oneself ("expert", "highly skilled", "100% satisfaction", "професіонал", "amplia experiencia").
Numbers that the job description already contains are not the freelancer's evidence (an echo of "PageSpeed 38"
proves nothing), so callers pass the description's numbers to ignore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bidcraft.ai import text
from bidcraft.patterns import LazyPattern

_LINK = LazyPattern(
    r"https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|dev|app|co|es|ua|me|site|page|ai)(?:/\S*)?"
    r"|\bt\.me/\S+|\b(?:github|gitlab|behance|dribbble)\b",
    re.IGNORECASE,
)
# A number with a unit or a comparison: a measured result, not a bare count.
_N = r"[$€£₴]?\s?\d[\d.,]*(?:\s?[km]\b)?"  # a number, with its currency and thousands/millions
_UNITS = (
    r"%|x\b|×|k\b|ms\b|s\b|sec|seconds?|min\b|minutes|hours?|h\b|users|downloads|subscribers|subs\b|visits|"
    r"events|orders|stores|shops|clients|customers|apps|projects|skus|products|articles|posts|entries|words|"
    r"pages|sites|installs|reviews|leads|sales|patients|records|rows|години|годин|хвилин|користувач\w*|"
    r"клієнт\w*|замовлен\w*|записів|заклад\w*|магазин\w*|проєкт\w*|відвідувач\w*|usuarios|clientes|visitas|"
    r"pedidos|entradas|artículos|palabras|pacientes|proyectos|tiendas"
)
_RESULT = LazyPattern(
    rf"(?<![\w.,$€£₴])(?:{_N}\s?%?\s?(?:→|->|=>)\s?{_N}"
    rf"|\b(?:from|з|de|від)\s+{_N}\s?%?\s+(?:to|до|a|на)\s+{_N}"
    r"|[$€£₴]\s?\d[\d.,]*(?:\s?[km]\b)?"
    r"|\d[\d.,]*\s?(?:[$€£₴]|(?:usd|eur|грн|доларів|euros?)\b)"
    rf"|\d[\d.,]*\s?(?:{_UNITS}))",
    re.IGNORECASE,
)
_OUTCOME = LazyPattern(
    r"\b(?:increas\w*|reduc\w*|cut|cutting|grew|grow\w*|improv\w*|boost\w*|saved|saving|doubl\w*|"
    r"went from|dropped|rank\w*|retention|conversion|виріс|виросла|виросли|зросла|зріс|скороти\w*|зменши\w*|"
    r"збільши\w*|покращи\w*|конверсі\w*|aument\w*|reduj\w*|reduc\w*|mejor\w*|crec\w*|ahorr\w*|conversión|"
    r"tráfico)\b",
    re.IGNORECASE,
)
# First-person past work: "I built", "I've shipped", "зробив", "розробила", "he migrado", "desarrollé".
_PAST_WORK = LazyPattern(
    r"\b(?:i(?:'ve| have)?\s+(?:also\s+)?(?:built|shipped|launched|migrated|optimized|optimised|sped up|"
    r"designed|developed|edited|cut|translated|written|wrote|delivered|led|ran|created|made|set up|"
    r"implemented|automated|managed|reduced|increased|rebuilt|redesigned|done|did|handled|worked on|"
    r"published|fixed|scaled|deployed)|my (?:last|latest|recent|previous) (?:client|project|app)|"
    r"last (?:month|year|week)|recent(?:ly)?|case:|in 20\d\d)"
    r"|\b(?:зробив|зробила|зробили|розробив|розробила|розробили|запустив|запустила|оновив|оновила|писав|"
    r"писала|перекладав|перекладала|налаштував|налаштувала|робив|робила|створив|створила|вів|вела|"
    r"нещодавно|минулого року)"
    r"|\b(?:he\s+(?:migrado|traducido|realizado|hecho|trabajado|desarrollado|creado|gestionado|colaborado|"
    r"lanzado|diseñado|escrito)|llevo|desarrollé|diseñé|migré|traduje|lancé|reduje|aumenté|creé|trabajé|"
    r"gestioné|el año pasado|desde 20\d\d)",
    re.IGNORECASE,
)
_STEP = LazyPattern(
    r"^\s*(?:\d{1,2}[.)]|[-*•–])\s+\S|\b(?:week|day|weeks|days)\s+\d|\bтиждень\s+\d|\bsemana\s+\d|"
    r"\b(?:first|then|after that|finally|спочатку|потім|далі|primero|después|luego)\b",
    re.IGNORECASE | re.MULTILINE,
)
_CLAIMS = (
    # en
    r"\bexpert\b", r"\bexpertise\b", r"highly skilled", r"\bskilled\b", r"\bprofessional\b",
    r"top[- ]rated", r"\bcertified\b", r"\bguarantee\w*", r"\b100\s?% (?:satisf|original|accura|job)",
    r"\bbest\b", r"\bperfect(?:ly)?\b", r"\bhigh[- ]quality\b", r"\bamazing\b", r"\bpassion\w*",
    r"\bdedicat\w*", r"\bhard[- ]working\b", r"\breliable\b", r"\bexcellent\b", r"\bmany (?:years|projects)",
    r"\bstrong (?:experience|skills)", r"\bextensive experience", r"\bvast experience",
    r"\b\d+\+ (?:years|projects)",
    # uk
    r"професіонал\w*", r"досвідчений", r"великим досвідом", r"багаторічн\w*", r"гаранту\w*",
    r"висок\w* якіст\w*", r"якісно", r"найкращ\w*", r"відповідальн\w*", r"пунктуальн\w*", r"креативн\w*",
    # es
    r"\bprofesional\b", r"amplia experiencia", r"\bexperto\b", r"\bexperta\b", r"garantiz\w*",
    r"alta calidad", r"máxima calidad", r"\bresponsable\b", r"\bpuntual\b", r"\bmejor\b", r"apasionad\w*",
    r"comprometid\w*",
)  # fmt: skip
_CLAIM = LazyPattern("|".join(_CLAIMS), re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    links: int
    results: int  # measured results (numbers with a unit or a before → after), new to the job post
    outcomes: int  # clauses that report an outcome (increased, скоротив, aumentó …) of a figure or past job
    past_work: int  # clauses telling past work in the first person
    steps: int  # plan steps and sequence words
    claims: list[str] = field(default_factory=list)  # the claim clauses, as written

    @property
    def proof(self) -> float:
        """0..1: how much checkable proof the text carries (saturating)."""
        raw = (
            0.9 * min(self.links, 3)
            + 0.45 * min(self.results, 5)
            + 0.3 * min(self.outcomes, 3)
            + 0.35 * min(self.past_work, 4)
        )
        return 1 - 2.718281828 ** (-raw / 1.2)


def _numbers_of(description: str) -> set[str]:
    return set(re.findall(r"\d+", description))


def find(proposal: str, description: str = "") -> Evidence:
    """The evidence and the claims of `proposal`; numbers already in `description` do not count."""
    known = _numbers_of(description)
    links = results = outcomes = past_work = steps = 0
    claims: list[str] = []
    for clause in text.clauses(proposal):
        found_links = _LINK.findall(clause)
        links += len(found_links)
        bare = _LINK.sub(" ", clause)
        measured = 0
        for match in _RESULT.finditer(bare):
            if not set(re.findall(r"\d+", match.group(0))) <= known:  # figures of the job post prove nothing
                measured += 1
        results += measured
        told = bool(_PAST_WORK.search(bare))
        past_work += told
        # "grew", "скоротив", "redujo" prove something only about a figure or a past job, not as a promise
        has_outcome = bool(_OUTCOME.search(bare)) and bool(measured or told)
        outcomes += has_outcome
        if len(text.words(clause)) >= 5:  # "✅ Fast delivery" is a selling point, not a step
            steps += len(_STEP.findall(clause))
        if _CLAIM.search(bare) and not (found_links or told or has_outcome or measured):
            claims.append(clause)
    return Evidence(links, results, outcomes, past_work, steps, claims)
