"""`retro pulse action|done|drop|actions`: what the team does about its pulses, "you said, we did"."""

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ValidationError

from cli.command import CommandFailed
from cli.pulse_store import store_of, team_of
from retro.dates import UnknownDate, parse_due
from retro.pulse.actions import record_action, set_status, you_said_we_did
from retro.pulse.models import ActionStatus, PulseAction, PulseRefused
from retro.text import clean_line

SETTLING: tuple[tuple[str, ActionStatus], ...] = (("done", "done"), ("drop", "dropped"))


def add_commands(
    actions: "argparse._SubParsersAction[argparse.ArgumentParser]", db: argparse.ArgumentParser
) -> None:
    acting = actions.add_parser(
        "action", help="Record what the team does about its last pulse.", parents=[db]
    )
    acting.add_argument("--team", required=True)
    acting.add_argument("--text", required=True, help="What will be done")
    acting.add_argument("--owner", required=True, help="Who owns it")
    acting.add_argument("--due", required=True, help='When, like "fri", "next week" or 2026-12-11')
    acting.add_argument("--responds-to", default="", help="Question ids it answers, comma-separated")
    acting.set_defaults(run=_action)
    for verb, status in SETTLING:
        settling = actions.add_parser(verb, help=f"Mark a pulse action {status}.", parents=[db])
        settling.add_argument("action_id")
        settling.set_defaults(run=_settler(status))
    listing = actions.add_parser("actions", help='The team\'s "you said, we did".', parents=[db])
    listing.add_argument("--team", required=True)
    listing.set_defaults(run=_actions)


def _action(args: argparse.Namespace) -> int:
    team, store = team_of(args), store_of(args)
    try:
        due = parse_due(args.due, datetime.now(UTC).astimezone().date())
        closed = [record for record in store.pulses.pulses(team) if record.closed]
        if not closed:
            raise CommandFailed(f"Team {team!r} has no closed pulse to act on yet.")
        responds_to = [part.strip() for part in args.responds_to.split(",") if part.strip()]
        action = record_action(
            store.pulses,
            pulse_id=closed[-1].pulse_id,
            text=clean_line(args.text),
            owner=clean_line(args.owner),
            due=due,
            responds_to=responds_to,
        )
    except (UnknownDate, PulseRefused, ValidationError) as refused:
        raise CommandFailed(_sentence(refused), code=2) from refused
    finally:
        store.close()
    print(f"{action.action_id}  {_line(action)}")
    return 0


def _sentence(refused: Exception) -> str:
    if isinstance(refused, PulseRefused):
        return refused.message
    if isinstance(refused, ValidationError):
        error = refused.errors()[0]
        return f"--{error['loc'][0]}: {error['msg']}."
    return str(refused)


def _settler(status: ActionStatus) -> Callable[[argparse.Namespace], int]:
    def settle(args: argparse.Namespace) -> int:
        store = store_of(args)
        try:
            action = set_status(store.pulses, clean_line(args.action_id), status)
        except PulseRefused as refused:
            raise CommandFailed(refused.message) from refused
        finally:
            store.close()
        print(f"{action.text}: {action.status}")
        return 0

    return settle


def _actions(args: argparse.Namespace) -> int:
    team, store = team_of(args), store_of(args)
    try:
        shown = you_said_we_did(store.pulses, team)
    finally:
        store.close()
    if not shown:
        print(f"No pulse actions for team {team!r} yet.")
    for action in shown:
        print(f"{action.action_id}  [{action.status}] {_line(action)}")
    return 0


def _line(action: PulseAction) -> str:
    return f"{action.text} — {action.owner}, due {action.due.isoformat()}"
