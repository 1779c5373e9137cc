"""`retro serve`: the server with no TUI. It serves every team's retros; with a retro of its own
(`--title` or `--resume`) it also prints the URLs and the key that drive that one retro from a script.

SIGTERM or Ctrl-C stops it gracefully: every connection closes with 1012, spread over the drain window.
"""

import asyncio
import signal

from retro.credentials import issue_operator_token
from retro.session import Session
from retro.store import EventStore
from server.app import RetroServer, ServerConfig
from server.service_log import log_event


async def serve_headless(store: EventStore, session: Session | None, config: ServerConfig) -> None:
    server = RetroServer(session, config, store)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    operator_token = issue_operator_token(store)
    if operator_token is not None:
        print(f"Operator token:  {operator_token}", flush=True)
        print(
            "                 Shown this once, and only its hash is kept. Keep it safe; it adds and revokes"
            " teams (retro team add NAME --server URL).",
            flush=True,
        )
    print(f"Server URL:      {server.address.base_url}", flush=True)
    if session is not None:
        store.remember_port(session.record.retro_id, server.port)
        print(f"Retro:           {session.state.title}", flush=True)
        print(f"Join URL:        {server.join_url}", flush=True)
        print(f"Facilitator URL: {server.websocket_url}", flush=True)
        print(f"Facilitator key: {session.record.facilitator_key}", flush=True)
    retro = {"phase": session.state.phase.value} if session is not None else {}
    log_event("started", port=server.port, tls=config.certfile is not None, **retro)
    try:
        await stop.wait()
        log_event("stopping")
        await server.drain()
    finally:
        await server.stop()
        log_event("stopped")
