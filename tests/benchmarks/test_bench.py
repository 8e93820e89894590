"""benchmarks/bench.py's pure helpers: percentiles, summaries, ratios, the results table and the footer."""

import numpy as np
import pytest

from benchmarks.bench import percentile, ratio, summary, table


@pytest.mark.parametrize("q", [0, 5, 50, 90, 95, 100])
def test_percentile_matches_numpy(q):
    values = [0.3, 0.1, 0.7, 0.2, 1.5, 0.9, 0.4]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_known_values_and_of_nothing():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_summary_is_in_milliseconds():
    assert summary([0.010, 0.020, 0.030]) == {"n": 3, "p50_ms": 20.0, "p95_ms": 29.0, "max_ms": 30.0}


def test_ratio_of_missing_figures_is_none():
    assert ratio(30.0, 20.0) == 1.5
    assert ratio(None, 20.0) is None and ratio(30.0, 0) is None


def test_table_aligns_text_left_and_numbers_right():
    rows = [{"endpoint": "/generate", "p50": 1.234, "met": True}, {"endpoint": "/a", "p50": 150.0, "met": None}]
    lines = table(rows, [("endpoint", "endpoint"), ("p50", "p50 ms"), ("met", "met")]).splitlines()
    assert lines[0] == "endpoint   p50 ms  met "
    assert lines[1] == "---------  ------  ----"
    assert lines[2] == "/generate    1.23  True"  # two decimals below 10, one above
    assert lines[3] == "/a          150.0  -   "


def test_a_benchmarks_last_line_names_the_load_at_the_start_and_at_the_end_when_recorded():
    from benchmarks.bench import machine, machine_line

    m = machine()
    assert m["cpu_count"] >= 1 and m["load_average_at_start"] >= 0
    m.update(load_average_at_start=1.26, cpu_count=2, note="quiet")
    assert machine_line(m) == "load average 1.3 at the start (2 CPUs; quiet)"
    m["load_average_at_end"] = 12.04
    assert machine_line(m) == "load average 1.3 at the start, 12.0 at the end (2 CPUs; quiet)"


def test_the_footer_names_the_machine_the_load_at_both_ends_and_the_command_to_rerun():
    from benchmarks.bench import command_line, footer, machine

    m = machine()
    assert m["cpu"] and m["platform"] and "load_average_at_end" not in m
    m.update(load_average_at_start=1.26, cpu_count=2, note="quiet", cpu="Some CPU", platform="Linux x86_64")
    command = command_line("serving", ["endpoints", "--only", "/generate (new seed),/reconstruct"])
    assert command == "python -m benchmarks serving endpoints --only '/generate (new seed),/reconstruct'"
    lines = footer(m, command).splitlines()
    assert lines[0] == ""  # a blank line sets it apart
    assert lines[1] == "machine: Some CPU (Linux x86_64)"
    assert lines[2].startswith("load average 1.3 at the start, ") and lines[2].endswith(" at the end (2 CPUs; quiet)")
    assert lines[3] == f"command: {command}"
    assert m["load_average_at_end"] >= 0  # recorded by the footer


def test_the_footer_keeps_a_load_at_the_end_recorded_earlier():
    from benchmarks.bench import footer

    m = {"cpu": "c", "platform": "p", "cpu_count": 2, "load_average_at_start": 1.0, "note": "n",
         "load_average_at_end": 7.0}  # e.g. before the benchmark stopped its servers
    assert "1.0 at the start, 7.0 at the end" in footer(m, "python -m benchmarks layout")
