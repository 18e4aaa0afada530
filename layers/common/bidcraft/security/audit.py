"""The audit trail: one append-only record per security event (OWASP logging vocabulary, ASVS 16.2/16.3).

Each record holds who (user id, or none for an unknown caller), what (`action`, `outcome`, `severity`), when
(server UTC), from where (client IP as API Gateway saw it, user agent, request id) and a small `details` dict.
Records never carry tokens, codes, secrets or verifiers: `details` keys that look like one are dropped, values
are truncated, and free text cannot break the single-line JSON log (it is a JSON value, not concatenated).

Storage: `AUDIT_TABLE`, `pk = USER#<id>` (or `ANON`), `sk = <ISO time, microseconds>#<event id>`,
`gsi1pk = ACTION#<action>`, `gsi1sk = <ISO time>#<event id>` — newest first per user or per action. Writes are
`PutItem` with `attribute_not_exists(pk)`: the functions need no `UpdateItem`/`DeleteItem` on this table.
The item is the `AuditRecord` model of `bidcraft.tables.audit`, imported at the first record (many functions
import this module; PynamoDB is paid by the first write, not the import).

Failure policy: `record` raises `ServiceUnavailable` when the write fails; the caller decides. Auth grants
(sign-in, token issue, MFA change, logout) call `record` and fail closed; refusals (which deny anyway) call
`record_quietly`, which logs the loss and lets the refusal stand.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bidcraft import aws, clock
from bidcraft.caller import RequestMeta
from bidcraft.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

Outcome = Literal["success", "failure"]
Severity = Literal["low", "medium", "high"]

RETENTION = timedelta(days=400)
ANONYMOUS_PK = "ANON"
_FORBIDDEN_KEY_PARTS = ("token", "secret", "password", "code", "verifier", "authorization", "seed", "key")
_ALLOWED_KEYS = frozenset({"status_code", "error_code", "key_id"})
_MAX_VALUE_CHARS = 256
_MAX_DETAILS = 20

# OWASP logging vocabulary plus the few events this service adds.
AUTHN_LOGIN_SUCCESS = "authn_login_success"
AUTHN_LOGIN_FAIL = "authn_login_fail"
AUTHN_LOGIN_LOCK = "authn_login_lock"
AUTHN_LOGIN_LOCKED = "authn_login_locked"  # an attempt refused because the account is locked
AUTHN_MFA_REQUIRED = "authn_mfa_required"
AUTHN_TOKEN_CREATED = "authn_token_created"  # noqa: S105  # nosec B105
AUTHN_TOKEN_REFRESHED = "authn_token_refreshed"  # noqa: S105  # nosec B105
AUTHN_TOKEN_REVOKED = "authn_token_revoked"  # noqa: S105  # nosec B105
AUTHN_TOKEN_REUSE = "authn_token_reuse"  # noqa: S105  # nosec B105
AUTHN_TOKEN_INVALID = "authn_token_invalid"  # noqa: S105  # nosec B105
AUTHN_LOGOUT = "authn_logout"
USER_CREATED = "user_created"
MFA_SETUP = "mfa_setup"
MFA_ENABLED = "mfa_enabled"
MFA_DISABLED = "mfa_disabled"
MFA_FAIL = "mfa_fail"
MFA_REPLAY = "mfa_replay"
MFA_BACKUP_CODE_USED = "mfa_backup_code_used"
AUTHZ_FAIL = "authz_fail"
CRYPT_DECRYPT_FAIL = "crypt_decrypt_fail"
UPWORK_TOKEN_REFRESHED = "upwork_token_refreshed"  # noqa: S105  # nosec B105


def _safe_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    for name, value in list((details or {}).items())[:_MAX_DETAILS]:
        lowered = str(name).lower()
        if lowered not in _ALLOWED_KEYS and any(part in lowered for part in _FORBIDDEN_KEY_PARTS):
            continue
        if isinstance(value, bool | int) or value is None:
            safe[str(name)] = value
        elif isinstance(value, float):
            safe[str(name)] = round(value, 3)
        else:
            safe[str(name)] = str(value)[:_MAX_VALUE_CHARS]
    return safe


def build_record(
    action: str,
    *,
    user_id: str | None,
    outcome: Outcome,
    severity: Severity,
    ip: str,
    user_agent: str,
    request_id: str,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The audit record as stored (plain values), without writing it."""
    moment = (at or clock.now()).astimezone(UTC)
    event_id = str(uuid.uuid4())
    precise = moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return {
        "pk": f"USER#{user_id}" if user_id else ANONYMOUS_PK,
        "sk": f"{precise}#{event_id}",
        "gsi1pk": f"ACTION#{action}",
        "gsi1sk": f"{precise}#{event_id}",
        "id": event_id,
        "timestamp": clock.iso(moment),
        "user_id": user_id,
        "action": action,
        "outcome": outcome,
        "severity": severity,
        "ip_address": ip[:64],
        "user_agent": user_agent[:512],
        "request_id": request_id[:128],
        "details": _safe_details(details),
        "expires_at": clock.epoch(moment + RETENTION),
    }


def record(
    action: str,
    *,
    user_id: str | None,
    outcome: Outcome,
    severity: Severity,
    ip: str,
    user_agent: str,
    request_id: str,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one audit record; `ServiceUnavailable` when it cannot be written (callers fail closed)."""
    entry = build_record(
        action,
        user_id=user_id,
        outcome=outcome,
        severity=severity,
        ip=ip,
        user_agent=user_agent,
        request_id=request_id,
        details=details,
    )
    log = logger.warning if severity == "high" or outcome == "failure" else logger.info
    log(
        "audit %s",
        action,
        extra={
            "audit_action": action,
            "audit_outcome": outcome,
            "audit_severity": severity,
            "audit_user_id": user_id,
            "audit_id": entry["id"],
        },
    )
    from bidcraft.tables.audit import AuditRecord
    from bidcraft.tables.base import STORAGE_ERRORS

    try:
        AuditRecord(
            entry["pk"],
            entry["sk"],
            **{name: value for name, value in entry.items() if name not in ("pk", "sk", "details")},
            # `None` details are left out of the stored map (never stored as NULL), as they always were
            details={name: value for name, value in entry["details"].items() if value is not None},
        ).save(condition=AuditRecord.pk.does_not_exist())
    except STORAGE_ERRORS as exc:
        logger.error("audit write failed", extra={"audit_action": action, "error": aws.error_code(exc)})
        raise ServiceUnavailable("The audit trail is unavailable; the operation was not completed") from exc
    return entry


def record_for(
    meta: RequestMeta,
    action: str,
    *,
    user_id: str | None,
    outcome: Outcome,
    severity: Severity,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    return record(
        action,
        user_id=user_id,
        outcome=outcome,
        severity=severity,
        ip=meta.ip,
        user_agent=meta.user_agent,
        request_id=meta.request_id,
        details=details,
    )


def record_quietly(
    meta: RequestMeta,
    action: str,
    *,
    user_id: str | None,
    outcome: Outcome,
    severity: Severity,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Like `record_for`, for refusals: a lost record is logged, the refusal itself still stands."""
    try:
        record_for(meta, action, user_id=user_id, outcome=outcome, severity=severity, details=details)
    except ServiceUnavailable:
        logger.error("audit record lost", extra={"audit_action": action})
