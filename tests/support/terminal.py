"""`retro host` in a real pseudo-terminal: the bytes it writes, and through pyte's terminal emulator what a
person would see."""

import os
import pty
import select
import signal
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fcntl import ioctl
from pathlib import Path
from termios import TIOCSWINSZ

import pyte

from tests.support.serve import RETRO

ROOT = Path(__file__).parent.parent.parent


@dataclass
class Terminal:
    fd: int
    screen: pyte.Screen
    stream: pyte.ByteStream
    written: bytearray = field(default_factory=bytearray)
    """Every byte the program wrote to its terminal."""

    def pump(self, seconds: float = 0.1) -> None:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            self.written += chunk
            self.stream.feed(chunk)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait_until(self, condition: Callable[[str], bool], timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if condition(self.text()):
                return True
        return False


@contextmanager
def hosted_in_a_terminal(db: Path, *options: str, columns: int = 80, lines: int = 24) -> Iterator[Terminal]:
    terminal, program_side = pty.openpty()
    ioctl(program_side, TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    process = subprocess.Popen(
        [*RETRO, "host", "--db", str(db), "--host", "127.0.0.1", "--port", "0", *options],
        stdin=program_side,
        stdout=program_side,
        stderr=program_side,
        cwd=ROOT,
        env={**os.environ, "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none"},
        start_new_session=True,
    )
    os.close(program_side)
    screen = pyte.Screen(columns, lines)
    shown = Terminal(terminal, screen, pyte.ByteStream(screen))
    try:
        yield shown
    finally:
        process.send_signal(signal.SIGTERM)
        while process.poll() is None:  # Keep reading, so that the app can write its way out.
            shown.pump(0.2)
        os.close(terminal)
