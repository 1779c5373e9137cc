"""Every `retro` command: the module that defines it, and its one line of help.

`retro --help` lists the commands from here alone, and any command loads only its own module, so that no
command pays for the imports of the others.
"""

from typing import NamedTuple


class Entry(NamedTuple):
    module: str
    help: str


COMMANDS: dict[str, Entry] = {
    "host": Entry("cli.host", "Host a retro in this terminal; phones join by QR code."),
    "serve": Entry(
        "cli.host",
        "Run the server for every team's retros, headless; with --title, --resume or any retro option "
        "it also hosts that one retro and prints its join URL and facilitator key.",
    ),
    "templates": Entry("cli.templates", "List the built-in templates."),
    "history": Entry("cli.history", "List past retros."),
    "export": Entry("cli.outcomes", "Export a retro's outcome, at any phase."),
    "forget": Entry("cli.outcomes", "Drop a retro's raw items; keep its outcome."),
    "import": Entry("cli.outcomes", "Load a JSON export back into history."),
    "schema": Entry("cli.schema", "Print a JSON Schema: the websocket protocol, or the export."),
    "pulse": Entry(
        "cli.pulse", "A short anonymous check-in between retros: live here with --team, or open for a period."
    ),
    "team": Entry("cli.team", "Add, list or revoke a server's teams (the operator's job)."),
    "login": Entry("cli.login", "Keep a team's token for a server, so that later commands need no --token."),
    "logout": Entry("cli.login", "Forget the token kept for a server."),
    "migrate": Entry("cli.migrate", "Copy a SQLite file's whole history into a PostgreSQL database."),
}


def help_of(command: str) -> str:
    return COMMANDS[command].help
