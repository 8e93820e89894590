"""`python -m benchmarks room`: phones polling a room through Gradio's events and through the students' route."""


def test_both_paths_answer_every_poll(run, served):
    figures, printed = run("room", "--url", served["app"], "--phones", "4", "--seconds", "1.5", "--interval", "0.5")
    rows = {row["path"]: row for row in figures["rows"]}
    assert set(rows) == {"gradio", "route"}
    for row in rows.values():
        assert row["polls"] >= 4 and row["errors"] == 0 and row["p95_ms"] > 0
        assert row["server_cpu_ms_per_poll"] is None  # a server it did not start: its CPU time is not its own
    assert "polls/s answered" in printed
