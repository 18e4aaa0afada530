"""Storage of users in the users table: the profile item, the Upwork-id mapping and activity counters.

Items:
- `USER#<user_id>` / `PROFILE` — the profile (`UserRecord` fields) plus the activity analytics
  (`login_count`, `last_login`, `last_logout`, `avg_session_duration`, `failed_login_attempts`,
  `account_locked`, and `sessions_ended` / `total_session_seconds` behind the average).
- `UPWORK#<upwork_user_id>` / `USER` — `{user_id}`: one Bidcraft user per Upwork account, created with
  `attribute_not_exists` in the same transaction as the profile, so two first sign-ins cannot make two users.

Activity counters are updated with `ADD`/`SET` in single `UpdateItem` calls (no read-modify-write).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from bidcraft import aws, clock, dynamo
from bidcraft.auth.settings import users_table
from bidcraft.users.models import DEFAULT_ROLES, Activity, UpworkProfile, UserRecord

logger = logging.getLogger(__name__)

PROFILE_SK = "PROFILE"
_ACTIVITY_FIELDS = tuple(Activity.model_fields)


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def profile_key(user_id: str) -> dict[str, Any]:
    return dynamo.key(user_pk(user_id), PROFILE_SK)


def _upwork_key(upwork_user_id: str) -> dict[str, Any]:
    return dynamo.key(f"UPWORK#{upwork_user_id}", "USER")


def _record(raw: dict[str, Any]) -> UserRecord:
    activity = {name: raw[name] for name in _ACTIVITY_FIELDS if name in raw}
    return UserRecord.model_validate({**raw, "activity": activity})


def get(user_id: str) -> UserRecord | None:
    raw = dynamo.get_item(users_table(), profile_key(user_id))
    return _record(raw) if raw else None


def find_by_upwork_id(upwork_user_id: str) -> str | None:
    """The Bidcraft user id of an Upwork account, if it has signed in before."""
    raw = dynamo.get_item(users_table(), _upwork_key(upwork_user_id))
    return str(raw["user_id"]) if raw and raw.get("user_id") else None


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
    profile_item = {
        **profile_key(user_id),
        **dynamo.item(
            {
                "entity": "user",
                "user_id": user_id,
                "email": email,
                "name": name,
                "upwork_user_id": upwork_user_id,
                "roles": list(record.roles),
                "mfa_enabled": False,
                "upwork_profile": profile.model_dump(exclude_none=True),
                "created_at": clock.iso(now),
                "updated_at": clock.iso(now),
                "login_count": 0,
                "failed_login_attempts": 0,
                "account_locked": False,
            }
        ),
    }
    mapping_item = {
        **_upwork_key(upwork_user_id),
        **dynamo.item({"entity": "upwork_link", "user_id": user_id, "created_at": clock.iso(now)}),
    }
    table = users_table()
    try:
        dynamo.client().transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": mapping_item,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": profile_item,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    except Exception as exc:
        codes = dynamo.cancellation_codes(exc)
        if codes and codes[0] == "ConditionalCheckFailed":
            return None
        raise dynamo.unavailable() from exc
    return record


def _refresh(
    user_id: str, *, name: str, email: str | None, profile: UpworkProfile, now: datetime
) -> UserRecord | None:
    names = {"#name": "name", "#email": "email"}
    values: dict[str, Any] = {
        ":name": name,
        ":profile": profile.model_dump(exclude_none=True),
        ":now": clock.iso(now),
    }
    expression = "SET #name = :name, upwork_profile = :profile, updated_at = :now"
    if email:
        expression += ", #email = :email"
        values[":email"] = email
    else:
        expression += " REMOVE #email"
    try:
        response = dynamo.client().update_item(
            TableName=users_table(),
            Key=profile_key(user_id),
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=dynamo.expression_values(values),
            ReturnValues="ALL_NEW",
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return None
        raise dynamo.unavailable() from exc
    raw = dynamo.plain(response.get("Attributes"))
    return _record(raw) if raw else None


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
    raise dynamo.unavailable()


# --- activity analytics ------------------------------------------------------------------------------------


def _update_activity(
    user_id: str, expression: str, values: dict[str, Any], what: str
) -> dict[str, Any] | None:
    """Best effort: activity is analytics, so a failed counter update is logged, not fatal."""
    try:
        response = dynamo.client().update_item(
            TableName=users_table(),
            Key=profile_key(user_id),
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=dynamo.expression_values(values),
            ReturnValues="UPDATED_NEW",
        )
    except Exception as exc:
        logger.error("activity update failed", extra={"activity": what, "error": aws.error_code(exc)})
        return None
    return dynamo.plain(response.get("Attributes"))


def _iso(epoch_seconds: int) -> str:
    return clock.iso(datetime.fromtimestamp(epoch_seconds, UTC))


def record_login(user_id: str, now: int) -> None:
    _update_activity(
        user_id,
        "ADD login_count :one SET last_login = :now, account_locked = :false",
        {":one": 1, ":now": _iso(now), ":false": False},
        "login",
    )


def record_failed_attempt(user_id: str, *, locked: bool) -> None:
    expression = "ADD failed_login_attempts :one"
    values: dict[str, Any] = {":one": 1}
    if locked:
        expression += " SET account_locked = :true"
        values[":true"] = True
    _update_activity(user_id, expression, values, "failed_attempt")


def record_logout(user_id: str, now: int, session_seconds: list[int]) -> None:
    """`last_logout`, and the running mean of session durations over every ended session."""
    values: dict[str, Any] = {":now": _iso(now)}
    expression = "SET last_logout = :now"
    if session_seconds:
        expression += " ADD sessions_ended :n, total_session_seconds :total"
        values.update({":n": len(session_seconds), ":total": sum(max(0, s) for s in session_seconds)})
    new = _update_activity(user_id, expression, values, "logout")
    if not new or not session_seconds:
        return
    ended, total = int(new.get("sessions_ended", 0)), int(new.get("total_session_seconds", 0))
    if ended <= 0:
        return
    # Set the mean only if no other logout has moved the counters since (the later one sets its own).
    try:
        dynamo.client().update_item(
            TableName=users_table(),
            Key=profile_key(user_id),
            UpdateExpression="SET avg_session_duration = :avg",
            ConditionExpression="sessions_ended = :ended",
            ExpressionAttributeValues=dynamo.expression_values(
                {":avg": round(total / ended, 1), ":ended": ended}
            ),
        )
    except Exception as exc:
        if not dynamo.is_condition_failure(exc):
            logger.error(
                "activity update failed", extra={"activity": "avg_session", "error": aws.error_code(exc)}
            )
