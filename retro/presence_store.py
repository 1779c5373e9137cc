"""Presence shared by the processes serving one store: which phones (by pseudonym) each process has
connected to each retro now, and whether each has written; and when each process was last seen alive.

Rows hold pseudonyms, so they go with every other pseudonym at the end of a retro and by `retro forget`.
They hold no time per phone: only each process's last heartbeat, by the database's own clock."""

from collections.abc import Collection, Mapping
from typing import Protocol


class PresenceStore(Protocol):
    def beat(self, process_id: str) -> None:
        """The process is alive now."""
        ...

    def live_processes(self, within_seconds: float) -> set[str]:
        """The processes that beat within the last `within_seconds`."""
        ...

    def put(self, retro_id: str, process_id: str, present: Mapping[str, bool], gone: Collection[str]) -> None:
        """The process has these phones (pseudonym: wrote) connected to the retro, and no longer these.
        Nothing is kept about a retro that has ended (or is gone): its rows of this process go instead."""
        ...

    def others(self, retro_id: str, process_id: str, within_seconds: float) -> dict[str, bool]:
        """The phones other processes, alive within `within_seconds`, have connected to the retro; each with
        whether it wrote (through any of them)."""
        ...

    def forget_process(self, process_id: str) -> None:
        """The process stops: its rows and its heartbeat go."""
        ...
