"""Shared by the benchmarks' tests: the app's demo, the app and its floor app served in this process once per
session, and `run`, which runs a benchmark as `python -m benchmarks NAME ARGS...` does and checks its footer.

Each benchmark's test runs it for real with its smallest arguments, against these servers where it measures
servers (`--app-url`, `--floor-url`, `--url`), so that the whole folder takes seconds; the paths that start
servers of their own are run by the tests marked slow (`python -m pytest -m slow tests/benchmarks`).
"""

from dataclasses import replace

import pytest

from benchmarks.bench import command_line


@pytest.fixture(scope="session")
def demo():
    """The app's gr.Blocks on the shipped weights, as the benchmarks build it (one per process)."""
    from benchmarks.bench import app_demo

    return app_demo()


@pytest.fixture(scope="session")
def served(demo, tmp_path_factory) -> dict[str, str]:
    """The app and its floor app on free loopback ports in this process: {"app": url, "floor": url}."""
    from app import LAUNCH, launch_settings
    from benchmarks.bench import app_rooms, arena_args, free_port, make_uploads, requests
    from benchmarks.floor_app import build_floor, record_answers

    table = requests(make_uploads(tmp_path_factory.mktemp("floor-uploads")))
    # the floor's stored answers come from short runs of the endpoints that train or search on purpose
    table["/arena"] = replace(table["/arena"], direct=arena_args(20, 0))
    for name in ("/invert", "/invert_drawing"):
        table[name] = replace(table[name], direct=(table[name].direct_args()[0], 2))
    floor = build_floor(demo, record_answers(demo, table))
    urls = {}
    for name, blocks, settings in (("app", demo, launch_settings(app_rooms())), ("floor", floor, LAUNCH)):
        port = free_port()
        blocks.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **settings)
        urls[name] = f"http://127.0.0.1:{port}/"
    try:
        yield urls
    finally:
        demo.close()
        floor.close()


@pytest.fixture
def run(capsys):
    """run(NAME, *ARGS) -> (its figures, its printed output): benchmark NAME run with ARGS as
    `python -m benchmarks NAME ARGS...` runs it, after checking that its output ends with the footer. torch's
    thread count, which benchmarks set, is restored after."""
    import torch

    from benchmarks.__main__ import run as run_benchmark

    def run_(name: str, *args: str) -> tuple[dict, str]:
        threads = torch.get_num_threads()
        try:
            figures = run_benchmark(name, list(args))
        finally:
            torch.set_num_threads(threads)
        out = capsys.readouterr().out
        machine_line, load_line, command = out.rstrip("\n").splitlines()[-3:]
        assert machine_line.startswith("machine: ") and len(machine_line) > len("machine: ")
        assert load_line.startswith("load average ") and " at the start, " in load_line and " at the end " in load_line
        assert command == f"command: {command_line(name, list(args))}"
        assert figures["command"] == command_line(name, list(args))
        assert figures["machine"]["load_average_at_end"] >= 0
        return figures, out

    return run_
