"""`retro templates`: the built-in templates and their prompts."""

import argparse

from cli.catalogue import help_of
from cli.command import Commands
from retro.builtin_templates import BUILT_IN


def add_commands(commands: Commands, db: argparse.ArgumentParser) -> None:
    commands.add_parser("templates", help=help_of("templates")).set_defaults(run=_list_templates)


def _list_templates(_args: argparse.Namespace) -> int:
    for template in BUILT_IN.values():
        prompts = " / ".join(prompt.text for prompt in template.prompts)
        print(f"{template.name:<20} {template.title}: {prompts}")
    print("\nOr pass --template path/to/your-template.toml.")
    return 0
