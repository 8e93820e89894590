"""The GAN arena: the CPU time of one run per preset (`time`), whether a class's queue of arena runs
starves the rest of the app (`queue`), and step mode's clicks (`step`).

    python -m benchmarks arena time                      # every preset, and the largest run the knobs allow
    python -m benchmarks arena time --presets healthy --steps 100    # a quick run
    python -m benchmarks arena queue                     # launches the app on a free port
    python -m benchmarks arena queue --url http://127.0.0.1:7860/ --runs 40 --steps 300

    python -m benchmarks arena step                      # one session's x10 clicks, then 50 sessions at once
    python -m benchmarks arena step --clicks 20 --sessions 10 --url http://127.0.0.1:7860/

time: one thread, as the app runs it (frames rendered too). Prints one line per preset, and one for the
largest run the knobs allow: the steps it ran, the CPU seconds of the run (time.process_time, this process
only, so other work on the machine inflates it little) and the wall-clock seconds.

queue: measures `/generate` latency with the app idle, then submits `--runs` short `/arena` runs, each from its
own client (a browser session each, like a class of students), measures `/generate` again while they queue,
and reports how long the arena queue took to drain. Prints one JSON object; the figures depend on the machine
and on what else runs on it, so rerun it where you deploy.

step: in this process, `--clicks` clicks of x10 ("D then G", 10 steps) on one session's networks with every layer
drawn (the page's work per click: the steps, the frame, the picture, the charts), their latency, and the size of a
session's state (its ArenaRun saved with torch.save); then `--sessions` clients at once against the app, each
/arena_reset and `--clicks` /arena_step x10 calls, their latency and the server's memory (RSS, when the app runs
in this process).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from benchmarks.bench import add_mode, arena_args, command_line, footer, free_port, machine, parser, summary

NAME = "arena"
LARGEST = "largest custom run"


def main(argv: list[str]) -> dict:
    p = parser(NAME, __doc__)
    modes = p.add_subparsers(dest="mode", required=True, metavar="{time,queue,step}")
    t = add_mode(modes, NAME, "time", "CPU time of one run per preset", __doc__)
    t.add_argument("--presets", default="", help=f"comma-separated presets and/or '{LARGEST}' (default: all)")
    t.add_argument("--steps", type=int, default=None, help="at most this many steps per run (default: its own)")
    q = add_mode(modes, NAME, "queue", "/generate while a class's arena runs queue", __doc__)
    q.add_argument("--url", default=None, help="a running app (default: launch one here)")
    q.add_argument("--runs", type=int, default=40, help="arena runs, one client (session) each")
    q.add_argument("--steps", type=int, default=300, help="steps per arena run")
    q.add_argument("--probes", type=int, default=5, help="/generate calls per measurement")
    st = add_mode(modes, NAME, "step", "step mode: x10 clicks, one session and many", __doc__)
    st.add_argument("--clicks", type=int, default=30, help="x10 clicks per session")
    st.add_argument("--sessions", type=int, default=50, help="clients stepping at once (0: one session only)")
    st.add_argument("--url", default=None, help="a running app (default: launch one here)")
    args = p.parse_args(argv)
    command = command_line(NAME, argv)
    if args.mode == "step":
        return step(args, command)
    if args.mode == "time":
        names = [n.strip() for n in args.presets.split(",") if n.strip()]
        runs = runs_to_time(names, args.steps)
        if isinstance(runs, str):
            t.error(runs)
        return time_runs(runs, command)
    return queue(args, command)


# ---------------------------------------------------------------------------------------- time


def runs_to_time(names: list[str], steps: int | None) -> list[tuple] | str:
    """[(name, ArenaSettings)] of the presets named (all, and the largest run, when none is), each capped at
    `steps` steps; or the message naming an unknown preset."""
    from lab.arena import MAX_BATCH, MAX_HIDDEN, MAX_UPDATES, PRESETS, ArenaSettings

    # the most expensive run the knobs allow: the widest nets, the largest batches, as many updates as allowed
    largest = ArenaSettings(hidden=MAX_HIDDEN, batch_size=MAX_BATCH, d_steps=1, steps=MAX_UPDATES // 3)
    every = {**PRESETS, LARGEST: largest}
    unknown = [n for n in names if n not in every]
    if unknown:
        return f"unknown preset(s) {', '.join(unknown)}: choose from {', '.join(every)}"
    return [(name, replace(s, steps=min(s.steps, steps or s.steps))) for name, s in every.items()
            if not names or name in names]


def time_runs(runs: list[tuple], command: str) -> dict:
    from lab.arena import ArenaSettings, arena_outputs, train

    machine_ = machine()
    list(train(ArenaSettings(steps=20)))  # warm up: imports and first calls
    rows = []
    for name, settings in runs:
        cpu, wall = time.process_time(), time.perf_counter()
        for frame in train(settings):
            arena_outputs(frame, settings)  # the page's work per frame: image, curves, meter
        row = {"run": name, "steps": frame.step, "of": settings.steps, "cpu_s": round(time.process_time() - cpu, 1),
               "wall_s": round(time.perf_counter() - wall, 1), "stopped_early": bool(frame.figures["stopped_early"])}
        rows.append(row)
        stopped = " (stopped early: its CPU time was spent)" if row["stopped_early"] else ""
        print(f"{name:20s} steps {row['steps']:5d} of {row['of']:5d}  cpu {row['cpu_s']:5.1f} s  "
              f"wall {row['wall_s']:5.1f} s{stopped}", flush=True)
    print(footer(machine_, command))
    return {"runs": rows, "machine": machine_, "command": command}


# ---------------------------------------------------------------------------------------- queue


def generate_latency(client, n: int) -> list[float]:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        client.predict("MNIST", "any", 16, i, api_name="/generate")
        times.append(time.perf_counter() - t0)
    return times


def queue(args: argparse.Namespace, command: str) -> dict:
    from gradio_client import Client

    machine_ = machine()
    demo = None
    url = args.url
    if url is None:
        from app import LAUNCH
        from benchmarks.bench import app_demo

        port = free_port()
        demo = app_demo()
        demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **LAUNCH)
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
    finally:
        if demo is not None:
            demo.close()
    result = {
        "url": url, "arena_runs": args.runs, "steps_per_run": args.steps,
        "generate_seconds_idle_median": round(statistics.median(idle), 3),
        "generate_seconds_during_arena_queue_median": round(statistics.median(loaded), 3),
        "generate_seconds_during_arena_queue_max": round(max(loaded), 3),
        "arena_queue_drained_after_seconds": round(max(finished), 1),
        "arena_seconds_per_run": round(max(finished) / args.runs, 2),
    }
    print(json.dumps(result, indent=2))
    print(footer(machine_, command))
    return {**result, "machine": machine_, "command": command}


# ---------------------------------------------------------------------------------------- step


def state_bytes(state) -> int:
    """A session's ArenaRun as torch.save writes it: its networks, optimisers, streams and history."""
    import io

    import torch

    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.tell()


def step(args: argparse.Namespace, command: str) -> dict:
    from lab.arena import LAYERS, PRESETS, arena_outputs
    from lab.arena.training import ArenaRun

    machine_ = machine()
    state = ArenaRun(PRESETS["healthy"])
    state.frame()
    times = []
    for _ in range(args.clicks):
        t0 = time.perf_counter()
        arena_outputs(state.step("D then G", 10), state.settings, LAYERS)
        times.append(time.perf_counter() - t0)
    result = {"clicks": args.clicks, "click": summary(times), "state_megabytes": round(state_bytes(state) / 1e6, 3)}
    print(f"one session, x10 with every layer: p50 {result['click']['p50_ms']:.0f} ms, p95 "
          f"{result['click']['p95_ms']:.0f} ms; its state {result['state_megabytes']} MB", flush=True)
    if args.sessions > 0:
        result.update(sessions(args))
    print(json.dumps(result, indent=2))
    print(footer(machine_, command))
    return {**result, "machine": machine_, "command": command}


def sessions(args: argparse.Namespace) -> dict:
    """`--sessions` clients at once, each /arena_reset then `--clicks` /arena_step x10."""
    from gradio_client import Client

    demo, url = None, args.url
    if url is None:
        from app import LAUNCH
        from benchmarks.bench import app_demo

        port = free_port()
        demo = app_demo()
        demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **LAUNCH)
        url = f"http://127.0.0.1:{port}/"
    rss = rss_megabytes()
    try:
        with ThreadPoolExecutor(8) as pool:
            clients = list(pool.map(lambda _: Client(url, verbose=False), range(args.sessions)))

        def one(i: int) -> list[float]:
            client, times = clients[i], []
            client.predict(*arena_args(1500, i), api_name="/arena_reset")
            for _ in range(args.clicks):
                t0 = time.perf_counter()
                client.predict("D then G", 10, api_name="/arena_step")
                times.append(time.perf_counter() - t0)
            return times

        with ThreadPoolExecutor(args.sessions) as pool:
            every = [t for times in pool.map(one, range(args.sessions)) for t in times]
        rss_after = rss_megabytes()
    finally:
        if demo is not None:
            demo.close()
    return {"sessions": args.sessions, "session_click": summary(every),
            "server_rss_megabytes_before": rss, "server_rss_megabytes_after": rss_after if demo else None}


def rss_megabytes() -> float | None:
    """This process's resident memory in MB (Linux), or None elsewhere."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None
