"""Plain-text helpers of the offline engine, for text in any language: words, sentences, stems, stop words,
language detection and keyword extraction.

- Words are Unicode-aware: a word starts with a letter of any script and may contain letters, digits,
  marks and inner `' ’ ʼ - . + #` (`diseñador`, `пам'ять`, `Node.js`, `C#`). Text is NFC-normalised first, so
  a letter written as base + combining mark (`й` as `и` + U+0306) is one letter.
- `language()` asks CLD2 (`pycld2`, a compiled detector with wheels: ~8 ms to import, ~0.05 ms a call),
  imported on first use only; when CLD2 is unsure (very short text) the script decides (Cyrillic → `uk`
  unless letters only Russian has appear, Latin with `ñ ¿ ¡` → `es`, else `en`).
- `stem()` is a language-agnostic light stemmer (a word's first five letters) that lets inflected forms meet:
  `магазин`/`магазину`, `diseño`/`diseñador`, `track`/`tracking`.

Everything is deterministic (ties broken by first occurrence) and linear in the text length.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from bidcraft.patterns import LazyPattern

_WORD = LazyPattern(r"[^\W\d_](?:[\w'’ʼ+#.\-]*[\w+#])?")
_SENTENCE_END = LazyPattern(r"[.!?…]+(?:\s|$)|\n{2,}")
# A clause boundary that keeps its punctuation: after . ! ? … (and closing quotes), at blank lines and at the
# line breaks that end a line (see `_hard_breaks`): a question keeps its `?`, each bullet is its own clause.
_CLAUSE_END = LazyPattern(r"(?<=[.!?…])[\"')\]»]*[ \t]+|\s*\n\s*")
_BULLET_LINE = LazyPattern(r"^\s*(?:[-*•–·✅✔✓☑⭐★]|\d{1,2}[.)])\s")
_LINE_END = ".!?…:;"
_NUMBER = LazyPattern(r"(?<![^\W\d_])(?:[$€£₴]\s?)?\d+(?:[.,]\d+|\s\d{3}\b)*(?:\s?(?:%|k\b|\+))?")

STEM_LENGTH = 5

_EN_STOP = """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each else ever every few for from
    further get got had has have having he her here hers herself him himself his how i if in into is it
    its itself just let like ll me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own per please re really same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up us very was we
    were what when where which while who whom why will with would you your yours yourself yourselves ve
    d s t m can't don't i'm i've i'll we'll you're it's need needs want wants looking work working
    project job hi hello dear thanks thank regards best one two new make sure well able etc via using
    use used within without across lot lots much many"""
_UK_STOP = """а або але би б був була були було бути в вам вас ваш ваша ваше ваші від вже ви все всі
    всього де для до є ж же з за зі и і із їх й його йому к коли краще крім ли лише мені мене ми мій мої
    моя моє мною
    на над навіть нам нас наш наша наше наші не неї немає ні ніж ну о об од оскільки от перед по під
    після поки при про раз саме себе собі та так також там те тим тих то тобто тощо ту тут у хоча це цей
    ці цим цих цього цю ця через чи чим що щоб щодо як який яка яке які якщо я ось треба потрібно дуже
    добрий доброго день вітаю привіт дякую проєкт проект робота роботу роботи можу буду маю має мають"""
_ES_STOP = """a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
    ella ellas ellos en entre era es esa esas ese eso esos esta estas este esto estos está están estoy
    fue fueron ha han hasta hay la las le les lo los más me mi mis mucho muy ni no nos nosotros o os
    otra otro para pero poco por porque que qué quien se sea ser si sí sin sobre son su sus también
    tanto te tengo tiene tienen todo todos tu tus un una uno unos usted ustedes y ya yo hola saludos
    gracias proyecto trabajo puedo puede necesita necesitan estimado estimada nuestro nuestra nuestros
    nuestras vuestro"""
STOP_WORDS = frozenset(f"{_EN_STOP} {_UK_STOP} {_ES_STOP}".split())

# Letters only Russian (not Ukrainian) writes, and the Ukrainian-only ones.
_RUSSIAN_ONLY = frozenset("ыэъё")
_UKRAINIAN_ONLY = frozenset("іїєґ")
_SPANISH_MARKS = frozenset("ñ¿¡")


def normalize(text: str) -> str:
    """NFC with one apostrophe (`’`/`ʼ` → `'`): the form every helper below works on."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("’", "'").replace("ʼ", "'").replace("`", "'")  # str.replace beats str.translate


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


def lowered_words(text: str) -> list[str]:
    return [w.lower() for w in words(text)]


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning: no stop words, at least three characters (or `c#`-like)."""
    return [w for w in lowered_words(text) if w not in STOP_WORDS and (len(w) >= 3 or "#" in w or "+" in w)]


def stem(word: str) -> str:
    """A light, language-agnostic stem: the lower-cased word cut to `STEM_LENGTH` characters."""
    return word.lower().rstrip(".")[:STEM_LENGTH]


def stems(text: str) -> set[str]:
    """The stems of the content words of `text`."""
    return {stem(w) for w in content_words(text)}


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(normalize(text))
    return [p.strip() for p in parts if p and p.strip()]


def _hard_breaks(text: str) -> str:
    """`text` with soft-wrapped lines joined: a line break stays only after a line that ends a sentence or a
    heading, around list items, at blank lines and after short lines (a title, a signature)."""
    lines = text.split("\n")
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        stripped = line.rstrip()
        soft = (
            stripped
            and following.strip()
            and stripped[-1] not in _LINE_END
            and len(stripped) >= 60
            and not _BULLET_LINE.match(line)
            and not _BULLET_LINE.match(following)
        )
        out.append(stripped + (" " if soft else "\n"))
    return "".join(out)


def clauses(text: str) -> list[str]:
    """Sentences and list items with their end punctuation kept (`?` tells a question)."""
    parts = _CLAUSE_END.split(_hard_breaks(normalize(text)))
    return [" ".join(p.split()) for p in parts if p and p.strip()]


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def numbers(text: str) -> list[str]:
    return [n.strip() for n in _NUMBER.findall(text)]


def contains_phrase(text_lower: str, phrase: str) -> bool:
    """Whole-word, case-insensitive phrase match (`text_lower` already lower-cased), in any script."""
    pattern = r"(?<![\w])" + re.escape(phrase.lower()) + r"(?![\w])"
    return re.search(pattern, text_lower) is not None


def _script_language(text: str) -> str:
    letters = [c for c in text.lower() if c.isalpha()]
    if not letters:
        return "en"
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    if cyrillic * 2 >= len(letters):
        present = set(letters)
        return "ru" if present & _RUSSIAN_ONLY and not present & _UKRAINIAN_ONLY else "uk"
    if set(letters) & _SPANISH_MARKS:
        return "es"
    return "en"


def language(text: str) -> str:
    """ISO 639-1 code of the language `text` is written in (`en`, `uk`, `es`, …); `en` when nothing tells."""
    import pycld2  # lazily: only the AI functions pay its import

    sample = normalize(text)[:4_000]
    try:
        reliable, _, details = pycld2.detect(sample, bestEffort=True)
    except pycld2.error:
        return _script_language(sample)
    code = details[0][1] if details else "un"
    if not reliable or code in ("un", "xxx") or len(code) > 3:
        return _script_language(sample)
    return str(code)


def top_terms(text: str, limit: int) -> list[str]:
    """The `limit` most frequent content words, ties by first occurrence."""
    tokens = content_words(text)
    counts = Counter(tokens)
    first: dict[str, int] = {}
    for index, token in enumerate(tokens):
        first.setdefault(token, index)
    ranked = sorted(counts, key=lambda t: (-counts[t], first[t]))
    return ranked[:limit]


def keywords(text: str, *, context: str = "", skills: Sequence[str] = (), limit: int = 10) -> list[str]:
    """Keywords of `text`: matched skills first (as the caller spelled them), then terms that the job context
    shares, then the most frequent content words. Deterministic."""
    lowered = normalize(text).lower()
    chosen: list[str] = []
    seen: set[str] = set()

    def take(candidates: Iterable[str]) -> None:
        for candidate in candidates:
            key = candidate.lower()
            if key not in seen and len(chosen) < limit:
                seen.add(key)
                chosen.append(candidate)

    take(skill for skill in skills if contains_phrase(lowered, skill))
    frequent = top_terms(text, 50)
    if context:
        shared = stems(context)
        take(term for term in frequent if stem(term) in shared)
    take(frequent)
    return chosen


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"
