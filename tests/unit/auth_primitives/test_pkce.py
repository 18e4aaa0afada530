"""PKCE and state: RFC 7636 App. B (O1) and generated values (O2)."""

from __future__ import annotations

import re

import pytest

from bidcraft.auth import pkce

APPENDIX_B_OCTETS = bytes(
    [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
     22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]
)  # fmt: skip
VERIFIER_RE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def test_o1_rfc7636_appendix_b(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the App. B octets as the random source, When a verifier is made, Then both values match.
    monkeypatch.setattr(pkce.secrets, "token_bytes", lambda n: APPENDIX_B_OCTETS[:n])
    verifier = pkce.new_verifier()
    assert verifier == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.challenge_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_o2_verifiers_have_the_rfc_charset_and_length_and_are_unique() -> None:
    verifiers = [pkce.new_verifier() for _ in range(10_000)]
    assert len(set(verifiers)) == 10_000
    assert all(VERIFIER_RE.fullmatch(v) for v in verifiers)
    assert not any("=" in v for v in verifiers)


@pytest.mark.parametrize("bad", ["", "a" * 42, "a" * 129, "a" * 42 + "=", "a" * 42 + " ", "a" * 42 + "é"])
def test_challenge_rejects_invalid_verifiers(bad: str) -> None:
    with pytest.raises(ValueError, match="code_verifier"):
        pkce.challenge_s256(bad)


def test_challenge_is_unpadded_base64url() -> None:
    challenge = pkce.challenge_s256(pkce.new_verifier())
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge)


def test_state_is_256_bit_url_safe_and_unique() -> None:
    states = {pkce.new_state() for _ in range(10_000)}
    assert len(states) == 10_000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", s) for s in states)
