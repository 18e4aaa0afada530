"""A channel's target and webhook secret, sealed for its owner: KMS envelope encryption (`bidcraft.crypto.
envelope`, purpose `alert_channel`, encryption context bound to the user). The alerts function seals (it may
only `GenerateDataKey`), the delivery worker opens (it may only `Decrypt`)."""

from __future__ import annotations

import json

from bidcraft.crypto import envelope


def seal(user_id: str, target: str, secret: str | None) -> bytes:
    plain = json.dumps({"target": target, "secret": secret}).encode("utf-8")
    return envelope.encrypt(plain, user_id=user_id, purpose=envelope.PURPOSE_ALERT_CHANNEL)


def unseal(user_id: str, sealed: bytes) -> tuple[str, str | None]:
    """(target, webhook secret or None); `DecryptionFailed` when the blob is not this user's."""
    opened = json.loads(envelope.decrypt(sealed, user_id=user_id, purpose=envelope.PURPOSE_ALERT_CHANNEL))
    return str(opened["target"]), opened.get("secret")
