"""What each command module shares with `cli.main`: the table it adds commands to, and how it fails."""

import argparse
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The `retro` subcommand table; each module adds its commands with `set_defaults(run=...)`."""


class CommandFailed(Exception):
    """A command that cannot do what was asked; `cli.main` prints each message as one `retro: ...` line."""

    def __init__(self, *messages: str, code: int = 1) -> None:
        super().__init__(*messages)
        self.messages = messages
        self.code = code
