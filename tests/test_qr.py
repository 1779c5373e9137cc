"""The QR code drawn in the terminal decodes back to the URL it was made from, in every size."""

import pytest

from tests.support.qr_bitmap import decode, decode_rows
from tui.widgets.qr import SIZES, QrCode, QrSize, drawings, half_block_lines, qr_matrix

URL = "http://192.168.1.20:8765/j/Zm9vYmFyYmF6cXV4MTIzNA"


def test_half_block_qr_decodes_to_the_join_url() -> None:
    assert decode("\n".join(half_block_lines(qr_matrix(URL)))) == URL


def test_each_text_line_holds_two_module_rows() -> None:
    matrix = qr_matrix("http://retro.test/j/abc")
    lines = half_block_lines(matrix)
    assert len(lines) == (len(matrix) + 1) // 2
    assert all(len(line) == len(matrix[0]) for line in lines)


@pytest.mark.parametrize("size", SIZES)
def test_every_size_draws_its_own_quiet_zone_and_scans_on_a_dark_screen(size: QrSize) -> None:
    matrix = qr_matrix(URL, size)
    margin = size.quiet_zone
    assert not any(matrix[row][col] for row in range(margin) for col in range(len(matrix)))
    dark = 3
    width = len(matrix) + 2 * dark
    on_screen = [[True] * width] * dark + [[True] * dark + row + [True] * dark for row in matrix]
    on_screen += [[True] * width] * dark
    assert decode_rows(on_screen, quiet=0) == URL


def test_smaller_sizes_come_after_more_robust_ones() -> None:
    drawn = drawings(URL)
    assert [len(lines) for lines in drawn] == sorted((len(lines) for lines in drawn), reverse=True)
    assert all(decode("\n".join(lines)) == URL for lines in drawn)


@pytest.mark.parametrize("length", [1, 20, 47, 48, 90, 150, 300])
def test_the_measured_sizes_are_the_sizes_drawn(length: int) -> None:
    url = "http://192.168.100.200:65535/j/" + "x" * length
    drawn = [(len(lines[0]), len(lines)) for lines in drawings(url)]
    assert QrCode(url).dimensions == drawn
