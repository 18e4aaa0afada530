"""Timelines as clients write them, in English, Ukrainian and Spanish: `2 weeks`, `2-3 months`, `1 to 2
years`, `less than 1 month`, `ASAP`, `3 тижні`, `від 2 до 3 місяців`, `de 2 a 3 semanas`, `un mes`, `urgente`.

`parse(text)` returns a `Timeline`: the duration as a range in its own unit (for restating it in the draft's
language) and in working days (for pricing: 5 a week, 21 a month, 250 a year), and whether the client is in a
hurry. Anything it cannot read gives `None` rather than a guess. Its patterns are compiled by the first
timeline parsed (`LazyPattern`): a job without one never needs them.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from bidcraft.patterns import LazyPattern

Unit = Literal["hour", "day", "week", "month", "year"]
WORKING_DAYS: dict[str, float] = {"hour": 1 / 6, "day": 1.0, "week": 5.0, "month": 21.0, "year": 250.0}

_UNITS: tuple[tuple[str, Unit], ...] = (
    (r"hours?|hrs?|годин[аиу]?|год\.?|horas?", "hour"),
    (r"days?|дн[іяь]в?|день|días?|dias?", "day"),
    (r"weeks?|wks?|тиж(?:день|ні|нів|ня|ні)|тиж\.?|semanas?", "week"),
    (r"months?|mos?|місяц(?:ь|і|ів|я)|міс\.?|mes(?:es)?", "month"),
    (r"years?|yrs?|рок(?:и|ів|у)|рік|años?|anos?", "year"),
)
_NUMBER_WORDS = {
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3, "half": 0.5,
    # Ukrainian
    "один": 1, "одна": 1, "одного": 1, "одну": 1, "два": 2, "дві": 2, "двох": 2, "три": 3, "трьох": 3,
    "чотири": 4, "чотирьох": 4, "п'ять": 5, "пʼять": 5, "п’ять": 5, "шість": 6, "сім": 7, "вісім": 8,
    "дев'ять": 9, "десять": 10, "пів": 0.5, "півтора": 1.5,
    # Spanish
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "medio": 0.5, "media": 0.5,
}  # fmt: skip
_NUM = (
    r"(\d{1,4}(?:[.,]\d{1,2})?|"
    + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
    + ")"
)
_RANGE_JOIN = r"\s{0,3}(?:-|–|—|to|or|до|або|чи|a|y|o)\s{0,3}"
_UNIT_RE = "(" + "|".join(pattern for pattern, _ in _UNITS) + r")(?![\w])"
_SPAN = LazyPattern(
    r"(?<![\w])" + _NUM + r"(?:" + _RANGE_JOIN + _NUM + r")?\s{0,3}" + _UNIT_RE, re.IGNORECASE
)
_BARE_UNIT = LazyPattern(r"(?<![\w])" + _UNIT_RE, re.IGNORECASE)
_LESS_THAN = LazyPattern(
    r"(?:less than|under|up to|within|до|менше|не більше|menos de|hasta|dentro de)\s{0,3}$"
)
_MORE_THAN = LazyPattern(
    r"(?:more than|over|at least|понад|більше|більш ніж|щонайменше|más de|al menos)\s{0,3}$"
)
_URGENT = LazyPattern(
    r"\basap\b|as soon as possible|urgent|right away|immediately|today|tomorrow"
    r"|терміново|якнайшвидше|якомога швидше|негайно|сьогодні|завтра"
    r"|urgente|lo antes posible|cuanto antes|de inmediato|inmediatamente|hoy|mañana",
    re.IGNORECASE,
)


class Timeline(NamedTuple):
    low: float  # in `unit`
    high: float
    unit: Unit | None  # None: urgent, with no duration given
    urgent: bool = False

    @property
    def days(self) -> tuple[float, float] | None:
        """(min, max) working days, when a duration was given."""
        if self.unit is None:
            return None
        per = WORKING_DAYS[self.unit]
        return self.low * per, self.high * per

    @property
    def max_days(self) -> float | None:
        days = self.days
        return days[1] if days else None


def _number(token: str) -> float:
    token = token.lower()
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    return float(token.replace(",", "."))


def _unit(token: str) -> Unit:
    for pattern, unit in _UNITS:
        if re.fullmatch(pattern, token, re.IGNORECASE):
            return unit
    raise ValueError(token)  # unreachable: the token matched one of the patterns


def parse(text: str | None) -> Timeline | None:
    if not text:
        return None
    urgent = _URGENT.search(text) is not None
    match = _SPAN.search(text)
    if match is None:
        bare = _BARE_UNIT.search(text)  # "a month", "місяць", "una semana" without a number
        if bare is not None and not re.match(r"[\w]", text[bare.end() : bare.end() + 1] or " "):
            unit = _unit(bare.group(1))
            return Timeline(1.0, 1.0, unit, urgent)
        return Timeline(0.0, 0.0, None, True) if urgent else None
    first = _number(match.group(1))
    second = _number(match.group(2)) if match.group(2) else first
    low, high = sorted((first, second))
    if low <= 0:
        return Timeline(0.0, 0.0, None, True) if urgent else None
    unit = _unit(match.group(3))
    before = text[: match.start()].lower()
    if _LESS_THAN.search(before) and low == high:
        low = high / 2 if unit != "day" else max(1.0, high / 2)
    elif _MORE_THAN.search(before) and low == high:
        high = low * 1.5
    return Timeline(low, high, unit, urgent)
