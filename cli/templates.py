"""`retro templates`: the built-in templates and their prompts."""

import argparse

from cli.command import Commands
from retro.builtin_templates import BUILT_IN


def add_command(commands: Commands) -> None:
    commands.add_parser("templates", help="List the built-in templates.").set_defaults(run=_list_templates)


def _list_templates(_args: argparse.Namespace) -> int:
    for template in BUILT_IN.values():
        prompts = " / ".join(prompt.text for prompt in template.prompts)
        print(f"{template.name:<20} {template.title}: {prompts}")
    print("\nOr pass --template path/to/your-template.toml.")
    return 0
