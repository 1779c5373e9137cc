"""App-wide messages: what the link reports, or a panel asking for something to be done."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from tui.link_status import LinkStatus

if TYPE_CHECKING:  # the messages load with the lobby; the protocol's models load after its QR code shows
    from retro.commands import Command
    from retro.views import ActionView
    from server.protocol import FacilitatorMessage, PulseCountMessage


@dataclass
class ViewArrived(Message):
    """The server sent the facilitator's view after a change: the app gathers the board data again."""

    facilitator: "FacilitatorMessage"

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ViewArrived)


@dataclass
class CountArrived(Message):
    """The server told how many phones have answered the pulse, or that it has closed."""

    count: "PulseCountMessage"


@dataclass
class LinkChanged(Message):
    """The link to the server is up, down and coming back, or refused for good."""

    status: LinkStatus


@dataclass
class RunCommand(Message):
    """A panel asks the app to send a facilitator command to the server."""

    command: "Command"


@dataclass
class ActionFormRequested(Message):
    """A panel asks for the action form: a new action (optionally for a topic), or an edit."""

    topic_id: str | None = None
    editing: "ActionView | None" = None


@dataclass
class ScreeningRequested(Message):
    """The Write panel asks to screen items; the app asks first whether the screen is private."""


@dataclass
class TrendWanted(Message):
    """The pulse's results screen asks for one question's trend over the weeks."""

    question_id: str
