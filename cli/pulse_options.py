"""What a pulse asks and how it is shown, as options: the same for a pulse opened for a period
(`retro pulse open`) and a live one (`retro pulse --team NAME`)."""

import argparse
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from cli.command import CommandFailed
from retro.dates import UnknownDate, parse_moment
from retro.pulse.bank_files import BankError, load_bank
from retro.pulse.lifecycle import WHAT_WOULD_HELP
from retro.pulse.models import DEFAULT_THRESHOLD, MIN_THRESHOLD
from retro.pulse.questions import FreeTextQuestion
from retro.text import clean_line
from server.pulse_asks import PulseOpenAsk


def add_question_options(parser: argparse.ArgumentParser) -> None:
    """What a pulse asks and shows, for a pulse opened for a period or live."""
    parser.add_argument("--team", help="The team the pulse is for (with --server: the token's team)")
    parser.add_argument("--title", default="Weekly pulse", help="The pulse's title")
    parser.add_argument("--pin", help="A question id to ask this time (see --bank)")
    parser.add_argument("--free-text", help='The open question (default "What would help?")')
    parser.add_argument("--no-free-text", action="store_true", help="Ask no open question")
    parser.add_argument(
        "--min-responses", type=int, default=DEFAULT_THRESHOLD, help="Answers needed before any result shows"
    )
    parser.add_argument("--bank", help="A TOML file of the team's own questions")


def open_ask(args: argparse.Namespace, now: datetime) -> PulseOpenAsk:
    """The pulse the options describe, checked: each bad option fails in one line."""
    if not MIN_THRESHOLD <= args.min_responses <= 50:
        raise CommandFailed(f"--min-responses: give a number from {MIN_THRESHOLD} to 50.", code=2)
    try:
        closes_at = parse_moment(args.until, now) if args.until else None
        bank = load_bank(Path(args.bank)) if args.bank else None
    except (UnknownDate, BankError) as exc:
        raise CommandFailed(str(exc), code=2) from exc
    free_text = None if args.no_free_text else WHAT_WOULD_HELP
    if args.free_text and not args.no_free_text:
        free_text = FreeTextQuestion(text=clean_line(args.free_text)[:120] or WHAT_WOULD_HELP.text)
    try:
        return PulseOpenAsk(
            title=clean_line(args.title)[:120] or "Weekly pulse",
            closes_at=closes_at,
            pinned=args.pin,
            free_text=free_text,
            min_responses=args.min_responses,
            bank=bank,
        )
    except ValidationError as invalid:
        problem = invalid.errors()[0]
        where = (
            "--pin" if problem["loc"][:1] == ("pinned",) else "--" + str(problem["loc"][0]).replace("_", "-")
        )
        raise CommandFailed(f"{where}: {problem['msg']}", code=2) from None
