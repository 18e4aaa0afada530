"""Suggestions of the offline analysis, written in the proposal's language (English, Ukrainian, Spanish;
English for any other). Each message quotes the text it is about or names the job's unanswered ask, so the
freelancer knows what to change and where. The wording lives in `data/suggestions.json` (one entry per
message and language), read once on first use."""

from __future__ import annotations

import functools
import json
from importlib import resources

from bidcraft.ai import text

SUPPORTED = ("en", "uk", "es")


@functools.cache
def _messages() -> dict[str, dict[str, str]]:
    """`data/suggestions.json`, read on first use."""
    raw = resources.files("bidcraft.ai").joinpath("data/suggestions.json").read_text(encoding="utf-8")
    messages: dict[str, dict[str, str]] = json.loads(raw)["messages"]
    return messages


def say(key: str, language: str, **values: object) -> str:
    """The message `key` in `language` (English when not supported), with quotes shortened."""
    lang = language if language in SUPPORTED else "en"
    shortened = {k: text.shorten(v, 80) if isinstance(v, str) else v for k, v in values.items()}
    return _messages()[key][lang].format(**shortened)
