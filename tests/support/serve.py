"""`retro serve` as a real process, and a self-signed certificate for serving over TLS."""

import os
import subprocess
import sys
from pathlib import Path

RETRO = [sys.executable, "-m", "cli"]


def start_serve(
    db: Path, *extra: str, retro: list[str] = RETRO
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen(
        [*retro, "serve", "--db", str(db), "--host", "127.0.0.1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    printed: dict[str, str] = {}
    while len(printed) < 4:
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
