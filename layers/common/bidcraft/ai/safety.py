"""Checks on generated content before it is returned (API.md; security-tests I9, I10).

`check(text)` returns the text to send and the warnings to list in `content_warnings`:

| warning | what happened |
|---|---|
| `redacted:email` | e-mail addresses replaced by `[email removed]` |
| `redacted:phone` | phone numbers (9-15 digits, with the usual separators) replaced by `[phone removed]` |
| `removed:html` | HTML tags stripped (clients may render the text) |
| `removed:markdown_image` | markdown images stripped (a classic exfiltration channel) |
| `redacted:toxicity` | words of a small profanity/insult list replaced by `[removed]` |
| `blocked:system_prompt` | the text echoes a system prompt (`SYSTEM: You are…`, our canary marker) |
| `blocked:secret` | the text contains something shaped like a credential (`API_KEY=`, `sk-…`, `AKIA…`) |

A `blocked:*` finding replaces the whole text with `REFUSAL`: a leak is never partially redacted. All patterns
are linear (bounded gaps), as in `bidcraft.security.threats`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

REFUSAL = "This content was withheld because it failed an automated safety check. Please try again."
SYSTEM_PROMPT_CANARY = "bc-canary-7f3a"

_EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-]{7,22}\d(?![\w])")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]{0,20}(?:\s[^<>]{0,500})?/?>")
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)")
_SYSTEM_PROMPT = re.compile(
    r"(?:^|\n|\s)(?:system|developer)\s{0,3}(?:prompt)?\s{0,3}:\s{0,3}you\s{1,3}are\b"
    r"|<\|(?:im_start|system)\|>|" + re.escape(SYSTEM_PROMPT_CANARY),
    re.IGNORECASE,
)
_SECRET = re.compile(
    r"\b(?:api[_\- ]?key|secret[_\- ]?key|access[_\- ]?token|password)\s{0,3}[=:]\s{0,3}\S"
    r"|\bsk-(?:proj-)?[A-Za-z0-9_\-]{16,}|\bAKIA[0-9A-Z]{16}\b|\bwhsec_[A-Za-z0-9+/=]{16,}",
    re.IGNORECASE,
)
_TOXIC_WORDS = (
    "fuck",
    "fucking",
    "fucked",
    "shit",
    "shitty",
    "bullshit",
    "bitch",
    "asshole",
    "bastard",
    "dickhead",
    "moron",
    "idiot",
    "idiots",
    "imbecile",
    "stupid",
    "dumbass",
    "crap",
    "loser",
)
_TOXIC = re.compile(r"\b(?:" + "|".join(_TOXIC_WORDS) + r")\b", re.IGNORECASE)


@dataclass
class Checked:
    text: str
    warnings: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(w.startswith("blocked:") for w in self.warnings)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[phone removed]" if 9 <= digits <= 15 else match.group(0)


_SYSTEM_NEEDLES = ("system", "developer", "<|", SYSTEM_PROMPT_CANARY)
_SECRET_NEEDLES = ("key", "token", "password", "sk-", "akia", "whsec_")
_TOXIC_STEMS = (
    "fuck",
    "shit",
    "bitch",
    "asshole",
    "bastard",
    "dickhead",
    "moron",
    "idiot",
    "imbecile",
    "stupid",
    "dumbass",
    "crap",
    "loser",
)


def _present(lowered: str, needles: tuple[str, ...]) -> bool:
    return any(needle in lowered for needle in needles)


def check(text: str) -> Checked:
    """Cheap substring tests decide which patterns run; the patterns keep the text's own case."""
    lowered = text.lower()
    if _present(lowered, _SYSTEM_NEEDLES) and _SYSTEM_PROMPT.search(text):
        return Checked(REFUSAL, ["blocked:system_prompt"])
    if _present(lowered, _SECRET_NEEDLES) and _SECRET.search(text):
        return Checked(REFUSAL, ["blocked:secret"])
    warnings: list[str] = []
    cleaned = text
    steps: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
        ("![", _MD_IMAGE, "", "removed:markdown_image"),
        ("<", _HTML_TAG, "", "removed:html"),
        ("@", _EMAIL, "[email removed]", "redacted:email"),
    )
    for needle, pattern, replacement, warning in steps:
        if needle in cleaned:
            cleaned, count = pattern.subn(replacement, cleaned)
            if count:
                warnings.append(warning)
    redacted = _PHONE.sub(_phone, cleaned)
    if redacted != cleaned:
        warnings.append("redacted:phone")
    if _present(lowered, _TOXIC_STEMS):
        redacted, count = _TOXIC.subn("[removed]", redacted)
        if count:
            warnings.append("redacted:toxicity")
    return Checked(redacted, warnings)


def check_all(texts: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Check several named texts; the warnings are merged, in a stable order, without duplicates."""
    out: dict[str, str] = {}
    warnings: list[str] = []
    for name, value in texts.items():
        result = check(value)
        out[name] = result.text
        warnings.extend(w for w in result.warnings if w not in warnings)
    return out, warnings
