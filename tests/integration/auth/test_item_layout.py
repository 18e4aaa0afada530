"""The users-table items the PynamoDB models write are the wire format the stores always wrote (docs/auth.md):
same attribute names, same DynamoDB types, nothing extra — so items written before the move still load and
items written after it still read with the low-level client."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime
from typing import Any

from bidcraft.auth import lockout, mfa_store, oauth_state_store, session_store, upwork_token_store
from bidcraft.security import audit
from bidcraft.users import store as users
from bidcraft.users.models import UpworkProfile
from tests.integration.auth.conftest import raw_item

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _types(item: dict[str, Any] | None) -> dict[str, str]:
    assert item is not None
    return {name: next(iter(value)) for name, value in item.items()}


def test_a_new_user_writes_the_profile_and_the_mapping_with_the_documented_types() -> None:
    upwork_id = f"layout-{uuid.uuid4()}"
    profile = UpworkProfile(profile_id="p1", title="Dev", hourly_rate=55.5, total_earnings=1000)
    record, created = users.upsert_from_upwork(
        upwork_user_id=upwork_id, name="Ada", email=None, profile=profile, now=NOW
    )
    assert created

    stored = raw_item(f"USER#{record.user_id}", "PROFILE")
    assert _types(stored) == {
        "pk": "S", "sk": "S", "entity": "S", "user_id": "S", "name": "S", "upwork_user_id": "S",
        "roles": "L", "mfa_enabled": "BOOL", "upwork_profile": "M", "created_at": "S", "updated_at": "S",
        "login_count": "N", "failed_login_attempts": "N", "account_locked": "BOOL",
    }  # fmt: skip
    assert stored is not None
    assert stored["roles"] == {"L": [{"S": "user"}]}
    assert stored["upwork_profile"] == {
        "M": {
            "profile_id": {"S": "p1"},
            "title": {"S": "Dev"},
            "hourly_rate": {"N": "55.5"},
            "total_earnings": {"N": "1000.0"},
        }
    }
    assert stored["created_at"] == {"S": "2026-03-01T12:00:00Z"}
    mapping = raw_item(f"UPWORK#{upwork_id}", "USER")
    assert mapping == {
        "pk": {"S": f"UPWORK#{upwork_id}"},
        "sk": {"S": "USER"},
        "entity": {"S": "upwork_link"},
        "user_id": {"S": record.user_id},
        "created_at": {"S": "2026-03-01T12:00:00Z"},
    }
    assert users.get(record.user_id) == record


def test_a_session_and_its_refresh_token_keep_their_layout() -> None:
    user_id, session_id, token_hash = str(uuid.uuid4()), str(uuid.uuid4()), uuid.uuid4().hex
    session_store.create_session(
        user_id=user_id, session_id=session_id, kind="full", now=100, expires_at=200, token_hash=token_hash
    )
    assert raw_item(f"USER#{user_id}", f"SESSION#{session_id}") == {
        "pk": {"S": f"USER#{user_id}"},
        "sk": {"S": f"SESSION#{session_id}"},
        "entity": {"S": "session"},
        "user_id": {"S": user_id},
        "session_id": {"S": session_id},
        "kind": {"S": "full"},
        "status": {"S": "active"},
        "created_at": {"N": "100"},
        "last_used_at": {"N": "100"},
        "current_token_hash": {"S": token_hash},
        "expires_at": {"N": "200"},
    }
    assert raw_item(f"REFRESH#{token_hash}", "TOKEN") == {
        "pk": {"S": f"REFRESH#{token_hash}"},
        "sk": {"S": "TOKEN"},
        "entity": {"S": "refresh_token"},
        "user_id": {"S": user_id},
        "session_id": {"S": session_id},
        "status": {"S": "active"},
        "issued_at": {"N": "100"},
        "family_started_at": {"N": "100"},
        "expires_at": {"N": "200"},
    }


def test_an_oauth_state_and_upwork_tokens_keep_their_layout() -> None:
    state, user_id = uuid.uuid4().hex, str(uuid.uuid4())
    oauth_state_store.save(state, code_verifier="v" * 43, redirect_uri="http://localhost/cb", now=100)
    digest = hashlib.sha256(state.encode()).hexdigest()
    assert raw_item(f"OAUTH_STATE#{digest}", "STATE") == {
        "pk": {"S": f"OAUTH_STATE#{digest}"},
        "sk": {"S": "STATE"},
        "entity": {"S": "oauth_state"},
        "code_verifier": {"S": "v" * 43},
        "redirect_uri": {"S": "http://localhost/cb"},
        "created_at": {"N": "100"},
        "expires_at": {"N": "700"},
    }

    upwork_token_store.store_new(user_id, blob=b"\x00sealed", access_expires_at=300, now=100)
    upwork_token_store.store_new(user_id, blob=b"\x01sealed", access_expires_at=400, now=200)
    assert raw_item(f"USER#{user_id}", "UPWORK_TOKENS") == {
        "pk": {"S": f"USER#{user_id}"},
        "sk": {"S": "UPWORK_TOKENS"},
        "sealed_tokens": {"B": b"\x01sealed"},
        "access_expires_at": {"N": "400"},
        "updated_at": {"N": "200"},
        "version": {"N": "2"},
    }


def test_mfa_and_lockout_items_keep_their_layout() -> None:
    user_id = str(uuid.uuid4())
    assert mfa_store.save_pending(user_id, seed_blob=b"\x02seed", backup_hashes=["h1", "h2"], now=100)
    assert raw_item(f"USER#{user_id}", "MFA") == {
        "pk": {"S": f"USER#{user_id}"},
        "sk": {"S": "MFA"},
        "pending_seed": {"B": b"\x02seed"},
        "pending_backup_hashes": {"L": [{"S": "h1"}, {"S": "h2"}]},
        "updated_at": {"S": "1970-01-01T00:01:40Z"},
        "enabled": {"BOOL": False},
    }

    lockout.reserve_attempt(user_id, 1000)
    lockout.record_failure(user_id, 1000)
    assert raw_item(f"USER#{user_id}", "LOCKOUT") == {
        "pk": {"S": f"USER#{user_id}"},
        "sk": {"S": "LOCKOUT"},
        "tries": {"L": [{"N": "1000"}]},
        "recent": {"L": [{"N": "1000"}]},
        "version": {"N": "2"},
        "expires_at": {"N": str(1000 + lockout.WINDOW_SECONDS + lockout.LOCK_SECONDS)},
    }


def test_an_audit_record_keeps_its_layout() -> None:
    user_id = str(uuid.uuid4())
    entry = audit.record(
        "mfa_fail",
        user_id=user_id,
        outcome="failure",
        severity="medium",
        ip="198.18.0.7",
        user_agent="tests",
        request_id="r-1",
        details={"step": 3, "why": None, "ratio": 0.125, "locked": False, "note": "x"},
    )
    stored = raw_item(entry["pk"], entry["sk"], table=os.environ["AUDIT_TABLE"])
    assert _types(stored) == {
        "pk": "S", "sk": "S", "gsi1pk": "S", "gsi1sk": "S", "id": "S", "timestamp": "S", "user_id": "S",
        "action": "S", "outcome": "S", "severity": "S", "ip_address": "S", "user_agent": "S",
        "request_id": "S", "details": "M", "expires_at": "N",
    }  # fmt: skip
    assert stored is not None
    assert stored["details"] == {
        "M": {"step": {"N": "3"}, "ratio": {"N": "0.125"}, "locked": {"BOOL": False}, "note": {"S": "x"}}
    }
    assert stored["gsi1pk"] == {"S": "ACTION#mfa_fail"}
    assert stored["expires_at"] == {"N": str(entry["expires_at"])}
