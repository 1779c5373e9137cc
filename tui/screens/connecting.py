"""What shows until the server has sent the retro's first view: that the app is connecting."""

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.link_status import LinkState, LinkStatus

CONNECTING = "Connecting to the server…"
RECONNECTING = "Still trying to reach the server…"


class ConnectingScreen(Screen[None]):
    DEFAULT_CSS = """
    ConnectingScreen #connecting { width: auto; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(CONNECTING, id="connecting", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "link_status", self._follow)

    def _follow(self, status: LinkStatus) -> None:
        text = RECONNECTING if status.state is LinkState.RECONNECTING else CONNECTING
        self.query_one("#connecting", Static).update(text)
