"""Steps that arrive together are written together: one store group, so one transaction and one sync for all
of them. A step that raises is undone alone and keeps its own error; the others still commit."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from retro.store import EventStore

T = TypeVar("T")


def _nothing_to_undo() -> None:
    return None


@dataclass(frozen=True)
class Step(Generic[T]):
    run: Callable[[], T]
    undo: Callable[[], None] = _nothing_to_undo
    """Called when the group as a whole did not become durable, to put back what the step changed in memory
    (once per distinct undo, however many steps share it)."""


@dataclass(frozen=True)
class Done(Generic[T]):
    value: T


@dataclass(frozen=True)
class Failed:
    error: Exception


def run_together(store: EventStore, steps: Sequence[Step[Any]]) -> list[Done[Any] | Failed]:
    """Run each step in turn inside one store group, each a group of its own within it. Once this returns,
    what every Done step wrote is durable; a Failed step wrote nothing. When the group cannot commit, every
    step fails with that error and nothing is written."""
    results: list[Done[Any] | Failed] = []
    try:
        with store.group():
            for step in steps:
                try:
                    with store.group():
                        results.append(Done(step.run()))
                except Exception as error:
                    results.append(Failed(error))
    except Exception as error:
        ran = [step for step, result in zip(steps, results, strict=False) if isinstance(result, Done)]
        for undo in dict.fromkeys(step.undo for step in ran):
            undo()
        return [Failed(error) for _ in steps]
    return results
