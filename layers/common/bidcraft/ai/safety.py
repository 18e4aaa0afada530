"""Checks on everything the AI service returns (API.md "AI"; security-tests I9, I10; issue 10 item 9).

`check(text)` returns the text to send and the warnings to list in `content_warnings`; `scrub(reply)` applies
it to every string of a response model, nested models and lists included, and is what the service and the
AI-jobs worker go through (`bidcraft.ai.inspection.screened`). The warnings (table in docs/ai.md "Safety"):
- `blocked:system_prompt` (our prompt echoed: `SYSTEM: You are…` at a line start, a chat-template token, the
  canary) and `blocked:secret` (a credential assigned: `API_KEY=…` with a credential-like value) replace the
  whole text with `REFUSAL`. Nothing else does: ordinary words never refuse a response.
- `removed:markdown_image`; `removed:html`, tags stripped again and again until none is left (`<scr<b>ipt>`);
- `redacted:url_token` (`?token=`, `access_token`, `X-Amz-Signature`, `user:password@` in URLs),
  `redacted:secret` (`ghp_`, `github_pat_`, `sk_live_`, `xoxb-`, `AKIA…`, JWTs, `sk-…`, private keys, …);
- `redacted:email`, `redacted:card` (Luhn and a card-network prefix), `redacted:iban` (check digits,
  `python-stdnum`), `redacted:phone` (valid according to `phonenumbers`; dates, times, versions, ISBNs, prices
  and numbers after "order", "invoice", "#"… are never candidates);
- `redacted:toxicity`: whole words of a small insult list ("idiot-proof" and "Scunthorpe" stay).
`phonenumbers` and `stdnum` are imported on the first text that holds a candidate number, so a function (or a
request) that never meets one never pays for them. Likewise each redaction's pattern is compiled on the first
text that passes its cheap gate (`LazyPattern`: an `@` for e-mails, a digit run for cards and phones, a `<`
for tags…); the refusal patterns and the gates, which every text runs, are compiled at import. All patterns
are linear (bounded gaps).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel

from bidcraft.patterns import LazyPattern

REFUSAL = "This content was withheld because it failed an automated safety check. Please try again."
SYSTEM_PROMPT_CANARY = "bc-canary-7f3a"
WARNINGS_FIELD = "content_warnings"

# --- whole-text refusals ----------------------------------------------------------------------------------
_SYSTEM_PROMPT = re.compile(
    r"(?:^|\n)[ \t>*_#]{0,8}(?:system|developer)[ \t]{0,3}(?:prompt|message)?[ \t]{0,3}:[ \t]{0,3}"
    r"you[ \t]{1,3}are\b"
    r"|<\|(?:im_start|im_end|system)\|>|" + re.escape(SYSTEM_PROMPT_CANARY),
    re.IGNORECASE,
)
_ASSIGNED_CREDENTIAL = re.compile(
    r"\b(?:api[_\- ]?key|secret[_\- ]?key|access[_\- ]?token|auth[_\- ]?token|client[_\- ]?secret|password"
    r"|passwd|aws_secret_access_key|private[_\- ]?key)[\"']?[ \t]{0,3}[=:][ \t]{0,3}[\"']?"
    r"([^\s\"'<>,;]{6,200})",
    re.IGNORECASE,
)
_PLACEHOLDER = LazyPattern(
    r"^(?:<[^>]*>|\[[^\]]*\]|\{[^}]*\}|x{3,}|\*{3,}|\.{3,}|your[_\-a-z]*|example\w*|changeme|none|null|redacted)$",
    re.IGNORECASE,
)


def _credential_like(value: str) -> bool:
    """`API_KEY=sk-abc123…` is a credential; `password: required` or `API_KEY=<your key>` is prose."""
    if _PLACEHOLDER.match(value):
        return False
    has_digit = any(ch.isdigit() for ch in value)
    has_alpha = any(ch.isalpha() for ch in value)
    return (has_digit and has_alpha) or (has_alpha and not value.isalpha()) or len(value) >= 20


# --- markup -----------------------------------------------------------------------------------------------
_MD_IMAGE = LazyPattern(r"!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)")
_HTML_TAG = LazyPattern(r"<\s{0,3}/?\s{0,3}[A-Za-z!][A-Za-z0-9\-:]{0,30}(?:\s[^<>]{0,500})?/?\s{0,3}>")
_HTML_COMMENT = LazyPattern(r"<!--.{0,2000}?-->", re.DOTALL)
_MAX_STRIP_PASSES = 20


_TAG_START = LazyPattern(r"<(?=\s{0,3}[A-Za-z/!?])")


def _strip_tags(text: str) -> tuple[str, int]:
    """Remove tags until none is left, then the `<` of anything that could still open one (`<scr` at the end
    of a field, glued to `ipt>` by a client, would). After the last pass every bracket goes."""
    removed = 0
    for _ in range(_MAX_STRIP_PASSES):
        text, comments = _HTML_COMMENT.subn("", text)
        text, count = _HTML_TAG.subn("", text)
        removed += count + comments
        if not count and not comments:
            text, openers = _TAG_START.subn("", text)
            if not openers:
                return text, removed
            removed += openers  # removing one `<` may bring another next to a letter: go round again
    return text.replace("<", "").replace(">", ""), removed + 1


# --- secrets ----------------------------------------------------------------------------------------------
_URL = LazyPattern(
    r"\b(?:https?|s?ftp|wss?|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqps?)://[^\s<>\"'`)\]]{1,2000}",
    re.IGNORECASE,
)
_URL_USERINFO = LazyPattern(r"(://[^/\s:@]{1,200}:)([^/\s@]{1,200})(@)")
_SENSITIVE_PARAMS = frozenset(
    {
        "token", "access_token", "refresh_token", "id_token", "auth_token", "api_key", "apikey", "api-key",
        "key",
        "secret", "client_secret", "password", "pass", "pwd", "passwd", "auth", "authorization", "sig",
        "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature",
        "x-goog-credential", "session", "sessionid", "session_id", "sid", "code", "jwt", "private_token",
        "access_key", "secret_key", "credential", "credentials", "hash", "otp",
    }
)  # fmt: skip
_QUERY_PARAM = LazyPattern(r"([?&;#])([A-Za-z0-9_\-.%]{1,64})=([^&#;\s]{1,2000})")

_SECRET_FORMATS = LazyPattern(
    r"\bgh[pousr]_[A-Za-z0-9]{30,255}\b"
    r"|\bgithub_pat_[A-Za-z0-9_]{22,255}"
    r"|\bglpat-[A-Za-z0-9_\-]{20,64}"
    r"|\b[rsp]k_(?:live|test)_[A-Za-z0-9]{10,255}"
    r"|\bxox[abposr]-[A-Za-z0-9\-]{10,255}"
    r"|\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"
    r"|\beyJ[A-Za-z0-9_\-]{8,2000}\.eyJ[A-Za-z0-9_\-]{8,4000}\.[A-Za-z0-9_\-]{8,2000}"
    r"|\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_\-]{20,255}"
    r"|\bwhsec_[A-Za-z0-9+/=]{16,255}"
    r"|\bAIza[0-9A-Za-z_\-]{35}\b"
    r"|\bnpm_[A-Za-z0-9]{36}\b"
    r"|\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}"  # SendGrid
    r"|\b\d{8,10}:AA[A-Za-z0-9_\-]{33}\b"  # Telegram bot
    r"|\b(?:AC|SK)[0-9a-f]{32}\b"  # Twilio
    r"|\bkey-[0-9a-f]{32}\b"  # Mailgun
    r"|\bdop_v1_[0-9a-f]{64}\b|\bshpat_[0-9a-fA-F]{32}\b|\bhf_[A-Za-z0-9]{30,40}\b"
    r"|\bhooks\.slack\.com/services/[A-Za-z0-9/]{20,200}"
    r"|-----BEGIN [A-Z ]{0,30}PRIVATE KEY-----.{0,10000}?-----END [A-Z ]{0,30}PRIVATE KEY-----"
    r"|\b[Bb]earer[ \t]{1,3}[A-Za-z0-9_\-.=+/]{20,4000}",
    re.DOTALL,
)
# Cheap gate for `_SECRET_FORMATS` (one search for the prefixes instead of the whole alternation).
_SECRET_HINT = re.compile(
    r"gh[pousr]_|github_pat_|glpat-|[rsp]k_(?:live|test)_|xox[abposr]-|\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)"
    r"|eyJ|\bsk-|whsec_|AIza|npm_|hooks\.slack\.com|PRIVATE KEY|[Bb]earer[ \t]|\bSG\.|:AA"
    r"|\b(?:AC|SK)[0-9a-f]{8}|\bkey-[0-9a-f]|dop_v1_|shpat_|\bhf_"
)

# --- personal data ----------------------------------------------------------------------------------------
_EMAIL = LazyPattern(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
    # spelled out to dodge filters: jane [at] example [dot] com
    r"|\b[A-Za-z0-9._%+\-]{1,64}[ \t]{0,2}[\[({<][ \t]{0,2}at[ \t]{0,2}[\])}>][ \t]{0,2}[A-Za-z0-9\-]{1,63}"
    r"(?:[ \t]{0,2}(?:[\[({<][ \t]{0,2}dot[ \t]{0,2}[\])}>]|\.)[ \t]{0,2}[A-Za-z0-9\-]{1,63}){1,8}\b",
    re.IGNORECASE,
)
_CARD = LazyPattern(r"(?<![\w#/.,-])(?<!\d[ -])[1-9]\d{3}(?:[ -]?\d){9,15}(?![\w-]|[ -]\d|[.,]\d)")
_IBAN = LazyPattern(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,32}\b")
_PHONE = LazyPattern(
    r"(?<![\w#@/.:,+\-])(?:\+|\b00)?[ ]?(?:\(\d{1,5}\)[ .\-]?)?\d"
    r"(?:[\d]|[ .\-](?=[\d(])|\(\d{1,5}\)[ .\-]?|\(0\)){5,24}"
    r"(?<=\d)(?![\w]|[.,]\d|-\w|/\d)"
)


@functools.cache
def _phone_cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(numbers that are never phones, an id cue before a number, a phone cue before it), compiled on the
    first text that holds a phone candidate: ~45 ms of Unicode case-insensitive compiling that most replies
    (no digit run at all) never need."""
    # Numbers that are never phone numbers, whatever their digits.
    not_phone = re.compile(
        r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"  # ISO dates and times
        r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"  # 01/05/2024, 15.06.2024
        r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"  # times
        r"|\b(?:19|20)\d{2}\s?[-–]\s?(?:19|20)?\d{2}\b"  # year ranges
        r"|\b(?!\d{3}\.\d{3}\.\d{4}\b)v?\d+(?:\.\d+){2,}\S*"  # versions, IPs (not 415.555.2671)
        r"|\bISBN(?:-1[03])?[:\s]{0,3}[\dXx\- ]{10,17}"  # ISBNs
        r"|\b97[89][\d\- ]{10,14}\d"  # EAN/ISBN-13 without the word
        r"|[$€£¥₴₽]\s?\d[\d,. ]{0,20}|\d[\d,. ]{0,20}\s?(?:USD|EUR|GBP|UAH|PLN|грн|€|\$)"  # money
        r"|\b\d+\s?x\s?\d+\b"  # sizes
        r"|-?\b\d{1,3}[.,]\d{5,}\b(?![.,]\d)",  # coordinates and other long decimals
        re.IGNORECASE,
    )
    id_cue = re.compile(
        r"(?:\b(?:order|invoice|ticket|sku|id|ids|ref|reference|tracking|serial|account|pedido|factura|замовлення"
        r"|заказ|рахунок|счет|no\.?|nº|n°)|#)\s{0,3}(?:number|no\.?|nº|#|:)?\s{0,3}$",
        re.IGNORECASE,
    )
    phone_cue = re.compile(
        r"(?:phone|tel|mobile|cell|call|whatsapp|viber|telegram|signal|sms|text|fax|contact|номер|телефон|тел"
        r"|teléfono|telefono|móvil|movil|handy|téléphone|telefon)\b[^\d\n]{0,20}$",
        re.IGNORECASE,
    )
    return not_phone, id_cue, phone_cue


_PHONE_REGIONS = (
    "US",
    "GB",
    "DE",
    "FR",
    "ES",
    "UA",
    "IT",
    "NL",
    "PL",
    "IN",
    "BR",
    "AU",
    "CA",
    "MX",
    "PT",
    "CH",
)

_TOXIC_WORDS = (
    "fuck", "fucking", "fucked", "fucker", "motherfucker", "shit", "shitty", "bullshit", "bitch", "asshole",
    "bastard", "dickhead", "moron", "morons", "idiot", "idiots", "imbecile", "stupid", "dumbass", "crap",
    "retard", "retarded", "idiota", "estúpido", "estúpida", "mierda", "pendejo", "ідіот", "дебіл",
    "идиот", "дебил", "придурок", "сука",
)  # fmt: skip


def _has_toxic_word(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _TOXIC_WORDS)


_TOXIC = LazyPattern(r"(?<![\w\-])(?:" + "|".join(_TOXIC_WORDS) + r")(?![\w\-])", re.IGNORECASE)


class Checked(NamedTuple):
    """What `check` made of a text: the text to send, and the warnings for `content_warnings`."""

    text: str
    warnings: list[str]

    @property
    def blocked(self) -> bool:
        return any(w.startswith("blocked:") for w in self.warnings)


def _redact_url_secrets(text: str) -> tuple[str, int]:
    count = 0

    def param(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(2).lower() not in _SENSITIVE_PARAMS or match.group(3).startswith("[removed"):
            return match.group(0)
        count += 1
        return f"{match.group(1)}{match.group(2)}=[removed]"

    def url(match: re.Match[str]) -> str:
        nonlocal count
        value = match.group(0)
        if "[removed]@" not in value:
            value, userinfo = _URL_USERINFO.subn(r"\1[removed]\3", value)
            count += userinfo
        return _QUERY_PARAM.sub(param, value) if ("?" in value or "#" in value) else value

    return _URL.sub(url, text), count


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in spans)


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _replace(text: str, spans: list[tuple[int, int]], token: str) -> str:
    for start, end in sorted(spans, reverse=True):
        text = f"{text[:start]}{token}{text[end:]}"
    return text


def _card_network(digits: str) -> bool:
    """16 digits (the common length, any issuer), or an issuer prefix and length a card network uses for
    other lengths (Visa, Amex, Discover, JCB, Diners, UnionPay, Maestro)."""
    size, two, four = len(digits), int(digits[:2]), int(digits[:4])
    return (
        size == 16
        or (digits[0] == "4" and size == 19)
        or (two in (34, 37) and size == 15)
        or ((digits.startswith("6011") or two == 65 or 644 <= int(digits[:3]) <= 649) and 16 <= size <= 19)
        or (3528 <= four <= 3589 and 16 <= size <= 19)
        or (two in (30, 36, 38) and 14 <= size <= 16)
        or (two == 62 and 16 <= size <= 19)
        or ((two == 50 or 56 <= two <= 69) and 16 <= size <= 19)
    )


def _cards(text: str) -> tuple[str, int]:
    from stdnum import luhn

    found = []
    for match in _CARD.finditer(text):
        digits = _digits(match.group(0))
        if (
            14 <= len(digits) <= 19
            and _card_network(digits)
            and len(set(digits)) > 1
            and luhn.is_valid(digits)
        ):
            found.append(match.span())
    return _replace(text, found, "[card removed]"), len(found)


def _ibans(text: str) -> tuple[str, int]:
    from stdnum import iban

    found = []
    for match in _IBAN.finditer(text):
        value = match.group(0)
        # A trailing capitalised word may have been swallowed: drop groups from the end until it validates.
        while len(value.replace(" ", "")) >= 15:
            if iban.is_valid(value):
                found.append((match.start(), match.start() + len(value)))
                break
            cut = value.rfind(" ")
            value = value[:cut] if cut > 0 else value[:-1]
    return _replace(text, found, "[iban removed]"), len(found)


def _valid_phone(candidate: str, cued: bool) -> bool:
    import phonenumbers

    digits = _digits(candidate)
    if not 7 <= len(digits) <= 15:
        return False
    stripped = candidate.strip()
    if stripped.startswith(("+", "00")):
        international = "+" + stripped.lstrip("+")[2:] if stripped.startswith("00") else stripped
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(international, None))
        except phonenumbers.NumberParseException:
            return False
    groups = len(_DIGIT_GROUP.findall(stripped))
    shaped = len(digits) >= 8 and (groups >= 3 or stripped.startswith(("0", "(")))
    if not (shaped or cued):
        return False  # a bare run of digits or a range (1000-5000) is a phone only if the text says so
    # After "call me", "tel:", "WhatsApp"… every region's national format is tried; otherwise only common
    # ones, since any group of digits is a valid number somewhere.
    regions = sorted(phonenumbers.SUPPORTED_REGIONS) if cued else _PHONE_REGIONS
    for region in regions:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(stripped, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


_THOUSANDS = LazyPattern(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3}){2,}$")


def _phones(text: str) -> tuple[str, int]:
    protected: list[tuple[int, int]] | None = None
    found = []
    for match in _PHONE.finditer(text):
        span = match.span()
        not_phone, id_cue, phone_cue = _phone_cues()
        if protected is None:
            protected = _spans(not_phone, text)  # only for a text that has a candidate at all
        before = text[max(0, span[0] - 30) : span[0]]
        international = match.group(0).lstrip().startswith(("+", "00"))
        if (_overlaps(span, protected) and not international) or id_cue.search(before):
            continue
        cued = phone_cue.search(before) is not None
        if not cued and _THOUSANDS.match(match.group(0).strip()):
            continue  # 103 469 680 rows: a number grouped in thousands, unless the text says it is a phone
        if _valid_phone(match.group(0), cued=cued):
            start = span[0] + (len(match.group(0)) - len(match.group(0).lstrip()))
            found.append((start, span[1]))
    return _replace(text, found, "[phone removed]"), len(found)


_DIGIT_RUN = re.compile(r"\d[\d ().\-]{5,}\d")
_SPELLED_AT = re.compile(r"[\[({<][ \t]{0,2}at[ \t]{0,2}[\])}>]", re.IGNORECASE)
_DIGIT_GROUP = LazyPattern(r"\d+")
_IBAN_HINT = re.compile(r"\b[A-Z]{2}\d{2}")

Step = tuple[str, Callable[[str], bool], Callable[[str], tuple[str, int]]]
_STEPS: tuple[Step, ...] = (
    ("removed:markdown_image", lambda t: "![" in t, lambda t: _MD_IMAGE.subn("", t)),
    ("removed:html", lambda t: "<" in t, _strip_tags),
    ("redacted:url_token", lambda t: "://" in t, _redact_url_secrets),
    (
        "redacted:secret",
        lambda t: _SECRET_HINT.search(t) is not None,
        lambda t: _SECRET_FORMATS.subn("[secret removed]", t),
    ),
    (
        "redacted:email",
        lambda t: "@" in t or _SPELLED_AT.search(t) is not None,
        lambda t: _EMAIL.subn("[email removed]", t),
    ),
    ("redacted:iban", lambda t: _IBAN_HINT.search(t) is not None, _ibans),
    ("redacted:card", lambda t: _DIGIT_RUN.search(t) is not None, _cards),
    ("redacted:phone", lambda t: _DIGIT_RUN.search(t) is not None, _phones),
    (
        "redacted:toxicity",
        lambda t: _has_toxic_word(t),
        lambda t: _TOXIC.subn("[removed]", t),
    ),
)


def check(text: str) -> Checked:
    """The text to send and what was done to it; cheap tests decide which steps run."""
    if _SYSTEM_PROMPT.search(text):
        return Checked(REFUSAL, ["blocked:system_prompt"])
    if any(_credential_like(m.group(1)) for m in _ASSIGNED_CREDENTIAL.finditer(text)):
        return Checked(REFUSAL, ["blocked:secret"])
    warnings: list[str] = []
    cleaned = text
    for warning, applies, step in _STEPS:
        if applies(cleaned):
            cleaned, count = step(cleaned)
            if count:
                warnings.append(warning)
    return Checked(cleaned, warnings)


# --- every string of a response ---------------------------------------------------------------------------
def _merge(into: list[str], new: Iterable[str]) -> None:
    into.extend(w for w in new if w not in into)


def _walk(value: Any) -> tuple[Any, list[str]]:
    """`value` with every string checked, and the warnings found. Models are copied field by field (never
    re-validated, so a reply's own serialisation rules do not matter); a model or dict that holds
    `content_warnings` gets its subtree's warnings appended there."""
    if isinstance(value, str):
        result = check(value)
        return result.text, result.warnings
    if isinstance(value, BaseModel):
        fields = {name: getattr(value, name) for name in type(value).model_fields}
        checked, warnings = _walk_mapping(fields)
        changed = {name: item for name, item in checked.items() if item is not fields[name]}
        return (value.model_copy(update=changed) if changed else value), warnings
    if isinstance(value, dict):
        return _walk_mapping(value)
    if isinstance(value, list | tuple):
        return _walk_list(value)
    return value, []


def _walk_mapping(value: dict[Any, Any]) -> tuple[dict[Any, Any], list[str]]:
    out: dict[Any, Any] = {}
    warnings: list[str] = []
    for key, item in value.items():
        if key == WARNINGS_FIELD:
            out[key] = item
            continue
        checked, found = _walk(item)
        out[key] = checked if found or checked != item else item
        _merge(warnings, found)
    if warnings and isinstance(out.get(WARNINGS_FIELD), list):
        merged = list(out[WARNINGS_FIELD])
        _merge(merged, warnings)
        out[WARNINGS_FIELD] = merged
    return out, warnings


def _walk_list(value: list[Any] | tuple[Any, ...]) -> tuple[Any, list[str]]:
    items: list[Any] = []
    warnings: list[str] = []
    for item in value:
        if isinstance(item, str):
            result = check(item)
            _merge(warnings, result.warnings)
            if result.blocked or not result.text.strip():
                continue  # a list item that is withheld or emptied is dropped, not shown as a refusal
            items.append(result.text)
        else:
            checked, found = _walk(item)
            _merge(warnings, found)
            items.append(checked)
    if not warnings:
        return value, []
    return (tuple(items) if isinstance(value, tuple) else items), warnings


Reply = TypeVar("Reply", bound=BaseModel)


def scrub(reply: Reply) -> tuple[Reply, list[str]]:
    """`reply` with every string checked, and the warnings found anywhere in it (in order, no duplicates)."""
    checked, warnings = _walk(reply)
    return checked, warnings
