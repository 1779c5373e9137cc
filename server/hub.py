"""Fan-out: after a change, mark what it changed dirty and send it: at once when the hub is idle, and at
most once every FLUSH_SECONDS while changes keep coming, so that a burst coalesces.

Each distinct view is computed and serialised once and sent to every connection that shares it. Phones
that apply patches get the board's next version as a patch (server.board_versions). A join or a leave
changes presence only, which goes to the facilitators: the phones' board does not show it.
Presence (server.presence) is computed here, from ballots kept in memory, and from the other processes'
phones when the store is shared (server.shared_presence): this hub writes its own phones there, coalesced
with the fan-out, and reads the others' on each ring while a facilitator watches.
"""

import asyncio
from collections import Counter
from contextlib import suppress
from datetime import datetime

from websockets.asyncio.server import ServerConnection, broadcast

from retro.events import (
    BallotsErased,
    CheckInAnswered,
    Event,
    PhaseChanged,
    RotiAnswered,
    VoteCast,
    VoteRetracted,
)
from retro.session import Session
from retro.views import board_view, facilitator_view, private_view
from server.board_versions import BoardVersions
from server.held_seal import RESEAL_SECONDS, HeldSeal
from server.merge_patch import Json
from server.presence import Presence, PresenceListener
from server.protocol import FacilitatorMessage, PrivateMessage
from server.shared_presence import RetroShare, SharedPresence

FLUSH_SECONDS = 0.05


class Hub:
    def __init__(self, session: Session, reseal_seconds: float = RESEAL_SECONDS) -> None:
        self.session = session
        self.reseal_seconds = reseal_seconds
        self._participants: dict[ServerConnection, str | None] = {}
        """Each phone's connection and its ballot pseudonym (None for a phone that joined after the end)."""
        self._tabs: Counter[str] = Counter()
        """Connections open now per ballot: the phones joined now are its keys."""
        self._late = 0
        """Connections of phones that joined after the end."""
        self._facilitators: set[ServerConnection] = set()
        self._patching: set[ServerConnection] = set()
        """Phones that said hello with `patches`: versioned boards and patches, not a board per change."""
        self._written: set[str] = set()
        self._dirty = asyncio.Event()
        self._change_arrived = asyncio.Event()
        self._board_dirty = True
        self._facilitators_dirty = False
        self._whole_wanted = asyncio.Event()
        """Clients that do not apply patches get the whole board after a join or a leave too, as before."""
        self._versions = BoardVersions()
        self._seal = HeldSeal()
        self._dirty_ballots: set[str] = set()
        self._all_ballots_dirty = False
        self._presence_listeners: list[PresenceListener] = []
        self._share: RetroShare | None = None
        self._presence_unwritten = False
        self._known: set[str] = session.known_phones()
        """Phones that have joined: they stay in when joining is locked or the link is rotated."""
        session.subscribe(self._on_events)

    @property
    def phones_in(self) -> int:
        """What the cap on phones counts: phones joined now, and each connection that joined after the end."""
        return len(self._tabs) + self._late

    @property
    def presence(self) -> Presence:
        others = self._share.others if self._share is not None else {}
        if not others:
            return Presence.of(self._tabs, self._written, self.session.voters())
        joined = self._tabs.keys() | others.keys()
        written = self._written | {ballot for ballot, wrote in others.items() if wrote}
        return Presence.of(joined, written, self.session.voters())

    @property
    def join_path(self) -> str:
        return f"/j/{self.session.join_token}"

    @property
    def is_empty(self) -> bool:
        """No phone and no facilitator is connected."""
        return not self._participants and not self._facilitators

    def is_known(self, ballot: str) -> bool:
        return ballot in self._known

    def on_presence(self, listener: PresenceListener) -> None:
        self._presence_listeners.append(listener)

    def remember_phone(self, ballot: str) -> None:
        """Known from now on, on disk too: a phone in stays in after a restart, a lock or a new link."""
        if ballot not in self._known:
            self.session.remember_phone(ballot)
            self._known.add(ballot)

    def add_participant(
        self, connection: ServerConnection, ballot: str | None, wrote: bool = False, patches: bool = False
    ) -> None:
        if ballot is not None:
            self.remember_phone(ballot)
        self._participants[connection] = ballot
        if ballot is None:
            self._late += 1
        else:
            self._tabs[ballot] += 1
        if patches:
            self._patching.add(connection)
        if wrote and ballot is not None:
            self._written.add(ballot)
        self._presence_changed()

    def mark_written(self, ballot: str) -> None:
        if ballot not in self._written:
            self._written.add(ballot)
            self._presence_changed()

    def add_facilitator(self, connection: ServerConnection) -> None:
        self._facilitators.add(connection)
        self.refresh_others()

    def share_presence(self, sharing: SharedPresence) -> None:
        """Count the phones of every process serving the store, and tell them about this one's."""
        self._share = sharing.for_retro(self.session.record.retro_id)
        self.presence_sharing_changed()

    def presence_sharing_changed(self) -> None:
        """Another process has started or stopped beating: write again what the store should hold."""
        self._presence_unwritten = True
        self._dirty.set()

    def refresh_others(self) -> None:
        """Read the other processes' phones again, while a facilitator here watches."""
        if self._share is not None and self._share.read_others(watched=bool(self._facilitators)):
            self._presence_changed(own=False)

    def remove(self, connection: ServerConnection) -> None:
        self._facilitators.discard(connection)
        self._patching.discard(connection)
        if connection not in self._participants:
            return
        ballot = self._participants.pop(connection)
        if ballot is None:
            self._late -= 1
        else:
            self._tabs[ballot] -= 1
            if not self._tabs[ballot]:
                del self._tabs[ballot]
        self._presence_changed()

    def board_json(self, connection: ServerConnection | None = None) -> str:
        """The whole board as this connection takes it: versioned for a phone that applies patches. The
        version is the one last sent to the other phones, so that the next patch follows on from it."""
        if self._board_dirty or not self._versions.published:
            self._publish_board(joining=connection)  # the others get this version too, as a patch
        now = self.session.clock()
        if connection is not None and connection in self._patching:
            return self._versions.full(now)
        return self._versions.unversioned(now)

    def private_json(self, ballot: str) -> str:
        return PrivateMessage(private=private_view(self.session.state, ballot)).model_dump_json()

    def facilitator_json(self) -> str:
        presence = self.presence
        return FacilitatorMessage(
            view=facilitator_view(self.session.state),
            server_time=self.session.clock(),
            join_path=self.join_path,
            phones=presence.joined,
            phones_written=presence.written,
            phones_voted=presence.voted,
        ).model_dump_json()

    async def run(self) -> None:
        await asyncio.gather(self._fan_out(), self._whole_boards(), self._reseal_clock())

    async def _reseal_clock(self) -> None:
        """Before the reveal, the held notices are sealed again on this clock, held items or none."""
        while True:
            await asyncio.sleep(self.reseal_seconds)
            if not self.session.state.revealed and not self.session.closed and self._participants:
                self._seal.reseal_due = True
                self._board_dirty = True
                self._dirty.set()

    async def _fan_out(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            changed = self._board_dirty or self._all_ballots_dirty or bool(self._dirty_ballots)
            self.flush()
            if changed:
                await asyncio.sleep(FLUSH_SECONDS)  # whatever changes meanwhile goes out together, next
            else:
                await self._presence_window()

    async def _presence_window(self) -> None:
        """After telling presence alone: more presence waits FLUSH_SECONDS, but a change goes out at once."""
        self._change_arrived.clear()
        with suppress(TimeoutError):
            async with asyncio.timeout(FLUSH_SECONDS):
                await self._change_arrived.wait()

    async def _whole_boards(self) -> None:
        """Clients that do not apply patches: the whole board FLUSH_SECONDS after a change, as before."""
        while True:
            await self._whole_wanted.wait()
            await asyncio.sleep(FLUSH_SECONDS)
            self._whole_wanted.clear()
            if self._board_dirty:
                self._publish_board()
            self._send_whole(self.session.clock())

    def flush(self) -> None:
        if self._presence_unwritten:
            self._write_presence()
        if self._board_dirty:
            self._publish_board()
        if self._facilitators_dirty and self._facilitators:
            broadcast(self._facilitators, self.facilitator_json())
        self._facilitators_dirty = False
        self._flush_private()

    def _publish_board(self, joining: ServerConnection | None = None) -> None:
        """The next version to the phones that apply patches, and the whole board to any other."""
        self._board_dirty = False
        now = self.session.clock()
        patch = self._versions.publish(self._board_body(), now)
        if patch is not None and self._patching:
            broadcast([connection for connection in self._patching if connection is not joining], patch)
        self._want_whole()

    def _want_whole(self) -> None:
        if len(self._patching) < len(self._participants):
            self._whole_wanted.set()

    def _send_whole(self, now: datetime) -> None:
        if len(self._patching) < len(self._participants):
            whole = [c for c in self._participants if c not in self._patching]
            broadcast(whole, self._versions.unversioned(now))

    def _board_body(self) -> dict[str, Json]:
        state = self.session.state
        nonce, notices = self._seal.notices(state)
        return {
            "board": board_view(state).model_dump(mode="json"),
            "join_path": self.join_path,
            "notice_nonce": nonce,
            "held_notices": [notice.model_dump(mode="json") for notice in notices],
        }

    def _flush_private(self) -> None:
        if self.session.closed:
            return
        by_ballot: dict[str, list[ServerConnection]] = {}
        for connection, ballot in self._participants.items():
            if ballot is not None and (self._all_ballots_dirty or ballot in self._dirty_ballots):
                by_ballot.setdefault(ballot, []).append(connection)
        for ballot, connections in by_ballot.items():
            broadcast(connections, self.private_json(ballot))
        self._dirty_ballots.clear()
        self._all_ballots_dirty = False

    def _on_events(self, events: list[Event]) -> None:
        if any(isinstance(event, VoteCast | VoteRetracted) for event in events):
            self._presence_changed()
        for event in events:
            if isinstance(event, VoteCast | VoteRetracted | CheckInAnswered | RotiAnswered):
                self._dirty_ballots.add(event.ballot)
            elif isinstance(event, PhaseChanged | BallotsErased):
                self._all_ballots_dirty = True
        self._board_dirty = self._facilitators_dirty = True
        self._dirty.set()
        self._change_arrived.set()

    def _write_presence(self) -> None:
        self._presence_unwritten = False
        if self._share is not None:
            self._presence_unwritten = not self._share.write(self._tabs, self._written, self.session.closed)

    def _presence_changed(self, own: bool = True) -> None:
        """Listeners hear of every change; facilitators at the next flush, coalesced; the shared store with
        them, when the change is this hub's own."""
        self._presence_unwritten |= own
        if self._presence_listeners:
            presence = self.presence
            for listener in self._presence_listeners:
                listener(presence)
        self._facilitators_dirty |= bool(self._facilitators)
        self._want_whole()
        self._dirty.set()
