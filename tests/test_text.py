from retro.text import clean_text


def test_terminal_escapes_and_control_characters_are_stripped() -> None:
    raw = "\x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07 bell\x07 nul\x00"
    assert clean_text(raw) == "red link bell nul"


def test_line_breaks_survive_and_whitespace_is_folded() -> None:
    assert clean_text("  first   line \n\n  second\tline  ") == "first line\nsecond line"


def test_markup_and_html_are_kept_literally() -> None:
    assert clean_text("[b]bold[/b] <script>x</script> [@click=app.quit]") == (
        "[b]bold[/b] <script>x</script> [@click=app.quit]"
    )


def test_emoji_with_joiners_is_kept() -> None:
    assert clean_text("team 👩‍💻 win") == "team 👩‍💻 win"
