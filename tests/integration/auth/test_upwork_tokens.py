"""The Upwork token helper: fresh tokens as stored, refresh before expiry, persist first, one at a time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from bidcraft import aws
from bidcraft.auth import upwork_token_store, upwork_tokens
from bidcraft.crypto.aead import DecryptionFailed
from bidcraft.errors import Conflict, ServiceUnavailable
from bidcraft.upwork.models import UpworkTokens
from tests.integration.auth.conftest import raw_item, users_table


def _tokens(tag: str, expires_in: int = 3600) -> UpworkTokens:
    return UpworkTokens(
        access_token=SecretStr(f"access-{tag}"),
        refresh_token=SecretStr(f"refresh-{tag}"),
        expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
    )


class FakeOAuth:
    def __init__(self, fresh: UpworkTokens) -> None:
        self.fresh = fresh
        self.refreshed_with: list[str] = []

    def refresh(self, refresh_token: str) -> UpworkTokens:
        self.refreshed_with.append(str(refresh_token))
        return self.fresh


@pytest.fixture
def user_id(sign_in) -> str:
    return sign_in().json["user"]["user_id"]


def _store(user_id: str, tokens: UpworkTokens) -> None:
    upwork_tokens.save_from_sign_in(user_id, tokens, now=int(time.time()))


def test_a_fresh_token_is_returned_without_refreshing(user_id) -> None:
    _store(user_id, _tokens("a"))
    oauth = FakeOAuth(_tokens("b"))

    assert upwork_tokens.get_valid_access_token(user_id, oauth=oauth) == "access-a"  # type: ignore[arg-type]
    assert oauth.refreshed_with == []


def test_an_expiring_token_is_refreshed_and_the_rotated_pair_persisted_first(user_id) -> None:
    _store(user_id, _tokens("old", expires_in=120))
    before = upwork_token_store.get(user_id)
    oauth = FakeOAuth(_tokens("new"))

    token = upwork_tokens.get_valid_access_token(user_id, oauth=oauth)  # type: ignore[arg-type]

    assert token == "access-new"
    assert oauth.refreshed_with == ["refresh-old"]
    after = upwork_token_store.get(user_id)
    assert before is not None
    assert after is not None
    assert after.version == before.version + 1
    assert after.lease_owner is None
    assert upwork_tokens.unseal(user_id, after.blob).refresh_token == "refresh-new"


def test_against_the_sandbox_a_real_refresh_rotates_upwork_tokens(user_id) -> None:
    stored = upwork_token_store.get(user_id)
    assert stored is not None
    old = upwork_tokens.unseal(user_id, stored.blob)
    aws.client("dynamodb").update_item(
        TableName=users_table(),
        Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "UPWORK_TOKENS"}},
        UpdateExpression="SET access_expires_at = :soon",
        ExpressionAttributeValues={":soon": {"N": str(int(time.time()) + 60)}},
    )

    token = upwork_tokens.get_valid_access_token(user_id)

    assert token != old.access_token
    new = upwork_tokens.unseal(user_id, upwork_token_store.get(user_id).blob)  # type: ignore[union-attr]
    assert new.access_token == token
    assert new.refresh_token != old.refresh_token


def test_when_persisting_fails_the_old_refresh_token_stays_and_nothing_is_returned(
    user_id, monkeypatch
) -> None:
    _store(user_id, _tokens("old", expires_in=60))

    def broken(*args, **kwargs):
        raise ServiceUnavailable("storage down")

    monkeypatch.setattr(upwork_token_store, "replace", broken)
    with pytest.raises(ServiceUnavailable):
        upwork_tokens.get_valid_access_token(user_id, oauth=FakeOAuth(_tokens("new")))  # type: ignore[arg-type]
    monkeypatch.undo()

    stored = upwork_token_store.get(user_id)
    assert stored is not None
    assert stored.lease_owner is None
    assert upwork_tokens.unseal(user_id, stored.blob).refresh_token == "refresh-old"


def test_only_one_refresh_at_a_time_others_wait_for_its_result(user_id) -> None:
    _store(user_id, _tokens("old", expires_in=60))
    now = int(time.time())
    assert upwork_token_store.acquire_lease(user_id, owner="other-container", now=now, seconds=30)
    assert not upwork_token_store.acquire_lease(user_id, owner="third", now=now, seconds=30)
    oauth = FakeOAuth(_tokens("mine"))

    def other_container_finishes(_seconds: float) -> None:
        stored = upwork_token_store.get(user_id)
        assert stored is not None
        upwork_token_store.replace(
            user_id,
            blob=upwork_tokens.seal(user_id, _tokens("theirs")),
            access_expires_at=now + 3600,
            expected_version=stored.version,
            owner="other-container",
            now=now,
        )

    token = upwork_tokens.get_valid_access_token(user_id, oauth=oauth, sleep=other_container_finishes)  # type: ignore[arg-type]

    assert token == "access-theirs"
    assert oauth.refreshed_with == []


def test_a_held_lease_that_never_finishes_gives_503(user_id) -> None:
    _store(user_id, _tokens("old", expires_in=60))
    assert upwork_token_store.acquire_lease(user_id, owner="stuck", now=int(time.time()), seconds=30)

    with pytest.raises(ServiceUnavailable):
        upwork_tokens.get_valid_access_token(user_id, oauth=FakeOAuth(_tokens("x")), sleep=lambda _s: None)  # type: ignore[arg-type]


def test_no_tokens_means_not_connected(sign_in) -> None:
    with pytest.raises(Conflict):
        upwork_tokens.get_valid_access_token("no-such-user")


def test_a_ciphertext_copied_from_another_user_does_not_decrypt(sign_in) -> None:
    alice = sign_in().json["user"]["user_id"]
    mallory = sign_in().json["user"]["user_id"]
    stolen = raw_item(f"USER#{alice}", "UPWORK_TOKENS")
    assert stolen is not None
    aws.client("dynamodb").update_item(
        TableName=users_table(),
        Key={"pk": {"S": f"USER#{mallory}"}, "sk": {"S": "UPWORK_TOKENS"}},
        UpdateExpression="SET sealed_tokens = :b",
        ExpressionAttributeValues={":b": stolen["sealed_tokens"]},
    )

    with pytest.raises(DecryptionFailed):
        upwork_tokens.get_valid_access_token(mallory)
