"""Which `redirect_uri` values sign-in accepts: exact string match against `ALLOWED_REDIRECT_URIS`.

RFC 9700 §2.1: exact matching, no patterns, no open redirector. On the local stack (`LOCAL_STACK=true`) API.md
also allows any `http://localhost[:port]/…` or `http://127.0.0.1[:port]/…` — checked structurally: no user
info,
no fragment, a numeric port, a path starting with `/` without dot segments, no backslashes, whitespace or
control characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

MAX_URI_CHARS = 2048
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1"})
_NETLOC = re.compile(r"(localhost|127\.0\.0\.1)(:[0-9]{1,5})?")
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def _is_local_loopback(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and _NETLOC.fullmatch(parts.netloc) is not None
        and parts.hostname in _LOOPBACK_HOSTS
        and (port is None or 0 < port < 65536)
        and parts.path.startswith("/")
        and not parts.path.startswith("//")
        and not {".", ".."} & set(parts.path.split("/"))
        and not parts.fragment
        and "#" not in uri
    )


def is_allowed(uri: str, allowed: Iterable[str], *, local_stack: bool) -> bool:
    if not isinstance(uri, str) or not uri or len(uri) > MAX_URI_CHARS or _UNSAFE.search(uri):
        return False
    if uri in set(allowed):
        return True
    return local_stack and _is_local_loopback(uri)
