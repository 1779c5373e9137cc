"""`retro pulse open|close|results`: a team's weekly pulse on this machine's store.

The pulse's phones answer through whichever server serves the same database (`retro serve` or `retro host`),
at the URL the poster and the command print.
"""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from cli import pulse_actions, pulse_live, pulse_options
from cli.catalogue import help_of
from cli.command import CommandFailed, Commands
from cli.pulse_store import store_of, team_of
from cli.remote import RemoteServer
from cli.server_options import chosen_server, team_options, team_token
from retro.exports.files import file_slug, unused_path
from retro.exports.paper import Paper, locale_paper
from retro.exports.pdf import PdfUnavailable
from retro.exports.poster import PosterContent, render_poster_html, render_poster_pdf
from retro.exports.pulse_exports import render_pulse_csv, render_pulse_html, render_pulse_json
from retro.pulse.bank import BUILT_IN_BANK
from retro.pulse.lifecycle import close_pulse, open_pulse
from retro.pulse.models import PulseRecord, PulseRefused
from retro.pulse.report import PulseReport, pulse_report
from retro.pulse.results import PulseResults, results
from retro.pulse.rollups import rollup
from retro.pulse.trend import TrendPoint, trend
from retro.store import EventStore
from retro.text import clean_line
from server.addresses import PublicAddress
from server.pulse_asks import PulseCloseAsk, PulseClosed, PulseOpened, PulseTrend, PulseTrendAsk

DEFAULT_PORT = 8765


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    remote = team_options()
    pulse = commands.add_parser(
        "pulse",
        help=help_of("pulse"),
        description="With --team and no command: a live pulse in this terminal, with its QR code and count; "
        "c closes it and shows the results and the trend.",
        parents=[db, remote],
    )
    pulse_live.add_live_options(pulse)
    pulse.set_defaults(run=pulse_live.run_live)
    actions = pulse.add_subparsers(dest="pulse_command", metavar="{open,close,results,rollup,action,…}")
    opening = actions.add_parser(
        "open", help="Open a pulse for a team; phones answer by QR.", parents=[db, remote]
    )
    pulse_options.add_question_options(opening)
    opening.add_argument("--until", help='When it closes by itself, like "fri 17:00" (default: never)')
    opening.add_argument("--public-url", help="The base URL phones use (default: this machine, port 8765)")
    opening.add_argument("--poster-dir", help="Where the poster is written (default: here)")
    opening.add_argument("--paper", choices=[paper.value for paper in Paper], help="a4 or letter")
    opening.set_defaults(run=_open)
    closing = actions.add_parser(
        "close", help="Close the team's open pulse and show its results.", parents=[db, remote]
    )
    closing.add_argument("--team")
    closing.set_defaults(run=_close)
    showing = actions.add_parser("results", help="The team's pulse trend over weeks.", parents=[db, remote])
    showing.add_argument("--team")
    showing.add_argument("--weeks", type=int, default=12, help="How many weeks back (default 12)")
    showing.add_argument(
        "--format", choices=["table", *REPORTS], default="table", help="table (default), html, csv or json"
    )
    showing.add_argument("--out", help="The file for html, csv or json (default: <team>-pulse.<ext> here)")
    showing.set_defaults(run=_results)
    rolling = actions.add_parser(
        "rollup", help="One week's pulse across teams, if it is safe to show.", parents=[db]
    )
    rolling.add_argument(
        "--teams", required=True, help='Two teams or more, comma-separated: "Ward 7,Theatres"'
    )
    rolling.add_argument("--week", required=True, help="The ISO week, like 2026-W49")
    rolling.set_defaults(run=_rollup)
    pulse_actions.add_commands(actions, db)


def _open(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    ask = pulse_options.open_ask(args, now)
    server = chosen_server(args)
    if server is not None:
        with RemoteServer(server, team_token(args, server)) as remote:
            opened = remote.ask(ask, PulseOpened)
        return _show_opened(_poster(opened, opened.public_url + opened.join_path), opened.week, args)
    store = store_of(args)
    try:
        record = open_pulse(
            store.pulses,
            team=team_of(args),
            now=now,
            title=ask.title,
            closes_at=ask.closes_at,
            pinned=ask.pinned,
            free_text=ask.free_text,
            min_responses=ask.min_responses,
            bank=ask.bank or BUILT_IN_BANK,
        )
    except PulseRefused as refused:
        raise CommandFailed(refused.message) from refused
    finally:
        store.close()
    address = PublicAddress.for_listener("0.0.0.0", DEFAULT_PORT, args.public_url)
    return _show_opened(_poster(record, address.join_url(record.join_token)), record.week, args)


def _poster(pulse: PulseRecord | PulseOpened, join_url: str) -> PosterContent:
    """What the poster and the printout say of a pulse, opened here or on a server."""
    return PosterContent(
        title=pulse.title,
        team=pulse.team,
        join_url=join_url,
        questions=tuple(question.text for question in pulse.questions),
        free_text=pulse.free_text.text if pulse.free_text else None,
        closes_at=pulse.closes_at,
        min_responses=pulse.min_responses,
    )


def _show_opened(content: PosterContent, week: str, args: argparse.Namespace) -> int:
    print(f"Pulse:     {content.title} · {content.team}")
    print(f"Join URL:  {content.join_url}")
    print(f"Closes:    {_when(content.closes_at)}")
    for number, text in enumerate(content.questions, start=1):
        print(f"  {number}. {text}")
    if content.free_text is not None:
        print(f"  {len(content.questions) + 1}. {content.free_text} (optional)")
    paper = Paper(args.paper) if args.paper else locale_paper(os.environ)
    stem = f"{file_slug(content.team, 'team')}-{week}-pulse-poster"
    for path in _posters(content, stem, paper, Path(args.poster_dir or ".")):
        print(f"Poster:    {path}")
    return 0


def _posters(content: PosterContent, stem: str, paper: Paper, directory: Path) -> list[Path]:
    """The poster as HTML, and as PDF where Chromium is installed (else a note on stderr)."""
    written: list[Path] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        page = unused_path(directory, f"{stem}.html")
        page.write_bytes(render_poster_html(content, paper))
        written.append(page)
        pdf = unused_path(directory, f"{stem}.pdf")
        pdf.write_bytes(render_poster_pdf(content, paper))
        written.append(pdf)
    except PdfUnavailable as missing:
        print(f"retro: note: no PDF poster: {missing}", file=sys.stderr)
    except OSError as exc:
        raise CommandFailed(f"cannot write the poster in {directory}: {exc.strerror}.") from exc
    return written


def _when(closes_at: datetime | None) -> str:
    if closes_at is None:
        return "when you run `retro pulse close`"
    return closes_at.astimezone().strftime("%a %d %b %Y, %H:%M")


def _latest_open(store: EventStore, team: str) -> PulseRecord:
    opened = [record for record in store.pulses.pulses(team) if not record.closed]
    if not opened:
        raise CommandFailed(f"Team {team!r} has no open pulse; `retro pulse open --team {team!r}` opens one.")
    return opened[-1]


def _close(args: argparse.Namespace) -> int:
    server = chosen_server(args)
    if server is not None:
        with RemoteServer(server, team_token(args, server)) as remote:
            closed = remote.ask(PulseCloseAsk(), PulseClosed)
        print(_described(closed.results))
        return 0
    team, store = team_of(args), store_of(args)
    try:
        record = close_pulse(store.pulses, _latest_open(store, team).pulse_id)
        shown = results(store.pulses, record.pulse_id)
    finally:
        store.close()
    print(_described(shown))
    return 0


def _described(shown: PulseResults) -> str:
    lines = [f"{shown.title} · {shown.team} · {shown.week}: {shown.answered} answered"]
    for summary in shown.summaries:
        if summary.mean is None:
            lines.append(f"  {summary.text}  — too few answers to show ({summary.answered})")
        else:
            lines.append(f"  {summary.text}  {summary.mean:.1f} of {summary.high} ({summary.answered})")
    if shown.comments is None:
        lines.append(f"  Comments: too few to show ({shown.comments_written})")
    else:
        lines.append("  Comments, in no order:")
        lines += [
            f"    – {comment.text}" + ("  (may point at a person)" if comment.points_at_person else "")
            for comment in shown.comments
        ]
    return "\n".join(lines)


REPORTS: dict[str, Callable[[PulseReport], str]] = {
    "html": render_pulse_html,
    "csv": render_pulse_csv,
    "json": render_pulse_json,
}


def _results(args: argparse.Namespace) -> int:
    weeks = max(1, min(args.weeks, 520))
    server = chosen_server(args)
    if server is not None:
        if args.format != "table":
            raise CommandFailed("--format html, csv and json work on a local database; with --server: table.")
        with RemoteServer(server, team_token(args, server)) as remote:
            shown = remote.ask(PulseTrendAsk(weeks=min(weeks, 104)), PulseTrend)
        return _print_trend(shown.team, shown.points)
    team, store = team_of(args), store_of(args)
    try:
        points = trend(store.pulses, team, weeks=weeks)
        report = pulse_report(store.pulses, team, weeks) if args.format in REPORTS else None
    finally:
        store.close()
    if report is not None:
        return _write_report(report, args.format, args.out)
    return _print_trend(team, points)


def _print_trend(team: str, points: Sequence[TrendPoint]) -> int:
    if not points:
        print(f"No closed pulses for team {team!r} yet.")
        return 0
    print(f"{'week':<10} {'motivation':>10} {'answered':>8}")
    for point in points:
        mean = f"{point.mean:.1f}" if point.mean is not None else "gap"
        print(f"{point.week:<10} {mean:>10} {point.answered:>8}")
    return 0


def _write_report(report: PulseReport, chosen: str, out: str | None) -> int:
    path = Path(out) if out else unused_path(Path.cwd(), f"{file_slug(report.team, 'team')}-pulse.{chosen}")
    text = REPORTS[chosen](report)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandFailed(f"cannot write {path}: {exc.strerror}.") from exc
    print(path)
    return 0


def _rollup(args: argparse.Namespace) -> int:
    teams = [team for team in (clean_line(name) for name in args.teams.split(",")) if team]
    store = store_of(args)
    try:
        shown = rollup(store.pulses, teams, clean_line(args.week))
    except PulseRefused as refused:
        raise CommandFailed(refused.message) from refused
    finally:
        store.close()
    mean = shown.motivation.mean
    told = f"{mean:.1f} of 10" if mean is not None else "too few answers to show"
    print(f"{shown.week} · {', '.join(shown.teams)}: {shown.answered} answered; motivation {told}")
    return 0
