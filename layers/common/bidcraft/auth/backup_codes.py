"""MFA backup codes: generated once, shown once, stored only as salted scrypt hashes (ASVS 6.5.2).

A code is 10 characters of Crockford's base32 alphabet (no I, L, O, U) — 50 bits — shown lower-case in two
groups, `xxxxx-xxxxx`. Input is forgiving the way Crockford intends: case-insensitive, hyphens and spaces
anywhere ignored, `o` read as `0` and `i`/`l` as `1`. Anything non-ASCII is rejected.

Because 50 bits is below 112, each code is stored as `scrypt$n$r$p$salt_b64$hash_b64` (RFC 7914, n=2**14, r=8,
p=1, 16-byte salt, 32-byte hash). Single use is the storage layer's job: it removes the entry `find_match`
found.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final

ALPHABET: Final = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH: Final = 10
DEFAULT_COUNT: Final = 10
SCRYPT_N: Final = 2**14
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
SALT_BYTES: Final = 16
HASH_BYTES: Final = 32
_MAXMEM: Final = 64 * 1024 * 1024
_ALIASES: Final = str.maketrans({"o": "0", "i": "1", "l": "1"})
_ALPHABET_SET: Final = frozenset(ALPHABET)
# Bounds on parameters read back from storage, so a tampered row cannot make verification arbitrarily slow.
_MAX_N: Final = 2**16
_MAX_R: Final = 16
_MAX_P: Final = 4


def _format(compact: str) -> str:
    half = CODE_LENGTH // 2
    return f"{compact[:half]}-{compact[half:]}"


def generate(count: int = DEFAULT_COUNT) -> list[str]:
    """`count` fresh codes, e.g. `7hq2k-x0m9d`, each 50 bits from `secrets`."""
    if count < 1:
        raise ValueError("count must be positive")
    return [_format("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))) for _ in range(count)]


def normalize(code: object) -> str | None:
    """The canonical `xxxxx-xxxxx` form of a typed code, or None if it cannot be one."""
    if not isinstance(code, str) or not code.isascii() or len(code) > 64:
        return None
    compact = code.replace("-", "").replace(" ", "").lower().translate(_ALIASES)
    if len(compact) != CODE_LENGTH or not set(compact) <= _ALPHABET_SET:
        return None
    return _format(compact)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _scrypt(canonical: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(canonical.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=length)


def hash_code(code: str) -> str:
    """`scrypt$16384$8$1$<salt>$<hash>` of the normalized code (ValueError if it is not a code)."""
    canonical = normalize(code)
    if canonical is None:
        raise ValueError("not a backup code")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(canonical, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _parse(stored: object) -> tuple[int, int, int, bytes, bytes] | None:
    if not isinstance(stored, str):
        return None
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        return None
    if len(salt) < 8 or not 16 <= len(digest) <= 64:
        return None
    return n, r, p, salt, digest


_DUMMY_SALT: Final = b"\x00" * SALT_BYTES


def _check(canonical: str, stored: object) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        # Spend the same work on an unusable entry, so timing does not tell good rows from bad ones.
        _scrypt(canonical, _DUMMY_SALT, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
        return False
    n, r, p, salt, digest = parsed
    return hmac.compare_digest(_scrypt(canonical, salt, n, r, p, len(digest)), digest)


def verify(code: str, stored: str) -> bool:
    """Whether `code` matches the `hash_code` value `stored` (constant-time comparison)."""
    canonical = normalize(code)
    if canonical is None:
        return False
    return _check(canonical, stored)


def find_match(code: str, stored: list[str]) -> int | None:
    """Index of the stored hash `code` matches, or None. Every entry is checked: no early exit."""
    canonical = normalize(code)
    if canonical is None:
        return None
    found: int | None = None
    for index, entry in enumerate(stored):
        if _check(canonical, entry) and found is None:
            found = index
    return found
