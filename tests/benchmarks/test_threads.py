"""`python -m benchmarks threads`: concurrent requests' compute timed on 1 and then 2 torch threads."""


def test_each_round_times_one_then_two_torch_threads(run):
    figures, printed = run("threads", "--workers", "2", "--requests", "3", "--rounds", "1")
    assert [(row["round"], row["torch_threads"]) for row in figures["rows"]] == [(1, 1), (1, 2)]
    assert all(row["seconds"] > 0 for row in figures["rows"])
    assert "round 1: torch threads 2: 3 requests from 2 threads" in printed
