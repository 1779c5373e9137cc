"""The PDF's paper size: A4, except where the locale says US Letter (the United States and Canada)."""

import re
from collections.abc import Mapping
from enum import StrEnum


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"

    @property
    def css_size(self) -> str:
        return "A4" if self is Paper.A4 else "letter"


LETTER_TERRITORIES = frozenset({"US", "CA"})
LOCALE_VARIABLES = ("LC_ALL", "LC_PAPER", "LC_MESSAGES", "LANG")
"""Read in this order; the first one set decides, as the C library does for LC_ALL over the rest."""
_TERRITORY = re.compile(r"^[A-Za-z]{2,3}_([A-Za-z]{2})\b")


def locale_paper(environ: Mapping[str, str]) -> Paper:
    """`en_US.UTF-8`, `fr_CA`, `es_US` → Letter; `en_GB.UTF-8`, `de_DE`, `C`, nothing set → A4."""
    locale = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    territory = _TERRITORY.match(locale)
    return Paper.LETTER if territory and territory.group(1).upper() in LETTER_TERRITORIES else Paper.A4
