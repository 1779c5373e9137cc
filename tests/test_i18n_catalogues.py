"""The message catalogues: complete in every locale, well-formed plurals and placeholders, honest metadata,
every error code worded; template translations (built in and TOML) reach the board; the 404 page speaks the
request's language."""

import json
import re
from pathlib import Path

import pytest

from retro.builtin_templates import BUILT_IN
from retro.locales import LOCALES, SOURCE_LOCALE
from retro.phases import Phase
from retro.settings import RetroSettings
from retro.template_files import TemplateError, load_template
from server.app import RetroServer
from server.catalogues import negotiate
from server.protocol import ERROR_CODES
from tests.support.doors import exchange
from tests.support.static_files import STATIC

LOCALES_DIR = STATIC / "locales"
PLURAL_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
META = {"locale": str, "name": str, "dir": str, "drafted_by": str, "reviewed_by_native_speaker": bool}


def catalogue(code: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((LOCALES_DIR / f"{code}.json").read_text(encoding="utf-8"))
    return data


def shipped() -> list[str]:
    return sorted(path.stem for path in LOCALES_DIR.glob("*.json"))


ENGLISH = catalogue(SOURCE_LOCALE)


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def forms(value: object) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [str(value)]


@pytest.mark.parametrize("code", shipped())
def test_every_catalogue_has_every_key_of_english_and_no_other(code: str) -> None:
    messages = catalogue(code)
    assert sorted(set(ENGLISH) - set(messages)) == []
    assert sorted(set(messages) - set(ENGLISH)) == []


@pytest.mark.parametrize("code", shipped())
def test_metadata_says_who_drafted_it_and_whether_a_native_speaker_reviewed_it(code: str) -> None:
    meta = catalogue(code)["_meta"]
    assert isinstance(meta, dict)
    assert {name: type(meta.get(name)) for name in META} == META
    assert meta["locale"] == code and meta["dir"] in ("ltr", "rtl") and meta["name"] and meta["drafted_by"]


@pytest.mark.parametrize("code", shipped())
def test_plurals_name_cldr_categories_and_keep_english_placeholders(code: str) -> None:
    messages = catalogue(code)
    for key, english in ENGLISH.items():
        if key == "_meta":
            continue
        value = messages[key]
        assert isinstance(value, dict) == isinstance(english, dict), key
        if isinstance(value, dict):
            assert "other" in value and set(value) <= PLURAL_CATEGORIES, key
        wanted = set().union(*(placeholders(form) for form in forms(english)))
        for form in forms(value):
            assert isinstance(form, str) and form.strip(), key
            # A plural form may say its number in words ("one"), so {n} alone may be left out.
            assert wanted - {"n"} <= placeholders(form) <= wanted, (key, form)


def test_the_shipped_locales_are_the_nine_and_each_has_a_catalogue() -> None:
    assert set(LOCALES) == {"en", "cy", "pl", "ro", "pt", "es", "fil", "ml", "ar"}
    assert set(shipped()) <= set(LOCALES)


def test_every_error_code_a_phone_may_get_has_a_sentence_and_every_phase_its_words() -> None:
    assert {code for code in ERROR_CODES if f"error.{code}" not in ENGLISH} == set()
    for phase in Phase:
        assert f"phase.{phase.value}.label" in ENGLISH and f"phase.{phase.value}.instruction" in ENGLISH
    assert ENGLISH["phase.write.instruction"] == Phase.WRITE.instruction


def translated_locales() -> list[str]:
    """The languages builtin_template_translations.json has begun."""
    data = json.loads(
        (Path(__file__).parents[1] / "retro" / "builtin_template_translations.json").read_text("utf-8")
    )
    return sorted(code for code in data if not code.startswith("_"))


@pytest.mark.parametrize("code", sorted(set(shipped()) - {SOURCE_LOCALE}))
def test_the_built_in_templates_are_translated_whole_in_each_language_begun(code: str) -> None:
    assert set(translated_locales()) <= set(shipped())
    missing = [f"{t.name}/{p.id}" for t in BUILT_IN.values() for p in t.prompts if code not in p.translations]
    missing += [
        f"{t.name}/{q.id}" for t in BUILT_IN.values() for q in t.checkin if code not in q.translations
    ]
    assert missing == []
    # A phone in this language shows the translation's hint and labels, not English's: none may be lost.
    lost = [
        f"{t.name}/{p.id}"
        for t in BUILT_IN.values()
        for p in t.prompts
        if p.hint and not p.translations[code].hint
    ]
    lost += [
        f"{t.name}/{q.id}"
        for t in BUILT_IN.values()
        for q in t.checkin
        if (q.low_label and not q.translations[code].low_label)
        or (q.high_label and not q.translations[code].high_label)
    ]
    assert lost == []


def test_a_toml_prompt_carries_translations_in_short_and_long_form(tmp_path: Path) -> None:
    path = tmp_path / "ward.toml"
    path.write_text(
        'name = "ward"\ntitle = "Ward"\n[[prompts]]\nid = "hard"\ntext = "What was hard?"\n'
        '[prompts.translations]\ncy = "Beth oedd yn anodd?"\n'
        'pl = { text = "Co było trudne?", hint = "Spokojnie" }\n'
        '[[checkin]]\nid = "rest"\ntext = "Rested?"\n[checkin.translations.ar]\ntext = "هل ارتحت؟"\n',
        encoding="utf-8",
    )
    template = load_template(path)
    prompt = template.prompts[0]
    assert (prompt.translations["cy"].text, prompt.translations["cy"].hint) == ("Beth oedd yn anodd?", "")
    assert (prompt.translations["pl"].text, prompt.translations["pl"].hint) == (
        "Co było trudne?",
        "Spokojnie",
    )
    assert template.checkin[0].translations["ar"].text == "هل ارتحت؟"


def test_a_bad_language_tag_in_a_toml_template_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "bad"\ntitle = "Bad"\n[[prompts]]\nid = "a"\ntext = "A"\n'
        '[prompts.translations]\n"Welsh!" = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=r"prompts\[1\]\.translations"):
        load_template(path)


def test_a_retros_default_language_is_one_of_ours() -> None:
    assert RetroSettings(lang="cy").lang == "cy"
    with pytest.raises(ValueError, match="not one of the page's languages"):
        RetroSettings(lang="xx")


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        (None, "en"),
        ("", "en"),
        ("cy", "cy"),
        ("fr-FR, cy;q=0.8, en;q=0.5", "cy"),
        ("en;q=0.4, cy-GB;q=0.9", "cy"),
        ("ar-EG", "ar"),
        ("*", "en"),
        ("cy;q=abc, ;;;, \x00", "en"),
        ("zz, qq;q=1", "en"),
    ],
)
def test_accept_language_chooses_a_catalogue_we_have_or_english(header: str | None, chosen: str) -> None:
    if chosen not in shipped():
        chosen = "en"
    assert negotiate(header) == chosen


async def test_the_not_found_page_speaks_the_requests_language(server: RetroServer) -> None:
    welsh = catalogue("cy") if "cy" in shipped() else ENGLISH
    response = await exchange(
        server.port,
        ["GET /nothing-here HTTP/1.1", f"Host: 127.0.0.1:{server.port}", "Accept-Language: cy, en;q=0.5"],
    )
    page = response.body.decode()
    assert response.status == 404
    assert 'lang="cy"' in page or "cy" not in shipped()
    assert str(welsh["notfound.heading"]).replace("'", "&#x27;") in page
    english = await exchange(server.port, ["GET /nothing-here HTTP/1.1", f"Host: 127.0.0.1:{server.port}"])
    assert "There is no retro at this address" in english.body.decode()
