"""`retro schema`: the JSON Schema of the websocket protocol, or of the export."""

import argparse

from cli.catalogue import help_of
from cli.command import Commands
from retro.outcome import outcome_schema_text
from server.protocol import json_schema_text


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    schema = commands.add_parser("schema", help=help_of("schema"))
    schema.add_argument("which", nargs="?", default="protocol", choices=["protocol", "export"])
    schema.set_defaults(run=_print_schema)


def _print_schema(args: argparse.Namespace) -> int:
    print(outcome_schema_text() if args.which == "export" else json_schema_text())
    return 0
