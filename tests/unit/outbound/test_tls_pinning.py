"""TLS to a pinned address: the connection goes to the checked IP, yet SNI and the certificate check use the
name from the URL. A loopback HTTPS receiver with a throwaway certificate for `receiver.test` is the host."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bidcraft.outbound.client import GuardedClient, OutboundFailed
from bidcraft.outbound.guard import Policy

NAME = "receiver.test"


def _certificate(tmp: Path, name: str) -> tuple[Path, Path, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(pem)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path, pem


@contextmanager
def https_receiver(tmp: Path, name: str) -> Iterator[tuple[int, list[str], list[str], bytes]]:
    """(port, SNI names seen, Host headers seen, the certificate PEM) of a loopback HTTPS server."""
    cert_path, key_path, pem = _certificate(tmp, name)
    server_names: list[str] = []
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hosts.append(self.headers.get("host", ""))
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    context.sni_callback = lambda sock, server_name, ctx: server_names.append(server_name or "")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server_names, hosts, pem
    finally:
        server.shutdown()
        server.server_close()


def test_sni_and_host_carry_the_name_while_the_socket_goes_to_the_checked_address(tmp_path: Path) -> None:
    with https_receiver(tmp_path, NAME) as (port, server_names, hosts, pem):
        trust = ssl.create_default_context(cadata=pem.decode())
        client = GuardedClient(Policy(allow_loopback=True), resolver=lambda host, p: ["127.0.0.1"], tls=trust)

        response = client.post(f"https://{NAME}:{port}/hook", content=b"{}", headers={})

    assert response.status_code == 204
    assert response.address == "127.0.0.1"
    assert server_names == [NAME]
    assert hosts == [f"{NAME}:{port}"]


def test_a_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    with https_receiver(tmp_path, "someone-else.test") as (port, _names, hosts, pem):
        trust = ssl.create_default_context(cadata=pem.decode())
        client = GuardedClient(Policy(allow_loopback=True), resolver=lambda host, p: ["127.0.0.1"], tls=trust)

        with pytest.raises(OutboundFailed) as failed:
            client.post(f"https://{NAME}:{port}/hook", content=b"{}", headers={})

    assert failed.value.reason == "tls_error"
    assert hosts == []
