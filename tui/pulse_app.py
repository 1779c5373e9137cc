"""The live pulse: `retro pulse --team NAME` opens a pulse, shows its QR code and count, closes it on a key
and shows the results with the team's trend.

Like the retro app it is a client of the server's facilitator side: `PulseApp(EmbeddedPulseHost(...))`
serves the pulse from this process; `PulseApp(RemoteHost(url, token, PulseOpenAsk(...)))` opens it on a
`retro serve`.
"""

from textual import on, work

from retro.pulse.results import PulseResults
from server.pulse_asks import PulseCloseAsk, PulseClosed, PulseOpened, PulseTrend, PulseTrendAsk
from tui.dialogs.confirm import ConfirmScreen
from tui.host import Host
from tui.keymap import PULSE_APP_BINDINGS
from tui.link import Refused
from tui.linking import LinkingApp
from tui.messages import CountArrived, TrendWanted
from tui.screens.connecting import ConnectingScreen
from tui.screens.pulse_live import PulseLiveScreen
from tui.screens.pulse_results import PulseResultsScreen

CLOSE_CONFIRM = (
    "Close the pulse now?",
    "Phones can no longer answer or change their answers, and each phone's link to its answers is erased. "
    "The results show here and on the phones, for each question that has enough answers.",
)


class PulseApp(LinkingApp):
    TITLE = "retro pulse"
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = ["global.tcss", "screens/screens.tcss", "screens/pulse.tcss", "dialogs/dialogs.tcss"]
    BINDINGS = [*PULSE_APP_BINDINGS]

    def __init__(self, host: Host, weeks: int = 12) -> None:
        super().__init__(host)
        self.weeks = weeks
        self.live: PulseLiveScreen | None = None
        self.results: PulseResultsScreen | None = None

    @property
    def opened(self) -> PulseOpened:
        if self.link is None or self.link.pulse is None:
            raise LookupError("the server has not opened the pulse yet")
        return self.link.pulse

    def on_mount(self) -> None:
        self.push_screen(ConnectingScreen())

    @on(CountArrived)
    async def _follow_count(self, message: CountArrived) -> None:
        if self.live is None:
            self.live = PulseLiveScreen(self.opened)
            await self.switch_screen(self.live)
        if self.results is not None:
            return  # the last count, after the results: the live screen has gone
        self.live.show_count(message.count.answered, closed=message.count.closed)
        if message.count.closed:
            self._show_results()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_pulse":
            return self.live is not None and self.results is None and not self.screen.is_modal
        return True

    def action_close_pulse(self) -> None:
        def answered(sure: bool | None) -> None:
            if sure:
                self._show_results()

        self.push_screen(ConfirmScreen(*CLOSE_CONFIRM, yes="Close"), answered)

    @work(exclusive=True, group="closing", exit_on_error=False)
    async def _show_results(self) -> None:
        """Close the pulse, or take the results of one that has closed: closing a closed pulse is harmless."""
        assert self.link is not None
        try:
            closed = await self.link.ask(PulseCloseAsk(team=self.opened.team, pulse_id=self.opened.pulse_id))
        except Refused as refused:
            self.notify(refused.message, title="Not closed", severity="warning", markup=False)
            return
        if isinstance(closed, PulseClosed) and self.results is None:
            self._show(closed.results)

    def _show(self, results: PulseResults) -> None:
        self.results = PulseResultsScreen(self.opened, results)
        self.switch_screen(self.results)
        self.refresh_bindings()

    @on(TrendWanted)
    def _trend_wanted(self, message: TrendWanted) -> None:
        self._fetch_trend(message.question_id)

    @work(exclusive=True, group="trend", exit_on_error=False)
    async def _fetch_trend(self, question_id: str) -> None:
        assert self.link is not None
        ask = PulseTrendAsk(team=self.opened.team, question_id=question_id, weeks=self.weeks)
        try:
            trend = await self.link.ask(ask)
        except Refused as refused:
            self.notify(refused.message, title="No trend", severity="warning", markup=False)
            return
        if isinstance(trend, PulseTrend) and self.results is not None:
            self.results.show_trend(question_id, trend.points)
