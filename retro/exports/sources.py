"""Finding a retro's outcome to export, and importing an exported one back into history."""

from pydantic import ValidationError

from retro.history import action_statuses, past_outcomes
from retro.outcome import OUTCOME_ADAPTER, RetroOutcome, outcome_of
from retro.state import replay
from retro.store import EventStore


class NoSuchRetro(Exception):
    pass


class BadImport(Exception):
    pass


def find_outcome(store: EventStore, ref: str) -> RetroOutcome:
    """`latest`, a retro id, or an unambiguous start of one (as `retro history` shows them)."""
    hosted = store.retros()
    if ref == "latest":
        if not hosted:
            raise NoSuchRetro("There are no retros yet; run `retro host` to start one.")
        return _hosted_outcome(store, hosted[-1].retro_id, hosted[-1].team)
    matches = [record for record in hosted if record.retro_id.startswith(ref)] if len(ref) >= 4 else []
    if len(matches) == 1:
        return _hosted_outcome(store, matches[0].retro_id, matches[0].team)
    imported = [o for o in past_outcomes(store, None) if o.retro_id.startswith(ref)] if len(ref) >= 4 else []
    if not matches and len(imported) == 1:
        return imported[0]
    if matches or len(imported) > 1:
        raise NoSuchRetro(f"{ref!r} matches more than one retro; give more of its id (see `retro history`).")
    raise NoSuchRetro(f"No retro {ref!r}; `retro history` lists them, or use `latest`.")


def _hosted_outcome(store: EventStore, retro_id: str, team: str) -> RetroOutcome:
    state = replay(retro_id, store.events(retro_id))
    return outcome_of(retro_id, state, action_statuses(store, retro_id, team) if team else None)


def import_outcome(store: EventStore, raw: bytes) -> RetroOutcome:
    try:
        outcome = OUTCOME_ADAPTER.validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "file"
        raise BadImport(f"not a retro JSON export: {where}: {first['msg']}") from exc
    if not store.save_imported(outcome.retro_id, outcome.team, outcome.date, outcome.model_dump_json()):
        raise BadImport(f"retro {outcome.retro_id} ({outcome.title!r}) is already in this history.")
    return outcome
