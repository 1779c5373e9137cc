"""A team's pulse report as JSON, CSV (one row per question and week; a gap is an empty mean) and one
self-contained HTML page with an SVG chart per question, gaps drawn as breaks and marked."""

from collections.abc import Callable
from html import escape

from retro.exports.html import STYLE
from retro.exports.spreadsheet import csv_text
from retro.pulse.report import PulseReport, QuestionTrend

CHART_WIDTH, CHART_HEIGHT, MARGIN = 520, 170, 30


def render_pulse_json(report: PulseReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def render_pulse_csv(report: PulseReport) -> str:
    rows = [
        [point.week, question.question_id, question.text, str(point.answered), _mean(point.mean)]
        for question in report.trends
        for point in question.points
    ]
    return csv_text(["Week", "Question id", "Question", "Answered", "Mean"], rows)


def _mean(mean: float | None) -> str:
    return "" if mean is None else f"{mean:.1f}"


def chart_svg(question: QuestionTrend) -> str:
    """Means over weeks on the question's scale; a week under the threshold breaks the line and is marked."""
    points = question.points
    step = (CHART_WIDTH - 2 * MARGIN) / max(len(points) - 1, 1)
    low, high = 1, question.high

    def y(mean: float) -> float:
        return CHART_HEIGHT - MARGIN - (mean - low) / max(high - low, 1) * (CHART_HEIGHT - 2 * MARGIN)

    runs: list[list[str]] = [[]]
    marks: list[str] = []
    for index, point in enumerate(points):
        x = MARGIN + index * step
        label = (
            f'<text x="{x:.1f}" y="{CHART_HEIGHT - 6}" text-anchor="middle">{escape(point.week[-3:])}</text>'
        )
        marks.append(label)
        if point.mean is None:
            runs.append([])
            marks.append(
                f'<text class="gap" x="{x:.1f}" y="{CHART_HEIGHT / 2:.1f}" text-anchor="middle">gap</text>'
            )
            continue
        runs[-1].append(f"{x:.1f},{y(point.mean):.1f}")
        marks.append(f'<circle cx="{x:.1f}" cy="{y(point.mean):.1f}" r="3.5"/>')
        marks.append(
            f'<text x="{x:.1f}" y="{y(point.mean) - 8:.1f}" text-anchor="middle">{point.mean:.1f}</text>'
        )
    lines = "".join(f'<polyline points="{" ".join(run)}"/>' for run in runs if len(run) > 1)
    described = ", ".join(
        f"{point.week}: {'gap' if point.mean is None else f'{point.mean:.1f}'}" for point in points
    )
    return (
        f'<svg class="trend" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
        f'aria-label="{escape(question.text)} by week: {escape(described)}">'
        f'<line x1="{MARGIN}" y1="{CHART_HEIGHT - MARGIN}" x2="{CHART_WIDTH - MARGIN}" '
        f'y2="{CHART_HEIGHT - MARGIN}" class="axis"/>{_scale(low, high, y)}{lines}{"".join(marks)}</svg>'
    )


def _scale(low: int, high: int, y: Callable[[float], float]) -> str:
    """The scale's ends at the left edge, so that a flat line still reads against 1 to 10."""
    return "".join(
        f'<text class="scale" x="{MARGIN - 8}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>'
        for value in (low, high)
    )


CHART_STYLE = """
svg.trend { width: 100%; max-width: 34rem; height: auto; font: 11px sans-serif; }
svg.trend polyline { fill: none; stroke: #2f6f68; stroke-width: 2.5; }
svg.trend circle { fill: #2f6f68; }
svg.trend .axis { stroke: #8a9794; }
svg.trend .gap { fill: #8a4b00; font-style: italic; }
svg.trend .scale { fill: #55625f; }
"""


def render_pulse_html(report: PulseReport) -> str:
    e = escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Pulse · {e(report.team)}</title><style>{STYLE}{CHART_STYLE}</style></head><body>",
        f'<h1 dir="auto">Pulse · {e(report.team)}</h1>',
        "<p>A week with too few answers to show is a gap, never a number.</p>",
    ]
    for question in report.trends:
        parts += [f"<h2>{e(question.text)}</h2>", chart_svg(question)]
    latest = report.latest
    if latest is not None and latest.comments is not None:
        parts.append(f"<h2>What would help? ({e(latest.week)}, in no order)</h2><ul>")
        parts += [f'<li dir="auto">{e(comment.text)}</li>' for comment in latest.comments]
        parts.append("</ul>")
    if report.actions:
        parts.append("<h2>You said, we did</h2><ul>")
        parts += [
            f'<li dir="auto">{e(action.text)} — {e(action.owner)}, due {action.due.isoformat()} '
            f"({e(action.status)})</li>"
            for action in report.actions
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
