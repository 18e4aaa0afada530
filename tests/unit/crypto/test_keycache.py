"""Data-key cache: expiry, use limit, per-context isolation, LRU bound, thread safety (C9)."""

from __future__ import annotations

import threading

from bidcraft.crypto.keycache import DataKeyCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


CTX_A = ("key", "user-a", "upwork_token")
CTX_B = ("key", "user-b", "upwork_token")


def test_encryption_key_is_reused_up_to_max_uses() -> None:
    cache = DataKeyCache(max_uses=3, clock=Clock())
    assert cache.take_for_encryption(CTX_A) is None
    cache.add_for_encryption(CTX_A, b"k" * 32, b"wrapped")  # use 1
    assert cache.take_for_encryption(CTX_A) is not None  # use 2
    assert cache.take_for_encryption(CTX_A) is not None  # use 3
    assert cache.take_for_encryption(CTX_A) is None  # exhausted: a new data key is needed


def test_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache = DataKeyCache(ttl=300, clock=clock)
    cache.add_for_encryption(CTX_A, b"k" * 32, b"wrapped")
    clock.now += 299
    assert cache.take_for_encryption(CTX_A) is not None
    assert cache.get_for_decryption(b"wrapped", CTX_A) == b"k" * 32
    clock.now += 1
    assert cache.take_for_encryption(CTX_A) is None
    assert cache.get_for_decryption(b"wrapped", CTX_A) is None
    assert len(cache) == 0


def test_keys_never_cross_users_or_purposes() -> None:
    cache = DataKeyCache(clock=Clock())
    cache.add_for_encryption(CTX_A, b"k" * 32, b"wrapped")
    assert cache.take_for_encryption(CTX_B) is None
    assert cache.take_for_encryption(("key", "user-a", "totp_seed")) is None
    assert cache.get_for_decryption(b"wrapped", CTX_B) is None


def test_generated_key_serves_decryption_of_its_own_records() -> None:
    cache = DataKeyCache(clock=Clock())
    cache.add_for_encryption(CTX_A, b"k" * 32, b"wrapped")
    assert cache.get_for_decryption(b"wrapped", CTX_A) == b"k" * 32
    assert cache.get_for_decryption(b"other", CTX_A) is None


def test_size_is_bounded_least_recently_used_first() -> None:
    cache = DataKeyCache(max_entries=2, clock=Clock())
    cache.add_for_decryption(b"w1", CTX_A, b"1" * 32)
    cache.add_for_decryption(b"w2", CTX_A, b"2" * 32)
    assert cache.get_for_decryption(b"w1", CTX_A)  # w1 is now the most recent
    cache.add_for_decryption(b"w3", CTX_A, b"3" * 32)
    assert cache.get_for_decryption(b"w2", CTX_A) is None
    assert cache.get_for_decryption(b"w1", CTX_A) == b"1" * 32
    assert len(cache) == 2


def test_clear_drops_everything() -> None:
    cache = DataKeyCache(clock=Clock())
    cache.add_for_encryption(CTX_A, b"k" * 32, b"wrapped")
    cache.clear()
    assert len(cache) == 0


def test_key_material_is_not_in_the_repr() -> None:
    cache = DataKeyCache(clock=Clock())
    entry = cache.add_for_encryption(CTX_A, b"S" * 32, b"W" * 8)
    assert "SSSS" not in repr(entry)
    assert "WWWW" not in repr(entry)


def test_concurrent_takes_never_exceed_max_uses() -> None:
    cache = DataKeyCache(max_uses=100, clock=Clock())
    cache.add_for_encryption(CTX_A, b"k" * 32, b"wrapped")
    granted: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        count = sum(cache.take_for_encryption(CTX_A) is not None for _ in range(50))
        with lock:
            granted.append(count)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 99
