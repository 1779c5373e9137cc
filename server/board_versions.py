"""A retro's board as numbered versions: the full board for a phone that joins or has fallen behind, and
for every other phone the patch from the version before (docs/protocol.md, "Versions and patches").

Each version's message is serialised once and sent to every phone that applies patches.
"""

import json
from datetime import datetime

from pydantic import TypeAdapter

from server.board_document import document
from server.merge_patch import Json, diff

FULL_INSTEAD_ABOVE = 0.5
"""A patch larger than this share of the whole board goes out as the whole board instead: held notices
re-sealed, say, which are most of a board before the reveal."""

_TIME: TypeAdapter[datetime] = TypeAdapter(datetime)


def _dumps(value: Json) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _time(moment: datetime) -> str:
    return _TIME.dump_json(moment).decode()


class BoardVersions:
    def __init__(self) -> None:
        self.version = 0
        self._document: dict[str, Json] | None = None
        self._body = "{}"
        """The current version's message without its type, version and server time, as JSON."""

    def publish(self, body: dict[str, Json], now: datetime) -> str | None:
        """Make `body` the next version; the message that takes phones already in there (a `patch`, or
        the whole `board` when that is about as small), or None when nothing they see has changed."""
        doc = document(body)
        if doc == self._document:
            return None
        previous, self._document = self._document, doc
        self._body = _dumps(body)
        self.version += 1
        if previous is None:
            return self.full(now)
        patch = _dumps(diff(previous, doc))
        if len(patch) > FULL_INSTEAD_ABOVE * len(self._body):
            return self.full(now)
        return f'{{"type":"patch","version":{self.version},"server_time":{_time(now)},"patch":{patch}}}'

    def full(self, now: datetime) -> str:
        """The whole board at the current version, for a phone that joins or asks for it again."""
        head = f'{{"type":"board","version":{self.version},"server_time":{_time(now)}'
        return head + ("," + self._body[1:] if self._body != "{}" else "}")

    def unversioned(self, now: datetime) -> str:
        """The whole board with no version, for a client that does not apply patches."""
        head = f'{{"type":"board","server_time":{_time(now)}'
        return head + ("," + self._body[1:] if self._body != "{}" else "}")

    @property
    def published(self) -> bool:
        return self._document is not None
