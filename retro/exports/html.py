"""The HTML export: one self-contained file, no external assets, printable on A4 or Letter.

The file itself leaves the paper to the printer; the PDF export fixes it with `paper`.
"""

from html import escape
from importlib.resources import files

from retro.aggregates import AnswerSummary
from retro.exports.paper import Paper
from retro.exports.wording import OUTCOME_WORDS, counted, summary_text
from retro.outcome import ExportedTopic, RetroOutcome

STYLE = files("retro.exports").joinpath("export.css").read_text(encoding="utf-8")


def render_html(outcome: RetroOutcome, paper: Paper | None = None) -> str:
    e = escape
    style = STYLE if paper is None else f"{STYLE}@page {{ size: {paper.css_size}; }}\n"
    facts = [f"<span>{outcome.date.isoformat()}</span>"]
    if outcome.team:
        facts.append(f"<span>{e(outcome.team)}</span>")
    facts += [f"<span>{e(outcome.template.title)}</span>", f"<span>{e(outcome.phase.label)}</span>"]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(outcome.title)}</title><style>{style}</style></head><body>",
        f'<h1 dir="auto">{e(outcome.title)}</h1>',
        f'<p class="facts">{"".join(facts)}</p>',
        *_review(outcome),
        "<h2>Check-in</h2>",
        *(_summary(summary, outcome.min_responses) for summary in outcome.check_in),
        *_topics(outcome),
        *_actions(outcome),
    ]
    if outcome.roti is not None:
        parts += ["<h2>Return on time invested</h2>", _summary(outcome.roti, outcome.min_responses)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _summary(summary: AnswerSummary, min_responses: int) -> str:
    line = f"<p><strong>{escape(summary.text)}</strong><br>{escape(summary_text(summary, min_responses))}</p>"
    if not summary.shown or summary.histogram is None:
        return line
    peak = max(summary.histogram) or 1
    values = range(summary.low, summary.high + 1)
    rows = "".join(
        f'<tr><td>{value}</td><td><span class="bar" style="width:{12 * count / peak:.1f}rem"></span>'
        f" {count}</td></tr>"
        for value, count in zip(values, summary.histogram, strict=True)
    )
    return f'{line}<table class="histogram" aria-label="Answers per value">{rows}</table>'


def _review(outcome: RetroOutcome) -> list[str]:
    if not outcome.review:
        return []
    rows = "".join(
        f'<tr><td dir="auto">{escape(item.text)}</td><td dir="auto">{escape(item.owner)}</td>'
        f"<td class='date'>{item.due.isoformat()}</td>"
        f"<td>{OUTCOME_WORDS[item.outcome] if item.outcome else 'not reviewed'}</td></tr>"
        for item in outcome.review
    )
    head = "<tr><th>Action</th><th>Owner</th><th>Due</th><th>Outcome</th></tr>"
    return ["<h2>Actions from earlier retros</h2>", f"<table>{head}{rows}</table>"]


def _topics(outcome: RetroOutcome) -> list[str]:
    parts = ["<h2>Topics</h2>"]
    if not outcome.revealed:
        items = "".join(
            f"<li>{escape(text)}: {counted(outcome.counts.get(prompt_id, 0), 'item')}, not yet revealed</li>"
            for prompt_id, text in outcome.template.prompts.items()
        )
        return [*parts, f"<ul>{items}</ul>"]
    if not outcome.topics:
        return [*parts, '<p class="muted">No items.</p>']
    return parts + [_topic(topic, outcome.template.prompts) for topic in outcome.topics]


def _topic(topic: ExportedTopic, prompts: dict[str, str]) -> str:
    votes = "" if topic.votes is None else f' <span class="votes">{counted(topic.votes, "vote")}</span>'
    html = [f'<section class="topic"><h3 dir="auto">{escape(topic.title)}{votes}</h3>']
    if topic.grouped:
        items = "".join(
            f'<li dir="auto">{escape(item.text)} '
            f'<span class="prompt">({escape(prompts[item.prompt_id])})</span></li>'
            for item in topic.items
        )
        html.append(f"<ul>{items}</ul>")
    elif topic.items:
        html.append(f'<p class="prompt">{escape(prompts[topic.items[0].prompt_id])}</p>')
    if topic.notes:
        notes = "".join(f'<li dir="auto">{escape(note)}</li>' for note in topic.notes)
        html.append(f'<p class="muted">Notes</p><ul>{notes}</ul>')
    html.append("</section>")
    return "".join(html)


def _actions(outcome: RetroOutcome) -> list[str]:
    if not outcome.actions:
        return ["<h2>Actions</h2>", '<p class="muted">No actions recorded.</p>']
    head = "<tr><th>Action</th><th>Owner</th><th>Due</th><th>Status</th><th>Topic</th></tr>"
    rows = "".join(
        f'<tr><td dir="auto">{escape(a.text)}</td><td dir="auto">{escape(a.owner)}</td>'
        f'<td class="date">{a.due.isoformat()}</td>'
        f'<td>{a.status.value}</td><td dir="auto">{escape(a.topic or "")}</td></tr>'
        for a in outcome.actions
    )
    return ["<h2>Actions</h2>", f"<table>{head}{rows}</table>"]
