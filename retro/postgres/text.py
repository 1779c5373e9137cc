"""What PostgreSQL can compare at all: text without NUL characters or lone surrogates. A lookup by anything
else (a token from a URL, say) finds nothing, rather than failing."""


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
