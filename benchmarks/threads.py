"""torch's thread count for concurrent requests: Gradio runs events in worker threads, so several requests
compute at once. Runs the compute of `--requests` mixed requests (/generate of 16 digits with a new seed,
/reconstruct of an upload, /interpolate with new seeds: cache misses) from `--workers` threads at once,
with torch.set_num_threads(1) and then (2), and prints the wall time of each.

    python -m benchmarks threads --workers 4 --requests 48
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench import command_line, footer, machine, make_uploads, parser, shipped_lab

NAME = "threads"


def main(argv: list[str]) -> dict:
    p = parser(NAME, __doc__)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--requests", type=int, default=48)
    p.add_argument("--rounds", type=int, default=2, help="alternate the settings this many times")
    args = p.parse_args(argv)
    machine_ = machine()
    import torch

    from lab.generate import generate
    from lab.latent import interpolate
    from lab.reconstruct import reconstruct

    lab = shipped_lab()
    digits = [str(d) for d in make_uploads(Path(tempfile.mkdtemp(prefix="threads-")))["digit"]]
    seed = [10_000]

    def one(k: int) -> None:
        seed[0] += 1
        s = seed[0]  # a new seed each time: no cache hits
        if k % 3 == 0:
            generate(lab, "MNIST", "any", 16, s)
        elif k % 3 == 1:
            reconstruct(lab, digits[k % len(digits)], "MNIST", 0.0)
        else:
            interpolate(lab, "MNIST", "1", s, "7", s + 1, 10)

    rows = []
    for n in range(args.rounds):
        for threads in (1, 2):
            torch.set_num_threads(threads)
            with ThreadPoolExecutor(args.workers) as pool:
                list(pool.map(one, range(6)))  # warm-up
                began = time.perf_counter()
                list(pool.map(one, range(args.requests)))
            rows.append({"round": n + 1, "torch_threads": threads, "seconds": round(time.perf_counter() - began, 2)})
            print(f"round {n + 1}: torch threads {threads}: {args.requests} requests from {args.workers} threads "
                  f"in {rows[-1]['seconds']:.2f} s", flush=True)
    command = command_line(NAME, argv)
    print(footer(machine_, command))
    return {"workers": args.workers, "requests": args.requests, "rows": rows, "machine": machine_, "command": command}
