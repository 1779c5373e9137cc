"""The anonymity proof's machinery: the needles (everything that could identify someone), the phones that
carry them, the surfaces they must never reach (the database and its WAL, messages, exports) and the scanner
that looks for each needle, in clear or hex, on each surface."""

import json
import logging
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import connect

from retro.exports.files import CsvContent, ExportFormat
from retro.exports.formats import render
from retro.outcome import RetroOutcome
from retro.secrets import owner_hash, pseudonym
from tests.support.client import Client

USER_AGENT = "ProofAgent/9.9 (retro-anonymity-marker)"
PHONE_LOGGER = logging.getLogger("tests.phones")
"""The phones' own client-side logs are the phones', not the host's: they are left out of "log output"."""
ADDRESS = "127.0.0.1"


@dataclass
class Needles:
    """Everything that must never be readable after the retro, by what it is."""

    found: dict[str, bytes] = field(default_factory=dict)

    def add(self, what: str, value: str | bytes) -> None:
        """Text is looked for as UTF-8; bytes (a key) as they are, as a SQLite BLOB holds them."""
        self.found[f"{what} {len(self.found)}"] = value.encode() if isinstance(value, str) else value


def scan(surfaces: dict[str, bytes], needles: Needles) -> list[tuple[str, str]]:
    return [
        (surface, what)
        for surface, data in surfaces.items()
        for what, needle in needles.found.items()
        if needle in data or needle.hex().encode() in data
    ]


async def join_phones(websocket_url: str, retro_key: bytes, needles: Needles, count: int) -> list[Client]:
    """Phones that join with a telltale user agent; each one's secret and pseudonym become needles."""
    phones: list[Client] = []
    for _ in range(count):
        secret = secrets.token_urlsafe(24)
        needles.add("phone secret", secret)
        needles.add("pseudonym", pseudonym(retro_key, secret))
        websocket = await connect(websocket_url, user_agent_header=USER_AGENT, logger=PHONE_LOGGER)
        phone = Client(websocket)
        hello = {"type": "hello", "id": phone.new_id(), "protocol": 1, "secret": secret}
        await phone.send(hello)
        await phone.wait_for("welcome")
        phones.append(phone)
    needles.add("user agent", USER_AGENT)
    return phones


def add_item_needles(needles: Needles, phones: list[Client]) -> None:
    """What would tie each item to its writer: its secret, its owner hash, its id beside its secret."""
    for phone in phones:
        for item_id, item_secret in phone.item_secrets.items():
            needles.add("item secret", item_secret)
            needles.add("owner hash", owner_hash(item_secret))
            needles.add("item id next to its writer", item_id + phone.item_secrets[item_id][:4])


def database_surfaces(db_path: Path) -> dict[str, bytes]:
    """The SQLite file and its write-ahead log, as they are on disk now."""
    wal = db_path.with_name(db_path.name + "-wal")
    return {
        "sqlite file": db_path.read_bytes(),
        "sqlite wal": wal.read_bytes() if wal.exists() else b"",
    }


def message_surfaces(label: str, clients: list[Client]) -> dict[str, bytes]:
    """Every message each client received, one surface per client: `<label> 0`, `<label> 1`, …"""
    return {
        f"{label} {n}": "\n".join(map(json.dumps, client.messages())).encode()
        for n, client in enumerate(clients)
    }


def export_surfaces(outcome: RetroOutcome) -> dict[str, bytes]:
    """The outcome in every export format, the PDF both as bytes and as the text pdftotext reads from it."""
    exports = {
        f"export {fmt.value}{'-' + what.value if fmt is ExportFormat.CSV else ''}": render(outcome, fmt, what)
        for fmt in ExportFormat
        if fmt is not ExportFormat.PDF
        for what in (CsvContent.ACTIONS, CsvContent.ITEMS)
        if fmt is ExportFormat.CSV or what is CsvContent.ACTIONS
    }
    pdf = render(outcome, ExportFormat.PDF)
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return {**exports, "export pdf": pdf + pdf_text}
