"""What a text says once its disguises are taken off: the normalisation behind the input scanner.

A model reads through spacing, look-alike letters and invisible characters; a scanner that matches the raw
bytes does not. So before matching:
- `clean`: Unicode NFKC (full-width letters, ligatures, compatibility forms), format characters removed
  (zero-width spaces and joiners, soft hyphens, bidi controls, variation selectors);
- `fold_token`: a word that mixes scripts (`іgnоrе` with Cyrillic і/о/е) or hides letters behind digits and
  symbols (`1gn0r3`, `pr3v10u5`) is read as the Latin word it imitates. A word wholly in Cyrillic is left
  alone unless every letter is a look-alike AND the folded word is one the caller knows (`known`), so
  Ukrainian or Russian text keeps its meaning;
- `despace`: letters spaced or dotted apart (`i g n o r e`, `I.g.n.o.r.e`) are glued and cut back into the
  words of a vocabulary;
- `base64_segments`: base64 runs that decode to printable text.
Every function is linear in its input (bounded runs, bounded candidates).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Callable, Collection

# Invisible characters: Unicode's format characters (category Cf: soft hyphen, zero-width space/joiners, bidi
# controls, word joiner, BOM, tags, …), variation selectors and the Hangul fillers. A test checks the list
# against `unicodedata`.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160), (0x180E, 0x180E),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F), (0xE0100, 0xE01EF),
)  # fmt: skip
_INVISIBLE = re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _INVISIBLE_RANGES) + "]")


def clean(text: str) -> str:
    """NFKC without format (invisible) characters."""
    normal = unicodedata.normalize("NFKC", text)
    return normal if normal.isascii() else _INVISIBLE.sub("", normal)


# Cyrillic and Greek letters that look like Latin ones (lower case; text is case-folded first).
_CONFUSABLES = {
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "ɡ": "g",
    "α": "a",
    "β": "b",
    "ε": "e",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ѵ": "v",
}
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)
_LATIN = re.compile(r"[a-z]")


def fold_token(token: str, known: Collection[str] = ()) -> str:
    """The Latin word a case-folded token imitates, or the token itself."""
    if token.isascii():
        if token.isalpha() or token.isdigit() or not any(ch.isalpha() for ch in token):
            return token
        return token.translate(_LEET)  # letters mixed with digits or @/$
    folded = "".join(_CONFUSABLES.get(ch, ch) for ch in token).translate(_LEET)
    if not folded.isascii():
        return token  # real non-Latin letters remain: a word of another script
    if _LATIN.search(token) or folded in known:
        return folded  # mixed scripts, or a wholly look-alike spelling of a word we look for
    return token


# Letters spaced apart by single separators: `i g n o r e`, `I.g.n.o.r.e`, `i-g-n-o-r-e`, `i*g*n`.
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*·•|/]){3,}[^\W\d_](?![^\W\d_])")
_MAX_GLUED = 400
_MAX_WORD = 16


def _segment(glued: str, vocabulary: Collection[str]) -> str:
    """Greedy longest match against `vocabulary`; letters that start no word are dropped."""
    words: list[str] = []
    index = 0
    while index < len(glued):
        for size in range(min(_MAX_WORD, len(glued) - index), 0, -1):
            if glued[index : index + size] in vocabulary:
                words.append(glued[index : index + size])
                index += size
                break
        else:
            index += 1
    return " ".join(words)


def despace(text: str, vocabulary: Collection[str]) -> str:
    """`text` with every run of spaced-out letters replaced by the words it spells."""
    if not _SPACED.search(text):
        return text

    def glue(match: re.Match[str]) -> str:
        letters = "".join(ch for ch in match.group(0) if ch.isalpha()).casefold()[:_MAX_GLUED]
        return f" {_segment(letters, vocabulary)} "

    return _SPACED.sub(glue, text)


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
_MAX_BASE64_CANDIDATES = 8
_MAX_BASE64_CHARS = 8_192


def _decode(chunk: str) -> str | None:
    body = chunk.rstrip("=")
    if len(body) % 4 == 1:
        body = body[:-1]  # a dangling character cannot be base64
    padded = body + "=" * (-len(body) % 4)
    decoder: Callable[[str], bytes] = (
        base64.urlsafe_b64decode if ("-" in body or "_" in body) else base64.b64decode
    )
    try:
        raw = decoder(padded)
        plain = raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    printable = sum(ch.isprintable() or ch.isspace() for ch in plain)
    letters = sum(ch.isalpha() for ch in plain)
    if plain and printable / len(plain) > 0.95 and letters / len(plain) > 0.5 and " " in plain:
        return plain
    return None


def base64_segments(text: str) -> list[str]:
    """Printable text (with spaces: words, not binary) hidden in base64 runs, at most a few of them."""
    decoded: list[str] = []
    for count, match in enumerate(_BASE64_RUN.finditer(text)):
        if count >= _MAX_BASE64_CANDIDATES * 4 or len(decoded) >= _MAX_BASE64_CANDIDATES:
            break
        run = match.group(0)
        if run.isalpha() and (run.islower() or run.isupper()):
            continue  # one long word, not an encoding
        plain = _decode(run[:_MAX_BASE64_CHARS])
        if plain is not None:
            decoded.append(plain)
    return decoded
