"""The one error a command can meet: a rule said no. It carries a code and a sentence for people."""

from enum import StrEnum


class ErrorCode(StrEnum):
    WRONG_PHASE = "wrong_phase"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_OWNER = "not_owner"
    NO_DOTS_LEFT = "no_dots_left"
    LIMIT = "limit"
    INVALID = "invalid"


class RuleViolation(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
