"""Starting the dashboard: Solara's Starlette app under uvicorn, for one baseline scenario and
one folder the page may write in."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType

from sim.errors import UsageError
from sim.scenario import load_scenario


def serve(
    scenario: Path, host: str = "127.0.0.1", port: int = 8765, folder: Path | None = None
) -> None:
    """Serve the dashboard until interrupted; prints the address to open."""
    load_scenario(scenario)  # a bad scenario is refused here, with the CLI's message
    try:
        import solara  # noqa: F401
        import uvicorn
    except ImportError:
        raise UsageError(
            "the dashboard needs the `dashboard` extra: pip install 'ccsim[dashboard]'"
        ) from None
    folder = Path(folder or Path.cwd() / "results")
    os.environ["CCSIM_DASHBOARD_SCENARIO"] = str(Path(scenario).resolve())
    os.environ["CCSIM_DASHBOARD_FOLDER"] = str(folder.resolve())
    os.environ["SOLARA_APP"] = "sim.dashboard.app"
    from solara.server.starlette import app

    from sim.dashboard.app import service

    runs = service()  # the warm pool starts now, and the default baseline begins to run
    print(f"ccsim dashboard: open http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    previous = signal.signal(signal.SIGTERM, _stop)  # uvicorn re-raises it once it has stopped
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:  # the worker processes stop with the server, not left behind
        runs.close()
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
