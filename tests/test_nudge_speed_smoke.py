"""bench/nudge_speed.py runs in quick mode and reports per-keystroke times and the model's gzipped size."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


def test_the_speed_bench_reports_both_throttles_and_the_compressed_size() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.nudge_speed", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert re.search(r"^no throttle +\d+ keystrokes +mean [\d.]+ ms", result.stdout, re.M), result.stdout
    assert re.search(r"^4x throttle +\d+ keystrokes +mean [\d.]+ ms", result.stdout, re.M), result.stdout
    size = re.search(r"(\d+) gzipped", result.stdout)
    assert size is not None and int(size.group(1)) <= 40 * 1024
