"""The tokens `retro login` keeps: `{server URL: team token}` in the user config directory, readable by the
user alone (mode 0600), checked by pydantic whenever it is read back."""

import json
import os
import secrets
from pathlib import Path

from platformdirs import user_config_path
from pydantic import TypeAdapter, ValidationError

from cli.command import CommandFailed
from cli.remote import Token

LOGINS_FILE = "servers.json"
_LOGINS: TypeAdapter[dict[str, str]] = TypeAdapter(dict[str, Token])


def logins_path() -> Path:
    return user_config_path("retro", appauthor=False) / LOGINS_FILE


def read_logins(path: Path) -> dict[str, str]:
    """The kept tokens by server URL; none when the file does not exist yet."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CommandFailed(f"cannot read {path}: {exc.strerror}.") from None
    try:
        return _LOGINS.validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = f"{where}: {first['msg']}" if where else first["msg"]
        raise CommandFailed(
            f"{path} is not a file of retro logins ({reason}); fix it, or delete it and `retro login` again."
        ) from None


def write_logins(path: Path, logins: dict[str, str]) -> None:
    """Replace the file in one step with one that only its owner can read or write, whatever was there."""
    spare = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(descriptor, 0o600)  # whatever the umask left out
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(logins, file, indent=2)
        os.replace(spare, path)
    except OSError as exc:
        spare.unlink(missing_ok=True)
        raise CommandFailed(f"cannot write {path}: {exc.strerror}.") from None
