"""Authorization rules shared by every user-scoped route."""

from __future__ import annotations

import pytest

from bidcraft.caller import Principal, resolve_user_id
from bidcraft.errors import Forbidden

ALICE = Principal(user_id="alice", roles=("user",))
ADMIN = Principal(user_id="root", roles=("user", "admin"))


@pytest.mark.parametrize("asked", ["me", "alice"])
def test_me_and_own_id_resolve_to_the_caller(asked: str) -> None:
    assert resolve_user_id(ALICE, asked) == "alice"


def test_another_users_id_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        resolve_user_id(ALICE, "bob")


def test_admin_may_read_another_user() -> None:
    assert resolve_user_id(ADMIN, "bob") == "bob"
