"""The one HTTP client for user-supplied URLs (alert webhooks, Slack incoming webhooks): SSRF-guarded.

Per request: the URL is checked (`guard.parse_url`), its host resolved ONCE, every address of the answer
checked (`guard.address_refusal` — one bad address refuses the whole answer), and the connection made to the
checked address itself, with the original host name in `Host` and as the TLS server name (SNI and certificate
verification still apply to the name the user gave). Nothing else is looked up, so a DNS answer that changes
between check and use (rebinding) cannot redirect the request.

Also: no redirects (a 3xx is just a status), no proxies from the environment, a 5 s timeout per phase and an
overall 5 s budget for reading the answer, and at most `MAX_BODY_BYTES` of the response body kept (the rest is
never read). Failures are `OutboundRefused` (policy: never retried as-is) or `OutboundFailed` (transport:
timeout, connection refused, TLS) with a stable `reason` code; neither carries the URL, which may hold a
secret (Slack webhook URLs do, Telegram's carries the bot token). For the same reason httpx2's own INFO line
("HTTP Request: POST <url> ...") is dropped while a guarded request is in flight.
"""

from __future__ import annotations

import contextvars
import functools
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx2

from bidcraft.outbound.guard import Policy, Refused, Target, address_refusal, parse_url

DEFAULT_TIMEOUT_SECONDS = 5.0
MAX_BODY_BYTES = 16 * 1024
USER_AGENT = "Bidcraft-Alerts/1.0 (+https://bidcraft.dev)"

Resolver = Callable[[str, int], Sequence[str]]
_GUARDED_REQUEST = contextvars.ContextVar("bidcraft_outbound_request", default=False)


class _NoUrlsInLogs(logging.Filter):
    """Drops httpx2's request log records made during a guarded request (they print the whole URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _GUARDED_REQUEST.get()


@functools.cache
def _install_log_filter() -> None:
    logging.getLogger("httpx2").addFilter(_NoUrlsInLogs())


class OutboundRefused(Exception):
    """The URL or what it resolves to is not allowed (`reason`: scheme, userinfo, loopback, private, ...)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class OutboundFailed(Exception):
    """The request was allowed but did not complete (`reason`: timeout, connect_error, tls_error, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OutboundResponse:
    status_code: int
    body: bytes  # at most MAX_BODY_BYTES
    truncated: bool
    address: str  # the address connected to (logs and tests)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (one lookup)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = str(sockaddr[0]).split("%", 1)[0]
        if address not in seen:
            seen.append(address)
    return seen


class GuardedClient:
    """POSTs to user-supplied URLs under `policy`; `resolver` is swappable (tests use a stub)."""

    def __init__(
        self,
        policy: Policy,
        *,
        resolver: Resolver = system_resolver,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_body_bytes: int = MAX_BODY_BYTES,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """`tls`: the trust store for certificate checks (default: the system's; tests pass their own CA)."""
        self.policy = policy
        self.resolver = resolver
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self.tls = tls

    def check(self, url: str) -> Target:
        """The URL's static checks alone (no DNS): what channel validation uses."""
        try:
            return parse_url(url, self.policy)
        except Refused as refused:
            raise OutboundRefused(refused.reason, refused.detail) from None

    def resolve(self, target: Target) -> str:
        """The one address to connect to, after checking every address of a single lookup."""
        literal = target.literal_ip
        if literal is not None:
            return str(literal)
        answers = list(self.resolver(target.host, target.port))
        if not answers:
            raise OutboundRefused("unresolvable", "The host name does not resolve")
        checked: list[str] = []
        for answer in answers:
            try:
                ip = ipaddress.ip_address(answer)
            except ValueError:
                raise OutboundRefused("unresolvable", "The host resolved to a malformed address") from None
            refusal = address_refusal(ip, self.policy)
            if refusal:
                raise OutboundRefused(refusal, f"The host resolves to a {refusal.replace('_', ' ')} address")
            checked.append(str(ip))
        return checked[0]

    def post(self, url: str, *, content: bytes, headers: Mapping[str, str]) -> OutboundResponse:
        target = self.check(url)
        address = self.resolve(target)
        host_in_url = f"[{address}]" if ":" in address else address
        pinned_url = f"{target.scheme}://{host_in_url}:{target.port}{target.target}"
        request_headers = {
            "User-Agent": USER_AGENT,
            **dict(headers),
            "Host": target.host_header,
        }
        extensions = {} if target.literal_ip is not None else {"sni_hostname": target.host}
        deadline = time.monotonic() + self.timeout
        _install_log_filter()
        quiet = _GUARDED_REQUEST.set(True)
        try:
            with (
                httpx2.Client(
                    trust_env=False,
                    follow_redirects=False,
                    timeout=httpx2.Timeout(self.timeout),
                    verify=self.tls if self.tls is not None else True,
                ) as client,
                client.stream(
                    "POST", pinned_url, content=content, headers=request_headers, extensions=extensions
                ) as response,
            ):
                body, truncated = self._read_capped(response, deadline)
                return OutboundResponse(response.status_code, body, truncated, address)
        except httpx2.TimeoutException:
            raise OutboundFailed("timeout") from None
        except httpx2.ConnectError as exc:
            reason = "tls_error" if "SSL" in type(exc.__context__).__name__ + str(exc) else "connect_error"
            raise OutboundFailed(reason) from None
        except httpx2.TransportError:
            raise OutboundFailed("transport_error") from None
        finally:
            _GUARDED_REQUEST.reset(quiet)

    def _read_capped(self, response: httpx2.Response, deadline: float) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_raw(chunk_size=4096):
            take = chunk[: self.max_body_bytes - size]
            chunks.append(take)
            size += len(take)
            if size >= self.max_body_bytes or time.monotonic() > deadline:
                return b"".join(chunks), True
        return b"".join(chunks), False
