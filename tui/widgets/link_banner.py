"""One line over the lobby and the board while the server cannot be reached, gone once it is back."""

from textual.widgets import Static

from tui.link import LinkState, LinkStatus

RECONNECTING = "Reconnecting to the server… What you do now is sent once it is back."


class LinkBanner(Static):
    DEFAULT_CSS = """
    LinkBanner {
        dock: top;
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $text;
        text-style: bold;
        display: none;
    }
    LinkBanner.-down { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(RECONNECTING, markup=False, classes="link-banner")

    def on_mount(self) -> None:
        self.watch(self.app, "link_status", self._follow)

    def _follow(self, status: LinkStatus) -> None:
        self.set_class(status.state is LinkState.RECONNECTING, "-down")
