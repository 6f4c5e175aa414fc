"""What stands between the dashboard and other web pages: an ASGI wrapper around Solara's app
that serves only requests addressed to the dashboard's own names (the Host header: no DNS
rebinding), from pages of its own origin (the Origin header: no other site drives it through
the operator's browser), marks every page as not to be framed, and keeps a broken or hostile
websocket to one log line instead of a traceback on the operator's terminal."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from http.cookies import SimpleCookie
from typing import Any

from sim.errors import printable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
"""Sent with every HTTP response: no page may frame the dashboard or sniff its types."""

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ANY = {"0.0.0.0", "::"}

log = logging.getLogger("ccsim.dashboard")


def served_names(host: str, allowed: Iterable[str] = ()) -> set[str]:
    """The names the dashboard answers to: the bound address, its loopback equivalents (a
    loopback or any-address bind is reached as localhost too) and the `--allow-host` names."""
    names = {host.lower().strip("[]")}
    if _loopback(host) or host in ANY:
        names |= LOOPBACK
    return names | {name.lower().strip("[]") for name in allowed}


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


NAME = r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
"""A host name or IP address (IPv6 in brackets): nothing else may stand where a host does."""
HOST = re.compile(rf"({NAME})(?::(\d{{1,5}}))?")
ORIGIN = re.compile(rf"(https?)://({NAME})(?::(\d{{1,5}}))?")


def _hostname(value: str) -> str | None:
    """The host name of a Host header, without port; None unless it is exactly NAME[:PORT]
    (no user, path or second port slipped in)."""
    match = HOST.fullmatch(value)
    if match is None or int(match[2] or 0) > 65535:
        return None
    return match[1].lower().strip("[]")


def check_allowed_host(name: str) -> str:
    """An `--allow-host` value: a bare host name or IP address (no scheme, port or
    wildcard); ValueError saying what is allowed otherwise."""
    try:
        ipaddress.ip_address(name)
        return name
    except ValueError:
        pass
    if not re.fullmatch(NAME, name) or name.startswith("[") != name.endswith("]"):
        raise ValueError(
            f"--allow-host {name!r}: allowed: a host name or IP address, without scheme, "
            "port or wildcard (e.g. --allow-host dashboard.example.org)"
        )
    return name


class Guard:
    """Wraps `app`: refuses other hosts and origins, adds the framing headers."""

    def __init__(self, app: App, host: str, port: int, allowed: Iterable[str] = ()):
        self.app = app
        self.port = port
        self.extra = {name.lower().strip("[]") for name in allowed}
        self.names = served_names(host, self.extra)

    def refusal(self, scope: Scope) -> str | None:
        """Why a request is refused, or None when it is addressed and sent as it should be."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if _hostname(host) not in self.names:
            return (
                f"Host {host!r} is not this dashboard's address (start it with "
                f"--allow-host {_hostname(host) or 'NAME'} to be reached under that name)"
            )
        origin = headers.get("origin")
        if origin is not None and not self.origin_allowed(origin):
            return f"Origin {origin!r} is not this dashboard's page"
        return None

    def origin_allowed(self, origin: str) -> bool:
        """The dashboard's own page: http://NAME:PORT with NAME one of its names (an
        `--allow-host` name on any port or scheme, e.g. behind a proxy)."""
        match = ORIGIN.fullmatch(origin)
        if match is None:  # 'null', a user part, a path: not a page of this dashboard
            return False
        scheme, name, port = match[1], match[2].lower().strip("[]"), match[3]
        if name in self.extra:
            return True
        return (
            scheme == "http" and name in self.names and port is not None and int(port) == self.port
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        reason = self.refusal(scope)
        if reason is None and kind == "websocket":
            reason = _session_mismatch(scope)
        if reason is not None:
            log.warning(  # the path is the page's to choose: escaped, never raw on a terminal
                "ccsim dashboard: refused %s %s: %s",
                kind,
                printable(scope.get("path", "")),
                printable(reason),
            )
            await _refuse(kind, reason, receive, send)
            return
        if kind == "http":
            await self.app(scope, receive, _with_headers(send))
            return
        try:
            await self.app(scope, receive, send)
        except Exception as exc:  # a broken websocket: one line, not Solara's traceback
            log.warning(
                "ccsim dashboard: websocket %s ended: %s",
                printable(scope.get("path", "")),
                printable(str(exc)),
            )


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(name, value) for name, value in HEADERS if name not in present]
            message = message | {"headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped


async def _refuse(kind: str, reason: str, receive: Receive, send: Send) -> None:
    if kind == "websocket":  # closing before accepting: the client sees HTTP 403
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1008})
        return
    body = f"ccsim dashboard: {reason}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _session_mismatch(scope: Scope) -> str | None:
    """A kernel websocket for a tab that belongs to another session (Solara would raise and
    print an ASGI traceback)."""
    path = scope.get("path", "")
    if not path.startswith("/jupyter/api/kernels/"):
        return None
    from solara.server import kernel_context
    from solara.server.server import COOKIE_KEY_SESSION_ID

    kernel = path.removeprefix("/jupyter/api/kernels/").split("/", 1)[0]
    context = kernel_context.contexts.get(kernel)
    if context is None:
        return None
    cookie = ""
    for name, value in scope["headers"]:
        if name.lower() == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            jar.load(value.decode("latin-1"))
            if COOKIE_KEY_SESSION_ID in jar:
                cookie = jar[COOKIE_KEY_SESSION_ID].value
    if cookie != context.session_id:
        return "the tab belongs to another session"
    return None


class OneLine(logging.Filter):
    """Solara's "Uncaught exception" log of an event from the page that failed (e.g. a plotly
    widget's message about a figure that was just redrawn) as one line, not a traceback on the
    operator's terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Uncaught exception"):
            text = str(record.args[0] if isinstance(record.args, tuple) else record.args)
            last = text.strip().splitlines()[-1] if text.strip() else "unknown"
            message = "ccsim dashboard: an event from the page failed: %s"
            record.msg, record.args = message, (printable(last),)
        return True


def quiet_page_errors() -> None:
    """Every traceback Solara would log for a failed page event is one line instead."""
    logging.getLogger("solara.server.patch").addFilter(OneLine())
