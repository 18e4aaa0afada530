"""Sign in with Upwork through the sandbox, in-process: the one helper every integration suite uses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx2

from devserver.testing import LocalAws, random_test_ip
from tests.integration.replies import Reply


@dataclass(frozen=True)
class Authorization:
    """What the browser brings back from Upwork's authorize page."""

    code: str
    state: str
    location: str


@dataclass(frozen=True)
class SignedIn:
    account: str  # the sandbox account (its Upwork user id)
    reply: Reply  # the callback's answer

    @property
    def user_id(self) -> str:
        return str(self.reply.json["user"]["user_id"])

    @property
    def freelancer_id(self) -> str:
        return str(self.reply.json["user"]["upwork_user_id"])

    @property
    def access_token(self) -> str:
        return str(self.reply.json["access_token"])


def new_account(prefix: str = "it") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def call_auth(local_aws: LocalAws, method: str, path: str, *, source_ip: str, **kwargs: object) -> Reply:
    event = local_aws.apigw_event(method, path, source_ip=source_ip, **kwargs)  # type: ignore[arg-type]
    return Reply.from_raw(local_aws.invoke("AuthFunction", event))


def authorize(
    local_aws: LocalAws,
    redirect_uri: str,
    account: str,
    *,
    proposals: int = 2,
    deny: str = "",
    source_ip: str | None = None,
) -> Authorization:
    """`/auth/upwork/init`, then the sandbox's authorize page: the code and state for the callback.
    `deny`: GraphQL root fields the grant has no scope for (the sandbox's `sandbox_deny`)."""
    init = call_auth(
        local_aws,
        "POST",
        "/auth/upwork/init",
        body={"redirect_uri": redirect_uri},
        source_ip=source_ip or random_test_ip(),
    )
    assert init.status == 200, init.body
    url = f"{init.json['authorization_url']}&sandbox_user={account}&sandbox_proposals={proposals}"
    if deny:
        url += f"&sandbox_deny={deny}"
    response = httpx2.get(url, follow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    params = parse_qs(urlsplit(location).query)
    return Authorization(code=params["code"][0], state=params["state"][0], location=location)


def sign_in(
    local_aws: LocalAws,
    redirect_uri: str,
    *,
    account: str | None = None,
    proposals: int = 2,
    deny: str = "",
    source_ip: str | None = None,
) -> SignedIn:
    """A whole sign-in of `account` (a new one by default) whose sandbox history has `proposals`."""
    account = account or new_account()
    ip = source_ip or random_test_ip()  # one IP per sign-in: the per-IP auth limit never couples tests
    found = authorize(local_aws, redirect_uri, account, proposals=proposals, deny=deny, source_ip=ip)
    reply = call_auth(
        local_aws,
        "GET",
        "/auth/upwork/callback",
        query={"code": found.code, "state": found.state},
        source_ip=ip,
    )
    assert reply.status == 200, reply.body
    return SignedIn(account, reply)
