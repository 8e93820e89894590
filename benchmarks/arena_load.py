"""A classroom on the arena: does a queue of arena runs starve the rest of the app?

    python benchmarks/arena_load.py                # launches the app on a free port
    python benchmarks/arena_load.py --url http://127.0.0.1:7860/ --runs 40 --steps 300

Measures `/generate` latency with the app idle, then submits `--runs` short `/arena` runs, each
from its own client (a browser session each, like a class of students), measures `/generate`
again while they queue, and reports how long the arena queue took to drain. Prints one JSON
object; the figures depend on the machine and on what else runs on it, so rerun it where you deploy.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def arena_args(steps: int, seed: int) -> tuple:
    # preset "custom": the knobs below; the healthy settings with fewer steps
    return ("custom", "ring of 8 Gaussians", 1e-3, 1e-3, 1, 2, 64, 128, "non-saturating", seed, steps, False)


def generate_latency(client, n: int) -> list[float]:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        client.predict("MNIST", "any", 16, i, api_name="/generate")
        times.append(time.perf_counter() - t0)
    return times


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=None, help="a running app (default: launch one here)")
    p.add_argument("--runs", type=int, default=40, help="arena runs, one client (session) each")
    p.add_argument("--steps", type=int, default=300, help="steps per arena run")
    p.add_argument("--probes", type=int, default=5, help="/generate calls per measurement")
    args = p.parse_args(argv)
    from gradio_client import Client

    demo = None
    url = args.url
    if url is None:
        from app import CSS, build_demo
        from lab.loading import load_lab

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        demo = build_demo(load_lab("weights", namespace=""))
        demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, css=CSS)
        url = f"http://127.0.0.1:{port}/"
    try:
        probe = Client(url, verbose=False)
        idle = generate_latency(probe, args.probes)

        with ThreadPoolExecutor(8) as pool:  # one client per student, connected in parallel
            clients = list(pool.map(lambda _: Client(url, verbose=False), range(args.runs)))
        t0 = time.perf_counter()
        jobs = [c.submit(*arena_args(args.steps, i), api_name="/arena") for i, c in enumerate(clients)]
        loaded = generate_latency(probe, args.probes)
        finished = []
        for job in jobs:
            job.result(timeout=3600)
            finished.append(time.perf_counter() - t0)
        result = {
            "url": url, "arena_runs": args.runs, "steps_per_run": args.steps,
            "generate_seconds_idle_median": round(statistics.median(idle), 3),
            "generate_seconds_during_arena_queue_median": round(statistics.median(loaded), 3),
            "generate_seconds_during_arena_queue_max": round(max(loaded), 3),
            "arena_queue_drained_after_seconds": round(max(finished), 1),
            "arena_seconds_per_run": round(max(finished) / args.runs, 2),
            "cpu_count": os.cpu_count(),
        }
        print(json.dumps(result, indent=2))
        return result
    finally:
        if demo is not None:
            demo.close()


if __name__ == "__main__":
    main()
