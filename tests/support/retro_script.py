"""A whole retro as a list of steps, for tests that compare a phone kept connected throughout with one that
has just joined: every kind of change a board can go through, from Write to the end."""

from collections.abc import Awaitable, Callable
from datetime import date

from retro.actors import Facilitator
from retro.commands import (
    AddNote,
    ChangePhase,
    Command,
    DeleteAction,
    EditAction,
    ExtendTimer,
    HoldItem,
    LockJoining,
    MergeTopics,
    RecordAction,
    ReleaseItem,
    RenameTopic,
    StartDiscussion,
    Ungroup,
)
from retro.phases import Phase
from server.app import RetroServer
from tests.support.client import Client

Step = Callable[[], Awaitable[object]]
TEXTS = [
    ("hard", "Handover notes went missing"),
    ("learning", "Pairing on call helped"),
    ("help", "A shared runbook"),
    ("learning", "Rota changes came late"),
    ("hard", "Pager noise at night"),
]


def retro_steps(server: RetroServer, writer: Client) -> list[tuple[str, Step]]:
    """Each step's name and what it does; the retro starts in Write. The writer is a phone of its own."""
    session = server.session
    ids: list[str] = []

    async def facilitate(command: Command) -> None:
        session.execute(Facilitator(), command)

    def topic(n: int) -> str:
        return session.state.ordered_topics()[n].topic_id

    def action(n: int) -> str:
        return list(session.state.actions)[n]

    async def write(prompt_id: str, text: str) -> None:
        ids.append(await writer.add_item(text, prompt_id=prompt_id))

    async def vote(n: int) -> None:
        await writer.command("cast_vote", topic_id=topic(n))

    def writing(prompt_id: str, text: str) -> Step:
        return lambda: write(prompt_id, text)

    steps: list[tuple[str, Step]] = [(f"write {text}", writing(p, text)) for p, text in TEXTS]
    due = date(2031, 5, 1)
    steps += [
        ("hold", lambda: facilitate(HoldItem(item_id=ids[4], reason="Names a person"))),
        ("lock", lambda: facilitate(LockJoining(locked=True))),
        ("unlock", lambda: facilitate(LockJoining(locked=False))),
        ("release", lambda: facilitate(ReleaseItem(item_id=ids[4]))),
        ("hold again", lambda: facilitate(HoldItem(item_id=ids[3], reason="Off topic"))),
        ("reveal", lambda: facilitate(ChangePhase(to=Phase.GROUP))),
        ("merge", lambda: facilitate(MergeTopics(topic_ids=(topic(0), topic(1)), title="Handovers"))),
        ("rename", lambda: facilitate(RenameTopic(topic_id=topic(0), title="Handovers & on call"))),
        ("rename a single item", lambda: facilitate(RenameTopic(topic_id=topic(2), title="Runbooks"))),
        ("ungroup", lambda: facilitate(Ungroup(topic_id=topic(0)))),
        ("vote phase", lambda: facilitate(ChangePhase(to=Phase.VOTE))),
        ("vote", lambda: vote(1)),
        ("vote again", lambda: vote(2)),
        ("discuss phase", lambda: facilitate(ChangePhase(to=Phase.DISCUSS))),
        ("discuss", lambda: facilitate(StartDiscussion(topic_id=topic(0)))),
        ("extend", lambda: facilitate(ExtendTimer())),
        ("note", lambda: facilitate(AddNote(topic_id=topic(0), text="Write it down at 8am"))),
        ("another note", lambda: facilitate(AddNote(topic_id=topic(1), text="Ask the ward manager"))),
        ("actions phase", lambda: facilitate(ChangePhase(to=Phase.ACTIONS))),
        ("action", lambda: facilitate(RecordAction(text="Draft a runbook", owner="Priya", due=due))),
        (
            "another",
            lambda: facilitate(RecordAction(text="Pager rota", owner="Sam", due=due, topic_id=topic(0))),
        ),
        (
            "edit",
            lambda: facilitate(EditAction(action_id=action(0), text="Runbook v1", owner="Priya", due=due)),
        ),
        ("delete", lambda: facilitate(DeleteAction(action_id=action(1)))),
        ("close phase", lambda: facilitate(ChangePhase(to=Phase.CLOSE))),
        ("roti", lambda: writer.command("answer_roti", value=4)),
    ]
    return steps
