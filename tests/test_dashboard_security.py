"""The dashboard against other pages, other hosts and the network: the real `ccsim dashboard`
in a subprocess whose every name lookup is recorded (a sitecustomize wraps
socket.getaddrinfo/gethostbyname), with a temporary HOME. Requests for other Host names and
from other origins are refused (HTTP and websocket), every response forbids framing, a
websocket for another session's tab ends quietly, nothing but local names is looked up (no
telemetry, no CDN download) and nothing is written in ~/.solara. And the command's options are
checked up front: one line naming the option, exit 2."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.helpers import ROOT, free_port, wait_until_listening

CCSIM = Path(sys.executable).parent / "ccsim"
LOCAL = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::", "", "None"}
ALLOWED = "ccsim.test"  # an --allow-host name (never looked up: only compared)

RECORDER = """
import os, socket
_log = os.environ["CCSIM_LOOKUP_LOG"]
def _record(name):
    with open(_log, "a") as f:
        f.write(f"{name}\\n")
_getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname
def getaddrinfo(host, *args, **kwargs):
    _record(host.decode() if isinstance(host, bytes) else host)
    return _getaddrinfo(host, *args, **kwargs)
def gethostbyname(host):
    _record(host)
    return _gethostbyname(host)
socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
"""


KERNEL_INFO = {
    "header": {"msg_id": "1", "msg_type": "kernel_info_request", "session": "page-1"},
    "parent_header": {},
    "metadata": {},
    "content": {},
    "channel": "shell",
    "buffers": [],
}


@dataclass
class Server:
    port: int
    home: Path
    lookups: Path
    process: subprocess.Popen
    output: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET (errors included)."""
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("security")
    (tmp / "site").mkdir()
    (tmp / "site" / "sitecustomize.py").write_text(RECORDER)
    (tmp / "home").mkdir()
    port = free_port()
    env = os.environ | {
        "HOME": str(tmp / "home"),
        "CCSIM_LOOKUP_LOG": str(tmp / "lookups.txt"),
        "PYTHONPATH": os.pathsep.join([str(tmp / "site"), str(ROOT)]),
    }
    env.pop("SOLARA_HOME", None)
    env.pop("IPYTHONDIR", None)
    process = subprocess.Popen(
        [
            str(CCSIM),
            "dashboard",
            "--port",
            str(port),
            "--folder",
            str(tmp / "results"),
            "--allow-host",
            ALLOWED,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Server(port, tmp / "home", tmp / "lookups.txt", process)
    wait_until_listening(process, port)
    yield running
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def stopped(server: Server) -> str:
    """Stop the server (once) and return what it printed."""
    if server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=30)
        server.output = server.process.stdout.read()
    return server.output


def kernel_socket(server: Server, kernel: str, session: str, origin: str | None = None):
    return connect(
        f"ws://127.0.0.1:{server.port}/jupyter/api/kernels/{kernel}/channels?session_id=page-1",
        origin=origin or server.url,
        additional_headers={"Cookie": f"solara-session-id={session}"},
        open_timeout=30,
    )


def test_every_response_forbids_framing(server: Server) -> None:
    for path in ("/", "/static/favicon.png", "/no/such/page"):
        status, headers, _ = get(server.url + path)
        headers = {k.lower(): v for k, v in headers.items()}
        assert headers["x-frame-options"] == "DENY", (path, status)
        assert headers["content-security-policy"] == "frame-ancestors 'none'"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_other_host_names_are_refused(server: Server) -> None:
    assert get(server.url + "/")[0] == 200
    assert get(server.url + "/", Host=f"localhost:{server.port}")[0] == 200
    assert get(server.url + "/", Host=f"{ALLOWED}:{server.port}")[0] == 200  # --allow-host
    status, _, body = get(server.url + "/", Host=f"evil.example:{server.port}")
    assert status == 403 and b"evil.example" in body  # DNS rebinding reaches nothing
    with pytest.raises(InvalidStatus):
        connect(
            f"ws://127.0.0.1:{server.port}/jupyter/api/kernels/k0/channels?session_id=p",
            origin=f"http://evil.example:{server.port}",
            additional_headers={"Host": f"evil.example:{server.port}"},
            open_timeout=30,
        ).close()


def test_pages_of_other_origins_cannot_drive_it(server: Server) -> None:
    assert get(server.url + "/", Origin=server.url)[0] == 200
    assert get(server.url + "/", Origin="http://evil.example")[0] == 403
    assert get(server.url + "/", Origin=f"http://127.0.0.1:{server.port + 1}")[0] == 403
    for origin in ("http://evil.example", "null", f"http://localhost:{server.port + 1}"):
        with pytest.raises(InvalidStatus) as refused:
            kernel_socket(server, "k-other-origin", "s1", origin=origin).close()
        assert refused.value.response.status_code == 403
    with kernel_socket(server, "k-own-origin", "s1"):  # the page's own origin connects
        pass


def test_it_stays_quiet_and_asks_nothing_of_the_network(server: Server) -> None:
    """Runs last in its own right: it stops the server to read what it printed."""
    with kernel_socket(server, "k-shared", "session-a") as first:
        first.send(json.dumps(KERNEL_INFO))
        first.recv(timeout=30)  # the kernel is there: it answers
        dropped = (InvalidStatus, ConnectionClosed, TimeoutError)  # before: after a traceback
        with pytest.raises(dropped), kernel_socket(server, "k-shared", "session-b") as second:
            second.recv(timeout=5)
    status, _, _ = get(server.url + "/_solara/cdn/lodash@4.17.21/lodash.min.js")
    assert status == 404  # not bundled: not fetched either
    assert get(server.url + "/_solara/cdn/requirejs@2.3.6/require.js")[0] == 200  # bundled
    output = stopped(server)  # telemetry would report the stop
    assert "Traceback" not in output, output
    assert "Session id mismatch" not in output, output
    assert len([line for line in output.splitlines() if "another session" in line]) <= 1
    names = set(server.lookups.read_text().split()) if server.lookups.exists() else set()
    assert names <= LOCAL | {socket.gethostname()}, (names, output)
    assert not (server.home / ".solara").exists()
    assert list(server.home.iterdir()) == [], list(server.home.rglob("*"))


def ccsim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CCSIM), "dashboard", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def one_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_a_port_outside_the_range_is_refused() -> None:
    one_line(ccsim("--port", "70000"), "--port", "70000", "65535")


def test_a_host_that_is_no_address_is_refused() -> None:
    one_line(ccsim("--host", "256.1.1.1"), "--host", "256.1.1.1")
    one_line(ccsim("--host", "no-such-host.invalid"), "--host", "no-such-host.invalid")


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        one_line(ccsim("--port", port, "--folder", str(tmp_path)), "--host", "--port", port)


def test_a_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    one_line(ccsim("--folder", str(tmp_path / "file")), "--folder", "file")


def test_the_options_are_documented() -> None:
    done = subprocess.run([str(CCSIM), "dashboard", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--allow-host" in done.stdout


def test_the_names_and_origins_it_answers_to() -> None:
    from sim.dashboard.guard import Guard

    def scope(**headers: str) -> dict:
        return {"headers": [(k.encode(), v.encode()) for k, v in headers.items()]}

    loopback6 = Guard(None, "::1", 8765)
    assert loopback6.refusal(scope(host="[::1]:8765", origin="http://[::1]:8765")) is None
    assert loopback6.refusal(scope(host="localhost:8765", origin="http://localhost:8765")) is None
    everywhere = Guard(None, "0.0.0.0", 8765, ["dash.lan"])
    assert everywhere.refusal(scope(host="dash.lan:8765")) is None
    assert everywhere.refusal(scope(host="dash.lan", origin="https://dash.lan")) is None
    assert "--allow-host 192.168.1.5" in everywhere.refusal(scope(host="192.168.1.5:8765"))
    assert "Origin" in everywhere.refusal(scope(host="dash.lan", origin="http://dash.lan.evil"))
    assert everywhere.refusal(scope()) is not None  # no Host header at all


def test_a_failed_page_event_is_one_line_on_the_terminal() -> None:
    import logging

    from sim.dashboard.guard import OneLine

    traceback = 'Traceback (most recent call last):\n  File "x.py", line 1\nIndexError: list index'
    record = logging.LogRecord(
        "solara.server.patch", logging.ERROR, "", 0, "Uncaught exception: %s", (traceback,), None
    )
    assert OneLine().filter(record)
    assert (
        record.getMessage()
        == "ccsim dashboard: an event from the page failed: IndexError: list index"
    )


@pytest.mark.parametrize(
    "host",
    [
        "evil.example@127.0.0.1",
        "127.0.0.1/.evil.example",
        "localhost?.evil.example",
        "127.0.0.1:8765:x",
        "127.0.0.1:99999",
        "127.0.0.1.evil.example:8765",
    ],
)
def test_a_host_header_that_is_not_exactly_a_name_and_port_is_refused(host: str) -> None:
    from sim.dashboard.guard import Guard

    guard = Guard(None, "127.0.0.1", 8765)
    assert guard.refusal({"headers": [(b"host", host.encode())]}) is not None


@pytest.mark.parametrize(
    "origin",
    ["null", "http://evil@localhost:8765", "http://127.0.0.1", "http://127.0.0.1:8765/x"],
)
def test_an_origin_that_is_not_exactly_the_page_is_refused(origin: str) -> None:
    from sim.dashboard.guard import Guard

    assert not Guard(None, "127.0.0.1", 8765).origin_allowed(origin)


@pytest.mark.parametrize("name", ["", "example.com:8000", "http://dash.lan", "*"])
def test_an_allow_host_that_is_no_bare_name_is_refused(name: str) -> None:
    done = subprocess.run(
        [str(CCSIM), "dashboard", "--port", str(free_port()), "--allow-host", name],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--allow-host" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "setting, key",
    [
        ({"money.employee_hourly_cost": 150.0}, "money.employee_hourly_cost = 150"),
        ({"staffing.target_service_level": 0.99}, "staffing.target_service_level = 0.99"),
        ({"policy.name": "tests.helpers:Nothing"}, "policy.name"),
    ],
)
def test_a_baseline_the_levers_cannot_open_at_is_refused(
    setting: dict, key: str, tmp_path: Path
) -> None:
    from sim.dashboard.export import to_toml
    from tests.helpers import baseline

    scenario = tmp_path / "center.toml"
    data = baseline(**{k.replace(".", "__"): v for k, v in setting.items()}).to_dict()
    scenario.write_text(to_toml(data), encoding="utf-8")
    done = subprocess.run(
        [str(CCSIM), "dashboard", "--scenario", str(scenario), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and key in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr


def test_the_request_path_is_escaped_in_the_refusal_line(caplog) -> None:
    import asyncio
    import logging

    from sim.dashboard.guard import Guard

    async def receive() -> dict:
        return {"type": "http.request"}

    async def send(message: dict) -> None:
        return None

    path = "/x\x1b]0;PWNED\x07\x1b[2J\r\nFAKE-LINE"
    scope = {"type": "http", "path": path, "headers": [(b"host", b"evil.example:8765")]}
    with caplog.at_level(logging.WARNING, logger="ccsim.dashboard"):
        asyncio.run(Guard(None, "127.0.0.1", 8765)(scope, receive, send))
    (line,) = [r.getMessage() for r in caplog.records]
    assert "\x1b" not in line and "\n" not in line and "\r" not in line
    assert "\\x1b]0;PWNED" in line
