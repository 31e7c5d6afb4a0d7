"""Which address participant links and QR codes carry.

The Host header comes from the client, so it is never copied into a link unless trusted:
PUBLIC_BASE_URL when configured; else the request's host when TRUSTED_HOSTS is configured
(Flask answers other hosts with 400 before any view runs); else the request's host only when
it names this machine (localhost, one of its addresses or its host name), and otherwise this
machine's LAN address.
"""
from __future__ import annotations

import ipaddress
import socket

from flask import current_app, request


def lan_address() -> str:
    """This machine's address on the local network, for links phones can open."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # UDP connect sends nothing; it only picks a route
            return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def _own_addresses() -> set[str]:
    names = {lan_address()}
    try:
        names.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None))
    except OSError:
        pass
    return names


def host_name(host: str) -> str:
    """"[::1]:5000" -> "::1", "example.org:80" -> "example.org"."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def is_own_host(host: str) -> bool:
    name = host_name(host).lower()
    if name in ("localhost", socket.gethostname().lower()):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or name in _own_addresses()


def public_base_url() -> str:
    """scheme://host[:port] for links that leave this browser; needs a request context."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/")
    host = request.host  # already checked against TRUSTED_HOSTS by Flask when that is set
    if current_app.config.get("TRUSTED_HOSTS") or is_own_host(host):
        return f"{request.scheme}://{host}"
    port = request.environ.get("SERVER_PORT", "")
    default = {"http": "80", "https": "443"}.get(request.scheme)
    return f"{request.scheme}://{lan_address()}" + (f":{port}" if port and port != default else "")
