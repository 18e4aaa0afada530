"""TOTP: RFC 4226 App. D and RFC 6238 App. B vectors (security-tests §2.1, §2.2), window, input rules (M1-M5,
M10, M11, M14)."""

from __future__ import annotations

import base64
import hmac
import re

import pytest

from bidcraft.auth import totp

SEED_SHA1 = b"12345678901234567890"
SEED_SHA256 = b"12345678901234567890123456789012"
SEED_SHA512 = b"1234567890" * 6 + b"1234"
B32_SHA1 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=")


RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]

RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]


def test_sha1_seed_base32_is_the_documented_one() -> None:
    assert b32(SEED_SHA1) == B32_SHA1


@pytest.mark.parametrize(("for_time", "sha1", "sha256", "sha512"), RFC6238)
def test_m1_rfc6238_appendix_b_8_digits(for_time: int, sha1: str, sha256: str, sha512: str) -> None:
    # Given the per-algorithm seeds of erratum 2866, When computing 8-digit codes, Then they match App. B.
    assert totp.code_at(B32_SHA1, for_time, digits=8) == sha1
    assert totp.code_at(b32(SEED_SHA256), for_time, digits=8, algorithm="sha256") == sha256
    assert totp.code_at(b32(SEED_SHA512), for_time, digits=8, algorithm="sha512") == sha512


def test_m1_time_beyond_2038_uses_64_bit_steps() -> None:
    assert totp.step_of(20000000000) == 0x27BC86AA
    assert 20000000000 > 2**32  # the input time itself does not fit 32 bits


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226)))
def test_m2_rfc4226_appendix_d(counter: int, expected: str) -> None:
    assert totp.hotp(SEED_SHA1, counter) == expected
    # The same values through the TOTP entry point: step `counter` starts at t = 30 * counter.
    assert totp.code_at(B32_SHA1, 30 * counter) == expected


def test_m3_six_digits_at_59() -> None:
    assert totp.code_at(B32_SHA1, 59) == "287082"


def test_secret_decoding_accepts_lower_case_and_missing_padding() -> None:
    assert totp.code_at(B32_SHA1.lower(), 59) == "287082"
    odd = b32(b"0123456789abcdef")  # 16 bytes → needs padding
    assert totp.code_at(odd, 59) == totp.hotp(b"0123456789abcdef", 1)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_m4_window_plus_minus_one_step(offset: int) -> None:
    # Given now in step 40000000, When the code of a neighbouring step is sent, Then that step is returned.
    now = 40000000 * 30 + 17
    step = totp.step_of(now) + offset
    code = totp.code_at(B32_SHA1, step * 30)
    assert totp.matching_step(B32_SHA1, code, now) == step


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_m5_steps_outside_window_are_rejected(offset: int) -> None:
    now = 40000000 * 30 + 17
    code = totp.code_at(B32_SHA1, (totp.step_of(now) + offset) * 30)
    window_codes = {totp.code_at(B32_SHA1, (totp.step_of(now) + d) * 30) for d in (-1, 0, 1)}
    assert code not in window_codes  # the vector is meaningful (no accidental collision)
    assert totp.matching_step(B32_SHA1, code, now) is None


def test_window_zero_accepts_only_the_current_step() -> None:
    now = 59
    assert totp.matching_step(B32_SHA1, "287082", now, window=0) == 1
    assert totp.matching_step(B32_SHA1, "755224", now, window=0) is None
    assert totp.matching_step(B32_SHA1, "755224", now, window=1) == 0


def test_window_does_not_go_below_step_zero() -> None:
    assert totp.matching_step(B32_SHA1, "755224", 5) == 0


def test_negative_window_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="window"):
        totp.matching_step(B32_SHA1, "287082", 59, window=-1)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "28708",  # 5 digits
        "2870820",  # 7 digits
        "287 082",  # inner space
        "٢٨٧٠٨٢",  # Arabic-Indic digits of 287082
        "２８７０８２",
        "28708a",
        "+87082",
        "-87082",
        "\t287082",  # only ASCII spaces are stripped
        "287082\n",
        "287082\x00",
        "0x1234",
        "2870.2",
        None,
        287082,
        b"287082",
    ],
)
def test_m10_malformed_codes_are_rejected_without_exceptions(code: object) -> None:
    assert totp.matching_step(B32_SHA1, code, 59) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("code", [" 287082", "287082 ", "  287082  "])
def test_m10_surrounding_ascii_spaces_are_stripped(code: str) -> None:
    assert totp.matching_step(B32_SHA1, code, 59) == 1


def test_every_candidate_is_compared_no_early_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a code for the oldest step in the window, When matching, Then all three steps are still compared.
    calls: list[bytes] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append(a)
        return real(a, b)

    monkeypatch.setattr(totp.hmac, "compare_digest", counting)
    assert totp.matching_step(B32_SHA1, "287082", 89, window=1) == 1
    assert len(calls) == 3


def test_newest_step_wins_when_two_steps_share_a_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(totp, "hotp", lambda key, step, *a: "123456")
    assert totp.matching_step(B32_SHA1, "123456", 300) == 11


def test_m11_seeds_are_160_bit_base32_and_unique() -> None:
    seeds = [totp.new_secret() for _ in range(1000)]
    assert len(set(seeds)) == 1000
    for seed in seeds[:50]:
        assert re.fullmatch(r"[A-Z2-7]{32}", seed)
        assert len(base64.b32decode(seed)) == 20


def test_is_newer_implements_the_replay_rule() -> None:
    assert totp.is_newer(5, None)
    assert totp.is_newer(6, 5)
    assert not totp.is_newer(5, 5)  # same code twice (M6)
    assert not totp.is_newer(4, 5)  # older code after a newer one (M7)


def test_m14_provisioning_uri_exact_string() -> None:
    uri = totp.provisioning_uri(B32_SHA1, "alice@example.com")
    assert uri == (
        "otpauth://totp/Bidcraft:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=Bidcraft&algorithm=SHA1&digits=6&period=30"
    )


def test_m14_label_parts_are_url_encoded() -> None:
    uri = totp.provisioning_uri("ABC", "Jane Doe:x/y?z&w", issuer="Acme Co")
    assert uri == (
        "otpauth://totp/Acme%20Co:Jane%20Doe%3Ax%2Fy%3Fz%26w?secret=ABC&issuer=Acme%20Co"
        "&algorithm=SHA1&digits=6&period=30"
    )


def test_unsupported_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="algorithm"):
        totp.code_at(B32_SHA1, 59, algorithm="md5")
    with pytest.raises(ValueError, match="digits"):
        totp.code_at(B32_SHA1, 59, digits=4)
    with pytest.raises(ValueError, match="counter"):
        totp.hotp(SEED_SHA1, -1)
