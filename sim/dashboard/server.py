"""Starting the dashboard: Solara's Starlette app under uvicorn, for one baseline scenario and
one folder the page may write in, answering only to its own address (and `--allow-host`
names) and asking nothing of the network."""

from __future__ import annotations

import atexit
import ipaddress
import os
import re
import shutil
import signal
import socket
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from sim.dashboard.guard import check_allowed_host
from sim.dashboard.whatif import check_levers
from sim.errors import UsageError
from sim.scenario import load_scenario

NUMERIC = re.compile(r"^[0-9.]+$|:")  # looks like an IP address: not looked up as a name


def serve(
    scenario: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    folder: Path | None = None,
    allow_hosts: Sequence[str] = (),
) -> None:
    """Serve the dashboard until interrupted; prints the address to open."""
    base = load_scenario(scenario)  # a bad scenario is refused here, with the CLI's message
    check_levers(base)
    check_host(host)
    for name in allow_hosts:
        try:
            check_allowed_host(name)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: allowed: 1 to 65535")
    folder = writable_folder(Path(folder or Path.cwd() / "results"))
    listening = bind(host, port)
    scratch = Path(tempfile.mkdtemp(prefix="ccsim-dashboard-"))
    # removed at exit, after IPython (registered later, so run earlier) has written its history
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    try:
        _serve(scenario, host, port, folder, allow_hosts, listening, scratch)
    finally:
        listening.close()


def _serve(
    scenario: Path,
    host: str,
    port: int,
    folder: Path,
    allow_hosts: Sequence[str],
    listening: socket.socket,
    scratch: Path,
) -> None:
    from sim.dashboard.offline import settle

    settle(scratch)  # before solara is imported
    try:
        import solara  # noqa: F401
        import uvicorn
    except ImportError:
        raise UsageError(
            "the dashboard needs the `dashboard` extra: pip install 'ccsim[dashboard]'"
        ) from None
    os.environ["CCSIM_DASHBOARD_SCENARIO"] = str(Path(scenario).resolve())
    os.environ["CCSIM_DASHBOARD_FOLDER"] = str(folder)
    os.environ["SOLARA_APP"] = "sim.dashboard.app"
    import solara.server.settings as solara_settings
    from solara.server.starlette import app

    warnings.filterwarnings(  # Solara's advice for pages framed on other sites: none is
        "ignore", message="Cookies with samesite=none", category=UserWarning
    )
    from sim.dashboard.app import service
    from sim.dashboard.guard import Guard, quiet_page_errors
    from sim.dashboard.offline import LocalAssets

    quiet_page_errors()
    guarded = Guard(
        LocalAssets(app, solara_settings.assets.proxy_cache_dir), host, port, allow_hosts
    )
    runs = service()  # the warm pool starts now, and the default baseline begins to run
    shown = f"[{host}]" if ":" in host else host
    print(f"ccsim dashboard: open http://{shown}:{port}/ (Ctrl-C stops it)", flush=True)
    previous = signal.signal(signal.SIGTERM, _stop)  # uvicorn re-raises it once it has stopped
    try:
        config = uvicorn.Config(guarded, host=host, port=port, log_level="warning")
        uvicorn.Server(config).run(sockets=[listening])
    finally:  # the worker processes stop with the server, not left behind
        runs.close()
        signal.signal(signal.SIGTERM, previous)


def check_host(host: str) -> None:
    """`--host` is an IP address or a name this machine resolves; anything else is refused
    with a line naming it."""
    if NUMERIC.search(host):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise UsageError(
                f"--host {host!r}: not an IP address; allowed: an IP address such as "
                "127.0.0.1, ::1 or 0.0.0.0, or a local name"
            ) from None
        return
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        raise UsageError(
            f"--host {host!r}: not a name this machine resolves; allowed: an IP address of "
            "this machine or a local name such as localhost"
        ) from None


def writable_folder(folder: Path) -> Path:
    """`--folder` as an existing directory (made now), or a one-line refusal."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(
            f"--folder {folder}: is a file; allowed: a folder (new or existing)"
        ) from None
    except OSError as exc:
        raise UsageError(f"--folder {folder}: cannot be made ({exc.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--folder {folder}: not writable")
    return folder.resolve()


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts: a port in use or an address this
    machine does not have is one line naming --host/--port."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listening = socket.socket(family, kind, proto)
    except OSError as exc:
        raise UsageError(f"--host {host} --port {port}: cannot listen there ({exc})") from None
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as exc:
        listening.close()
        raise UsageError(
            f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})"
        ) from None
    return listening


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
