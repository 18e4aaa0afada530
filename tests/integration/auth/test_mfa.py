"""MFA: setup, activation, two-step sign-in, replay, backup codes, lockout, disable, seeds at rest."""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import pytest

from bidcraft import aws, clock
from bidcraft.auth import backup_codes, lockout, mfa, mfa_store, tokens, totp
from bidcraft.crypto import envelope
from bidcraft.errors import DomainError, Locked
from bidcraft.security.audit import RequestMeta
from tests.integration.auth.conftest import audit_records, new_sandbox_user, raw_item, users_table


def _setup(call, token: str) -> dict[str, Any]:
    reply = call("POST", "/auth/mfa/setup", token=token)
    assert reply.status == 200, reply.body
    return reply.json


def _verify(call, token: str, **code: str):
    return call("POST", "/auth/mfa/verify", code, token=token)


@pytest.fixture
def enrolled(sign_in, call, server_clock) -> dict[str, Any]:
    """A user with MFA active (activated with the code of step s-1, so steps s and s+1 are still usable)."""
    upwork_id = new_sandbox_user()
    body = sign_in(upwork_id).json
    setup = _setup(call, body["access_token"])
    activated = _verify(call, body["access_token"], totp_code=server_clock.code(setup["totp_secret"], -1))
    assert activated.status == 200, activated.body
    return {"upwork_id": upwork_id, "session": body, "setup": setup, "user_id": body["user"]["user_id"]}


def test_setup_returns_secret_uri_qr_and_ten_backup_codes(sign_in, call) -> None:
    body = sign_in().json

    setup = _setup(call, body["access_token"])

    assert set(setup) == {"totp_secret", "otpauth_uri", "qr_code", "backup_codes"}
    assert re.fullmatch(r"[A-Z2-7]{32}", setup["totp_secret"])
    assert setup["otpauth_uri"].startswith("otpauth://totp/Bidcraft:")
    assert f"secret={setup['totp_secret']}" in setup["otpauth_uri"]
    assert "issuer=Bidcraft" in setup["otpauth_uri"]
    assert "algorithm=SHA1&digits=6&period=30" in setup["otpauth_uri"]
    assert setup["qr_code"].startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(setup["qr_code"].split(",", 1)[1])
    assert len(setup["backup_codes"]) == 10
    assert len(set(setup["backup_codes"])) == 10
    me = call("GET", "/auth/me", token=body["access_token"]).json
    assert me["mfa_enabled"] is False  # pending until the first verify


def test_seed_and_backup_codes_are_not_stored_in_plaintext(sign_in, call) -> None:
    body = sign_in().json
    setup = _setup(call, body["access_token"])

    item = raw_item(f"USER#{body['user']['user_id']}", "MFA")

    assert item is not None
    dump = json.dumps(item, default=str)
    seed_bytes = item["pending_seed"]["B"]
    assert setup["totp_secret"] not in dump
    assert setup["totp_secret"].encode() not in seed_bytes
    assert base64.b32decode(setup["totp_secret"]) not in seed_bytes
    stored_hashes = [h["S"] for h in item["pending_backup_hashes"]["L"]]
    assert all(h.startswith("scrypt$") for h in stored_hashes)
    for code in setup["backup_codes"]:
        assert code not in dump
        assert code.replace("-", "") not in dump
    assert backup_codes.verify(setup["backup_codes"][0], stored_hashes[0])


def test_a_pending_seed_cannot_sign_in(sign_in, call, server_clock) -> None:
    upwork_id = new_sandbox_user()
    body = sign_in(upwork_id).json
    _setup(call, body["access_token"])

    again = sign_in(upwork_id).json

    assert again["mfa_required"] is False


def test_activation_enables_mfa_and_signs_out_other_sessions(sign_in, call, server_clock) -> None:
    upwork_id = new_sandbox_user()
    other = sign_in(upwork_id).json
    body = sign_in(upwork_id).json
    setup = _setup(call, body["access_token"])

    reply = _verify(call, body["access_token"], totp_code=server_clock.code(setup["totp_secret"]))

    assert reply.status == 200
    assert reply.json == {"verified": True, "mfa_enabled": True}
    assert call("GET", "/auth/me", token=body["access_token"]).json["mfa_enabled"] is True
    assert call("GET", "/auth/me", token=other["access_token"]).status == 401
    assert "mfa_enabled" in [r["action"] for r in audit_records(body["user"]["user_id"])]


def test_setup_while_enabled_is_409(enrolled, call) -> None:
    reply = call("POST", "/auth/mfa/setup", token=enrolled["session"]["access_token"])
    assert reply.status == 409


def test_verify_without_setup_is_409(sign_in, call) -> None:
    body = sign_in().json
    assert _verify(call, body["access_token"], totp_code="123456").status == 409


def test_activation_needs_a_totp_code_not_a_backup_code(sign_in, call) -> None:
    body = sign_in().json
    setup = _setup(call, body["access_token"])
    assert _verify(call, body["access_token"], backup_code=setup["backup_codes"][0]).status == 422


@pytest.mark.parametrize(
    "payload",
    [{}, {"totp_code": "123456", "backup_code": "abcde-fghjk"}, {"totp_code": "1" * 17}, {"code": "123456"}],
)
def test_verify_needs_exactly_one_code(sign_in, call, payload) -> None:
    body = sign_in().json
    reply = call("POST", "/auth/mfa/verify", payload, token=body["access_token"])
    assert reply.status == 422


def test_wrong_code_is_401_with_a_bearer_challenge(sign_in, call, server_clock) -> None:
    body = sign_in().json
    setup = _setup(call, body["access_token"])
    wrong = "000000" if server_clock.code(setup["totp_secret"]) != "000000" else "111111"

    reply = _verify(call, body["access_token"], totp_code=wrong)

    assert reply.status == 401
    assert reply.headers["www-authenticate"] == "Bearer"
    assert reply.json["type"].endswith("/invalid-mfa-code")


@pytest.mark.parametrize("code", ["12345", "1234567", "12 3456", "٢٨٧٠٨٢", "+12345", "abcdef"])
def test_malformed_codes_are_refused_without_a_server_error(sign_in, call, code: str) -> None:
    body = sign_in().json
    _setup(call, body["access_token"])
    assert _verify(call, body["access_token"], totp_code=code).status == 401


def test_sign_in_with_mfa_is_two_step(enrolled, sign_in, call, server_clock) -> None:
    step_up = sign_in(enrolled["upwork_id"]).json

    assert step_up["mfa_required"] is True
    assert "refresh_token" not in step_up
    assert step_up["user"]["mfa_enabled"] is True
    for method, path in (("GET", "/auth/me"), ("POST", "/auth/mfa/setup"), ("POST", "/auth/mfa/disable")):
        refused = call(
            method,
            path,
            {"totp_code": "123456"} if path.endswith("disable") else None,
            token=step_up["access_token"],
        )
        assert refused.status == 403, (path, refused.body)
        assert refused.json["type"].endswith("/mfa-required")

    done = _verify(
        call, step_up["access_token"], totp_code=server_clock.code(enrolled["setup"]["totp_secret"])
    )

    assert done.status == 200, done.body
    assert done.json["verified"] is True
    assert done.json["mfa_enabled"] is True
    assert len(done.json["refresh_token"]) == 43
    assert call("GET", "/auth/me", token=done.json["access_token"]).status == 200
    assert call("GET", "/auth/me", token=step_up["access_token"]).status == 401  # the step-up session ended
    assert call("POST", "/auth/refresh", {"refresh_token": done.json["refresh_token"]}).status == 200


def test_a_step_up_token_can_log_out(enrolled, sign_in, call) -> None:
    step_up = sign_in(enrolled["upwork_id"]).json

    assert call("POST", "/auth/logout", {}, token=step_up["access_token"]).status == 204
    assert _verify(call, step_up["access_token"], totp_code="123456").status == 401


def test_a_step_up_token_ends_only_its_own_session_even_when_it_asks_for_all(enrolled, sign_in, call) -> None:
    # Given the victim's MFA-protected session and a step-up token of a sign-in that has not passed MFA
    full = enrolled["session"]
    step_up = sign_in(enrolled["upwork_id"]).json
    assert step_up["mfa_required"] is True

    # When the step-up token asks to end every session
    out = call("POST", "/auth/logout", {"all_sessions": True}, token=step_up["access_token"])

    # Then only the step-up session ends: the full session and its refresh token still work
    assert out.status == 204
    assert call("GET", "/auth/me", token=full["access_token"]).status == 200
    assert call("POST", "/auth/refresh", {"refresh_token": full["refresh_token"]}).status == 200
    assert _verify(call, step_up["access_token"], totp_code="123456").status == 401
    logout = [r for r in audit_records(enrolled["user_id"]) if r["action"] == "authn_logout"]
    assert logout[-1]["details"]["all_sessions"] is False
    assert logout[-1]["details"]["sessions_ended"] == 1


def test_a_used_totp_code_is_rejected_and_audited(enrolled, sign_in, call, server_clock) -> None:
    secret = enrolled["setup"]["totp_secret"]
    code = server_clock.code(secret)
    first = sign_in(enrolled["upwork_id"]).json
    assert _verify(call, first["access_token"], totp_code=code).status == 200
    second = sign_in(enrolled["upwork_id"]).json

    replay = _verify(call, second["access_token"], totp_code=code)

    assert replay.status == 401
    assert "mfa_replay" in [r["action"] for r in audit_records(enrolled["user_id"])]


def test_an_older_code_after_a_newer_one_is_rejected(enrolled, sign_in, call, server_clock) -> None:
    secret = enrolled["setup"]["totp_secret"]
    first = sign_in(enrolled["upwork_id"]).json
    assert _verify(call, first["access_token"], totp_code=server_clock.code(secret, +1)).status == 200
    second = sign_in(enrolled["upwork_id"]).json

    assert _verify(call, second["access_token"], totp_code=server_clock.code(secret)).status == 401


def test_codes_two_steps_away_are_rejected(enrolled, sign_in, call, server_clock) -> None:
    secret = enrolled["setup"]["totp_secret"]
    step_up = sign_in(enrolled["upwork_id"]).json

    for offset in (-2, 2):
        assert (
            _verify(call, step_up["access_token"], totp_code=server_clock.code(secret, offset)).status == 401
        )


def test_concurrent_verifies_of_one_code_admit_one(enrolled) -> None:
    """M8 as an interleaving: two requests matched the same step; each then tries the conditional write."""
    user_id = enrolled["user_id"]
    record = mfa_store.get(user_id)
    assert record is not None
    assert record.last_used_step is not None
    step = record.last_used_step + 1

    assert mfa_store.consume_step(user_id, step) is True
    assert mfa_store.consume_step(user_id, step) is False


def test_backup_codes_sign_in_once_each(enrolled, sign_in, call) -> None:
    code = enrolled["setup"]["backup_codes"][3]
    first = sign_in(enrolled["upwork_id"]).json

    ok = _verify(call, first["access_token"], backup_code=code.upper())

    assert ok.status == 200
    assert ok.json["refresh_token"]
    second = sign_in(enrolled["upwork_id"]).json
    assert _verify(call, second["access_token"], backup_code=code).status == 401
    item = raw_item(f"USER#{enrolled['user_id']}", "MFA")
    assert item is not None
    assert len(item["backup_hashes"]["L"]) == 9
    assert "mfa_backup_code_used" in [r["action"] for r in audit_records(enrolled["user_id"])]


def test_three_failures_lock_the_account_even_for_a_correct_fourth_code(
    enrolled, sign_in, call, server_clock
) -> None:
    secret = enrolled["setup"]["totp_secret"]
    step_up = sign_in(enrolled["upwork_id"]).json
    right = server_clock.code(secret)
    wrong = "000000" if right != "000000" else "111111"

    failures = [_verify(call, step_up["access_token"], totp_code=wrong).status for _ in range(3)]
    locked_right = _verify(call, step_up["access_token"], totp_code=right)
    locked_wrong = _verify(call, step_up["access_token"], totp_code=wrong)

    assert failures == [401, 401, 401]
    assert locked_right.status == 423
    assert 0 < int(locked_right.headers["retry-after"]) <= 900
    assert locked_right.json["detail"] == locked_wrong.json["detail"]
    assert locked_right.json["type"] == locked_wrong.json["type"]
    assert (locked_right.status, locked_right.headers["retry-after"]) == (
        locked_wrong.status,
        locked_wrong.headers["retry-after"],
    )
    assert "access_token" not in locked_right.body
    assert call("GET", "/auth/me", token=step_up["access_token"]).status == 403  # still only a step-up token
    actions = [r["action"] for r in audit_records(enrolled["user_id"])]
    assert actions.count("authn_login_fail") == 3
    assert "authn_login_lock" in actions
    profile = raw_item(f"USER#{enrolled['user_id']}", "PROFILE")
    assert profile is not None
    assert profile["account_locked"]["BOOL"] is True
    assert int(profile["failed_login_attempts"]["N"]) == 3


def test_a_burst_of_guesses_checks_at_most_three_codes(enrolled, sign_in, server_clock, monkeypatch) -> None:
    """Issue 10 item 1 as a fixed interleaving: every guess of the burst arrives while the ones before it are
    still being checked (each check starts the next request), the worst case of 20 parallel requests. A right
    code inside the burst must not get a session, and at most 3 codes may be checked in the window."""
    # Given a step-up token and a burst of 20 guesses with the right code 10th
    principal = tokens.verify_access_token(sign_in(enrolled["upwork_id"]).json["access_token"])
    meta = RequestMeta(ip="203.0.113.7", user_agent="burst", request_id="burst")
    now = clock.epoch(server_clock.now())
    right = server_clock.code(enrolled["setup"]["totp_secret"])
    wrong = "000000" if right != "000000" else "111111"
    pending = list(enumerate([wrong] * 9 + [right] + [wrong] * 10))
    outcomes: dict[int, int] = {}
    checked: list[str] = []
    real_check = totp.matching_step

    def send_next() -> None:
        index, code = pending.pop(0)
        try:
            mfa.verify(principal, meta, totp_code=code, backup_code=None, now=now)
            outcomes[index] = 200
        except DomainError as refused:
            outcomes[index] = refused.status

    def check_while_others_arrive(secret: str, code: str, at: int, window: int = 1) -> int | None:
        checked.append(code)
        while pending:  # the rest of the burst arrives before this check finishes
            send_next()
        return real_check(secret, code, at, window=window)

    monkeypatch.setattr(totp, "matching_step", check_while_others_arrive)

    # When the burst is sent
    while pending:
        send_next()

    # Then three codes were checked (and failed), everything else was refused unchecked, the right one too
    assert len(checked) == 3
    assert sorted(outcomes.values()) == [401] * 3 + [423] * 17
    assert outcomes[9] == 423
    assert lockout.locked_until(enrolled["user_id"], now) == now + lockout.LOCK_SECONDS


def test_a_locked_account_cannot_complete_the_upwork_callback(enrolled, sign_in, authorize, call) -> None:
    now = int(time.time())
    for _ in range(lockout.MAX_FAILURES):
        lockout.record_failure(enrolled["user_id"], now)
    found = authorize(enrolled["upwork_id"])

    reply = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})

    assert reply.status == 423
    assert int(reply.headers["retry-after"]) > 0
    assert "access_token" not in reply.body


def test_the_lock_expires_after_15_minutes_and_counting_starts_again(enrolled) -> None:
    user_id, t0 = enrolled["user_id"], int(time.time())
    results = [lockout.record_failure(user_id, t0 + i) for i in range(3)]

    assert [r.newly_locked for r in results] == [False, False, True]
    assert lockout.locked_until(user_id, t0 + 2 + lockout.LOCK_SECONDS - 1) == t0 + 2 + lockout.LOCK_SECONDS
    assert lockout.locked_until(user_id, t0 + 2 + lockout.LOCK_SECONDS) is None
    assert lockout.record_failure(user_id, t0 + 2 + lockout.LOCK_SECONDS).failures == 1


def test_failures_are_counted_in_a_sliding_15_minute_window(enrolled) -> None:
    user_id, t0 = enrolled["user_id"], int(time.time())

    assert lockout.record_failure(user_id, t0).failures == 1
    assert lockout.record_failure(user_id, t0 + 850).failures == 2
    assert lockout.record_failure(user_id, t0 + 910).failures == 2  # the first one left the window
    third = lockout.record_failure(user_id, t0 + 1000)

    assert third.newly_locked
    assert third.failures == 3


def test_a_success_clears_past_failures_but_not_a_running_lock(enrolled) -> None:
    user_id, t0 = enrolled["user_id"], int(time.time())
    lockout.record_failure(user_id, t0)
    lockout.record_failure(user_id, t0 + 1)
    lockout.clear(user_id, t0 + 2)
    assert lockout.record_failure(user_id, t0 + 3).failures == 1

    lockout.record_failure(user_id, t0 + 4)
    assert lockout.record_failure(user_id, t0 + 5).newly_locked
    lockout.clear(user_id, t0 + 6)
    assert lockout.locked_until(user_id, t0 + 6) == t0 + 5 + lockout.LOCK_SECONDS


def test_two_failures_at_once_are_both_counted(enrolled, monkeypatch) -> None:
    """A fixed interleaving: both requests read the same state, then both write."""
    user_id, t0 = enrolled["user_id"], int(time.time())
    lockout.record_failure(user_id, t0)
    snapshot = lockout._get(user_id)
    reads = iter([snapshot, snapshot])
    real_get = lockout._get
    monkeypatch.setattr(lockout, "_get", lambda uid: next(reads, None) or real_get(uid))

    first = lockout.record_failure(user_id, t0 + 1)  # writes on version v
    second = lockout.record_failure(user_id, t0 + 1)  # read v too: its write fails, it re-reads and locks

    assert first.failures == 2
    assert not first.newly_locked
    assert second.newly_locked


def test_a_fourth_check_in_the_window_is_refused_even_when_two_read_the_same_state(
    enrolled, monkeypatch
) -> None:
    """The reservation's conditional write as a fixed interleaving: two requests read "2 checks so far", the
    first takes the 3rd check; the second's write fails, it re-reads and is refused without a check."""
    user_id, t0 = enrolled["user_id"], int(time.time())
    lockout.reserve_attempt(user_id, t0)
    lockout.reserve_attempt(user_id, t0 + 1)
    snapshot = lockout._get(user_id)
    reads = iter([snapshot, snapshot])
    real_get = lockout._get
    monkeypatch.setattr(lockout, "_get", lambda uid: next(reads, None) or real_get(uid))

    lockout.reserve_attempt(user_id, t0 + 2)  # the 3rd check, written on the version both read
    with pytest.raises(Locked) as refused:
        lockout.reserve_attempt(user_id, t0 + 2)  # its write fails; the re-read shows 3 checks: 423

    assert refused.value.headers["Retry-After"] == str(lockout.WINDOW_SECONDS - 2)
    assert lockout.locked_until(user_id, t0 + 2) is None  # refused, not locked: no failure was recorded
    lockout.clear(user_id, t0 + 3)  # a success (of one of the three) frees the window again
    lockout.reserve_attempt(user_id, t0 + 4)


def test_disable_needs_a_valid_code_and_revokes_other_sessions(enrolled, sign_in, call, server_clock) -> None:
    secret = enrolled["setup"]["totp_secret"]
    token = enrolled["session"]["access_token"]
    step_up = sign_in(enrolled["upwork_id"]).json
    other = _verify(call, step_up["access_token"], totp_code=server_clock.code(secret)).json

    wrong = _verify_disable(call, token, "000000" if server_clock.code(secret, 1) != "000000" else "111111")
    replayed = _verify_disable(call, token, server_clock.code(secret))
    ok = _verify_disable(call, token, server_clock.code(secret, 1))

    assert wrong.status == 401
    assert replayed.status == 401
    assert ok.status == 200
    assert ok.json == {"mfa_enabled": False}
    assert call("GET", "/auth/me", token=token).json["mfa_enabled"] is False
    assert call("GET", "/auth/me", token=other["access_token"]).status == 401
    assert raw_item(f"USER#{enrolled['user_id']}", "MFA") is None
    assert sign_in(enrolled["upwork_id"]).json["mfa_required"] is False
    assert "mfa_disabled" in [r["action"] for r in audit_records(enrolled["user_id"])]


def _verify_disable(call, token: str, code: str):
    return call("POST", "/auth/mfa/disable", {"totp_code": code}, token=token)


def test_disable_without_mfa_is_409(sign_in, call) -> None:
    body = sign_in().json
    assert _verify_disable(call, body["access_token"], "123456").status == 409


def test_a_seed_copied_to_another_user_does_not_decrypt(enrolled, sign_in, call, server_clock) -> None:
    victim = enrolled
    attacker = sign_in().json
    attacker_id = attacker["user"]["user_id"]
    _setup(call, attacker["access_token"])
    stolen = raw_item(f"USER#{victim['user_id']}", "MFA")
    assert stolen is not None
    aws.client("dynamodb").update_item(
        TableName=users_table(),
        Key={"pk": {"S": f"USER#{attacker_id}"}, "sk": {"S": "MFA"}},
        UpdateExpression="SET pending_seed = :seed",
        ExpressionAttributeValues={":seed": stolen["seed"]},
    )

    reply = _verify(
        call, attacker["access_token"], totp_code=server_clock.code(victim["setup"]["totp_secret"], 1)
    )

    assert reply.status == 500
    assert "mfa_enabled" not in (reply.json or {})
    with pytest.raises(DomainError):
        envelope.decrypt(stolen["seed"]["B"], user_id=attacker_id, purpose=envelope.PURPOSE_TOTP_SEED)
    assert "crypt_decrypt_fail" in [r["action"] for r in audit_records(attacker_id)]


def test_totp_seed_decrypts_only_for_its_purpose(enrolled) -> None:
    item = raw_item(f"USER#{enrolled['user_id']}", "MFA")
    assert item is not None
    seed = envelope.decrypt(
        item["seed"]["B"], user_id=enrolled["user_id"], purpose=envelope.PURPOSE_TOTP_SEED
    )
    assert seed.decode() == enrolled["setup"]["totp_secret"]
    assert totp.code_at(seed.decode(), 59) == totp.code_at(enrolled["setup"]["totp_secret"], 59)
    with pytest.raises(DomainError):
        envelope.decrypt(
            item["seed"]["B"], user_id=enrolled["user_id"], purpose=envelope.PURPOSE_UPWORK_TOKEN
        )
