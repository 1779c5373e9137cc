"""App-wide messages: the retro or the phones changed, or a panel asks for something to be done."""

from dataclasses import dataclass

from textual.message import Message

from retro.commands import Command
from retro.views import ActionView


@dataclass
class RetroChanged(Message):
    """Something in the retro's state changed; the app gathers the board data again and the screens follow."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RetroChanged)


@dataclass
class PhonesChanged(Message):
    phones: int
    """Phones joined now."""
    phones_written: int
    """Of those, how many have written at least one item."""
    phones_voted: int = 0
    """Of those, how many have at least one dot on the board."""


@dataclass
class RunCommand(Message):
    """A panel asks the app to run a facilitator command through Session.execute."""

    command: Command


@dataclass
class ActionFormRequested(Message):
    """A panel asks for the action form: a new action (optionally for a topic), or an edit."""

    topic_id: str | None = None
    editing: ActionView | None = None


@dataclass
class ScreeningRequested(Message):
    """The Write panel asks to screen items; the app asks first whether the screen is private."""


@dataclass
class JoinLinkChanged(Message):
    """The join link was replaced: the lobby redraws its QR code and URL."""
