"""`python -m benchmarks memory`: the soak against the app served in this process (conftest.py `served`), the
memory kept per thread, and the probe's readings. (Named apart from tests/lab/test_memory.py: pytest imports
test files by their base name.)"""

import json
import os
import subprocess
import sys

import pytest

from benchmarks.bench import ROOT
from benchmarks.memory import main


def test_soak_sends_the_mixed_requests_and_reads_the_servers_memory_and_cache(run, served, demo):
    figures, printed = run("memory", "soak", "--url", served["app"], "--pid", str(os.getpid()),
                           "--cache-dir", demo.GRADIO_CACHE, "--requests", "3", "--clients", "1", "--warmup", "1")
    assert figures["errors"] == 0, figures["failures"]
    assert sum(kind["count"] for kind in figures["by_kind"].values()) == 3
    assert set(figures["by_kind"]) <= {"generate", "reconstruct", "bad upload", "interpolate", "manifold"}
    for when in ("start", "after_warmup", "end"):
        assert figures[f"rss_mb_{when}"] > 100  # this process, with torch and the models loaded
        assert figures[f"anon_mb_{when}"] + figures[f"file_mb_{when}"] == pytest.approx(
            figures[f"rss_mb_{when}"], abs=figures[f"rss_mb_{when}"] * 0.1)  # and shared memory
    assert figures["rss_growth_mb"] == pytest.approx(figures["rss_mb_end"] - figures["rss_mb_start"], abs=0.11)
    assert 0 <= figures["cache_mb_start"] and figures["cache_mb_end"] <= figures["cache_mb_peak"]
    assert figures["cache_seconds"] is None and "server_log_errors" not in figures  # the app was not started here
    assert '"rss_mb_end"' in printed


def test_soak_of_a_running_app_needs_its_process_and_cache_folder(served, capsys):
    with pytest.raises(SystemExit):
        main(["soak", "--url", served["app"], "--requests", "1"])
    assert "--url needs --pid and --cache-dir" in capsys.readouterr().err


def test_per_thread_reads_the_memory_with_the_work_pooled_and_on_each_thread(run):
    figures, printed = run("memory", "per-thread", "--threads", "2")
    assert figures["threads"] == 2 and figures["compute_threads"] >= 1
    assert min(figures["rss_mb_start"], figures["rss_mb_through_friendly"], figures["rss_mb_on_each_thread"]) > 100
    assert figures["mb_a_thread"] == pytest.approx(
        (figures["rss_mb_on_each_thread"] - figures["rss_mb_through_friendly"]) / 2, abs=0.06)
    assert "2 threads, work on each thread itself" in printed


PROBE_TWICE = """
import json, sys, tracemalloc
from benchmarks.memory import Probe

class Kept:  # objects the garbage collector tracks, so that gc.get_objects() counts them
    pass

trace = sys.argv[1] == "trace"
if trace:
    tracemalloc.start(1)
probe = Probe(trace)
first = probe.line()
kept = [Kept() for _ in range(5000)] + [bytes(1000) + bytes([i % 256]) for i in range(2000)]  # about 2 MB
print(json.dumps([first, probe.line()]))
"""


def probe_twice(*args: str) -> tuple[dict, dict]:
    """Two Probe readings in a small process of their own, 5,000 objects and 2 MB allocated between them."""
    done = subprocess.run([sys.executable, "-c", PROBE_TWICE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return tuple(json.loads(done.stdout))


def test_the_probe_reads_where_the_memory_is_and_what_grew():
    first, second = probe_twice("plain")
    assert first["rss_mb"] > 0 and first["anon_mb"] > 0 and first["file_mb"] > 0 and first["threads"] >= 1
    assert first["arenas"] >= 1 and first["in_use_mb"] > 0 and first["free_in_arenas_mb"] >= 0
    assert first["py_objects"] > 1000 and first["py_types_grown"] == {}
    assert second["py_types_grown"]["Kept"] == 5000 and "traced_mb" not in second
    assert second["in_use_mb"] >= first["in_use_mb"] + 1.5


def test_the_probe_with_tracemalloc_names_the_lines_that_grew():
    _, second = probe_twice("trace")
    assert second["traced_mb"] >= 1.5
    assert any("<string>" in grown for grown in second["traced_grown"])  # the lines of PROBE_TWICE


@pytest.mark.slow
def test_soak_starts_the_app_under_the_probe(run, tmp_path):
    from pathlib import Path

    probe = tmp_path / "probe.jsonl"
    figures, _ = run("memory", "soak", "--requests", "4", "--clients", "2", "--warmup", "2", "--probe", str(probe))
    assert figures["errors"] == 0 and figures["server_log_errors"] == 0 and figures["cache_seconds"] == 60
    assert figures["rss_mb_start"] > 100
    first = json.loads(probe.read_text().splitlines()[0])
    assert first["rss_mb"] > 0 and first["arenas"] >= 1
    log = Path(figures["server_log"]).read_text().rstrip().splitlines()
    assert log[-1] == f"command: python -m benchmarks memory probe --out {probe}"  # its footer, on SIGTERM
