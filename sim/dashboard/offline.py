"""Nothing leaves the machine: Solara's telemetry off (it looks up api.ipify.org and
api.mixpanel.com and sends a machine fingerprint), its asset proxy limited to the files
`solara-assets` installed (on a missing file it would fetch cdn.jsdelivr.net), and what Solara
and IPython keep in ~/.solara and ~/.ipython kept in a scratch folder of the server's instead.

`settle` must run before solara is first imported: Solara reads its settings at import."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sim.dashboard.guard import App, Receive, Scope, Send

ENVIRONMENT = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_TELEMETRY_SERVER_USER_ID": "ccsim-dashboard",  # so no ~/.solara/server_user_id.txt
    "SOLARA_ASSETS_PROXY": "True",  # the page's assets from this server, not from the CDN
    "SOLARA_THEME_LOADER": "plain",  # no "Made with Solara" while the page loads
    "SOLARA_THEME_SHOW_BANNER": "False",  # no "This website runs on Solara" (English) below
}
CDN_PATH = "/_solara/cdn/"


def settle(scratch: Path) -> None:
    """Solara's settings for an offline dashboard; `scratch` (an existing folder removed when
    the server stops) replaces ~/.solara and ~/.ipython, which Solara and IPython write in."""
    os.environ.update(ENVIRONMENT)
    os.environ["SOLARA_HOME"] = str(scratch / "solara")
    os.environ["IPYTHONDIR"] = str(scratch / "ipython")
    if "solara.server.settings" in sys.modules:  # already imported (e.g. in a test process)
        import solara.server.settings as server_settings
        import solara.settings

        server_settings.telemetry.mixpanel_enable = False
        server_settings.telemetry.server_user_id = ENVIRONMENT["SOLARA_TELEMETRY_SERVER_USER_ID"]
        solara.settings.assets.proxy = True
        server_settings.theme.loader = "plain"
        server_settings.theme.show_banner = False


class LocalAssets:
    """Wraps `app`: a request for a CDN asset is served only from the bundled copy; one that
    is not there is a 404, never a download."""

    def __init__(self, app: App, folder: Path):
        self.app = app
        self.folder = folder.resolve()

    def bundled(self, path: str) -> bool:
        """Whether the asset at URL `path` (under /_solara/cdn/) is a bundled file."""
        relative = path.removeprefix(CDN_PATH)
        if "/" not in relative:  # Solara stores a bare package name as NAME/__main.js
            relative += "/__main.js"
        file = (self.folder / relative).resolve()
        return file.is_relative_to(self.folder) and file.is_file()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(CDN_PATH) and not self.bundled(path):
            await send(
                {
                    "type": "http.response.start",
                    "status": 404,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": b"not bundled\n"})
            return
        await self.app(scope, receive, send)
