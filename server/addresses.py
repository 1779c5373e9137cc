"""Which address phones should use to reach this machine, and the URLs built on it."""

import socket
from dataclasses import dataclass

_UNSPECIFIED = {"0.0.0.0", "::", ""}


def lan_address() -> str:
    """The address this machine uses on its local network. Connecting a UDP socket sends no packet."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only selects a route, nothing is sent.
        address: str = probe.getsockname()[0]
        return address
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


@dataclass(frozen=True)
class PublicAddress:
    """The base URL phones are given: a tunnel or proxy's URL, or this machine's address and port."""

    base_url: str

    @classmethod
    def for_listener(cls, bind_host: str, port: int, public_url: str | None) -> "PublicAddress":
        if public_url:
            return cls(public_url.rstrip("/"))
        host = lan_address() if bind_host in _UNSPECIFIED else bind_host
        if ":" in host:
            host = f"[{host}]"
        return cls(f"http://{host}:{port}")

    def join_url(self, join_token: str) -> str:
        return f"{self.base_url}/j/{join_token}"

    def websocket_url(self, join_token: str) -> str:
        scheme = "wss" if self.base_url.startswith("https") else "ws"
        return f"{scheme}://{self.base_url.split('://', 1)[1]}/ws/{join_token}"
