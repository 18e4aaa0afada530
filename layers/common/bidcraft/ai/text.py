"""Plain-text helpers of the offline engine: words, sentences, stop words and keyword extraction.

Everything is deterministic (ties broken by first occurrence) and linear in the text length.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#.\-]*[A-Za-z0-9+#]|[A-Za-z]")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n{2,}")
_NUMBER = re.compile(r"(?<![A-Za-z])(?:\$\s?)?\d[\d,]*(?:\.\d+)?\s?(?:%|k\b|\+)?")

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "else",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "like",
        "ll",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "please",
        "re",
        "really",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "ve",
        "d",
        "s",
        "t",
        "m",
        "can't",
        "don't",
        "i'm",
        "i've",
        "i'll",
        "we'll",
        "you're",
        "it's",
        "need",
        "needs",
        "want",
        "wants",
        "looking",
        "work",
        "working",
        "project",
        "job",
        "hi",
        "hello",
        "dear",
        "thanks",
        "thank",
        "regards",
        "best",
        "one",
        "two",
        "new",
        "make",
        "sure",
        "well",
        "able",
        "etc",
        "via",
        "using",
        "use",
        "used",
        "within",
        "without",
        "across",
        "able",
        "lot",
        "lots",
        "much",
        "many",
    ]
)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def lowered_words(text: str) -> list[str]:
    return [w.lower() for w in words(text)]


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning: no stop words, at least three characters (or `c#`-like)."""
    return [w for w in lowered_words(text) if w not in STOP_WORDS and (len(w) >= 3 or "#" in w or "+" in w)]


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(text)
    return [p.strip() for p in parts if p and p.strip()]


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def contains_phrase(text_lower: str, phrase: str) -> bool:
    """Whole-word, case-insensitive phrase match (`text_lower` already lower-cased)."""
    pattern = r"(?<![a-z0-9])" + re.escape(phrase.lower()) + r"(?![a-z0-9])"
    return re.search(pattern, text_lower) is not None


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
    lowered = text.lower()
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
        shared = set(content_words(context))
        take(term for term in frequent if term in shared)
    take(frequent)
    return chosen


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"
