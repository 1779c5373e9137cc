"""Random tokens and the one-way functions that keep participants unlinkable."""

import hashlib
import hmac
import secrets

TOKEN_BYTES = 16  # 128 bits, as the security model asks for join tokens and keys.


def new_token() -> str:
    """A URL-safe random token of 128 bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_id() -> str:
    """A random identifier: it carries no order, time or origin."""
    return secrets.token_hex(8)


def new_key() -> bytes:
    return secrets.token_bytes(32)


def owner_hash(item_secret: str) -> str:
    """What the phone sends instead of the secret that proves it wrote an item."""
    return hashlib.sha256(item_secret.encode()).hexdigest()


def pseudonym(retro_key: bytes, participant_secret: str) -> str:
    """A per-retro pseudonym: unlinkable across retros and gone once the key is erased."""
    return hmac.new(retro_key, participant_secret.encode(), hashlib.sha256).hexdigest()
