"""`retro serve` as a real process, and a self-signed certificate for serving over TLS."""

import os
import subprocess
import sys
from pathlib import Path

RETRO = [sys.executable, "-m", "cli"]


RETRO_LINES = ("Server URL", "Retro", "Join URL", "Facilitator URL", "Facilitator key")
"""What `retro serve` prints once it listens with a retro of its own (after the operator token, on a first
start); without one, only the server URL."""


def start_serve(
    db: Path | str, *extra: str, retro: list[str] = RETRO, own_retro: bool = True
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`retro serve` on loopback; with its own retro (`--title`, unless `--resume` or `--title` is given)
    unless `own_retro` is False. `db` is a SQLite file or a PostgreSQL URL. Returns the process and what it
    printed, by label."""
    titled = "--title" in extra or "--resume" in extra
    own = ["--title", "Team retro"] if own_retro and not titled else []
    process = subprocess.Popen(
        [*retro, "serve", "--db", str(db), "--host", "127.0.0.1", *own, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    printed: dict[str, str] = {}
    expected = RETRO_LINES if own_retro else RETRO_LINES[:1]
    while not all(label in printed for label in expected):
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"retro serve stopped: {process.stderr.read() if process.stderr else ''}")
        name, _, value = line.partition(":")
        printed[name.strip()] = value.strip()
    return process, printed


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=True,
    )  # fmt: skip
    return cert, key
