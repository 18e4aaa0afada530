"""Backup codes: entropy, input rules, salted scrypt storage, constant-work matching (M16-M18)."""

from __future__ import annotations

import base64
import math
import re
import time

import pytest

from bidcraft.auth import backup_codes

CODE_RE = re.compile(r"[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}")


def test_generate_ten_human_friendly_codes_of_at_least_50_bits() -> None:
    codes = backup_codes.generate()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(CODE_RE.fullmatch(code) for code in codes)
    assert backup_codes.CODE_LENGTH * math.log2(len(backup_codes.ALPHABET)) >= 50
    assert not set("ilou") & set(backup_codes.ALPHABET)


def test_generated_codes_are_unique_at_scale() -> None:
    codes = backup_codes.generate(5000)
    assert len(set(codes)) == 5000
    # every alphabet symbol shows up: the generator draws from all 32
    assert set("".join(codes).replace("-", "")) == set(backup_codes.ALPHABET)


def test_generate_rejects_non_positive_counts() -> None:
    with pytest.raises(ValueError, match="count"):
        backup_codes.generate(0)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("abcde-fghjk", "abcde-fghjk"),
        ("ABCDE-FGHJK", "abcde-fghjk"),
        ("abcdefghjk", "abcde-fghjk"),
        (" abcde fghjk ", "abcde-fghjk"),
        ("ab-cd-ef-gh-jk", "abcde-fghjk"),
        ("0o1il-23456", "00111-23456"),  # Crockford: o → 0, i/l → 1
    ],
)
def test_normalize_is_case_hyphen_and_space_tolerant(typed: str, canonical: str) -> None:
    assert backup_codes.normalize(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abcde-fghj",
        "abcde-fghjkm",
        "abcde-fghju",
        "abcde_fghjk",
        "ａbcde-fghjk",
        "abcde-fghj٢",
        None,
        12345,
        "a" * 100,
    ],
)
def test_normalize_rejects_what_cannot_be_a_code(typed: object) -> None:
    assert backup_codes.normalize(typed) is None


def test_m17_stored_format_is_salted_scrypt() -> None:
    # Given a code, When hashed twice, Then both are scrypt with the documented parameters and distinct salts.
    code = backup_codes.generate(1)[0]
    first, second = backup_codes.hash_code(code), backup_codes.hash_code(code)
    assert first != second
    for stored in (first, second):
        scheme, n, r, p, salt, digest = stored.split("$")
        assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
        assert len(base64.b64decode(salt)) == 16
        assert len(base64.b64decode(digest)) == 32
        assert code not in stored
        assert code.replace("-", "") not in stored


def test_hash_code_rejects_non_codes() -> None:
    with pytest.raises(ValueError, match="backup code"):
        backup_codes.hash_code("not a code")


def test_m16_verify_accepts_the_code_in_any_typed_form_and_rejects_others() -> None:
    code = "7hq2k-x0m9d"
    stored = backup_codes.hash_code(code)
    assert backup_codes.verify(code, stored)
    assert backup_codes.verify("7HQ2K X0M9D", stored)
    assert not backup_codes.verify("7hq2k-x0m9e", stored)
    assert not backup_codes.verify("", stored)
    assert not backup_codes.verify(code, "")
    assert not backup_codes.verify(code, "bcrypt$whatever")


@pytest.mark.parametrize(
    "stored",
    [
        "scrypt$16384$8$1$!!!$AAAA",
        "scrypt$1048576$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # n beyond the allowed bound
        "scrypt$16383$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # n not a power of two
        "scrypt$16384$64$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
        "scrypt$x$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
        "scrypt$16384$8$1$AAAA$" + "A" * 44,  # salt too short
    ],
)
def test_tampered_or_unusable_stored_values_never_verify(stored: str) -> None:
    assert not backup_codes.verify("7hq2k-x0m9d", stored)


def test_m18_find_match_returns_the_index_and_checks_every_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given 10 stored hashes, When the first code is used, Then its index comes back after all 10 were hashed.
    codes = backup_codes.generate(10)
    stored = [backup_codes.hash_code(code) for code in codes]
    real = backup_codes._scrypt
    calls: list[bytes] = []

    def counting(*args: object) -> bytes:
        result = real(*args)  # type: ignore[arg-type]
        calls.append(result)
        return result

    monkeypatch.setattr(backup_codes, "_scrypt", counting)
    assert backup_codes.find_match(codes[0].upper(), stored) == 0
    assert len(calls) == 10
    calls.clear()
    assert backup_codes.find_match(codes[9], [*stored[:5], "garbage", *stored[5:]]) == 10
    assert len(calls) == 11  # an unusable entry costs the same work
    calls.clear()
    assert backup_codes.find_match("zzzzz-zzzzz", stored) is None
    assert len(calls) == 10
    calls.clear()
    assert backup_codes.find_match("nope", stored) is None
    assert calls == []  # malformed input is rejected before any hashing


def test_regenerating_invalidates_old_codes() -> None:
    old = backup_codes.generate(3)
    new_stored = [backup_codes.hash_code(code) for code in backup_codes.generate(3)]
    assert all(backup_codes.find_match(code, new_stored) is None for code in old)


def test_hash_cost_keeps_setup_well_under_a_second() -> None:
    started = time.process_time()
    stored = [backup_codes.hash_code(code) for code in backup_codes.generate(10)]
    elapsed = time.process_time() - started
    assert len(stored) == 10
    assert elapsed < 1.5, f"10 scrypt hashes took {elapsed:.2f}s"
