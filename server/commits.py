"""Group commit: commands and joins that arrive together share one transaction and one sync
(retro.commit_group). Each caller resumes only once the COMMIT that holds its writes has returned, so an ack
or a welcome always follows durability.

A group is what has queued up by the time the event loop comes round to it: whatever arrived in the same
read, and whatever arrived while the last group was being written. A lone command is written at once.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from retro.actors import Actor, Participant
from retro.commands import Command
from retro.commit_group import Done, Failed, Step, run_together
from retro.session import Outcome, Session
from retro.store import EventStore
from server.hub import Hub
from server.protocol import RefusalCode

T = TypeVar("T")
DoorRefusal = tuple[RefusalCode, str]

FULL: DoorRefusal = (RefusalCode.FULL, "This retro is full. Try again in a little while.")

logger = logging.getLogger("retro.server")


class RetroClosed(Exception):
    """The retro ended, in an earlier step of the same group, before a participant's command came to be
    applied."""


class CommitQueue:
    """The steps waiting to be written to one store, and the one group at a time that writes them."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._waiting: list[tuple[Step[Any], asyncio.Future[Any], Session | None]] = []
        self._scheduled_on: asyncio.AbstractEventLoop | None = None
        self._admitted: Counter[Hub] = Counter()
        """New phones let in by the group being written, per retro: they count against its cap already."""

    async def run(self, step: Step[T], session: Session | None = None) -> T:
        """Queue the step, and return its result once the group holding it has committed. The session's
        subscribers hear of what the step changed only once every caller in the group has been answered."""
        loop = asyncio.get_running_loop()
        if self._scheduled_on is not loop:
            self._waiting = [queued for queued in self._waiting if queued[1].get_loop() is loop]
            loop.call_soon(self._commit)
            self._scheduled_on = loop
        future: asyncio.Future[T] = loop.create_future()
        self._waiting.append((step, future, session))
        return await future

    def admitted(self, hub: Hub) -> int:
        return self._admitted[hub]

    def admit(self, hub: Hub) -> None:
        self._admitted[hub] += 1

    def _commit(self) -> None:
        self._scheduled_on = None
        waiting = [queued for queued in self._waiting if not queued[1].cancelled()]
        self._waiting = []
        self._admitted.clear()
        sessions = dict.fromkeys(session for _, _, session in waiting if session is not None)
        try:
            with ExitStack() as holding:
                for session in sessions:
                    holding.enter_context(session.notifications_held())
                self._answer(waiting, run_together(self._store, [step for step, _, _ in waiting]))
        except Exception as unexpected:  # one line, no payload: the callers are answered `internal`
            logger.warning(
                "A group of %d writes met an unexpected %s.", len(waiting), type(unexpected).__name__
            )
            self._answer(waiting, [Failed(unexpected) for _ in waiting])

    @staticmethod
    def _answer(
        waiting: list[tuple[Step[Any], asyncio.Future[Any], Session | None]],
        results: list[Done[Any] | Failed],
    ) -> None:
        for (_, future, _), result in zip(waiting, results, strict=True):
            if future.done():
                continue  # its caller went away, or was answered already
            if isinstance(result, Done):
                future.set_result(result.value)
            else:
                future.set_exception(result.error)


_queues: "WeakKeyDictionary[EventStore, CommitQueue]" = WeakKeyDictionary()


def commit_queue(store: EventStore) -> CommitQueue:
    queue = _queues.get(store)
    if queue is None:
        queue = _queues[store] = CommitQueue(store)
    return queue


async def execute(session: Session, actor: Actor, command: Command, message_id: str | None) -> Outcome:
    """Session.execute, in the next group: durable once this returns. Raises RuleViolation as it does, and
    RetroClosed for a participant whose retro ended first."""

    def apply() -> Outcome:
        if isinstance(actor, Participant) and session.closed:
            raise RetroClosed()
        return session.execute(actor, command, message_id)

    return await commit_queue(session.store).run(Step(apply, undo=session.reload), session)


async def admit_phone(
    hub: Hub, ballot: str | None, door_refusal: Callable[[], DoorRefusal | None], max_phones: int
) -> DoorRefusal | None:
    """Why the door turns this phone away, or None when it is in: a new phone is then known on disk (the
    caller may welcome it). The door decides in the phone's step of the group, so that a lock or a new link
    earlier in the same group counts, and so do the new phones that the group lets in before it."""
    if ballot is None or hub.is_known(ballot):
        return door_refusal()  # nothing to write
    queue = commit_queue(hub.session.store)

    def let_in() -> DoorRefusal | None:
        refusal = door_refusal()
        if refusal is not None:
            return refusal
        if hub.phones_in + queue.admitted(hub) >= max_phones:
            return FULL
        hub.session.remember_phone(ballot)
        queue.admit(hub)
        return None

    refusal = await queue.run(Step(let_in, undo=hub.session.reload), hub.session)
    if refusal is None:
        hub.remember_phone(ballot)  # known in memory too, now that it is on disk; this writes nothing more
    return refusal
