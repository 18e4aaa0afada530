"""Storage of users in the users table: the profile item, the Upwork-id mapping and activity counters.

Items:
- `USER#<user_id>` / `PROFILE` — the profile (`UserRecord` fields) plus the activity analytics
  (`login_count`, `last_login`, `last_logout`, `avg_session_duration`, `failed_login_attempts`,
  `account_locked`, and `sessions_ended` / `total_session_seconds` behind the average).
- `UPWORK#<upwork_user_id>` / `USER` — `{user_id}`: one Bidcraft user per Upwork account, created with
  `attribute_not_exists` in the same transaction as the profile, so two first sign-ins cannot make two users.

Activity counters are updated with `ADD`/`SET` in single `UpdateItem` calls (no read-modify-write).
The items are the `UserProfile` and `UpworkLink` models of `bidcraft.tables.users`. The activity updates
go through the model's PynamoDB connection (`update_item`) rather than `Model.update`, which only returns
`ALL_NEW`: the logout average needs `UPDATED_NEW`, and a partial item must not be loaded into a model.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import MapAttribute

from bidcraft import aws, clock
from bidcraft.tables import base
from bidcraft.tables.users import UpworkLink, UserProfile
from bidcraft.users.models import DEFAULT_ROLES, Activity, UpworkProfile, UserRecord

logger = logging.getLogger(__name__)

_ACTIVITY_FIELDS = tuple(Activity.model_fields)


def _record(item: UserProfile) -> UserRecord:
    raw = {name: value for name, value in item.attribute_values.items() if value is not None}
    if isinstance(raw.get("upwork_profile"), MapAttribute):
        raw["upwork_profile"] = raw["upwork_profile"].as_dict()
    activity = {name: raw[name] for name in _ACTIVITY_FIELDS if name in raw}
    return UserRecord.model_validate({**raw, "activity": activity})


def _get(model: Any, *key: str) -> Any:
    try:
        return model.get(*key, consistent_read=True)
    except model.DoesNotExist:
        return None
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


def get(user_id: str) -> UserRecord | None:
    item = _get(UserProfile, *UserProfile.key(user_id))
    return _record(item) if item else None


def find_by_upwork_id(upwork_user_id: str) -> str | None:
    """The Bidcraft user id of an Upwork account, if it has signed in before."""
    link = _get(UpworkLink, *UpworkLink.key(upwork_user_id))
    return str(link.user_id) if link and link.user_id else None


def _create(
    *, upwork_user_id: str, name: str, email: str | None, profile: UpworkProfile, now: datetime
) -> UserRecord | None:
    """A new user, or None when another sign-in created the mapping first."""
    user_id = str(uuid.uuid4())
    record = UserRecord(
        user_id=user_id,
        email=email,
        name=name,
        upwork_user_id=upwork_user_id,
        roles=list(DEFAULT_ROLES),
        mfa_enabled=False,
        upwork_profile=profile,
        created_at=now,
    )
    profile_item = UserProfile(
        *UserProfile.key(user_id),
        entity="user",
        user_id=user_id,
        email=email,
        name=name,
        upwork_user_id=upwork_user_id,
        roles=list(record.roles),
        mfa_enabled=False,
        upwork_profile=profile.model_dump(exclude_none=True),
        created_at=clock.iso(now),
        updated_at=clock.iso(now),
        login_count=0,
        failed_login_attempts=0,
        account_locked=False,
    )
    link = UpworkLink(
        *UpworkLink.key(upwork_user_id), entity="upwork_link", user_id=user_id, created_at=clock.iso(now)
    )
    try:
        with base.transact_write(UserProfile) as transaction:
            transaction.save(link, condition=UpworkLink.pk.does_not_exist())
            transaction.save(profile_item, condition=UserProfile.pk.does_not_exist())
    except base.STORAGE_ERRORS as exc:
        codes = base.cancellation_codes(exc)
        if codes and codes[0] == "ConditionalCheckFailed":
            return None
        raise base.unavailable() from exc
    return record


def _refresh(
    user_id: str, *, name: str, email: str | None, profile: UpworkProfile, now: datetime
) -> UserRecord | None:
    item = UserProfile(*UserProfile.key(user_id))
    actions: list[Any] = [
        UserProfile.name.set(name),
        UserProfile.upwork_profile.set(profile.model_dump(exclude_none=True)),
        UserProfile.updated_at.set(clock.iso(now)),
        UserProfile.email.set(email) if email else UserProfile.email.remove(),
    ]
    try:
        item.update(actions=actions, condition=UserProfile.pk.exists())  # ReturnValues=ALL_NEW
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return None
        raise base.unavailable() from exc
    return _record(item)


def upsert_from_upwork(
    *, upwork_user_id: str, name: str, email: str | None, profile: UpworkProfile, now: datetime | None = None
) -> tuple[UserRecord, bool]:
    """The user of this Upwork account with its profile refreshed; `True` when it was created now."""
    moment = now or clock.now()
    for _ in range(3):
        user_id = find_by_upwork_id(upwork_user_id)
        if user_id is None:
            created = _create(
                upwork_user_id=upwork_user_id, name=name, email=email, profile=profile, now=moment
            )
            if created is not None:
                return created, True
            continue  # another first sign-in won the mapping: use its user
        updated = _refresh(user_id, name=name, email=email, profile=profile, now=moment)
        if updated is not None:
            return updated, False
        logger.error("upwork mapping points at a missing profile", extra={"user_id": user_id})
        break
    raise base.unavailable()


# --- activity analytics ------------------------------------------------------------------------------------


def _update_activity(
    user_id: str, actions: list[Any], what: str, *, condition: Any = None, returned: str | None = None
) -> UserProfile | None:
    """Best effort: activity is analytics, so a failed counter update is logged, not fatal.

    The updated attributes (`returned="UPDATED_NEW"`), or None when nothing was applied or asked for."""
    try:
        response = UserProfile._get_connection().update_item(
            *UserProfile.key(user_id),
            actions=actions,
            condition=UserProfile.pk.exists() if condition is None else condition,
            return_values=returned,
        )
    except base.STORAGE_ERRORS as exc:
        if not (condition is not None and base.is_condition_failure(exc)):
            logger.error("activity update failed", extra={"activity": what, "error": aws.error_code(exc)})
        return None
    attributes = response.get("Attributes")
    return UserProfile.from_raw_data(attributes) if attributes else None


def _iso(epoch_seconds: int) -> str:
    return clock.iso(datetime.fromtimestamp(epoch_seconds, UTC))


def record_login(user_id: str, now: int) -> None:
    _update_activity(
        user_id,
        [
            UserProfile.login_count.add(1),
            UserProfile.last_login.set(_iso(now)),
            UserProfile.account_locked.set(False),
        ],
        "login",
    )


def record_failed_attempt(user_id: str, *, locked: bool) -> None:
    actions: list[Any] = [UserProfile.failed_login_attempts.add(1)]
    if locked:
        actions.append(UserProfile.account_locked.set(True))
    _update_activity(user_id, actions, "failed_attempt")


def record_logout(user_id: str, now: int, session_seconds: list[int]) -> None:
    """`last_logout`, and the running mean of session durations over every ended session."""
    actions: list[Any] = [UserProfile.last_logout.set(_iso(now))]
    if session_seconds:
        actions += [
            UserProfile.sessions_ended.add(len(session_seconds)),
            UserProfile.total_session_seconds.add(sum(max(0, s) for s in session_seconds)),
        ]
    new = _update_activity(user_id, actions, "logout", returned="UPDATED_NEW")
    if new is None or not session_seconds:
        return
    ended, total = int(new.sessions_ended or 0), int(new.total_session_seconds or 0)
    if ended <= 0:
        return
    # Set the mean only if no other logout has moved the counters since (the later one sets its own).
    _update_activity(
        user_id,
        [UserProfile.avg_session_duration.set(round(total / ended, 1))],
        "avg_session",
        condition=UserProfile.sessions_ended == ended,
    )
