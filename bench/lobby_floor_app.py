"""The floor under `retro host`'s start-up, for `bench.startup`: the lobby's own join screen, with the
lobby's stylesheets, showing a QR code for a loopback socket that listens, and nothing else: no store, no
server, no domain models, no link. `retro host` cannot put its code on screen faster than this does. Like
the lobby of a new retro, the join screen is the app's first screen and has its link from the start."""

import secrets
import socket
from importlib.resources import files
from typing import Any

from textual.app import App
from textual.reactive import var
from textual.screen import Screen

from tui.link_status import LinkState, LinkStatus
from tui.screens.join import JoinScreen

STYLESHEETS = ("global.tcss", "screens/screens.tcss")
"""The host app's CSS_PATH (tui/app.py), so that the floor parses what the lobby parses; the panels' and
the dialogs' stylesheets load with the first view."""


class LobbyFloor(App[None]):
    CSS_PATH = [str(files("tui").joinpath(name)) for name in STYLESHEETS]
    link_status: var[LinkStatus] = var(LinkStatus(LinkState.CONNECTING))

    def __init__(self, join_url: str) -> None:
        super().__init__()
        self._join_url = join_url

    def get_default_screen(self) -> Screen[Any]:
        """The join screen is the first screen, with its link from the start, as `retro host` shows it."""
        return JoinScreen(id="lobby", join_url=self._join_url)


if __name__ == "__main__":
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    LobbyFloor(f"http://127.0.0.1:{listening.getsockname()[1]}/j/{secrets.token_urlsafe(16)}").run()
