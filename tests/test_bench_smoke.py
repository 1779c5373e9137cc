"""The benchmarks run end to end against real servers (and Debian's Chromium, for the page) and print
their tables.

How fast it measures is not a test's business (docs/performance.md): only that it runs and reports numbers.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"-?\d+\.\d"
MEASURES = (
    "Rename to last phone, p50 (ms)",
    "Rename to last phone, p95 (ms)",
    "Server CPU per change (ms)",
    "Server memory per phone (KB)",
)


def test_the_multi_retro_bench_in_quick_mode_prints_its_table_with_numbers() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.multi_retro", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stderr
    table = done.stdout
    assert "| Measure | Baseline: 1 retro × 3 phones | Load: 2 retros × 3 phones |" in table, table
    for measure in MEASURES:
        assert re.search(rf"^\| {re.escape(measure)} \| {NUMBER} \| {NUMBER} \| ", table, re.MULTILINE), table
    assert re.search(
        r"^\| Rename to last phone, p50 \(ms\) .*\| ≤ 1\.3 \| (PASS|FAIL) \|$", table, re.MULTILINE
    )
    assert "Traceback" not in done.stderr


def run_bench(module: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.mark.browser
def test_the_page_weight_bench_in_quick_mode_prints_its_table_with_numbers() -> None:
    table = run_bench("bench.page_weight")
    for load, target in (("First load \\(empty cache\\)", "≤ 30"), ("Reload", "≤ 2")):
        row = rf"^\| {load} \| \d+ \|( {NUMBER} \|){{5}} {target} \| (PASS|FAIL) \|$"
        assert re.search(row, table, re.MULTILINE), table
    assert re.search(rf"^\| A new join link, same phone \| \d+ \|( {NUMBER} \|){{5}}", table, re.M), table


@pytest.mark.browser
def test_the_page_cpu_bench_in_quick_mode_prints_its_table_with_numbers() -> None:
    table = run_bench("bench.page_cpu")
    measure = r"^\| Connected and showing the phase, p50 \(ms\) \| \d+ \| \d+ \| "
    pattern = measure + r"\d+\.\d\d \| ≤ 1\.3 \| (PASS|FAIL) \|$"
    assert re.search(pattern, table, re.MULTILINE), table


def test_the_acks_bench_in_quick_mode_prints_its_table_with_numbers() -> None:
    table = run_bench("bench.acks")
    numbers = rf"\| {NUMBER} \| {NUMBER} \| {NUMBER}\d \|"
    assert re.search(rf"^\| add_item ack, p50 \(ms\) {numbers}", table, re.MULTILINE), table
    pattern = rf"^\| add_item ack, p99 \(ms\) {numbers} ≤ 2\.0 \| (PASS|FAIL) \|$"
    assert re.search(pattern, table, re.MULTILINE), table


def test_the_startup_bench_in_quick_mode_prints_its_table_with_numbers() -> None:
    table = run_bench("bench.startup")
    measures = (
        ('`retro --help` vs `python -c "import textual"`', r"0\.5"),
        ("`retro host` to its QR code vs a Textual hello world", r"1\.3"),
    )
    for measure, target in measures:
        times = r"\d+ \| \d+ \| \d+\.\d\d"
        pattern = rf"^\| {re.escape(measure)} \| {times} \| {times} \| ≤ {target} \| (PASS|FAIL) \|$"
        assert re.search(pattern, table, re.MULTILINE), table


def test_the_store_acks_bench_in_quick_mode_prints_its_table_with_numbers() -> None:
    from tests.support.postgres import binaries, unavailable

    if binaries() is None:
        unavailable("PostgreSQL's binaries are not in /usr/lib/postgresql/*/bin")
    table = run_bench("bench.store_acks")
    numbers = rf"\| {NUMBER} \| {NUMBER} \| {NUMBER}\d \|$"
    for measure in ("add_item ack, p50 \\(ms\\)", "add_item ack, p99 \\(ms\\)"):
        assert re.search(rf"^\| {measure} {numbers}", table, re.MULTILINE), table


def test_the_two_processes_bench_in_quick_mode_prints_its_table_with_numbers() -> None:
    from tests.support.postgres import binaries, unavailable

    if binaries() is None:
        unavailable("PostgreSQL's binaries are not in /usr/lib/postgresql/*/bin")
    table = run_bench("bench.two_processes")
    numbers = rf"\| {NUMBER} \| {NUMBER} \| {NUMBER}\d \|"
    assert re.search(rf"^\| Rename to last phone, p50 \(ms\) {numbers}", table, re.MULTILINE), table
    pattern = rf"^\| Rename to last phone, p99 \(ms\) {numbers} ≤ 1\.5 \| (PASS|FAIL) \|$"
    assert re.search(pattern, table, re.MULTILINE), table
