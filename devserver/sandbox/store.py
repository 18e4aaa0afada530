"""In-memory, thread-safe registry of sandbox accounts and the (lazily built) market data."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from devserver.sandbox.data import (
    DEFAULT_PROPOSALS,
    DEFAULT_SEED,
    Account,
    Market,
    build_account,
    build_market,
)
from devserver.sandbox.postings import PostingBoard


class AccountStore:
    def __init__(self, clock: Callable[[], datetime], seed: str = DEFAULT_SEED) -> None:
        self.seed = seed
        self._clock = clock
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._by_profile_key: dict[str, str] = {}
        self._market: Market | None = None
        self._views: dict[Hashable, Any] = {}
        self.postings = PostingBoard(clock, seed)
        self._denied: dict[str, frozenset[str]] = {}

    def deny(self, account_id: str, fields: frozenset[str]) -> None:
        """Root fields the account's grant lacks the scope for (`sandbox_deny` at sign-in; empty = none)."""
        with self._lock:
            self._denied[account_id] = fields

    def denied(self, account_id: str) -> frozenset[str]:
        with self._lock:
            return self._denied.get(account_id, frozenset())

    def now(self) -> datetime:
        return self._clock()

    def get_or_create(self, account_id: str, proposals: int = DEFAULT_PROPOSALS) -> tuple[Account, bool]:
        """The account, created now (its anchor) with `proposals` past proposals if it is new."""
        with self._lock:
            account = self._accounts.get(account_id)
            if account is not None:
                return account, False
            account = build_account(account_id, proposals, self._clock(), self.seed)
            self._accounts[account_id] = account
            self._by_profile_key[account.profile.key] = account_id
            return account, True

    def get(self, account_id: str) -> Account | None:
        with self._lock:
            return self._accounts.get(account_id)

    def by_profile_key(self, key: str) -> Account | None:
        with self._lock:
            account_id = self._by_profile_key.get(key)
            return self._accounts.get(account_id) if account_id else None

    def market(self) -> Market:
        with self._lock:
            if self._market is None:
                self._market = build_market(self._clock(), self.seed)
            return self._market

    def view(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """A cached derived view (a filtered, sorted list) so that paging stays O(page)."""
        with self._lock:
            if key not in self._views:
                if len(self._views) > 256:
                    self._views.clear()
                self._views[key] = build()
            return self._views[key]
