"""The input threat scanner: SQL injection, XSS, prompt injection, command injection, path traversal.

It DETECTS, it does not block (API.md: text that looks like an attack is flagged, audited and still handled
strictly as data; a developer's proposal may quote SQL). It is never the only control: nothing is ever
interpolated into a query, a shell or a prompt's instructions (ASVS 1.2.4).

Linear time by construction (ASVS 1.3.12, security-tests I8): every pattern starts with a literal or a small
character class, every gap is bounded (`{0,N}`), and no quantified group can match the same text in two ways,
so Python's backtracking engine does at most O(N · pattern) work per start position. Prompt injection is found
on a token stream (words canonicalised against typoglycemia, spaced letters joined, one level of base64
decoded) with fixed-size windows instead of regexes. Inputs are capped at `MAX_SCAN_CHARS`.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Threat(StrEnum):
    SQL_INJECTION = "sql_injection"
    XSS = "xss"
    PROMPT_INJECTION = "prompt_injection"
    COMMAND_INJECTION = "command_injection"
    PATH_TRAVERSAL = "path_traversal"


@dataclass(frozen=True, order=True)
class Finding:
    threat: Threat
    rule: str
    field: str = ""


MAX_SCAN_CHARS = 200_000


@dataclass(frozen=True)
class _Rule:
    """A regex over the LOWER-CASED text, run only when every group of `needles` has a member in the text
    (substring tests are cheap; most rules are skipped for ordinary prose)."""

    threat: Threat
    name: str
    pattern: re.Pattern[str]
    needles: tuple[tuple[str, ...], ...]

    def applies(self, text: str) -> bool:
        return all(any(n in text for n in group) for group in self.needles)


def _rule(threat: Threat, name: str, pattern: str, *needles: tuple[str, ...]) -> _Rule:
    return _Rule(threat, name, re.compile(pattern), needles)


# Gaps are bounded; no quantified group can match the same text in two ways.
_RULES: tuple[_Rule, ...] = (
    # SQL injection. Plain English ("O'Brien", "select the best proposal", "DROP me a line") matches none.
    _rule(
        Threat.SQL_INJECTION,
        "tautology",
        r"'\s{0,5}(?:or|and)\s{1,5}'?\w{1,20}'?\s{0,5}(?:=|like\b)",
        ("'",),
        ("or", "and"),
        ("=", "like"),
    ),
    _rule(
        Threat.SQL_INJECTION,
        "union_select",
        r"\bunion\s{1,10}(?:all\s{1,10})?select\b",
        ("union",),
        ("select",),
    ),
    _rule(
        Threat.SQL_INJECTION,
        "stacked_query",
        r";\s{0,5}(?:drop|delete|truncate|alter|insert|update|create|exec|shutdown)\s{1,5}"
        r"(?:table|database|schema|from|into|user|\w{1,64}\s{1,5}set)\b",
        (";",),
    ),
    _rule(Threat.SQL_INJECTION, "drop_table", r"\bdrop\s{1,5}(?:table|database|schema)\b", ("drop",)),
    _rule(Threat.SQL_INJECTION, "quote_comment", r"'\s{0,5};?\s{0,5}(?:--|#|/\*)", ("'",), ("--", "#", "/*")),
    _rule(Threat.SQL_INJECTION, "inline_comment", r"\w/\*[^*]{0,50}\*/\w", ("/*",)),
    _rule(
        Threat.SQL_INJECTION,
        "time_based",
        r"\b(?:pg_sleep|benchmark)\s{0,3}\(|\bwaitfor\s{1,5}delay\b",
        ("sleep", "benchmark", "waitfor"),
    ),
    _rule(
        Threat.SQL_INJECTION,
        "catalog",
        r"\b(?:information_schema|sysobjects|xp_cmdshell|sqlite_master)\b",
        ("information_schema", "sysobjects", "xp_cmdshell", "sqlite_master"),
    ),
    # `select … from … where … =`: the regex finds `where … =`, `_preceded_by_select_from` checks the rest.
    _rule(
        Threat.SQL_INJECTION,
        "select_from_where",
        r"\bwhere\s[^;\n]{0,60}(?:=|\blike\b)",
        ("select",),
        ("from",),
        ("where",),
    ),
    # Cross-site scripting.
    _rule(Threat.XSS, "script_tag", r"<\s{0,3}/?\s{0,3}script\b", ("<",), ("script",)),
    _rule(
        Threat.XSS,
        "dangerous_tag",
        r"<\s{0,3}(?:iframe|object|embed|svg|img|body|meta|link|style|base|form|math|video|audio)\b",
        ("<",),
    ),
    _rule(Threat.XSS, "event_handler", r"\bon[a-z]{3,20}\s{0,3}=", ("<",), ("on",), ("=",)),
    _rule(
        Threat.XSS,
        "script_url",
        r"\b(?:javascript|vbscript)\s{0,3}:|\bdata\s{0,3}:\s{0,3}text/html",
        ("javascript", "vbscript", "text/html"),
    ),
    _rule(
        Threat.XSS,
        "encoded_tag",
        r"&(?:lt|#0{0,5}60|#x0{0,5}3c);?\s{0,3}/?\s{0,3}(?:script|img|svg|iframe)\b",
        ("&",),
    ),
    # Command injection.
    _rule(
        Threat.COMMAND_INJECTION,
        "chained_command",
        r"(?:[;&|`]|\$\()\s{0,5}(?:rm\s{1,5}-[a-z]{0,3}[rf]|cat\s{1,5}/|curl\s{1,5}\S|wget\s{1,5}\S"
        r"|nc\s{1,5}-|ncat\b|bash\s{1,5}-[ci]|sh\s{1,5}-c|whoami\b|uname\s{1,5}-a|id\s{0,3}(?:;|$)"
        r"|chmod\s{1,5}[0-7+]|powershell\b|python[23]?\s{1,5}-c)",
        (";", "&", "|", "`", "$("),
    ),
    _rule(Threat.COMMAND_INJECTION, "pipe_to_shell", r"\|\s{0,5}(?:ba|z|da)?sh\b", ("|",), ("sh",)),
    _rule(
        Threat.COMMAND_INJECTION,
        "shell_path",
        r"/bin/(?:ba|z|da)?sh\b|\bcmd\.exe\b|\bpowershell\.exe\b",
        ("/bin/", "cmd.exe", "powershell.exe"),
    ),
    _rule(
        Threat.COMMAND_INJECTION,
        "substitution",
        r"\$\(\s{0,5}(?:whoami|id|uname|cat|curl|wget|ls|env)\b",
        ("$(",),
    ),
    # Path traversal (plain and URL-encoded), and well-known sensitive files.
    _rule(
        Threat.PATH_TRAVERSAL,
        "dot_dot_slash",
        r"(?:\.\.|%2e%2e|%252e%252e|\.%2e|%2e\.)(?:/|\\|%2f|%5c|%252f|%255c)",
        ("..", "%2e"),
    ),
    _rule(
        Threat.PATH_TRAVERSAL,
        "sensitive_file",
        r"/etc/(?:passwd|shadow|hosts)\b|\bc:\\windows\\|/proc/self/|\bweb\.config\b|%00",
        ("/etc/", "c:\\windows", "/proc/self", "web.config", "%00"),
    ),
    # Prompt injection, the parts that are patterns rather than word sequences.
    _rule(
        Threat.PROMPT_INJECTION,
        "role_marker",
        r"(?:^|\n)[ \t]{0,8}(?:system|assistant|developer)[ \t]{0,3}:"
        r"|<\|(?:im_start|im_end|system|endoftext)\|>|\[/?(?:inst|system)\]"
        r"|#{2,4}[ \t]{0,3}(?:system|instruction)",
        ("system", "assistant", "developer", "<|", "inst]", "instruction"),
    ),
    _rule(
        Threat.PROMPT_INJECTION,
        "role_hijack",
        r"\byou\s{1,5}are\s{1,5}now\b|\bdeveloper\s{1,5}mode\b|\bjailbr(?:eak|oken)\b"
        r"|\bdo\s{1,5}anything\s{1,5}now\b"
        r"|\bact\s{1,5}as\s{1,5}(?:an?\s{1,5})?(?:unfiltered|unrestricted|jailbroken|dan)\b",
        ("now", "mode", "jailbr", "act"),
    ),
    _rule(
        Threat.PROMPT_INJECTION,
        "markdown_exfiltration",
        r"!\[[^\]\n]{0,200}\]\(\s{0,5}(?:https?:)?//",
        ("![",),
        ("//",),
    ),
)
_LOOKBACK = 200
_MAX_CANDIDATES = 50
_SELECT_FROM = re.compile(r"\bselect\s[^;\n]{0,60}\bfrom\s[^;\n]{0,60}$")


def _inside_tag(text: str, position: int) -> bool:
    """`on…=` at `position` belongs to an open HTML tag: a `<` before it, no `>` in between."""
    opening = text.rfind("<", max(0, position - _LOOKBACK), position)
    return opening != -1 and text.find(">", opening, position) == -1


def _preceded_by_select_from(text: str, position: int) -> bool:
    return _SELECT_FROM.search(text[max(0, position - 130) : position]) is not None


_CONTEXT_CHECKS: dict[str, Callable[[str, int], bool]] = {
    "event_handler": _inside_tag,
    "select_from_where": _preceded_by_select_from,
}


def _matches(rule: _Rule, text: str) -> bool:
    """Whether `rule` fires; two-part rules check the context of at most `_MAX_CANDIDATES` matches, so
    their cost stays linear however many decoys the text holds."""
    if not rule.applies(text):
        return False
    context = _CONTEXT_CHECKS.get(rule.name)
    if context is None:
        return rule.pattern.search(text) is not None
    for count, match in enumerate(rule.pattern.finditer(text)):
        if context(text, match.start()):
            return True
        if count >= _MAX_CANDIDATES:
            break
    return False


# --- prompt injection on words ------------------------------------------------------------------------------
_OVERRIDE_VERBS = frozenset({"ignore", "disregard", "forget", "override", "bypass", "skip", "neglect"})
_REVEAL_VERBS = frozenset(
    {"reveal", "show", "print", "repeat", "output", "leak", "display", "disclose", "tell"}
)
_TARGETS = frozenset(
    {"instructions", "instruction", "prompt", "prompts", "rules", "guidelines", "directions", "directives"}
)
_CANONICAL = _OVERRIDE_VERBS | _REVEAL_VERBS | _TARGETS | {"previous", "system", "above", "prior"}
_WINDOW = 6

_WORD = re.compile(r"[a-z0-9_]+")
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])(?:[a-z][ .\-_*]){3,}[a-z](?![a-z0-9])")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
_MAX_BASE64_CANDIDATES = 8
_MAX_BASE64_CHARS = 8_192


def _signature(word: str) -> tuple[str, str]:
    return word[0], "".join(sorted(word))


_BY_SIGNATURE = {_signature(word): word for word in _CANONICAL}
_SHAPES = {(word[0], len(word)) for word in _CANONICAL}


def _canonical(word: str) -> str:
    """Typoglycemia: a scrambled keyword with the same first letter and the same letters counts as it."""
    if len(word) < 4 or word in _CANONICAL or (word[0], len(word)) not in _SHAPES:
        return word
    return _BY_SIGNATURE.get(_signature(word), word)


def _words(text: str) -> list[str]:
    joined = _SPACED_LETTERS.sub(lambda m: re.sub(r"[^a-z]", "", m.group(0)), text)
    return [_canonical(word) for word in _WORD.findall(joined)]


_PROMPT_RULES = tuple(r for r in _RULES if r.threat is Threat.PROMPT_INJECTION)


def _word_rules(text: str) -> set[str]:
    """Word-sequence rules over already lower-cased text."""
    words = _words(text)
    hits: set[str] = set()
    for index, word in enumerate(words):
        if word not in _OVERRIDE_VERBS and word not in _REVEAL_VERBS:
            continue
        window = words[index + 1 : index + 1 + _WINDOW]
        if word in _OVERRIDE_VERBS and any(w in _TARGETS for w in window):
            hits.add("override_instructions")
        elif word in _REVEAL_VERBS and (
            any(a == "system" and b in _TARGETS for a, b in itertools.pairwise(window))
            or ("your" in window and any(w in _TARGETS for w in window))
        ):
            hits.add("prompt_extraction")
    return hits


def _decoded_base64(text: str) -> list[str]:
    decoded: list[str] = []
    for match in _BASE64_RUN.finditer(text):
        if len(decoded) >= _MAX_BASE64_CANDIDATES:
            break
        chunk = match.group(0)[:_MAX_BASE64_CHARS]
        chunk = chunk[: len(chunk) - len(chunk) % 4]
        try:
            raw = base64.b64decode(chunk, validate=False)
        except (binascii.Error, ValueError):
            continue
        try:
            plain = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if plain and sum(ch.isprintable() or ch.isspace() for ch in plain) / len(plain) > 0.95:
            decoded.append(plain)
    return decoded


def scan_text(text: str) -> set[tuple[Threat, str]]:
    """Every (threat, rule) that `text` triggers; empty for ordinary prose."""
    sample = text[:MAX_SCAN_CHARS]
    lowered = sample.lower()
    hits = {(rule.threat, rule.name) for rule in _RULES if _matches(rule, lowered)}
    hits |= {(Threat.PROMPT_INJECTION, rule) for rule in _word_rules(lowered)}
    for plain in _decoded_base64(sample):
        plain_lower = plain.lower()
        inner = _word_rules(plain_lower)
        inner |= {r.name for r in _PROMPT_RULES if _matches(r, plain_lower)}
        hits |= {(Threat.PROMPT_INJECTION, f"base64_{rule}") for rule in inner}
    return hits


def scan(fields: Mapping[str, str | Sequence[str] | None]) -> list[Finding]:
    """Scan named input fields (strings or lists of strings); findings sorted, one per field/threat/rule."""
    findings: set[Finding] = set()
    for name, value in fields.items():
        for text in _texts(value):
            findings |= {Finding(threat, rule, name) for threat, rule in scan_text(text)}
    return sorted(findings)


def threats_of(findings: Iterable[Finding]) -> list[str]:
    return sorted({str(f.threat) for f in findings})


def _texts(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)]
