"""The service log: one line per event on stderr, as text or JSON, carrying no personal data.

An event is a name and a few counts, codes or numbers chosen here: never an address, a user agent, a token,
a key or anything a person typed. Other loggers under `retro` (one-line warnings with fixed wording) go
through the same formatter; an exception is named by its type only, never with a traceback or its message.
"""

import json
import logging
import sys
import time
from enum import StrEnum

SERVICE_LOGGER = "retro.service"
EVENT_FIELDS = "retro_fields"

logger = logging.getLogger(SERVICE_LOGGER)

Field = str | int | float | bool


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def log_event(event: str, **fields: Field) -> None:
    """One service event, such as `phones` with `joined=3`. Callers pass counts and codes, nothing else."""
    logger.info(event, extra={EVENT_FIELDS: fields})


def _timestamp(record: logging.LogRecord) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


def _fields(record: logging.LogRecord) -> dict[str, Field]:
    fields: dict[str, Field] = dict(getattr(record, EVENT_FIELDS, {}))
    if record.exc_info is not None and record.exc_info[0] is not None:
        fields["error"] = record.exc_info[0].__name__
    return fields


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{key}={value}" for key, value in _fields(record).items())
        line = f"{_timestamp(record)} {record.levelname.lower()} {record.getMessage()}"
        return f"{line} {pairs}" if pairs else line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": _timestamp(record), "level": record.levelname.lower(), "event": record.getMessage()}
        return json.dumps({**line, **_fields(record)}, ensure_ascii=True)


def configure(log_format: LogFormat) -> None:
    """Send every `retro` logger's lines to stderr, one per event, in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format is LogFormat.JSON else TextFormatter())
    root = logging.getLogger("retro")
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
