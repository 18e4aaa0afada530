"""QR code data URIs for the otpauth URI."""

from __future__ import annotations

import base64

from bidcraft.auth import qr, totp

PREFIX = "data:image/svg+xml;base64,"


def test_svg_data_uri_decodes_to_an_svg() -> None:
    uri = qr.svg_data_uri(totp.provisioning_uri(totp.new_secret(), "alice@example.com"))
    assert uri.startswith(PREFIX)
    svg = base64.b64decode(uri[len(PREFIX) :], validate=True).decode("utf-8")
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")


def test_different_texts_give_different_images() -> None:
    assert qr.svg_data_uri("otpauth://totp/a") != qr.svg_data_uri("otpauth://totp/b")
