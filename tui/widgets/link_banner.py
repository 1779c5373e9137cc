"""One line over the top of the lobby and the board while the server cannot be reached, gone once it is
back. It covers the top line rather than pushing the screen down, so the QR code keeps its place."""

from textual.widgets import Static

from tui.link_status import LinkState, LinkStatus

RECONNECTING = "Reconnecting to the server… What you do now is sent once it is back."


class LinkBanner(Static):
    DEFAULT_CSS = """
    LinkBanner {
        overlay: screen;
        position: absolute;
        offset: 0 0;
        width: 100%;
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
