"""Drafting measured on labelled jobs (`tests/data/ai/generation/`): see `docs/ai.md` ("Generation")."""

from __future__ import annotations

import re

_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_WORDS = 4  # "Hello," or "Kind regards," is a salutation, not a sentence


def sentences(text: str) -> list[str]:
    """The sentences of a draft, normalised (list markers dropped, spaces collapsed, lower case); salutations
    and other fragments under `MIN_WORDS` words are not counted."""
    found: list[str] = []
    for line in text.splitlines():
        line = _LIST_MARK.sub("", line).strip()
        for part in _SENTENCE_END.split(line):
            part = " ".join(part.split()).lower()
            if len(part.split()) >= MIN_WORDS:
                found.append(part)
    return found


def evaluate() -> list:  # type: ignore[type-arg]
    return []
