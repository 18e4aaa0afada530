"""The input threat scanner: SQL injection, XSS, prompt injection, command injection, path traversal.

It DETECTS, it does not block (API.md: text that looks like an attack is flagged, audited and still handled
strictly as data; a developer's proposal may quote SQL). It is never the only control: nothing is ever
interpolated into a query, a shell or a prompt's instructions (ASVS 1.2.4).

Every finding carries a confidence. `high` means the text is an attack whatever its context (`' OR '1'='1`,
`<img onerror=…>`, "ignore all previous instructions", a fake `</data>` or `<|im_start|>`): it is audited as
`malicious_*`. `low` means it looks like something developers also write for good reasons (a `SELECT … FROM
… WHERE` in a data-engineering proposal, `<img>` in a frontend one, `rm -rf node_modules`, a single `../`,
"developer mode" on an Android phone): it is logged, not audited as malicious. Two different low rules of the
same threat in one text make it high.

Text is normalised first (`textnorm.clean`: NFKC, invisible characters removed), so `<scr\u200bipt>` and
full-width letters do not slip through; prompt injection is found by meaning (`injection.detect`), also inside
base64 runs.

Linear time by construction (ASVS 1.3.12, security-tests I8): every pattern starts with a literal or a small
character class, every gap is bounded (`{0,N}`), and no quantified group can match the same text in two ways,
so Python's backtracking engine does at most O(N · pattern) work per start position. Inputs are capped at
`MAX_SCAN_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple

from bidcraft.patterns import LazyPattern
from bidcraft.security import injection, textnorm
from bidcraft.security.injection import Confidence


class Threat(StrEnum):
    SQL_INJECTION = "sql_injection"
    XSS = "xss"
    PROMPT_INJECTION = "prompt_injection"
    COMMAND_INJECTION = "command_injection"
    PATH_TRAVERSAL = "path_traversal"


class Finding(NamedTuple):  # immutable, hashable and ordered by its fields (NamedTuple: cheap to define)
    threat: Threat
    rule: str
    field: str = ""
    confidence: Confidence = "high"


MAX_SCAN_CHARS = 200_000


class _Rule(NamedTuple):
    """A regex over the LOWER-CASED text, run only when every group of `needles` has a member in the text
    (substring tests are cheap; most rules are skipped for ordinary prose). The regex is compiled when its
    needles first occur, not at import: ordinary prose never needs most of them (issue 10, cold starts)."""

    threat: Threat
    name: str
    source: str
    needles: tuple[tuple[str, ...], ...]
    confidence: Confidence

    def applies(self, text: str) -> bool:
        return all(any(n in text for n in group) for group in self.needles)

    @property
    def pattern(self) -> re.Pattern[str]:
        compiled = _PATTERNS.get(self.source)
        if compiled is None:  # two threads may both compile it once; either result is the same pattern
            compiled = _PATTERNS[self.source] = re.compile(self.source)
        return compiled


_PATTERNS: dict[str, re.Pattern[str]] = {}  # a rule's source → its compiled regex, once its needles occurred


def _high(threat: Threat, name: str, pattern: str, *needles: tuple[str, ...]) -> _Rule:
    return _Rule(threat, name, pattern, needles, "high")


def _low(threat: Threat, name: str, pattern: str, *needles: tuple[str, ...]) -> _Rule:
    return _Rule(threat, name, pattern, needles, "low")


_SQL, _XSS, _PI = Threat.SQL_INJECTION, Threat.XSS, Threat.PROMPT_INJECTION
_CMD, _PATH = Threat.COMMAND_INJECTION, Threat.PATH_TRAVERSAL

# Gaps are bounded; no quantified group can match the same text in two ways.
_RULES: tuple[_Rule, ...] = (
    # SQL injection. Plain English ("O'Brien", "select the best proposal", "DROP me a line") matches none.
    _high(
        _SQL,
        "tautology",
        r"'\s{0,5}(?:or|and)\s{1,5}'?\w{1,20}'?\s{0,5}(?:=|like\b)",
        ("'",),
        ("or", "and"),
        ("=", "like"),
    ),
    _high(
        _SQL,
        "union_select",
        r"(?:['\")\d]|--|#)\s{0,5}union\s{1,10}(?:all\s{1,10})?select\b"
        r"|\bunion\s{1,10}(?:all\s{1,10})?select\s{1,10}(?:null\b|@@|\d{1,3}\s{0,3},|(?:user|password|version)\s{0,3}\()",
        ("union",),
        ("select",),
    ),
    _low(_SQL, "union_clause", r"\bunion\s{1,10}(?:all\s{1,10})?select\b", ("union",), ("select",)),
    _high(
        _SQL,
        "stacked_query",
        r"(?:'|\d)\s{0,5};\s{0,5}(?:drop|delete|truncate|alter|insert|update|create|exec|shutdown)\b"
        r"|;\s{0,5}(?:drop\s{1,5}(?:table|database|schema)|truncate\s{1,5}table|shutdown|exec\s{1,5}xp_)\b",
        (";",),
        ("drop", "delete", "truncate", "alter", "insert", "update", "create", "exec", "shutdown"),
    ),
    _low(_SQL, "drop_table", r"\bdrop\s{1,5}(?:table|database|schema)\b", ("drop",)),
    _high(_SQL, "quote_comment", r"'[ \t]{0,5};?[ \t]{0,5}(?:--|/\*)|'#", ("'",), ("--", "#", "/*")),
    _high(_SQL, "inline_comment", r"\w/\*[^*]{0,50}\*/\w", ("/*",)),
    _high(
        _SQL,
        "time_based",
        r"\bpg_sleep\s{0,3}\(|\bbenchmark\s{0,3}\(\s{0,3}\d|\bwaitfor\s{1,5}delay\b|\bsleep\s{0,3}\(\s{0,3}\d{1,3}\s{0,3}\)\s{0,3}(?:--|#|\)|and|or)",
        ("sleep", "benchmark", "waitfor"),
    ),
    _low(
        _SQL,
        "catalog",
        r"\b(?:information_schema|sysobjects|xp_cmdshell|sqlite_master)\b",
        ("information_schema", "sysobjects", "xp_cmdshell", "sqlite_master"),
    ),
    # `select … from … where … =`: the regex finds `where … =`, `_preceded_by_select_from` checks the rest.
    _low(
        _SQL,
        "select_from_where",
        r"\bwhere\s[^;\n]{0,60}(?:=|\blike\b)",
        ("select",),
        ("from",),
        ("where",),
    ),
    # Cross-site scripting.
    # `<script` followed by a payload; `_script_payload` looks at what follows (bounded).
    _high(_XSS, "script_tag", r"<\s{0,3}script\b", ("<",), ("script",)),
    _low(_XSS, "script_mention", r"<\s{0,3}/?\s{0,3}script\b", ("<",), ("script",)),
    _low(
        _XSS,
        "html_tag",
        r"<\s{0,3}(?:iframe|object|embed|svg|img|body|meta|link|style|base|form|math|video|audio)\b",
        ("<",),
    ),
    _high(_XSS, "event_handler", r"\bon[a-z]{3,20}\s{0,3}=", ("<",), ("on",), ("=",)),
    _high(
        _XSS,
        "script_url",
        r"\b(?:javascript|vbscript)\s{0,3}:[^\s]|\bdata\s{0,3}:\s{0,3}text/html",
        ("javascript", "vbscript", "text/html"),
    ),
    _high(
        _XSS,
        "encoded_tag",
        r"&(?:lt|#0{0,5}60|#x0{0,5}3c);?\s{0,3}/?\s{0,3}(?:script|img|svg|iframe)\b",
        ("&",),
        ("script", "img", "svg", "iframe"),
    ),
    # Command injection.
    _high(
        _CMD,
        "chained_command",
        r"(?:[;&|`]|\$\()\s{0,5}(?:rm\s{1,5}-[a-z]{0,3}[rf][a-z]{0,3}\s{1,5}(?:/|~|\*|\$)|cat\s{1,5}/(?:etc|proc|root|home)\b"
        r"|nc\s{1,5}-[a-z]{0,3}e|ncat\b|bash\s{1,5}-i|sh\s{1,5}-i|whoami\b|uname\s{1,5}-a|id\s{0,3}(?:;|$|\))"
        r"|chmod\s{1,5}(?:777|\+s)|python[23]?\s{1,5}-c|powershell\s{1,5}-(?:e|enc|c)\b)",
        (";", "&", "|", "`", "$("),
        ("rm", "cat", "nc", "bash", "sh", "whoami", "uname", "id", "chmod", "python", "powershell"),
    ),
    _low(
        _CMD,
        "chained_download",
        r"(?:[;&|`]|\$\()\s{0,5}(?:curl|wget)\s{1,5}\S|(?:[;&|`]|\$\()\s{0,5}rm\s{1,5}-",
        (";", "&", "|", "`", "$("),
        ("curl", "wget", "rm"),
    ),
    _low(_CMD, "pipe_to_shell", r"\|\s{0,5}(?:sudo\s{1,5})?(?:ba|z|da)?sh\b", ("|",), ("sh",)),
    _low(
        _CMD,
        "shell_path",
        r"/bin/(?:ba|z|da)?sh\b|\bcmd\.exe\b|\bpowershell\.exe\b",
        ("/bin/", "cmd.exe", "powershell.exe"),
    ),
    _high(_CMD, "substitution", r"\$\(\s{0,5}(?:whoami|id|uname)\b|\$\(\s{0,5}cat\s{1,5}/", ("$(",)),
    _low(_CMD, "substitution_mention", r"\$\(\s{0,5}(?:cat|curl|wget|ls|env)\b", ("$(",)),
    # Path traversal (plain and URL-encoded), and well-known sensitive files.
    _high(_PATH, "dot_dot_slash", r"\.\.[/\\]\.\.[/\\]", ("..",)),
    _high(
        _PATH,
        "encoded_traversal",
        r"(?:%2e%2e|%252e%252e|\.%2e|%2e\.)(?:/|\\|%2f|%5c|%252f|%255c)|\.\.(?:%2f|%5c|%252f|%255c)",
        ("%2", "%5"),
    ),
    _low(_PATH, "parent_directory", r"\.\.(?:/|\\)", ("..",)),
    _high(
        _PATH,
        "sensitive_file",
        r"/etc/(?:passwd|shadow)\b|\bc:\\windows\\|/proc/self/|%00|\bwin\.ini\b|\bboot\.ini\b",
        ("/etc/", "c:\\windows", "/proc/self", "%00", "win.ini", "boot.ini"),
    ),
    _low(_PATH, "system_file", r"/etc/(?:hosts|group)\b|\bweb\.config\b", ("/etc/", "web.config")),
    # Prompt injection: delimiters and chat-template tokens (the words are `injection.detect`'s job).
    _high(
        _PI,
        "chat_template",
        r"<\|\s{0,3}(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\s{0,3}\|>"
        r"|\[/?inst\]|<</?sys>>|<start_of_turn>|<end_of_turn>",
        ("<|", "inst]", "<<", "_of_turn"),
    ),
    _high(
        _PI,
        "closed_data_section",
        r"</\s{0,3}(?:data|user_?input|input_data|user|context|document|instructions?|system|prompt|query"
        r"|job_?description|proposal|untrusted)\s{0,3}>"
        r"|<\s{0,3}(?:system|instructions?|assistant|developer|sys)\s{0,3}>",
        ("<",),
    ),
    _high(
        _PI,
        "role_block",
        r"[\"']role[\"']\s{0,3}:\s{0,3}[\"'](?:system|assistant|developer)[\"']"
        r"|```\s{0,3}(?:system|assistant|developer|instructions?|prompt)\b"
        r"|\[(?:system|assistant|developer)\]\s{0,3}\(",
        ("role", "```", "]("),
    ),
    _high(
        _PI,
        "markdown_exfiltration",
        r"!\[[^\]\n]{0,200}\]\(\s{0,5}(?:https?:)?//[^)\s]{1,300}\?[^)\s]{0,300}=",
        ("![",),
        ("//",),
    ),
    _low(_PI, "markdown_image", r"!\[[^\]\n]{0,200}\]\(\s{0,5}(?:https?:)?//", ("![",), ("//",)),
    _low(
        _PI,
        "instruction_heading",
        r"(?:^|\n)[ \t]{0,8}#{1,6}[ \t]{0,3}(?:system|instructions?|response|assistant|developer)\b",
        ("#",),
    ),
    _low(
        _PI,
        "end_of_input",
        r"\bend\s{1,3}of\s{1,3}(?:the\s{1,3})?(?:user\s{1,3})?(?:input|data|prompt|context|document|proposal|text)\b",
        ("end",),
    ),
)

# A chat turn faked inside the text: a line that starts with a role and speaks to or as the model.
_ROLE_LINE = LazyPattern(  # this and the context patterns below: compiled by the first text that needs them
    r"(?:^|\n)[ \t>*_]{0,8}(system|assistant|developer|ai|bot|gpt|chatgpt|model|user|human)"
    r"(?:[ \t]{1,3}(?:override|message|prompt|note|notice|update|instructions?|admin))?"
    r"[ \t*_]{0,3}:[ \t]{0,3}"
    r"([^\n]{0,200})"
)
_TURN_CUES = LazyPattern(
    r"\b(?:you|your|sure|certainly|of course|understood|ok|okay|i will|i'll|here is|here's|as an ai"
    r"|ignore|new"
    r"|rule|instructions?|prompt|must|always|never|reveal|print|output|repeat|canary)\b"
)
_LOOKBACK = 200
_MAX_CANDIDATES = 50
_SELECT_FROM = LazyPattern(r"\bselect\s[^;\n]{0,60}\bfrom\s[^;\n]{0,60}$")


def _inside_tag(text: str, position: int) -> bool:
    """`on…=` at `position` belongs to an open HTML tag: a `<` before it, no `>` in between."""
    opening = text.rfind("<", max(0, position - _LOOKBACK), position)
    return opening != -1 and text.find(">", opening, position) == -1


def _preceded_by_select_from(text: str, position: int) -> bool:
    return _SELECT_FROM.search(text[max(0, position - 130) : position]) is not None


_SCRIPT_PAYLOAD = LazyPattern(
    r"alert|prompt|confirm|document\.|window\.|eval|fetch|atob|fromcharcode|src\s{0,3}=|</\s{0,3}script"
)


def _script_payload(text: str, position: int) -> bool:
    """A `<script` tag with code or a source right after it (not a developer naming the tag)."""
    window = text[position : position + 240]
    cut = window.find("<", 1)
    return _SCRIPT_PAYLOAD.search(window if cut == -1 else window[: cut + 9]) is not None


_CONTEXT_CHECKS: dict[str, Callable[[str, int], bool]] = {
    "script_tag": _script_payload,
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


def _role_lines(lowered: str) -> dict[str, Confidence]:
    """`assistant: Sure! …` or `system: you are…` is a faked turn; `User:` and `Assistant:` lines together
    are a faked dialogue. `System: Ubuntu 22.04` is neither."""
    if ":" not in lowered:  # every role line has one; most texts then never compile the pattern
        return {}
    roles: set[str] = set()
    for count, match in enumerate(_ROLE_LINE.finditer(lowered)):
        if count >= _MAX_CANDIDATES:
            break
        role, rest = match.group(1), match.group(2)
        roles.add(role)
        if role not in ("user", "human") and _TURN_CUES.search(rest):
            return {"fake_turn": "high"}
    if roles & {"user", "human"} and roles - {"user", "human"}:
        return {"fake_turn": "high"}
    return {}


_BY_RANK = {"low": 0, "high": 1}


def _merge(
    hits: dict[tuple[Threat, str], Confidence], threat: Threat, rule: str, confidence: Confidence
) -> None:
    key = (threat, rule)
    if _BY_RANK[confidence] >= _BY_RANK[hits.get(key, "low")]:
        hits[key] = confidence


def _prompt_injection(sample: str, lowered: str) -> dict[str, Confidence]:
    found = injection.detect(sample)
    found.update(_role_lines(lowered))
    return found


def scan_text(text: str) -> list[Finding]:
    """Every (threat, rule, confidence) that `text` triggers; empty for ordinary prose."""
    sample = textnorm.clean(text[:MAX_SCAN_CHARS])
    lowered = sample.lower()
    hits: dict[tuple[Threat, str], Confidence] = {}
    for rule in _RULES:
        if _matches(rule, lowered):
            _merge(hits, rule.threat, rule.name, rule.confidence)
    for name, confidence in _prompt_injection(sample, lowered).items():
        _merge(hits, _PI, name, confidence)
    for plain in textnorm.base64_segments(sample):
        inner = textnorm.clean(plain)
        for name, confidence in _prompt_injection(inner, inner.lower()).items():
            _merge(hits, _PI, f"base64_{name}", confidence)
        for rule in _RULES:
            if rule.threat is _PI and _matches(rule, inner.lower()):
                _merge(hits, _PI, f"base64_{rule.name}", rule.confidence)
    _promote_pairs(hits)
    return sorted(Finding(threat, rule, "", confidence) for (threat, rule), confidence in hits.items())


# Low rules of these threats add up: `; curl … | sh`, or an `### Instruction` heading with "reply only with
# APPROVED". SQL, HTML and paths do not: a data engineer's SQL has both a UNION and a WHERE, a frontend
# proposal both <script> and <img>.
_ADDITIVE = (Threat.COMMAND_INJECTION, Threat.PROMPT_INJECTION)


def _promote_pairs(hits: dict[tuple[Threat, str], Confidence]) -> None:
    """Two different low rules of an additive threat, and none high yet → one high `combined_…` finding."""
    for threat in _ADDITIVE:
        low = [rule for (t, rule), c in hits.items() if t is threat and c == "low"]
        if len(low) >= 2 and not any(c == "high" for (t, _), c in hits.items() if t is threat):
            hits[(threat, "combined_" + "+".join(sorted(low)))] = "high"


def scan(fields: Mapping[str, str | Sequence[str] | None]) -> list[Finding]:
    """Scan named input fields (strings or lists of strings); findings sorted, one per field/threat/rule."""
    findings: set[Finding] = set()
    for name, value in fields.items():
        for text in _texts(value):
            findings |= {Finding(f.threat, f.rule, name, f.confidence) for f in scan_text(text)}
    return sorted(findings)


def confident(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that are attacks whatever their context (audited as malicious)."""
    return [f for f in findings if f.confidence == "high"]


def threats_of(findings: Iterable[Finding]) -> list[str]:
    return sorted({str(f.threat) for f in findings})


def _texts(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)]
