"""`retro serve`: the same server with no TUI, printing the URLs a phone and a facilitator need.

SIGTERM or Ctrl-C stops it gracefully: every connection closes with 1012, spread over the drain window.
"""

import asyncio
import signal

from retro.session import Session
from server.app import RetroServer, ServerConfig
from server.service_log import log_event


async def serve_headless(session: Session, config: ServerConfig) -> None:
    server = RetroServer(session, config)
    await server.start()
    session.store.remember_port(session.record.retro_id, server.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"Retro:           {session.state.title}", flush=True)
    print(f"Join URL:        {server.join_url}", flush=True)
    print(f"Facilitator URL: {server.websocket_url}", flush=True)
    print(f"Facilitator key: {session.record.facilitator_key}", flush=True)
    log_event("started", port=server.port, tls=config.certfile is not None, phase=session.state.phase.value)
    try:
        await stop.wait()
        log_event("stopping")
        await server.drain()
    finally:
        await server.stop()
        log_event("stopped")
