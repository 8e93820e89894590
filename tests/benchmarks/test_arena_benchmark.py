"""`python -m benchmarks arena`: one preset's run timed, and a class's arena runs queued against the app served
in this process (conftest.py `served`). (Named apart from tests/lab/test_arena.py: pytest imports test files
by their base name.)"""

import pytest

from benchmarks.arena import LARGEST, main, runs_to_time


def test_time_runs_each_preset_asked_for_its_steps(run):
    figures, printed = run("arena", "time", "--presets", "healthy", "--steps", "20")
    (row,) = figures["runs"]
    assert (row["run"], row["steps"], row["of"], row["stopped_early"]) == ("healthy", 20, 20, False)
    assert row["cpu_s"] >= 0 and row["wall_s"] >= 0
    assert "healthy              steps    20 of    20" in printed


def test_time_runs_every_preset_and_the_largest_run_by_default_and_refuses_an_unknown_one(capsys):
    from lab.arena import MAX_STEPS, PRESETS

    runs = dict(runs_to_time([], None))
    assert list(runs) == [*PRESETS, LARGEST]
    assert runs[LARGEST].steps == MAX_STEPS and runs[LARGEST].batch_size == 256 and runs[LARGEST].hidden == 128
    assert all(settings.steps <= 50 for settings in dict(runs_to_time([], 50)).values())
    with pytest.raises(SystemExit):
        main(["time", "--presets", "healthy,helthy"])
    assert "unknown preset(s) helthy" in capsys.readouterr().err


def test_queue_times_generate_idle_and_while_the_arena_runs_queue(run, served):
    # 100 steps: the fewest the page's slider takes
    figures, printed = run("arena", "queue", "--url", served["app"], "--runs", "1", "--steps", "100", "--probes", "1")
    assert (figures["arena_runs"], figures["steps_per_run"]) == (1, 100)
    assert figures["generate_seconds_idle_median"] > 0
    during = figures["generate_seconds_during_arena_queue_median"], figures["generate_seconds_during_arena_queue_max"]
    assert 0 < during[0] <= during[1]
    assert figures["arena_queue_drained_after_seconds"] > 0
    assert figures["arena_seconds_per_run"] == pytest.approx(figures["arena_queue_drained_after_seconds"], abs=0.06)
    assert '"arena_seconds_per_run"' in printed


@pytest.mark.slow
def test_queue_launches_the_app_itself():
    import subprocess
    import sys

    from benchmarks.bench import ROOT

    done = subprocess.run([sys.executable, "-m", "benchmarks", "arena", "queue", "--runs", "1", "--steps", "100",
                           "--probes", "1"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"arena_runs": 1' in done.stdout
    assert done.stdout.rstrip().endswith("command: python -m benchmarks arena queue --runs 1 --steps 100 --probes 1")


def test_step_times_clicks_and_sizes_a_session(run, served):
    figures, printed = run("arena", "step", "--clicks", "2", "--sessions", "2", "--url", served["app"])
    assert figures["click"]["n"] == 2 and figures["click"]["p95_ms"] > 0
    assert 0 < figures["state_megabytes"] < 2  # the bound on one session's state
    assert figures["session_click"]["n"] == 4 and figures["sessions"] == 2
    assert "one session, x10 with every layer" in printed
