"""Which user-supplied URLs and addresses the service may connect to (SSRF guard, API.md "Alerts").

Two pure checks, used by `bidcraft.outbound.client` and by channel validation:

- `parse_url(url, policy)` refuses a URL before any DNS lookup: other schemes (`https` only when deployed),
  userinfo (`https://good.example@169.254.169.254/`), IP literals spelled in decimal, octal, hex or short form
  (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`), a trailing dot, IPv6 zone ids, control characters and
  backslashes. What passes is split into a lower-case host, a port and the request target.
- `address_refusal(ip, policy)` names the class of an address the service never connects to (loopback —
  allowed on the local stack only —, private, CGNAT 100.64/10, link-local, cloud metadata 169.254.169.254 and
  fd00:ec2::254, unique-local IPv6, unspecified 0.0.0.0/::, multicast, reserved, documentation), looking
  through IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible, 6to4, NAT64,
  Teredo). Only globally routable unicast addresses pass.

The client resolves a host once, checks every address the answer holds with `address_refusal`, and connects to
the checked address itself — so a second DNS answer (rebinding) is never consulted.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
MAX_URL_CHARS = 2048
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$")
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


class Refused(ValueError):
    """The URL or address is not one the service connects to. `reason` is a stable code for logs/docs."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Policy:
    """Deployed: https only, public addresses only. Local stack: also http(s) to loopback (and only there)."""

    allow_loopback: bool = False

    @classmethod
    def for_stack(cls, *, local_stack: bool) -> Policy:
        return cls(allow_loopback=local_stack)


@dataclass(frozen=True)
class Target:
    """A URL that passed `parse_url`: what to resolve, where to connect, what to ask for."""

    scheme: str
    host: str  # lower-case name or canonical IP literal (IPv6 without brackets)
    port: int
    target: str  # path and query, at least "/"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def literal_ip(self) -> IPAddress | None:
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None


def parse_url(url: str, policy: Policy) -> Target:
    """The URL split for a guarded request, or `Refused` (before any DNS lookup)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        raise Refused("malformed_url", "The URL is empty or too long")
    if _UNSAFE_CHARS.search(url):
        raise Refused("malformed_url", "The URL contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("malformed_url", "The URL cannot be parsed") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise Refused("scheme", "Only https URLs are allowed")
    if "@" in parts.netloc:
        raise Refused("userinfo", "URLs with a user name or password are not allowed")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise Refused("malformed_url", "The URL has no host")
    if "%" in raw_host:
        raise Refused("ipv6_zone", "IPv6 zone identifiers are not allowed")
    host = _canonical_host(raw_host)
    if scheme == "http" and not (policy.allow_loopback and host in LOOPBACK_NAMES):
        raise Refused("scheme", "Only https URLs are allowed")
    if port is None:
        port = 443 if scheme == "https" else 80
    if not 0 < port < 65536:
        raise Refused("malformed_url", "The URL's port is out of range")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    literal = _literal(host)
    if literal is not None:
        refusal = address_refusal(literal, policy)
        if refusal:
            raise Refused(refusal, f"The URL points at a {refusal.replace('_', ' ')} address")
    return Target(scheme=scheme, host=host, port=port, target=target)


def _canonical_host(raw: str) -> str:
    host = raw.lower()
    if host.endswith("."):
        raise Refused("trailing_dot", "Host names with a trailing dot are not allowed")
    if ":" in host:  # an IPv6 literal (urlsplit removed the brackets)
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            raise Refused("malformed_url", "The URL's IPv6 address is not valid") from None
    if _NUMERIC_HOST.match(host):
        # Looks numeric: only the canonical dotted quad is accepted; every other spelling that some
        # resolvers read as an IPv4 address (2130706433, 0x7f.1, 0177.0.0.1, 127.1) is refused.
        try:
            ip = ipaddress.IPv4Address(host)
        except ValueError:
            numeric = all(label.isdigit() for label in host.split("."))
            if numeric or host.startswith("0x") or ".0x" in host:
                raise Refused("ambiguous_ip", "Write IP addresses as four decimal numbers") from None
        else:
            return str(ip)
    labels = host.split(".")
    if not all(_HOST_LABEL.match(label) for label in labels):
        raise Refused("malformed_url", "The URL's host name is not valid")
    if labels[-1].isdigit():
        raise Refused("ambiguous_ip", "Write IP addresses as four decimal numbers")
    return host


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    packed = ip.packed
    if packed[:12] == bytes(12) and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(packed[12:])
    return None


def address_refusal(ip: IPAddress, policy: Policy) -> str | None:
    """Why the service will not connect to `ip` (a stable reason code), or None when it may."""
    if ip in METADATA_ADDRESSES:
        return "cloud_metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = address_refusal(embedded, policy)
            if ip.ipv4_mapped is not None:
                return inner and f"ipv4_mapped_{inner}"
            return inner and f"embedded_{inner}"
        if ip in UNIQUE_LOCAL:
            return "unique_local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return None if policy.allow_loopback else "loopback"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "cgnat"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None
