"""The `retro` command: one parser, one `--db` option, one way to fail; each command group has a module."""

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from cli.catalogue import COMMANDS
from cli.command import CommandFailed
from retro.stores import StoreUnavailable

INTERRUPTED = 130
"""The exit status of a command stopped with Ctrl-C, as shells report it (128 + SIGINT)."""


def _db_option() -> argparse.ArgumentParser:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--db", help="SQLite file, or postgresql://… URL (default: a SQLite file in the user data directory)"
    )
    return shared


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """Every command listed; only the one asked for is defined in full, from its own module."""
    parser = argparse.ArgumentParser(prog="retro", description="Anonymous, phone-joined retrospectives.")
    commands = parser.add_subparsers(dest="command", required=True)
    db = _db_option()
    asked = COMMANDS.get(argv[0]) if argv else None
    if asked is not None:
        importlib.import_module(asked.module).add_commands(commands, db)
    for name, entry in COMMANDS.items():
        if name not in commands.choices:  # else its module has defined it, with the one asked for
            commands.add_parser(name, help=entry.help)
    return parser


def _fail(failure: CommandFailed) -> int:
    for message in failure.messages:
        print(f"retro: {message}", file=sys.stderr)
    return failure.code


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = _parser(given).parse_args(given)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        code = run(args)
        sys.stdout.flush()  # so that a reader gone away is met here, not at exit with a traceback
        return code
    except CommandFailed as failure:
        return _fail(failure)
    except StoreUnavailable as unavailable:
        return _fail(CommandFailed(str(unavailable)))
    except KeyboardInterrupt:
        print("retro: interrupted.", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`retro team add … | head -1`): nothing more can reach it; say no more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
