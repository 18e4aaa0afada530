"""The AlertsTable adapter: channels, deliveries and the at-most-once markers, one partition per user.

The items are the models of `bidcraft.tables.alerts` (keys, attributes, index: see there). What this adapter
guarantees:
- a channel is put and counted (`channel_count`) in one transaction, conditioned on the count being under
  `MAX_CHANNELS`, and deleted and uncounted in one transaction, so the per-user limit holds under races;
- a job's delivery is put in one transaction with its marker `DEDUP#<channel_id>#<job_id>`, both
  conditioned on not existing: a (channel, job) pair gets one delivery, however often the poller offers it;
- delivery ids start with the creation time in hex, so `sk` order (and `gsi1sk` order) is time order;
- deliveries and markers expire (`expires_at`, 30 days); channels do not.

Transactions go through PynamoDB's `TransactWrite`, which sends its items in a fixed order — condition
checks, deletes, puts, updates — so a cancellation reason is read at that position (`put_channel`).
Every call is one DynamoDB request (a test-alert count: at most two; the delivery log: one per page of
PynamoDB's page iterator, at most `deliveries.MAX_ROUNDS`);
AWS failures become `ServiceUnavailable` (keyed on error codes, never messages). Values come back as plain
dicts (`tables.alerts.plain`), the shape the domain and its in-memory test fakes share. No call needs the
low-level client: gets, conditional puts/updates/deletes, transactions and paged queries are all PynamoDB's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.pagination import PageIterator

from bidcraft.errors import Conflict, ServiceUnavailable
from bidcraft.tables import base
from bidcraft.tables.alerts import (
    CHANNEL_PREFIX,
    DELIVERY_PREFIX,
    ChannelCounter,
    ChannelItem,
    DedupMarker,
    DeliveryItem,
    channel_index_pk,
    plain,
    user_pk,
)

MAX_CHANNELS = 10
FINAL_STATUSES = ("delivered", "failed", "suppressed")
WAITING = ("queued", "retrying")
CHECK_FAILED = "ConditionalCheckFailed"  # a transaction item's cancellation reason code

__all__ = ["DELIVERY_PREFIX", "channel_index_pk", "user_pk"]  # re-exported for the listing's cursor checks


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("Alert storage is temporarily unavailable")


def _get(model: Any, key: tuple[str, str]) -> dict[str, Any] | None:
    try:
        return plain(model.get(*key, consistent_read=True))
    except model.DoesNotExist:
        return None
    except base.STORAGE_ERRORS as exc:
        raise _unavailable() from exc


def _update(item: Any, actions: list[Action], condition: Condition) -> Any | None:
    """One conditional `UpdateItem`: the item as it is after it (`ALL_NEW`), or None when the condition
    failed."""
    try:
        item.update(actions=actions, condition=condition)
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return None
        raise _unavailable() from exc
    return item


# -- channels ----------------------------------------------------------------------------------------------
def put_channel(user_id: str, channel: Mapping[str, Any]) -> None:
    """Store a new channel and count it; `Conflict` when the user already has `MAX_CHANNELS`."""
    item = ChannelItem(*ChannelItem.key(user_id, str(channel["channel_id"])), **channel)
    try:
        with base.transact_write(ChannelItem) as transaction:
            transaction.save(item, condition=ChannelItem.pk.does_not_exist())
            transaction.update(
                ChannelCounter(*ChannelCounter.key(user_id)),
                actions=[ChannelCounter.channel_count.add(1)],
                condition=ChannelCounter.channel_count.does_not_exist()
                | (ChannelCounter.channel_count < MAX_CHANNELS),
            )
    except base.STORAGE_ERRORS as exc:
        if base.cancellation_codes(exc)[1:2] == [CHECK_FAILED]:  # [put channel, update counter]
            raise Conflict(f"You already have {MAX_CHANNELS} alert channels; delete one first") from None
        raise _unavailable() from exc


def list_channels(user_id: str) -> list[dict[str, Any]]:
    """Every channel of the user (at most `MAX_CHANNELS`: one Query page)."""
    try:
        return [
            plain(item)
            for item in ChannelItem.query(
                user_pk(user_id), ChannelItem.sk.startswith(CHANNEL_PREFIX), consistent_read=True
            )
        ]
    except base.STORAGE_ERRORS as exc:
        raise _unavailable() from exc


def get_channel(user_id: str, channel_id: str) -> dict[str, Any] | None:
    return _get(ChannelItem, ChannelItem.key(user_id, channel_id))


def delete_channel(user_id: str, channel_id: str) -> bool:
    """Delete a channel and uncount it; False when the user has no such channel."""
    try:
        with base.transact_write(ChannelItem) as transaction:
            transaction.delete(
                ChannelItem(*ChannelItem.key(user_id, channel_id)), condition=ChannelItem.pk.exists()
            )
            transaction.update(
                ChannelCounter(*ChannelCounter.key(user_id)),
                actions=[ChannelCounter.channel_count.add(-1)],
                condition=ChannelCounter.channel_count > 0,
            )
    except base.STORAGE_ERRORS as exc:
        if CHECK_FAILED in base.cancellation_codes(exc):
            return False
        raise _unavailable() from exc
    return True


def count_test_alert(user_id: str, channel_id: str, window: int, limit: int) -> bool:
    """Count a test alert in the channel's current window (`window`: its start, epoch seconds); False when
    `limit` are already counted there. Two conditional updates at most: count in this window, or start it."""
    channel = ChannelItem(*ChannelItem.key(user_id, channel_id))
    counted = _update(
        channel,
        [ChannelItem.test_count.add(1)],
        (ChannelItem.test_window == window) & (ChannelItem.test_count < limit),
    )
    if counted is not None:
        return True
    started = _update(
        channel,
        [ChannelItem.test_window.set(window), ChannelItem.test_count.set(1)],
        ChannelItem.pk.exists()
        & (ChannelItem.test_window.does_not_exist() | (ChannelItem.test_window < window)),
    )
    return started is not None


def channel_succeeded(user_id: str, channel_id: str, at: str) -> None:
    """A delivery got through: the failure streak is over."""
    _update(
        ChannelItem(*ChannelItem.key(user_id, channel_id)),
        [ChannelItem.consecutive_failures.set(0), ChannelItem.last_delivery_at.set(at)],
        ChannelItem.pk.exists(),
    )


def channel_failed(user_id: str, channel_id: str) -> int | None:
    """Count one more consecutive failure; the new count (None when the channel is gone)."""
    updated = _update(
        ChannelItem(*ChannelItem.key(user_id, channel_id)),
        [ChannelItem.consecutive_failures.add(1)],
        ChannelItem.pk.exists(),
    )
    return None if updated is None else int(updated.consecutive_failures or 0)


def disable_channel(user_id: str, channel_id: str, at: str, threshold: int) -> bool:
    """Disable an active channel whose streak reached `threshold`; True only for the call that flipped it."""
    return (
        _update(
            ChannelItem(*ChannelItem.key(user_id, channel_id)),
            [ChannelItem.status.set("disabled"), ChannelItem.disabled_at.set(at)],
            (ChannelItem.status == "active") & (ChannelItem.consecutive_failures >= threshold),
        )
        is not None
    )


# -- deliveries --------------------------------------------------------------------------------------------
def _delivery(user_id: str, delivery: Mapping[str, Any]) -> DeliveryItem:
    delivery_id = str(delivery["delivery_id"])
    values = {name: value for name, value in delivery.items() if value is not None}
    return DeliveryItem(
        *DeliveryItem.key(user_id, delivery_id),
        gsi1pk=channel_index_pk(user_id, str(delivery["channel_id"])),
        gsi1sk=delivery_id,
        **values,
    )


def create_delivery(user_id: str, delivery: Mapping[str, Any], *, job_id: str | None) -> bool:
    """Store a new delivery. With `job_id`, at most one per (channel, job): False for a duplicate."""
    item = _delivery(user_id, delivery)
    try:
        if job_id is None:
            item.save(condition=DeliveryItem.pk.does_not_exist())
            return True
        marker = DedupMarker(
            *DedupMarker.key(user_id, str(delivery["channel_id"]), job_id),
            delivery_id=str(delivery["delivery_id"]),
            expires_at=delivery["expires_at"],
        )
        with base.transact_write(DeliveryItem) as transaction:
            transaction.save(marker, condition=DedupMarker.pk.does_not_exist())  # first: [marker, delivery]
            transaction.save(item, condition=DeliveryItem.pk.does_not_exist())
    except base.STORAGE_ERRORS as exc:
        if base.cancellation_codes(exc)[:1] == [CHECK_FAILED]:
            return False
        raise _unavailable() from exc
    return True


def forget_delivery(user_id: str, delivery: Mapping[str, Any], *, job_id: str | None) -> None:
    """Undo `create_delivery` when its message could not be queued (so a later offer creates it again)."""
    try:
        with base.transact_write(DeliveryItem) as transaction:
            transaction.delete(
                DeliveryItem(*DeliveryItem.key(user_id, str(delivery["delivery_id"]))),
                condition=DeliveryItem.attempts == 0,
            )
            if job_id is not None:
                transaction.delete(
                    DedupMarker(*DedupMarker.key(user_id, str(delivery["channel_id"]), job_id))
                )
    except base.STORAGE_ERRORS as exc:
        raise _unavailable() from exc


def get_delivery(user_id: str, delivery_id: str) -> dict[str, Any] | None:
    return _get(DeliveryItem, DeliveryItem.key(user_id, delivery_id))


def _sets(changes: Mapping[str, Any]) -> list[Action]:
    """`SET` each named attribute of a delivery (`None` is written as NULL, as the low-level store did); an
    unknown name is a coding error (KeyError)."""
    attributes = DeliveryItem.get_attributes()
    return [attributes[name].set(value) for name, value in changes.items()]


def claim_attempt(user_id: str, delivery_id: str, attempt: int, now: int, stale_before: int) -> bool:
    """Take attempt number `attempt`: only one worker makes it (SQS may deliver a message twice).

    Allowed when the previous attempt is the last one counted and the delivery is waiting, or when this very
    attempt was claimed before `stale_before` and never finished (its worker died mid-send). The status
    stays `queued`/`retrying` while the attempt is in flight; `attempts` already counts it.
    """
    fresh = DeliveryItem.attempts == attempt - 1
    stale = (DeliveryItem.attempts == attempt) & (DeliveryItem.claimed_at < stale_before)
    claimed = _update(
        DeliveryItem(*DeliveryItem.key(user_id, delivery_id)),
        [DeliveryItem.attempts.set(attempt), DeliveryItem.claimed_at.set(now)],
        DeliveryItem.status.is_in(*WAITING) & (fresh | stale),
    )
    return claimed is not None


def record_outcome(user_id: str, delivery_id: str, attempt: int, changes: Mapping[str, Any]) -> bool:
    """Write the result of attempt `attempt` (status and details); False if another worker moved on."""
    recorded = _update(
        DeliveryItem(*DeliveryItem.key(user_id, delivery_id)),
        _sets(changes),
        (DeliveryItem.attempts == attempt) & DeliveryItem.status.is_in(*WAITING),
    )
    return recorded is not None


def settle_waiting(user_id: str, delivery_id: str, changes: Mapping[str, Any]) -> bool:
    """Finish a delivery that is waiting (no attempt in flight): suppressed, or failed without a try."""
    settled = _update(
        DeliveryItem(*DeliveryItem.key(user_id, delivery_id)),
        _sets(changes),
        DeliveryItem.status.is_in(*WAITING),
    )
    return settled is not None


def delivery_pages(
    user_id: str,
    *,
    channel_id: str | None,
    status: str | None,
    start_key: dict[str, Any] | None,
) -> PageIterator[Any]:
    """The delivery log newest first, as PynamoDB's page iterator (one `Query` per page; nothing is read
    until the first page is asked for). The caller sets `page_size` before each page and stops when it has
    enough: with a `status` filter a page may hold fewer items than it read. Pages are raw `Query` responses
    (`Items`, `LastEvaluatedKey`): the cursor is built from an item's raw keys; `delivery_of` reads one."""
    status_filter = DeliveryItem.status == status if status else None
    if channel_id:
        result = DeliveryItem.query(
            channel_index_pk(user_id, channel_id),
            index_name=DeliveryItem.gsi1.Meta.index_name,
            filter_condition=status_filter,
            scan_index_forward=False,
            last_evaluated_key=start_key,
        )
    else:
        result = DeliveryItem.query(
            user_pk(user_id),
            DeliveryItem.sk.startswith(DELIVERY_PREFIX),
            filter_condition=status_filter,
            scan_index_forward=False,
            last_evaluated_key=start_key,
        )
    return result.page_iter


def delivery_of(raw: dict[str, Any]) -> dict[str, Any]:
    """An item of a `delivery_pages` page as plain values."""
    return plain(DeliveryItem.from_raw_data(raw))


def next_page(pages: PageIterator[Any]) -> dict[str, Any] | None:
    """One page of `delivery_pages` (None after the last); a storage failure is `ServiceUnavailable`."""
    try:
        return dict(next(pages))
    except StopIteration:
        return None
    except base.STORAGE_ERRORS as exc:
        raise _unavailable() from exc
