"""The loop that closes a pulse: actions recorded against it, shown on the next pulse's page and in the next
retro's Review as "you said, we did"."""

from collections.abc import Sequence
from datetime import date

from retro.pulse.models import ActionStatus, PulseAction, PulseRefused
from retro.pulse.store import PulseStore
from retro.secrets import new_id


def record_action(
    pulses: PulseStore,
    *,
    pulse_id: str,
    text: str,
    owner: str,
    due: date,
    responds_to: Sequence[str] = (),
) -> PulseAction:
    record = pulses.pulse(pulse_id)
    if record is None:
        raise PulseRefused("not_found", "There is no such pulse.")
    if not record.closed:
        raise PulseRefused("wrong_phase", "Record actions once the pulse has closed and its results are in.")
    asked = {question.id for question in record.questions} | (
        {record.free_text.id} if record.free_text else set()
    )
    unknown = [question_id for question_id in responds_to if question_id not in asked]
    if unknown:
        raise PulseRefused("not_found", f"That pulse did not ask {', '.join(unknown)}.")
    action = PulseAction(
        action_id=new_id(),
        team=record.team,
        pulse_id=pulse_id,
        text=text,
        owner=owner,
        due=due,
        responds_to=tuple(responds_to),
    )
    pulses.save_action(action)
    return action


def set_status(pulses: PulseStore, action_id: str, status: ActionStatus) -> PulseAction:
    action = pulses.action(action_id)
    if action is None:
        raise PulseRefused("not_found", f"No pulse action {action_id!r}; `retro pulse actions` lists them.")
    changed = action.model_copy(update={"status": status})
    pulses.save_action(changed)
    return changed


def you_said_we_did(pulses: PulseStore, team: str, most: int = 10) -> tuple[PulseAction, ...]:
    """The team's current actions for a pulse page: every open one, then the latest done or dropped."""
    actions = pulses.actions(team)
    open_ones = [action for action in actions if action.status == "open"]
    settled = [action for action in reversed(actions) if action.status != "open"]
    return tuple((open_ones + settled)[:most])
