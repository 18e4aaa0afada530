"""Envelope encryption cost: data-key cache hits vs misses against KMS in moto server mode.

Run: `.venv/bin/python bench/bench_crypto.py` (starts its own moto server unless AWS_ENDPOINT_URL is set).
Prints time per operation and KMS calls per 1,000 operations, plus the backup-code hash cost. Not a test:
moto answers in-process over loopback, so KMS latency here is far below the real service's (~5-15 ms).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bidcraft import aws, config
from bidcraft.auth import backup_codes, totp
from bidcraft.crypto import envelope

OPS = 1000
PAYLOAD = b'{"access_token":"' + b"a" * 400 + b'","refresh_token":"' + b"r" * 400 + b'"}'


def _start_moto() -> Any:
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "bench"  # noqa: S105 - emulator
    return server


def _run(label: str, calls: Counter[str], op: Callable[[int], object]) -> None:
    calls.clear()
    started = time.perf_counter()
    for i in range(OPS):
        op(i)
    elapsed = time.perf_counter() - started
    per_op_us = elapsed / OPS * 1e6
    kms = ", ".join(f"{name} {count}" for name, count in sorted(calls.items())) or "none"
    print(f"{label:<46} {per_op_us:9.1f} µs/op   KMS calls per {OPS}: {kms}")


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    server = None if os.environ.get("AWS_ENDPOINT_URL") else _start_moto()
    try:
        aws.reset()
        kms = aws.client("kms")
        os.environ.setdefault("KMS_KEY_ID", kms.create_key(Description="bench")["KeyMetadata"]["KeyId"])
        config.reset()
        calls: Counter[str] = Counter()
        kms.meta.events.register("before-call.kms", lambda model, **_: calls.update([model.name]))
        up = envelope.PURPOSE_UPWORK_TOKEN

        envelope.reset_cache()
        same_user = [b""] * OPS
        _run(
            "encrypt, one user (cache hits)",
            calls,
            lambda i: same_user.__setitem__(i, envelope.encrypt(PAYLOAD, user_id="u-bench", purpose=up)),
        )
        _run(
            "decrypt, one user, warm (read after write)",
            calls,
            lambda i: envelope.decrypt(same_user[i], user_id="u-bench", purpose=up),
        )
        envelope.reset_cache()
        _run(
            "decrypt, one user, cold cache",
            calls,
            lambda i: envelope.decrypt(same_user[i], user_id="u-bench", purpose=up),
        )

        envelope.reset_cache()
        many_users = [b""] * OPS
        _run(
            "encrypt, 1000 users (cache misses)",
            calls,
            lambda i: many_users.__setitem__(i, envelope.encrypt(PAYLOAD, user_id=f"u-{i}", purpose=up)),
        )
        envelope.reset_cache()
        _run(
            "decrypt, 1000 users, cold (cache misses)",
            calls,
            lambda i: envelope.decrypt(many_users[i], user_id=f"u-{i}", purpose=up),
        )
        _run(
            "decrypt, 1000 users, LRU 256 (mostly misses)",
            calls,
            lambda i: envelope.decrypt(many_users[i], user_id=f"u-{i}", purpose=up),
        )
        _run(
            "decrypt, 200 users x5 (fits the LRU)",
            calls,
            lambda i: envelope.decrypt(many_users[i % 200], user_id=f"u-{i % 200}", purpose=up),
        )
    finally:
        if server is not None:
            server.stop()

    started = time.perf_counter()
    codes = backup_codes.generate(10)
    stored = [backup_codes.hash_code(code) for code in codes]
    setup = time.perf_counter() - started
    started = time.perf_counter()
    backup_codes.find_match(codes[-1], stored)
    match = time.perf_counter() - started
    print(
        f"backup codes: 10 scrypt hashes {setup * 1000:.0f} ms ({setup * 100:.1f} ms each), "
        f"find_match over 10 {match * 1000:.0f} ms"
    )
    secret = totp.new_secret()
    started = time.perf_counter()
    for i in range(OPS):
        totp.matching_step(secret, "123456", 1_700_000_000 + i)
    print(f"totp.matching_step (±1 window): {(time.perf_counter() - started) / OPS * 1e6:.1f} µs/op")


if __name__ == "__main__":
    main()
