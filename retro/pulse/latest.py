"""Which pulse the next retro's Review shows: the team's latest closed one."""

from retro.pulse.glance import PulseGlance
from retro.pulse.results import results
from retro.pulse.store import PulseStore


def latest_glance(pulses: PulseStore, team: str) -> PulseGlance | None:
    closed = [record for record in pulses.pulses(team) if record.closed]
    if not team or not closed:
        return None
    shown = results(pulses, closed[-1].pulse_id)
    return PulseGlance(
        week=shown.week, answered=shown.answered, min_responses=shown.min_responses, summaries=shown.summaries
    )
