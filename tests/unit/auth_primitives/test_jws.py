"""Compact JWS with HS256 (`bidcraft.auth.jws`): the RFC 7515 A.1 / RFC 7519 §3.1 vector, interoperability
with PyJWT in both directions, and every way a token can be malformed (security-tests §6: A1-A4, A10, A23)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt
import pytest

from bidcraft.auth import jws

# RFC 7515 Appendix A.1 (the same token is RFC 7519 §3.1's example JWT): the JWK's `k`, the token, and the
# header and payload octets it signs (the JSON has CRLF line breaks: the signature covers exactly these).
RFC7515_KEY = jws.b64url_decode(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
)
RFC7515_HEADER = b'{"typ":"JWT",\r\n "alg":"HS256"}'
RFC7515_PAYLOAD = b'{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
RFC7515_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
KEY = b"k" * 32
HS256 = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=").decode()
NONE = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
EMPTY = base64.urlsafe_b64encode(b"{}").rstrip(b"=").decode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _forge(header: bytes, payload: bytes, key: bytes = KEY) -> str:
    """A token over arbitrary header/payload octets, correctly signed with `key`."""
    signing_input = f"{_b64(header)}.{_b64(payload)}"
    mac = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def _invalid(token: str, key: bytes = KEY) -> str:
    with pytest.raises(jws.InvalidToken) as caught:
        jws.verify(token, key)
    return caught.value.reason


def test_rfc7515_a1_segments_are_the_published_octets() -> None:
    header, payload, _ = RFC7515_TOKEN.split(".")
    assert jws.b64url_decode(header) == RFC7515_HEADER
    assert jws.b64url_decode(payload) == RFC7515_PAYLOAD
    assert _b64(RFC7515_HEADER) == header


def test_rfc7515_a1_signature_verifies() -> None:
    claims = jws.verify(RFC7515_TOKEN, RFC7515_KEY)
    assert claims == {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
    assert jws.unverified_header(RFC7515_TOKEN) == {"typ": "JWT", "alg": "HS256"}


def test_rfc7515_a1_signature_is_what_our_mac_computes() -> None:
    assert _forge(RFC7515_HEADER, RFC7515_PAYLOAD, RFC7515_KEY) == RFC7515_TOKEN


def test_rfc7515_a1_one_changed_payload_byte_fails() -> None:
    header, _, signature = RFC7515_TOKEN.split(".")
    payload = _b64(RFC7515_PAYLOAD.replace(b"joe", b"jod"))
    assert _invalid(f"{header}.{payload}.{signature}", RFC7515_KEY) == "signature"


def test_our_tokens_verify_with_pyjwt() -> None:
    token = jws.sign({"sub": "u1", "n": 1}, KEY, headers={"typ": "at+jwt", "kid": "k1"})
    assert jwt.decode(token, KEY, algorithms=["HS256"]) == {"sub": "u1", "n": 1}
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "at+jwt", "kid": "k1"}


def test_pyjwt_tokens_verify_with_ours() -> None:
    token = jwt.encode({"sub": "u1"}, KEY, algorithm="HS256", headers={"kid": "k1"})
    assert jws.verify(token, KEY) == {"sub": "u1"}


def test_sign_refuses_another_algorithm_and_short_keys() -> None:
    with pytest.raises(ValueError, match="HS256"):
        jws.sign({}, KEY, headers={"alg": "none"})
    with pytest.raises(ValueError, match="32 bytes"):
        jws.sign({}, b"k" * 31)


def test_verify_refuses_a_key_shorter_than_32_bytes() -> None:
    short = b"s" * 31
    with pytest.raises(ValueError, match="32 bytes"):
        jws.verify(_forge(b'{"alg":"HS256"}', b"{}", short), short)


def test_wrong_key() -> None:
    assert _invalid(jws.sign({"sub": "u1"}, b"x" * 32)) == "signature"


@pytest.mark.parametrize(
    "header", [b'{"alg":"none"}', b'{"alg":"HS512"}', b'{"alg":"RS256"}', b'{"alg":"hs256"}', b"{}"]
)
def test_only_hs256_is_accepted_even_when_the_mac_matches(header: bytes) -> None:
    assert _invalid(_forge(header, b'{"sub":"u1"}')) == "algorithm"


def test_alg_none_with_an_empty_signature() -> None:
    assert _invalid(f"{NONE}.{EMPTY}.") == "algorithm"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "a.b.c",  # single characters are not base64url of anything
        f"{HS256}=.{EMPTY}.xx",  # padding
        f"{HS256}.{EMPTY}+/.xx",  # the standard, not the URL-safe, alphabet
        f"{HS256}.{EMPTY}.a b",
        f"{HS256}.é.xx",
    ],
)
def test_malformed_tokens(token: str) -> None:
    assert _invalid(token) == "malformed"


@pytest.mark.parametrize(
    "header",
    [
        b'{"alg":"HS256","alg":"none"}',  # a repeated member name is refused, not "last one wins"
        b"[]",
        b'"HS256"',
        b"not json",
        b'{"alg":"HS256","n":NaN}',
        b"[" * 3000 + b"]" * 3000,  # nesting past the parser's recursion limit
        b'{"alg":"HS256","n":' + b"9" * 5000 + b"}",  # past Python's 4,300-digit limit
        b"\xff\xfe",
    ],
)
def test_malformed_headers_are_invalid_tokens_not_crashes(header: bytes) -> None:
    token = _forge(header, b'{"sub":"u1"}')
    assert _invalid(token) == "malformed"
    with pytest.raises(jws.InvalidToken):
        jws.unverified_header(token)


@pytest.mark.parametrize("payload", [b"[]", b'{"a":1,"a":2}', b"{", b'"x"'])
def test_malformed_payloads_under_a_valid_signature(payload: bytes) -> None:
    assert _invalid(_forge(b'{"alg":"HS256"}', payload)) == "malformed"


def test_a_signature_spelled_with_other_unused_bits_fails() -> None:
    """43 base64url characters carry 258 bits for a 256-bit MAC: the last character's two spare bits must be
    zero, so one signature has one spelling (Python's decoder would accept all four)."""
    token = jws.sign({"sub": "u1"}, KEY)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    respelled = token[:-1] + alphabet[last ^ 1]
    assert base64.urlsafe_b64decode(respelled.split(".")[2] + "=") == jws.b64url_decode(token.split(".")[2])
    assert _invalid(respelled) == "malformed"


def test_a_truncated_signature_fails() -> None:
    token = jws.sign({"sub": "u1"}, KEY)
    assert _invalid(token[:-2]) in {"signature", "malformed"}


def test_header_order_and_members_round_trip() -> None:
    token = jws.sign({"sub": "u1"}, KEY, headers={"typ": "at+jwt", "kid": "k2"})
    header = json.loads(jws.b64url_decode(token.split(".")[0]))
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": "k2"}
    assert jws.unverified_header(token) == header
