"""The languages the phone page ships in: one catalogue each (server/static/locales/<code>.json).

A retro's default language (`--lang`) and the translations the built-in templates carry are checked
against this list; tests/test_i18n_catalogues.py holds it to the catalogues on disk.
"""

from typing import Annotated

from pydantic import Field

SOURCE_LOCALE = "en"
"""The language the page is written in, and the one a phone falls back to."""

LOCALES: tuple[str, ...] = ("en", "cy", "pl", "ro", "pt", "es", "fil", "ml", "ar")
"""English, Welsh, Polish, Romanian, Portuguese, Spanish, Filipino, Malayalam and Arabic."""

LocaleCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)]
"""A BCP 47 language tag as a template's translations are keyed: `cy`, `pt-BR`, `fil`."""
