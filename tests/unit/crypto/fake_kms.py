"""An in-memory KMS with the behaviour envelope encryption relies on (context binding, error codes).

Wrapped data keys are `key id ‖ 0x00 ‖ AES-GCM(master, data key, aad=canonical context)`, so a wrong context
or a flipped bit is `InvalidCiphertextException` and another key id is `IncorrectKeyException`, as in KMS.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "fake"}}, operation)


class FakeKms:
    def __init__(self) -> None:
        self._master = AESGCM(os.urandom(32))
        self.calls: Counter[str] = Counter()
        self.fail_with: str | None = None

    @staticmethod
    def _aad(context: dict[str, str]) -> bytes:
        return json.dumps(context, sort_keys=True).encode()

    def generate_data_key(
        self, *, KeyId: str, KeySpec: str, EncryptionContext: dict[str, str]
    ) -> dict[str, Any]:
        self.calls["GenerateDataKey"] += 1
        if self.fail_with:
            raise _error(self.fail_with, "GenerateDataKey")
        assert KeySpec == "AES_256"
        data_key = os.urandom(32)
        nonce = os.urandom(12)
        wrapped = (
            KeyId.encode()
            + b"\x00"
            + nonce
            + self._master.encrypt(nonce, data_key, self._aad(EncryptionContext))
        )
        return {"Plaintext": data_key, "CiphertextBlob": wrapped, "KeyId": KeyId}

    def decrypt(
        self, *, CiphertextBlob: bytes, EncryptionContext: dict[str, str], KeyId: str
    ) -> dict[str, Any]:
        self.calls["Decrypt"] += 1
        if self.fail_with:
            raise _error(self.fail_with, "Decrypt")
        key_id, sep, rest = CiphertextBlob.partition(b"\x00")
        if not sep or len(rest) < 28:
            raise _error("InvalidCiphertextException", "Decrypt")
        if key_id != KeyId.encode():
            raise _error("IncorrectKeyException", "Decrypt")
        try:
            plaintext = self._master.decrypt(rest[:12], rest[12:], self._aad(EncryptionContext))
        except InvalidTag:
            raise _error("InvalidCiphertextException", "Decrypt") from None
        return {"Plaintext": plaintext, "KeyId": KeyId}
