"""`python -m benchmarks serving`: its two modes run against the app and the floor served in this process
(conftest.py `served`), the in-process compute times, and the classroom's click plans."""

import json
import random

import pytest

from benchmarks.bench import make_uploads
from benchmarks.serving import MIX, clicks, main


def test_endpoints_measures_the_app_against_the_floor_call_by_call(run, served, tmp_path):
    out = tmp_path / "serve.json"
    figures, printed = run("serving", "endpoints", "--app-url", served["app"], "--floor-url", served["floor"],
                           "--no-startup", "--no-compute", "--only", "/random_seed,/quiz_answer",
                           "--calls", "1", "--warmup", "0", "--json", str(out))
    rows = {row["endpoint"]: row for row in figures["endpoints"]}
    assert list(rows) == ["/random_seed", "/quiz_answer"]  # /quiz_answer after an unmeasured /quiz_round
    for row in rows.values():
        assert row["app_n"] == row["floor_n"] == 1
        assert 0 < row["app_p50_ms"] <= row["app_max_ms"] and 0 < row["floor_p50_ms"] <= row["floor_max_ms"]
        assert row["ratio_p50"] == pytest.approx(row["app_p50_ms"] / row["floor_p50_ms"], abs=0.01)
        assert row["met"] == (row["ratio_p50"] <= row["target"])
    assert rows["/random_seed"]["target"] == rows["/quiz_answer"]["target"] == 1.5
    assert "at most 3000 steps" in figures["caps"]["/arena"] and "startup" not in figures
    assert json.loads(out.read_text())["endpoints"] == figures["endpoints"]
    assert "/quiz_answer" in printed and "p50 x floor" in printed


def test_endpoints_compute_only_times_the_plain_functions_in_this_process(run):
    figures, _ = run("serving", "endpoints", "--compute-only", "--only",
                     "/generate (new seed),/generate (Fashion-MNIST),/quiz_answer")
    rows = {row["endpoint"]: row for row in figures["endpoints"]}
    assert list(rows) == ["/generate (new seed)", "/generate (Fashion-MNIST)", "/quiz_answer"]
    for row in rows.values():
        assert row["compute_first_ms"] > 0 and row["compute_next_ms"] > 0


def test_endpoints_refuses_an_unknown_endpoint_and_a_start_up_it_cannot_time(served):
    with pytest.raises(SystemExit, match="unknown endpoint.*/gnerate"):
        main(["endpoints", "--compute-only", "--only", "/gnerate"])
    with pytest.raises(SystemExit):
        main(["endpoints", "--app-url", served["app"]])  # the start-up needs an app started here


def test_classroom_sends_every_students_clicks_to_the_app_and_the_floor(run, served):
    figures, printed = run("serving", "classroom", "--app-url", served["app"], "--floor-url", served["floor"],
                           "--students", "1", "--requests", "2", "--kinds", "quiz,anomaly_roc")
    for name in ("app", "floor"):
        side = figures[name]
        assert side["clicks"] == 2 and side["errors"] == 0, side["failures"]
        assert side["light"]["n"] == 2 and side["clicks_per_s"] > 0
        assert set(side["by_kind"]) <= {"quiz", "anomaly_roc"}
        assert sum(kind["n"] for kind in side["by_kind"].values()) == 2
    assert figures["light_ratio_p95"] == pytest.approx(
        figures["app"]["light"]["p95_ms"] / figures["floor"]["light"]["p95_ms"], abs=0.01)
    assert figures["met"] == (figures["light_ratio_p95"] <= 1.5)
    assert "all light clicks" in printed


def test_a_plan_draws_from_the_whole_mix_or_only_the_kinds_asked(tmp_path):
    uploads = make_uploads(tmp_path)
    mixed = [kind for kind, _ in clicks(random.Random(0), uploads, 200)]
    assert len(set(mixed)) > 8 and set(mixed) <= {k for k, _ in MIX}
    only = clicks(random.Random(0), uploads, 20, [("generate", 0.25)])
    assert [kind for kind, _ in only] == ["generate"] * 20
    assert all(steps[0][0] == "/generate" and steps[0][1][2] == 16 for _, steps in only)


def test_an_unknown_kind_is_refused_by_name(capsys):
    with pytest.raises(SystemExit):
        main(["classroom", "--kinds", "generate,gnerate"])
    assert "unknown --kinds gnerate" in capsys.readouterr().err


@pytest.mark.slow
def test_endpoints_times_the_start_up_of_an_app_it_starts(run):
    figures, printed = run("serving", "endpoints", "--startup-only", "--repeats", "1")
    startup = figures["startup"]
    assert len(startup["bare_import_and_weights_s"]) == len(startup["app_first_generate_s"]) == 1
    assert 0 < startup["app_page_answers_s"][0] <= startup["app_first_generate_s"][0]
    assert startup["ratio_median"] == pytest.approx(
        startup["app_first_generate_s"][0] / startup["bare_import_and_weights_s"][0], abs=0.02)
    assert "start-up:" in printed


@pytest.mark.slow
def test_classroom_starts_the_app_and_the_floor_itself(run):
    figures, _ = run("serving", "classroom", "--students", "1", "--requests", "1", "--kinds", "quiz")
    assert figures["app"]["clicks"] == figures["floor"]["clicks"] == 1
    assert figures["app"]["errors"] == figures["floor"]["errors"] == 0
