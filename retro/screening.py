"""Telling only an item's author that the facilitator held it, without the server knowing who that is.

The board carries a list of sealed notices that every phone receives. A real notice is keyed by the
item's owner hash, which only the writing phone can compute (from its secret) and which no view ever
carries. Decoys pad the list, and the server seals it again under a fresh nonce on a clock of its own
(server/held_seal.py), held items or none, so a phone that reads the raw messages cannot tell whether or
when anything was held, let alone what.
"""

import hashlib
import secrets

from pydantic import BaseModel, ConfigDict

from retro.hold_reasons import for_author
from retro.state import RetroState

NOTICE_SLOTS = 8
"""The list is padded to a multiple of this, so its length says nothing until more than 8 are held."""
SEALED_BYTES = 512
"""Room for the longest reason (120 characters) in any script, 4 UTF-8 bytes each."""


class HeldNotice(BaseModel):
    model_config = ConfigDict(frozen=True)

    tag: str
    """sha256("tag:" + key); the author's phone recomputes it to find its own notices."""
    sealed: str
    """The reason as its author's phone reads it (retro.hold_reasons.for_author: a preset's code, or the
    facilitator's own words) in UTF-8, zero-padded to SEALED_BYTES, XORed with a keystream from the key."""


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def notice_key(owner_hash: str, nonce: str) -> str:
    return _sha256_hex(f"retro-hold:{owner_hash}:{nonce}")


def _keystream(key: str) -> bytes:
    return b"".join(bytes.fromhex(_sha256_hex(f"pad:{key}:{block}")) for block in range(SEALED_BYTES // 32))


def seal(reason: str, owner_hash: str, nonce: str) -> HeldNotice:
    key = notice_key(owner_hash, nonce)
    raw = reason.encode()[:SEALED_BYTES].decode(errors="ignore").encode().ljust(SEALED_BYTES, b"\0")
    sealed = bytes(a ^ b for a, b in zip(raw, _keystream(key), strict=True))
    return HeldNotice(tag=_sha256_hex(f"tag:{key}"), sealed=sealed.hex())


def unseal(notice: HeldNotice, owner_hash: str, nonce: str) -> str | None:
    """What the author's phone does: the reason if this notice is for that item, else None."""
    key = notice_key(owner_hash, nonce)
    if notice.tag != _sha256_hex(f"tag:{key}"):
        return None
    raw = bytes(a ^ b for a, b in zip(bytes.fromhex(notice.sealed), _keystream(key), strict=True))
    return raw.rstrip(b"\0").decode(errors="replace")


def held_notices(state: RetroState, nonce: str) -> tuple[HeldNotice, ...]:
    """Real notices for held items, shuffled among decoys. Empty once the items are revealed."""
    if state.revealed:
        return ()
    real = [
        seal(for_author(reason), state.items[item_id].owner_hash, nonce)
        for item_id, reason in state.held.items()
    ]
    slots = max(NOTICE_SLOTS, -(-len(real) // NOTICE_SLOTS) * NOTICE_SLOTS)
    decoys = [
        HeldNotice(tag=secrets.token_hex(32), sealed=secrets.token_hex(SEALED_BYTES))
        for _ in range(slots - len(real))
    ]
    notices = real + decoys
    secrets.SystemRandom().shuffle(notices)
    return tuple(notices)


def new_nonce() -> str:
    return secrets.token_hex(16)
