"""The outbound guard's refusal table: each address class reached directly and through each trick.

`tests/unit/outbound/test_guard_refusals.py` runs every row against `GuardedClient` (deployed policy, stub
resolver, loopback-only sockets) and checks that docs/alerts.md carries exactly this table (`render()`).
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC = "93.184.215.14"  # a public address the stub resolver may return; never connected to


@dataclass(frozen=True)
class Case:
    address_class: str
    trick: str
    url: str
    dns: tuple[str, ...] = ()  # what the stub resolver answers for the URL's host
    reason: str = ""  # the refusal reason code expected


def _dns(address_class: str, ip: str, reason: str) -> Case:
    return Case(address_class, "DNS name resolving to it", "https://hook.example.com/x", (ip,), reason)


def _literal(address_class: str, ip: str, reason: str) -> Case:
    host = f"[{ip}]" if ":" in ip else ip
    return Case(address_class, "IP literal", f"https://{host}/x", (), reason)


CASES: tuple[Case, ...] = (
    _literal("loopback", "127.0.0.1", "loopback"),
    _literal("loopback", "127.8.9.10", "loopback"),
    _literal("loopback", "::1", "loopback"),
    _dns("loopback", "127.0.0.1", "loopback"),
    Case("loopback", "localhost", "https://localhost/x", ("127.0.0.1",), "loopback"),
    Case("loopback", "decimal IP", "https://2130706433/x", (), "ambiguous_ip"),
    Case("loopback", "octal IP", "https://0177.0.0.1/x", (), "ambiguous_ip"),
    Case("loopback", "hex IP", "https://0x7f000001/x", (), "ambiguous_ip"),
    Case("loopback", "dotted hex IP", "https://0x7f.0.0.1/x", (), "ambiguous_ip"),
    Case("loopback", "short IP (127.1)", "https://127.1/x", (), "ambiguous_ip"),
    Case("loopback", "userinfo@", "https://hook.example.com@127.0.0.1/x", (), "userinfo"),
    Case("loopback", "trailing dot", "https://localhost./x", ("127.0.0.1",), "trailing_dot"),
    _literal("private", "10.0.0.1", "private"),
    _literal("private", "172.16.5.4", "private"),
    _literal("private", "192.168.1.1", "private"),
    _dns("private", "10.1.2.3", "private"),
    Case(
        "private",
        "one bad address among good ones",
        "https://hook.example.com/x",
        (PUBLIC, "10.0.0.7"),
        "private",
    ),
    _literal("carrier-grade NAT", "100.64.0.1", "cgnat"),
    _dns("carrier-grade NAT", "100.127.255.254", "cgnat"),
    _literal("link-local", "169.254.10.1", "link_local"),
    _literal("link-local", "fe80::1", "link_local"),
    Case("link-local", "IPv6 zone id", "https://[fe80::1%25eth0]/x", (), "ipv6_zone"),
    _literal("cloud metadata", "169.254.169.254", "cloud_metadata"),
    _literal("cloud metadata", "fd00:ec2::254", "cloud_metadata"),
    _dns("cloud metadata", "169.254.169.254", "cloud_metadata"),
    Case("cloud metadata", "decimal IP", "https://2852039166/x", (), "ambiguous_ip"),
    _literal("unique-local IPv6", "fd12:3456::1", "unique_local"),
    _dns("unique-local IPv6", "fc00::5", "unique_local"),
    _literal("unspecified", "0.0.0.0", "unspecified"),  # noqa: S104 - refused, never bound
    _literal("unspecified", "::", "unspecified"),
    Case("unspecified", "short IP (0)", "https://0/x", (), "ambiguous_ip"),
    _literal("IPv4-mapped IPv6", "::ffff:127.0.0.1", "ipv4_mapped_loopback"),
    _literal("IPv4-mapped IPv6", "::ffff:169.254.169.254", "ipv4_mapped_cloud_metadata"),
    _literal("IPv4-mapped IPv6", "::ffff:10.0.0.1", "ipv4_mapped_private"),
    _dns("IPv4-mapped IPv6", "::ffff:192.168.0.1", "ipv4_mapped_private"),
    _literal("NAT64 / 6to4 embedding", "64:ff9b::a9fe:a9fe", "embedded_cloud_metadata"),
    _literal("NAT64 / 6to4 embedding", "2002:7f00:1::", "embedded_loopback"),
    _literal("multicast", "224.0.0.1", "multicast"),
    _literal("reserved", "240.0.0.1", "reserved"),
    _literal("documentation", "192.0.2.10", "private"),
    Case("any", "http:// (deployed)", "http://hook.example.com/x", (PUBLIC,), "scheme"),
    Case("any", "file:// scheme", "file:///etc/passwd", (), "scheme"),
    Case("any", "gopher:// scheme", "gopher://hook.example.com/x", (), "scheme"),
    Case("any", "backslash in URL", "https://hook.example.com\\@127.0.0.1/x", (), "malformed_url"),
    Case("any", "name that does not resolve", "https://nowhere.example.com/x", (), "unresolvable"),
)


def render() -> str:
    """The Markdown table docs/alerts.md carries."""
    lines = [
        "| address class | trick | URL | DNS answer (stub) | refused as |",
        "|---|---|---|---|---|",
    ]
    for case in CASES:
        dns = ", ".join(case.dns) if case.dns else "—"
        url = case.url.replace("|", "\\|")
        lines.append(f"| {case.address_class} | {case.trick} | `{url}` | {dns} | `{case.reason}` |")
    return "\n".join(lines)
