"""The ICS export: one VTODO per action, due on its date, for any calendar or task app.

Every text property is an icalendar `vText`, which escapes line breaks, commas, semicolons and
backslashes, so no text can end a content line or start a component of its own.
"""

from datetime import UTC, datetime

from icalendar import Calendar, Component, Todo, vText

from retro.outcome import ActionStatus, RetroOutcome

_STATUS = {
    ActionStatus.OPEN: "NEEDS-ACTION",
    ActionStatus.DONE: "COMPLETED",
    ActionStatus.DROPPED: "CANCELLED",
}


def _add_text(component: Component, name: str, text: str) -> None:
    component.add(name, vText(text))


def render_ics(outcome: RetroOutcome, now: datetime | None = None) -> bytes:
    stamp = now or datetime.now(UTC).replace(microsecond=0)
    calendar = Calendar()
    _add_text(calendar, "prodid", "-//retro//outcome export//EN")
    calendar.add("version", "2.0")
    _add_text(calendar, "x-wr-calname", f"Actions: {outcome.title}")
    for action in outcome.actions:
        todo = Todo()
        _add_text(todo, "uid", f"{outcome.retro_id}-{action.action_id}@retro")
        todo.add("dtstamp", stamp)
        _add_text(todo, "summary", action.text)
        todo.add("due", action.due)
        todo.add("status", _STATUS[action.status])
        details = [f"Owner: {action.owner}", f"From the retro {outcome.title} on {outcome.date.isoformat()}"]
        if action.topic:
            details.append(f"Topic: {action.topic}")
        _add_text(todo, "description", "\n".join(details))
        calendar.add_component(todo)
    ical: bytes = calendar.to_ical()
    return ical
