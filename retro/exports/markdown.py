"""The Markdown export: readable as-is, and rendered well by GitHub and Confluence."""

import re
from pathlib import Path

from retro.state import RetroState
from retro.views import BoardView, board_view

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def escape(text: str) -> str:
    """User text appears literally: every Markdown and HTML metacharacter is backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def render_markdown(state: RetroState) -> str:
    board = board_view(state)
    lines = [f"# {escape(board.title)}", ""]
    facts = [f"**Date:** {state.created_on.isoformat()}"]
    if board.team:
        facts.append(f"**Team:** {escape(board.team)}")
    if state.template is not None:
        facts.append(f"**Template:** {escape(state.template.title)}")
    facts.append(f"**Phase:** {board.phase_label}")
    lines += ["  \n".join(facts), ""]
    lines += _items_section(board)
    lines += _actions_section(board)
    return "\n".join(lines).rstrip() + "\n"


def _items_section(board: BoardView) -> list[str]:
    lines: list[str] = []
    for prompt in board.prompts:
        lines += [f"## {escape(prompt.text)}", ""]
        items = [item for item in board.items if item.prompt_id == prompt.prompt_id]
        if not board.revealed:
            count = board.counts[prompt.prompt_id]
            lines += [f"_{count} item{'' if count == 1 else 's'}, not yet revealed._", ""]
        elif not items:
            lines += ["_No items._", ""]
        else:
            for item in items:
                votes = (
                    "" if item.votes is None else f" — {item.votes} {'vote' if item.votes == 1 else 'votes'}"
                )
                lines.append(f"- {escape(item.text)}{votes}")
            lines.append("")
    return lines


def _actions_section(board: BoardView) -> list[str]:
    lines = ["## Actions", ""]
    if not board.actions:
        return [*lines, "_No actions recorded._", ""]
    lines += ["| Action | Owner | Due | Status |", "| --- | --- | --- | --- |"]
    for action in board.actions:
        lines.append(f"| {escape(action.text)} | {escape(action.owner)} | {action.due.isoformat()} | open |")
    return [*lines, ""]


def write_markdown(state: RetroState, directory: Path) -> Path:
    """Write the export under a readable name, never overwriting an earlier one."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{_slug(state.team) or 'retro'}-{state.created_on.isoformat()}-retro"
    path = directory / f"{stem}.md"
    counter = 2
    while path.exists():
        path = directory / f"{stem}-{counter}.md"
        counter += 1
    path.write_text(render_markdown(state), encoding="utf-8")
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
