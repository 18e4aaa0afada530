"""QR codes as inline SVG data URIs (for the otpauth URI in `POST /auth/mfa/setup`)."""

from __future__ import annotations

import base64
import io


def svg_data_uri(text: str) -> str:
    """`data:image/svg+xml;base64,...` of a QR code encoding `text` (medium error correction)."""
    import segno  # only MFA set-up needs it: keep it off the cold-start path

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="svg", scale=4, border=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
