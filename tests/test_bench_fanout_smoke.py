"""bench/fanout.py and bench/joins.py run end to end against real servers and print their tables.

How fast is not a test's business (docs/performance.md): only that they run and report numbers.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"-?\d+\.\d+"


def quick(module: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_the_fanout_bench_prints_each_measure_against_the_bare_broadcast() -> None:
    table = quick("bench.fanout")
    for measure, target in [
        ("Rename to last phone, p50 (ms)", "≤ 1.0"),
        ("Rename to last phone, p99 (ms)", "≤ 1.2"),
        ("Server CPU per change (ms)", "≤ 0.3"),
    ]:
        figures = rf"{NUMBER} \| {NUMBER} \| ({NUMBER}|inf)"
        row = rf"^\| {re.escape(measure)} \| {figures} \| {target} \| (PASS|FAIL) \|$"
        assert re.search(row, table, re.MULTILINE), table
    assert re.search(rf"^\| Server memory per phone \(KB\) \| {NUMBER} \| {NUMBER} \| ", table, re.MULTILINE)


def test_the_joins_bench_prints_the_time_for_every_phone_to_join() -> None:
    table = quick("bench.joins")
    figures = rf"{NUMBER} \| {NUMBER} \| {NUMBER}"
    row = rf"^\| All phones joined, at once, median \(s\) \| {figures} \| ≤ 1\.5 \| (PASS|FAIL) \|$"
    assert re.search(row, table, re.MULTILINE), table
    assert re.search(
        rf"^\| Frames received per phone, at once \| {NUMBER} \| {NUMBER} \| ", table, re.MULTILINE
    ), table
