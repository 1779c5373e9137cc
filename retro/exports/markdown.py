"""The Markdown export: readable as-is, and rendered well by GitHub and Confluence."""

import re
from pathlib import Path

from retro.aggregates import AnswerSummary
from retro.state import RetroState
from retro.views import BoardView, TopicView, board_view

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")

_OUTCOMES = {"done": "done", "carried_over": "carried over", "dropped": "dropped"}


def escape(text: str) -> str:
    """User text appears literally: every Markdown and HTML metacharacter is backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def render_markdown(state: RetroState) -> str:
    board = board_view(state)
    lines = [f"# {escape(board.title)}", ""]
    facts = [f"**Date:** {state.created_on.isoformat()}"]
    if board.team:
        facts.append(f"**Team:** {escape(board.team)}")
    facts.append(f"**Template:** {escape(board.template_title)}")
    facts.append(f"**Phase:** {board.phase_label}")
    lines += ["  \n".join(facts), ""]
    lines += _review_section(board)
    lines += _check_in_section(board)
    lines += _topics_section(board)
    lines += _actions_section(board)
    lines += _roti_section(board)
    return "\n".join(lines).rstrip() + "\n"


def _summary_line(summary: AnswerSummary, k: int) -> str:
    if not summary.shown or summary.mean is None or summary.histogram is None:
        return f"- {escape(summary.text)} — {summary.answered} answered; shown once {k} have answered."
    spread = ", ".join(
        f"{value}: {count}"
        for value, count in zip(range(summary.low, summary.high + 1), summary.histogram, strict=True)
    )
    answered = f"{summary.answered} answered; {spread}"
    return f"- {escape(summary.text)} — mean **{summary.mean}** of {summary.high} ({answered})"


def _review_section(board: BoardView) -> list[str]:
    if not board.review:
        return []
    lines = [
        "## Actions from earlier retros",
        "",
        "| Action | Owner | Due | Outcome |",
        "| --- | --- | --- | --- |",
    ]
    for item in board.review:
        outcome = _OUTCOMES[item.outcome] if item.outcome else "not reviewed"
        lines.append(f"| {escape(item.text)} | {escape(item.owner)} | {item.due.isoformat()} | {outcome} |")
    return [*lines, ""]


def _check_in_section(board: BoardView) -> list[str]:
    lines = ["## Check-in", ""]
    lines += [_summary_line(summary, board.min_responses) for summary in board.check_in]
    return [*lines, ""]


def _topics_section(board: BoardView) -> list[str]:
    lines = ["## Topics", ""]
    if not board.revealed:
        for prompt in board.prompts:
            count = board.counts[prompt.prompt_id]
            lines.append(
                f"- {escape(prompt.text)}: {count} item{'' if count == 1 else 's'}, not yet revealed"
            )
        return [*lines, ""]
    if not board.topics:
        return [*lines, "_No items._", ""]
    prompts = {prompt.prompt_id: prompt.text for prompt in board.prompts}
    for topic in board.topics:
        lines += _topic_lines(topic, board, prompts)
    return lines


def _topic_lines(topic: TopicView, board: BoardView, prompts: dict[str, str]) -> list[str]:
    votes = "" if topic.votes is None else f" — {topic.votes} {'vote' if topic.votes == 1 else 'votes'}"
    lines = [f"### {escape(topic.title)}{votes}", ""]
    if topic.grouped:
        lines += [f"- {escape(item.text)} _({escape(prompts[item.prompt_id])})_" for item in topic.items]
    else:
        lines.append(f"_{escape(prompts[topic.items[0].prompt_id])}_")
    notes = [note for note in board.notes if note.topic_id == topic.topic_id]
    if notes:
        lines += ["", "**Notes**", ""] + [f"- {escape(note.text)}" for note in notes]
    return [*lines, ""]


def _actions_section(board: BoardView) -> list[str]:
    lines = ["## Actions", ""]
    if not board.actions:
        return [*lines, "_No actions recorded._", ""]
    lines += ["| Action | Owner | Due | Status | Topic |", "| --- | --- | --- | --- | --- |"]
    for action in board.actions:
        topic = escape(action.topic_title) if action.topic_title else ""
        lines.append(
            f"| {escape(action.text)} | {escape(action.owner)} | {action.due.isoformat()} | open | {topic} |"
        )
    return [*lines, ""]


def _roti_section(board: BoardView) -> list[str]:
    if board.roti is None:
        return []
    return ["## Return on time invested", "", _summary_line(board.roti, board.min_responses), ""]


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
