"""An `httpx2.MockTransport` that answers from an `UpworkSandbox` in-process: tests drive the real client
against the sandbox without a server or a network."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx2

from devserver.sandbox.app import UpworkSandbox

MOUNT = "/_sandbox/upwork"


def mock_transport(
    sandbox: UpworkSandbox, *, mount: str = MOUNT, source_ip: str = "127.0.0.1"
) -> httpx2.MockTransport:
    """Requests to any host whose path starts with `mount` go to `sandbox.handle`; anything else is a 404."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if not path.startswith(mount):
            return httpx2.Response(404, json={"error": "not_found"})
        result = sandbox.handle(
            request.method,
            path[len(mount) :] or "/",
            parse_qs(request.url.query.decode("ascii"), keep_blank_values=True),
            {name.lower(): value for name, value in request.headers.items()},
            request.read(),
            source_ip,
        )
        return httpx2.Response(result.status, headers=result.headers, content=result.body)

    return httpx2.MockTransport(handler)
