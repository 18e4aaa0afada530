"""The HTTP server: one thread per connection, so a handler can call the sandbox on the same port."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from devserver.app import MAX_BODY_BYTES, LocalStack, Request
from devserver.invoker import HttpResponse, new_request_id, problem

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bidcraft-local"
    sys_version = ""
    server: LocalServer

    def _serve(self) -> None:
        started = time.perf_counter()
        try:
            body = self._read_body()
        except _TooLarge:
            response = problem(
                413, "payload-too-large", "Payload too large", "The body is over 10 MB.", new_request_id()
            )
            self.close_connection = True
        except (ValueError, ConnectionError):
            response = problem(
                400, "bad-request", "Bad request", "The request body could not be read.", new_request_id()
            )
            self.close_connection = True
        else:
            url = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=url.path or "/",
                raw_query=url.query,
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
            )
            response = self.server.stack.handle(request)
        try:
            self._write(response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        if not self.server.quiet:
            elapsed = (time.perf_counter() - started) * 1000
            sys.stderr.write(f"{self.command} {self.path.split('?')[0]} {response.status} {elapsed:.0f}ms\n")

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        if length > MAX_BODY_BYTES:
            raise _TooLarge
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise _TooLarge
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        bodiless = response.status in (204, 304) or response.status < 200
        if not bodiless:
            self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and not bodiless:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, ...) goes to the routes too, as API Gateway's ANY routes take it,
        # so the answer is a problem document rather than http.server's 501 HTML page.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Access lines are written by `_serve`; drop http.server's own."""


class _TooLarge(Exception):
    pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, stack: LocalStack | None = None, *, quiet: bool = False) -> None:
        super().__init__((host, port), _Handler)
        self.stack = stack or LocalStack(None)
        self.quiet = quiet
        self._thread: threading.Thread | None = None
        self._serving = False

    def serve_forever(self, poll_interval: float = 0.1) -> None:
        self._serving = True
        super().serve_forever(poll_interval)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        host = self.server_address[0]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{self.port}"

    def start_in_thread(self) -> None:
        """Serve from a background thread (tests and `devserver.invoke`)."""
        self._thread = threading.Thread(target=self.serve_forever, name="devserver-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._serving:
            self.shutdown()  # returns at once when serve_forever has already ended
        self.server_close()
        if self._thread is not None:
            self._thread.join(5)
