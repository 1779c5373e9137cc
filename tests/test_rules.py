"""The rulebook: one rule per command, saying who may ask for it, when, and how a refusal names it."""

from typing import get_args

from retro.actors import Facilitator, Participant
from retro.commands import FacilitatorCommand, ParticipantCommand
from retro.rules import RULEBOOK


def test_every_command_has_one_rule_and_the_phones_ask_only_for_theirs() -> None:
    phones, facilitator = set(get_args(ParticipantCommand)), set(get_args(FacilitatorCommand))
    assert set(RULEBOOK) == phones | facilitator
    assert {command for command, rule in RULEBOOK.items() if rule.by is Participant} == phones
    assert {command for command, rule in RULEBOOK.items() if rule.by is Facilitator} == facilitator
    assert all(rule.phases and rule.doing for rule in RULEBOOK.values())
