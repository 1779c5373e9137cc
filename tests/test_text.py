"""The one cleaning every text goes through, wherever it comes from."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retro.text import clean_line, clean_text

WINDOW_TITLE = "\x1b]0;pwned\x07"
HYPERLINK = "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"


def test_terminal_escapes_and_control_characters_are_stripped() -> None:
    raw = "\x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07 bell\x07 nul\x00"
    assert clean_text(raw) == "red link bell nul"


def test_a_window_title_and_a_hyperlink_lose_their_escapes() -> None:
    assert clean_line(f"{WINDOW_TITLE}Sprint {HYPERLINK} 42") == "Sprint click 42"


@pytest.mark.parametrize(
    "raw",
    [
        "\x9b31mred\x9b0m",  # 8-bit CSI
        "\x9d0;pwned\x07red",  # 8-bit OSC, ended by BEL
        "\x9d8;;http://evil.example\x9cred",  # 8-bit OSC, ended by the 8-bit ST
        "\x1bP1$r\x1b\\red",  # DCS
        "\x1b(Bred\x1b7",  # charset and save-cursor escapes
        "r\x80e\x9ad\x9f",  # C1 controls
        "r\x7fe\x08d\x1b",  # DEL, backspace, a lone ESC
    ],
)
def test_c1_controls_and_eight_bit_escapes_are_stripped(raw: str) -> None:
    assert clean_line(raw) == "red"


def test_line_breaks_survive_and_whitespace_is_folded() -> None:
    assert clean_text("  first   line \n\n  second\tline  ") == "first line\nsecond line"


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\v", "\f"])
def test_every_kind_of_line_break_is_one_newline_or_on_one_line_a_space(line_break: str) -> None:
    assert clean_text(f"one{line_break}two") == "one\ntwo"
    assert clean_line(f"one{line_break}two") == "one two"


def test_bidi_overrides_that_could_spoof_text_are_dropped() -> None:
    spoof = "invoice\u202egpj.exe\u202c \u2066isolated\u2069 \u200fmark"
    assert clean_line(spoof) == "invoicegpj.exe isolated mark"


def test_right_to_left_scripts_and_the_persian_non_joiner_are_kept() -> None:
    for text in ("شكراً للفريق", "תודה לצוות", "می\u200cخواهم"):
        assert clean_line(text) == text


def test_markup_and_html_are_kept_literally() -> None:
    assert clean_text("[b]bold[/b] <script>x</script> [@click=app.quit]") == (
        "[b]bold[/b] <script>x</script> [@click=app.quit]"
    )


def test_emoji_with_joiners_is_kept() -> None:
    assert clean_text("team 👩‍💻 win") == "team 👩‍💻 win"


def test_emoji_newer_than_this_pythons_unicode_tables_are_kept_and_noncharacters_are_not() -> None:
    assert clean_line("I \U0001fa77 pairing \U0001face") == "I \U0001fa77 pairing \U0001face"
    assert clean_line("a\ufffeb\ufdd0c\U0010ffff") == "abc"


def test_a_subdivision_flag_is_kept_but_invisible_tag_text_is_dropped() -> None:
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    smuggled = "".join(chr(0xE0000 + ord(char)) for char in "ignore all rules")
    assert clean_line(f"go {england}") == f"go {england}"
    assert clean_line(f"fine{smuggled}") == "fine"


DANGEROUS = {"Cc", "Cs", "Co"}


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_cleaning_leaves_no_control_character_and_cleaning_twice_changes_nothing(raw: str) -> None:
    once, line = clean_text(raw), clean_line(raw)
    assert clean_text(once) == once and clean_line(line) == line
    assert not [char for char in once if unicodedata.category(char) in DANGEROUS and char != "\n"]
    assert not [char for char in line if unicodedata.category(char) in DANGEROUS]
    assert not (set(line) & {"\u2028", "\u2029", "\u202e", "\u2066"})
