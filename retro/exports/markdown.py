"""The Markdown export: readable as-is, and rendered well by GitHub and Confluence."""

import re

from retro.exports.wording import OUTCOME_WORDS, counted, summary_text
from retro.outcome import ExportedTopic, RetroOutcome

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def escape(text: str) -> str:
    """User text appears literally, on one line: every Markdown and HTML metacharacter is
    backslash-escaped, and every kind of line break (CR, LF, U+2028, NEL…) becomes a space."""
    return " ".join(_MARKDOWN_SPECIAL.sub(r"\\\1", text).splitlines())


def render_markdown(outcome: RetroOutcome) -> str:
    lines = [f"# {escape(outcome.title)}", ""]
    facts = [f"**Date:** {outcome.date.isoformat()}"]
    if outcome.team:
        facts.append(f"**Team:** {escape(outcome.team)}")
    facts.append(f"**Template:** {escape(outcome.template.title)}")
    facts.append(f"**Phase:** {outcome.phase.label}")
    lines += ["  \n".join(facts), ""]
    lines += _review_section(outcome)
    lines += ["## Check-in", ""]
    lines += [f"- {escape(s.text)} — {summary_text(s, outcome.min_responses)}" for s in outcome.check_in]
    lines += [""]
    lines += _topics_section(outcome)
    lines += _actions_section(outcome)
    if outcome.roti is not None:
        roti = summary_text(outcome.roti, outcome.min_responses)
        lines += ["## Return on time invested", "", f"- {escape(outcome.roti.text)} — {roti}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _review_section(outcome: RetroOutcome) -> list[str]:
    if not outcome.review:
        return []
    lines = [
        "## Actions from earlier retros",
        "",
        "| Action | Owner | Due | Outcome |",
        "| --- | --- | --- | --- |",
    ]
    for item in outcome.review:
        decided = OUTCOME_WORDS[item.outcome] if item.outcome else "not reviewed"
        lines.append(f"| {escape(item.text)} | {escape(item.owner)} | {item.due.isoformat()} | {decided} |")
    return [*lines, ""]


def _topics_section(outcome: RetroOutcome) -> list[str]:
    lines = ["## Topics", ""]
    if not outcome.revealed:
        for prompt_id, text in outcome.template.prompts.items():
            count = outcome.counts.get(prompt_id, 0)
            lines.append(f"- {escape(text)}: {counted(count, 'item')}, not yet revealed")
        return [*lines, ""]
    if not outcome.topics:
        return [*lines, "_No items._", ""]
    for topic in outcome.topics:
        lines += _topic_lines(topic, outcome.template.prompts)
    return lines


def _topic_lines(topic: ExportedTopic, prompts: dict[str, str]) -> list[str]:
    votes = "" if topic.votes is None else f" — {counted(topic.votes, 'vote')}"
    lines = [f"### {escape(topic.title)}{votes}", ""]
    if topic.grouped:
        lines += [f"- {escape(item.text)} _({escape(prompts[item.prompt_id])})_" for item in topic.items]
    elif topic.items:
        lines.append(f"_{escape(prompts[topic.items[0].prompt_id])}_")
    if topic.notes:
        lines += ["", "**Notes**", ""] + [f"- {escape(note)}" for note in topic.notes]
    return [*lines, ""]


def _actions_section(outcome: RetroOutcome) -> list[str]:
    lines = ["## Actions", ""]
    if not outcome.actions:
        return [*lines, "_No actions recorded._", ""]
    lines += ["| Action | Owner | Due | Status | Topic |", "| --- | --- | --- | --- | --- |"]
    for action in outcome.actions:
        topic = escape(action.topic) if action.topic else ""
        lines.append(
            f"| {escape(action.text)} | {escape(action.owner)} | {action.due.isoformat()}"
            f" | {action.status.value} | {topic} |"
        )
    return [*lines, ""]
