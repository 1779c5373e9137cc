"""permessage-deflate as the server offers it: compressed frames, and no compression state kept between
messages, on either side.

With context takeover (websockets' default) every connection keeps a compressor and a decompressor alive,
about 48 KB per phone. Without it each message is compressed on its own and the state is freed at once:
a board compresses about as well on its own, a patch is small either way, and 1,000 idle phones hold no
zlib state at all (bench/joins.py measures the memory per phone).
"""

from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

WINDOW_BITS = 12
MEMORY_LEVEL = 5
"""websockets' own defaults for the window and zlib's memory level, used once per message now."""


def per_message_deflate() -> ServerPerMessageDeflateFactory:
    return ServerPerMessageDeflateFactory(
        server_no_context_takeover=True,
        client_no_context_takeover=True,
        server_max_window_bits=WINDOW_BITS,
        client_max_window_bits=WINDOW_BITS,
        compress_settings={"memLevel": MEMORY_LEVEL},
    )
