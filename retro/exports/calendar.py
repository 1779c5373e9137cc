"""The ICS export: one VTODO per action, due on its date, for any calendar or task app."""

from datetime import UTC, datetime

from icalendar import Calendar, Todo

from retro.exports.outcome import ActionStatus, RetroOutcome

_STATUS = {
    ActionStatus.OPEN: "NEEDS-ACTION",
    ActionStatus.DONE: "COMPLETED",
    ActionStatus.DROPPED: "CANCELLED",
}


def render_ics(outcome: RetroOutcome, now: datetime | None = None) -> bytes:
    stamp = now or datetime.now(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//retro//outcome export//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Actions: {outcome.title}")
    for action in outcome.actions:
        todo = Todo()
        todo.add("uid", f"{outcome.retro_id}-{action.action_id}@retro")
        todo.add("dtstamp", stamp)
        todo.add("summary", action.text)
        todo.add("due", action.due)
        todo.add("status", _STATUS[action.status])
        details = [f"Owner: {action.owner}", f"From the retro {outcome.title} on {outcome.date.isoformat()}"]
        if action.topic:
            details.append(f"Topic: {action.topic}")
        todo.add("description", "\n".join(details))
        calendar.add_component(todo)
    ical: bytes = calendar.to_ical()
    return ical
