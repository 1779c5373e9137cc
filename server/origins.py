"""Which browser origins may open the websocket: only pages this server really serves.

Trusting an Origin because it matches the request's own Host would let in any site whose name is made
to resolve to this machine (DNS rebinding). So the list comes from where the server listens and the
addresses it shows: its listen addresses with its port (loopback names too when it listens on loopback
or on every interface), the LAN URL it shows, and --public-url.
"""

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_EVERY_INTERFACE = frozenset({"0.0.0.0", "::", ""})
_DEFAULT_PORTS = {"http": 80, "https": 443}

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class ParsedOrigin:
    scheme: str
    host: str
    port: int

    @property
    def serialised(self) -> str:
        """As a browser writes it: lower case, brackets around IPv6, no default port."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if _DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def _ip(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _normalised_host(host: str) -> str:
    address = _ip(host)
    return address.compressed if address is not None else host.lower()


def parse_origin(text: str) -> ParsedOrigin | None:
    """A serialised origin (scheme, host, optional port, nothing else), or None for anything else."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    return ParsedOrigin(parts.scheme, _normalised_host(parts.hostname), port or _DEFAULT_PORTS[parts.scheme])


def origin_of(url: str) -> ParsedOrigin | None:
    """The origin of a base URL such as --public-url, which may carry a path."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parse_origin(f"{parts.scheme}://{parts.netloc}")


def is_local_address(address: IpAddress) -> bool:
    """Whether an IP address belongs to this machine: a socket can be bound only to its own addresses."""
    if address.is_unspecified or address.is_multicast:
        return False
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind((str(address), 0))
    except OSError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    address = _ip(host)
    return host.lower() == "localhost" or (address is not None and address.is_loopback)


def _resolved(name: str) -> set[str]:
    try:
        found = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return set()
    return {_normalised_host(str(info[4][0])) for info in found}


class ServedOrigins:
    def __init__(self, bind_host: str, port: int, shown_urls: Iterable[str | None] = ()) -> None:
        self.port = port
        self._everywhere = bind_host in _EVERY_INTERFACE
        hosts: set[str] = set()
        if self._everywhere or _is_loopback(bind_host):
            hosts |= LOOPBACK_HOSTS
        if not self._everywhere:
            hosts.add(_normalised_host(bind_host))
            if _ip(bind_host) is None:
                hosts |= _resolved(bind_host)
        self._hosts = frozenset(hosts)
        shown = (origin_of(url) for url in shown_urls if url)
        self._exact = frozenset(origin.serialised for origin in shown if origin is not None)

    def allows(self, origin: str) -> bool:
        parsed = parse_origin(origin)
        if parsed is None:
            return False
        if parsed.serialised in self._exact:
            return True
        if parsed.port != self.port:
            return False
        if parsed.host in self._hosts:
            return True
        address = _ip(parsed.host)
        return self._everywhere and address is not None and is_local_address(address)
