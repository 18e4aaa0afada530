"""MFA with TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) and single-use backup codes.

- `setup` (full session, MFA not active, else 409): a new 160-bit seed, envelope-encrypted with
  `{user_id, purpose: totp_seed}`, and 10 backup codes stored as salted scrypt hashes — both *pending*.
- `verify`:
  - with the step-up token of an MFA sign-in: a TOTP or backup code completes sign-in → a new full session
    (the step-up session ends);
  - with a full token while enrolment is pending: a TOTP code (not a backup code: it must prove the
    authenticator works) activates MFA. The current session stays; every *other* session is revoked because
    it was established without the new factor (ASVS 7.4.3). No new tokens are issued;
  - with a full token and MFA active: a step-up check (the code is consumed; nothing else changes);
  - no MFA at all → 409.
- `disable` (full session, MFA active, else 409): needs a current TOTP code (or a backup code); other
  sessions are revoked.

Every wrong, replayed or malformed-but-valid-shaped code counts toward the lockout (3 in 15 minutes). Each
check is counted atomically *before* the code is looked at (`attempts.reserve`), so at most 3 codes are
checked per window whatever the concurrency, and 423 never says whether the code was right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bidcraft.auth import attempts, backup_codes, mfa_store, qr, sessions, totp
from bidcraft.auth.mfa_store import BackupUse, MfaRecord
from bidcraft.caller import Principal
from bidcraft.crypto import envelope
from bidcraft.crypto.envelope import DecryptionFailed
from bidcraft.errors import Conflict, ServiceUnavailable, Unauthorized, Unprocessable
from bidcraft.security import audit
from bidcraft.security.audit import RequestMeta
from bidcraft.users import store as users

BACKUP_CODE_COUNT = 10
ISSUER = "Bidcraft"


@dataclass(frozen=True)
class SetupResult:
    totp_secret: str = field(repr=False)
    otpauth_uri: str = field(repr=False)
    qr_code: str = field(repr=False)
    backup_codes: list[str] = field(repr=False)


@dataclass(frozen=True)
class VerifyResult:
    session: sessions.IssuedSession | None = None


@dataclass(frozen=True)
class _Accepted:
    step: int | None = None
    backup: BackupUse | None = None


def _seed(user_id: str, blob: bytes | None, meta: RequestMeta) -> str:
    if not blob:
        raise ServiceUnavailable("MFA state is incomplete")
    try:
        return envelope.decrypt(blob, user_id=user_id, purpose=envelope.PURPOSE_TOTP_SEED).decode("ascii")
    except DecryptionFailed:
        audit.record_quietly(
            meta,
            audit.CRYPT_DECRYPT_FAIL,
            user_id=user_id,
            outcome="failure",
            severity="high",
            details={"purpose": envelope.PURPOSE_TOTP_SEED},
        )
        raise


def _one_code_required() -> Unprocessable:
    return Unprocessable("Send exactly one of totp_code or backup_code")


def _user(principal: Principal) -> str:
    return principal.user_id


def setup(principal: Principal, meta: RequestMeta, *, now: int) -> SetupResult:
    user_id = _user(principal)
    user = users.get(user_id)
    if user is None:
        raise Unauthorized("The account no longer exists", token_sent=True)
    record = mfa_store.get(user_id)
    if record is not None and record.enabled:
        raise Conflict("MFA is already enabled", slug="mfa-already-enabled")
    secret = totp.new_secret()
    codes = backup_codes.generate(BACKUP_CODE_COUNT)
    blob = envelope.encrypt(secret.encode("ascii"), user_id=user_id, purpose=envelope.PURPOSE_TOTP_SEED)
    hashes = [backup_codes.hash_code(code) for code in codes]
    if not mfa_store.save_pending(user_id, seed_blob=blob, backup_hashes=hashes, now=now):
        raise Conflict("MFA is already enabled", slug="mfa-already-enabled")
    audit.record_for(meta, audit.MFA_SETUP, user_id=user_id, outcome="success", severity="medium")
    uri = totp.provisioning_uri(secret, user.account_name, issuer=ISSUER)
    return SetupResult(totp_secret=secret, otpauth_uri=uri, qr_code=qr.svg_data_uri(uri), backup_codes=codes)


def _check_totp(user_id: str, seed: str, code: str, meta: RequestMeta, *, now: int, action: str) -> int:
    step = totp.matching_step(seed, code, now, window=1)
    if step is None:
        raise attempts.failed(user_id, meta, now=now, action=action, reason="wrong_code")
    return step


def _check_backup(
    user_id: str, record: MfaRecord, code: str, meta: RequestMeta, *, now: int, action: str
) -> BackupUse:
    index = backup_codes.find_match(code, list(record.backup_hashes))
    if index is None:
        raise attempts.failed(user_id, meta, now=now, action=action, reason="wrong_backup_code")
    return BackupUse(index=index, hash=record.backup_hashes[index])


def _accept_active(
    user_id: str,
    record: MfaRecord,
    meta: RequestMeta,
    *,
    totp_code: str | None,
    backup_code: str | None,
    now: int,
    action: str,
) -> None:
    """Check and consume a code against active MFA (one conditional write), or raise 401."""
    if totp_code is not None:
        step = _check_totp(
            user_id, _seed(user_id, record.seed, meta), totp_code, meta, now=now, action=action
        )
        if not mfa_store.consume_step(user_id, step):
            audit.record_quietly(meta, audit.MFA_REPLAY, user_id=user_id, outcome="failure", severity="high")
            raise attempts.failed(user_id, meta, now=now, action=action, reason="replayed_code")
        return
    if backup_code is None:
        raise _one_code_required()
    use = _check_backup(user_id, record, backup_code, meta, now=now, action=action)
    if not mfa_store.consume_backup_code(user_id, use):
        raise attempts.failed(user_id, meta, now=now, action=action, reason="backup_code_already_used")
    audit.record_quietly(
        meta,
        audit.MFA_BACKUP_CODE_USED,
        user_id=user_id,
        outcome="success",
        severity="medium",
        details={"backup_codes_left": len(record.backup_hashes) - 1},
    )


def _complete_sign_in(principal: Principal, meta: RequestMeta, *, now: int) -> sessions.IssuedSession:
    user_id = principal.user_id
    user = users.get(user_id)
    if user is None:
        raise Unauthorized("The account no longer exists", token_sent=True)
    issued = sessions.start_full(user_id, user.roles, now=now)
    try:
        audit.record_for(
            meta,
            audit.AUTHN_LOGIN_SUCCESS,
            user_id=user_id,
            outcome="success",
            severity="low",
            details={"method": "upwork+mfa", "session_id": issued.session_id},
        )
    except ServiceUnavailable:
        sessions.end(user_id, issued.session_id, now=now, reason="audit_unavailable")
        raise
    sessions.end(user_id, principal.session_id, now=now, reason="mfa_completed")
    attempts.succeeded(user_id, now=now)
    users.record_login(user_id, now)
    return issued


def verify(
    principal: Principal,
    meta: RequestMeta,
    *,
    totp_code: str | None,
    backup_code: str | None,
    now: int,
) -> VerifyResult:
    user_id = principal.user_id
    record = mfa_store.get(user_id)
    if principal.mfa_pending or (record is not None and record.enabled):
        if record is None or not record.enabled:
            raise Conflict("MFA is not enabled for this account", slug="mfa-not-enabled")
        attempts.reserve(user_id, meta, now=now)
        action = audit.AUTHN_LOGIN_FAIL if principal.mfa_pending else audit.MFA_FAIL
        _accept_active(
            user_id, record, meta, totp_code=totp_code, backup_code=backup_code, now=now, action=action
        )
        if principal.mfa_pending:
            return VerifyResult(session=_complete_sign_in(principal, meta, now=now))
        attempts.succeeded(user_id, now=now)
        return VerifyResult()
    if record is None or record.pending_seed is None:
        raise Conflict("Set up MFA first (POST /auth/mfa/setup)", slug="mfa-not-set-up")
    if totp_code is None:
        raise Unprocessable(
            "Activate MFA with a code from the authenticator app",
            errors=[{"loc": ["body", "backup_code"], "msg": "Use totp_code to activate MFA"}],
        )
    attempts.reserve(user_id, meta, now=now)
    seed = _seed(user_id, record.pending_seed, meta)
    step = _check_totp(user_id, seed, totp_code, meta, now=now, action=audit.MFA_FAIL)
    if not mfa_store.activate(
        user_id,
        pending_seed=record.pending_seed,
        backup_hashes=record.pending_backup_hashes,
        step=step,
        now=now,
    ):
        raise attempts.failed(user_id, meta, now=now, action=audit.MFA_FAIL, reason="replayed_or_stale")
    attempts.succeeded(user_id, now=now)
    ended = sessions.end_all(user_id, now=now, reason="mfa_enabled", keep=principal.session_id)
    audit.record_quietly(
        meta,
        audit.MFA_ENABLED,
        user_id=user_id,
        outcome="success",
        severity="medium",
        details={"other_sessions_revoked": len(ended)},
    )
    return VerifyResult()


def disable(
    principal: Principal,
    meta: RequestMeta,
    *,
    totp_code: str | None,
    backup_code: str | None,
    now: int,
) -> None:
    user_id = principal.user_id
    record = mfa_store.get(user_id)
    if record is None or not record.enabled:
        raise Conflict("MFA is not enabled for this account", slug="mfa-not-enabled")
    attempts.reserve(user_id, meta, now=now)
    step: int | None = None
    use: BackupUse | None = None
    if totp_code is not None:
        seed = _seed(user_id, record.seed, meta)
        step = _check_totp(user_id, seed, totp_code, meta, now=now, action=audit.MFA_FAIL)
    elif backup_code is not None:
        use = _check_backup(user_id, record, backup_code, meta, now=now, action=audit.MFA_FAIL)
    else:
        raise _one_code_required()
    if not mfa_store.disable(user_id, step=step, backup=use, now=now):
        audit.record_quietly(meta, audit.MFA_REPLAY, user_id=user_id, outcome="failure", severity="high")
        raise attempts.failed(user_id, meta, now=now, action=audit.MFA_FAIL, reason="replayed_code")
    attempts.succeeded(user_id, now=now)
    ended = sessions.end_all(user_id, now=now, reason="mfa_disabled", keep=principal.session_id)
    audit.record_quietly(
        meta,
        audit.MFA_DISABLED,
        user_id=user_id,
        outcome="success",
        severity="high",
        details={"other_sessions_revoked": len(ended)},
    )
