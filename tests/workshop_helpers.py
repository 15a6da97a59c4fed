"""Helpers for the tests that start real workshop servers: free ports and plain HTTP without following redirects."""

from __future__ import annotations

import http.client
import json
import re
import socket
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


def free_port_pair(host: str = "127.0.0.1") -> int:
    """A port p such that p and p + 1 are both free on `host` right now."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        if port >= 65535:
            continue
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind((host, port))
                b.bind((host, port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two free ports next to each other")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def kernel_id(self) -> str:
        found = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', self.body, re.S)
        assert found, "no page config in the page"
        return json.loads(found.group(1))["kernelId"]


def fetch(
    host: str,
    port: int,
    path: str,
    method: str = "GET",
    cookies: dict[str, str] | None = None,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120,
) -> Reply:
    """One raw request (the path is sent exactly as given: no normalising of `..`, no redirects followed)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        sent = dict(headers or {})
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        jar: dict[str, str] = {}
        for value in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(value)
            jar.update({k: m.value for k, m in parsed.items()})
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, text, jar)
    finally:
        connection.close()
