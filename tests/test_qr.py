"""The QR code drawn in the terminal decodes back to the URL it was made from."""

from tests.qr_bitmap import decode
from tui.widgets.qr import half_block_lines, qr_matrix


def test_half_block_qr_decodes_to_the_join_url() -> None:
    url = "http://192.168.1.20:8765/j/Zm9vYmFyYmF6cXV4MTIzNA"
    assert decode("\n".join(half_block_lines(qr_matrix(url)))) == url


def test_each_text_line_holds_two_module_rows() -> None:
    matrix = qr_matrix("http://retro.test/j/abc")
    lines = half_block_lines(matrix)
    assert len(lines) == (len(matrix) + 1) // 2
    assert all(len(line) == len(matrix[0]) for line in lines)
