"""The lab's benchmarks, one entry for all, run from the repository root:

    python -m benchmarks                 # every benchmark, one line each
    python -m benchmarks NAME --help     # what NAME measures and its options
    python -m benchmarks NAME [ARGS...]  # run it

Each benchmark is a module here with `main(argv) -> dict`; its output ends with the footer of bench.py
(the machine, the load average at the start and the end, the command that reruns it). The figures they
gave, with their commands, are in docs/benchmarks.md. Not part of the test suite: tests/benchmarks runs
each one in seconds with its smallest arguments.
"""

from typing import NamedTuple


class Benchmark(NamedTuple):
    module: str  # imported only when the benchmark runs
    description: str  # one line: what it measures


BENCHMARKS: dict[str, Benchmark] = {
    "serving": Benchmark("benchmarks.serving", "the app against its floor app (same endpoints, no compute): "
                                               "per-endpoint latency, start-up, and a classroom's load"),
    "memory": Benchmark("benchmarks.memory", "the server's memory: a day's soak, the memory each thread keeps, "
                                             "and a probe of where it is"),
    "arena": Benchmark("benchmarks.arena", "the GAN arena: CPU time of each preset, /generate while a class's "
                                           "arena runs queue, and step mode's clicks"),
    "threads": Benchmark("benchmarks.threads", "torch threads per event: concurrent requests' compute on 1 vs 2 "
                                               "torch threads"),
    "layout": Benchmark("benchmarks.layout", "NCHW vs channels_last: each model's forward pass in the request path"),
    "room": Benchmark("benchmarks.room", "room mode: phones polling the round through Gradio's events vs the "
                                         "students' route: polls/s, latency, server CPU per poll"),
    "train_speed": Benchmark("benchmarks.train_speed", "each shipped model's training step: images/s and GFLOP/s "
                                                       "against the matmul limit; --pair; the pytorch/examples VAE"),
}

# modules of the package that are not benchmarks themselves
HELPERS: dict[str, str] = {
    "bench": "what the benchmarks share: the footer, servers, realistic requests, uploads, tables",
    "floor_app": "the floor app that `serving` starts: the app's API endpoints returning stored answers",
}
