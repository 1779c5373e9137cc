"""The baseline for bench/fanout.py and bench/joins.py: a bare websockets 17 server doing the least the same
job needs, in a process of its own.

A phone connects at `/phone` and says hello; the server answers a welcome and the whole board, and keeps
the connection. A change arrives at `/control` as `{"title": ...}`: the server renames the board's first
topic, serialises the board once and `broadcast()`s it to every phone, with websockets' default
permessage-deflate. `{"board": ...}` at `/control` sets the board that phones get.

    .venv/bin/python -m bench.bare     # prints "Server URL: ws://127.0.0.1:<port>"
"""

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

from bench.multi_retro import ROOT, BenchFailed, raise_open_files

WELCOME = json.dumps({"type": "welcome", "protocol": 1, "role": "participant"})


class Bare:
    def __init__(self) -> None:
        self.phones: set[ServerConnection] = set()
        self.board: dict[str, Any] = {"type": "board", "board": {"topics": []}}
        self.board_json = json.dumps(self.board)

    async def handle(self, websocket: ServerConnection) -> None:
        path = websocket.request.path if websocket.request is not None else ""
        if path == "/control":
            async for raw in websocket:
                self.change(json.loads(raw))
                await websocket.send("ok")
            return
        await websocket.recv()  # the hello
        await websocket.send(WELCOME)
        await websocket.send(self.board_json)
        self.phones.add(websocket)
        try:
            await websocket.wait_closed()
        finally:
            self.phones.discard(websocket)

    def change(self, change: dict[str, Any]) -> None:
        if "board" in change:
            self.board = change["board"]
        else:
            self.board["board"]["topics"][0]["title"] = change["title"]
        self.board_json = json.dumps(self.board)
        if "title" in change:
            broadcast(self.phones, self.board_json)


async def run() -> None:
    bare = Bare()
    async with serve(bare.handle, "127.0.0.1", 0, max_size=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"Server URL: ws://127.0.0.1:{port}", flush=True)
        await asyncio.get_running_loop().create_future()


@dataclass
class BareProcess:
    process: subprocess.Popen[str]
    url: str

    @classmethod
    def start(cls) -> "BareProcess":
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.bare"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=raise_open_files,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("Server URL:"):
            raise BenchFailed("the bare server did not start")
        return cls(process, line.partition(":")[2].strip())

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise BenchFailed("no VmRSS in /proc/<pid>/status")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()


if __name__ == "__main__":
    asyncio.run(run())
