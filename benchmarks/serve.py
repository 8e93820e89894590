"""Every public endpoint of the app against Gradio's own floor, one request at a time, through gradio_client.

    python benchmarks/serve.py                                  # every endpoint, 30 calls each, and start-up
    python benchmarks/serve.py --only /generate,/reconstruct --calls 10 --no-startup   # a quick run
    python benchmarks/serve.py --startup-only --repeats 3       # start-up only
    python benchmarks/serve.py --json serve.json                # also write the figures as JSON

Starts `python app.py` and benchmarks/floor_app.py (the same endpoints returning stored answers without
computing) on free loopback ports, sends each endpoint a realistic request (benchmarks/bench.py
`requests`: e.g. an upload for /reconstruct) a few times to warm up, then `--calls` times, alternating
app and floor call by call so that other load on the machine hits both alike. Prints p50/p95 per endpoint,
the app's p50 over the floor's (the target: /generate 1.2, /reconstruct 1.3, the rest 1.5), and the
compute time of the endpoint's plain function called directly in this process (first call, then the
median of the next ones, which a cache may answer). /arena and /invert train or search on purpose:
their compute time and caps are reported instead of a ratio.

Start-up: the seconds from `python app.py` to its first successful /generate, beside a bare
`python -c "import torch, gradio"` that also reads every model's weights (target: at most 1.3x).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (  # noqa: E402
    HEAVY,
    ROOT,
    bind_before,
    call,
    free_port,
    machine,
    machine_line,
    make_uploads,
    percentile,
    ratio,
    requests,
    start,
    stop,
    summary,
    table,
)

TARGETS = {"/generate": 1.2, "/generate (new seed)": 1.2, "/reconstruct": 1.3}
DEFAULT_TARGET = 1.5
BARE = ("import glob, torch, gradio; from safetensors.torch import load_file; "
        "[load_file(p) for p in sorted(glob.glob('weights/*/model.safetensors'))]")


def first_request(url: str) -> None:
    from gradio_client import Client

    Client(url, verbose=False, download_files=False).predict("MNIST", "any", 16, 0, api_name="/generate")


def startup(work: Path, repeats: int, env: dict) -> tuple[dict, tuple]:
    """Bare imports + weights vs `python app.py` to its first answered /generate, `repeats` times each,
    alternating; returns the figures and the last app (process, url), left running."""
    bare, app, app_page = [], [], []
    server = None
    for k in range(repeats):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", BARE], cwd=ROOT, check=True)
        bare.append(time.perf_counter() - began)
        if server is not None:
            stop(server[0])
        began = time.perf_counter()
        process, url, page = start([sys.executable, "app.py"], free_port(), work, f"app-start{k}", env)
        first_request(url)
        app.append(time.perf_counter() - began)
        app_page.append(page)
        server = (process, url)
        print(f"start-up {k + 1}/{repeats}: bare {bare[-1]:.2f} s, app page {page:.2f} s, "
              f"first /generate answered {app[-1]:.2f} s", flush=True)
    figures = {"bare_import_and_weights_s": [round(s, 2) for s in bare],
               "app_page_answers_s": [round(s, 2) for s in app_page],
               "app_first_generate_s": [round(s, 2) for s in app],
               "ratio_median": ratio(statistics.median(app), statistics.median(bare)), "target": 1.3,
               "command_bare": f'python -c "{BARE}"', "command_app": "python app.py, then one /generate"}
    figures["met"] = figures["ratio_median"] <= 1.3
    return figures, server


def compute_times(names: list[str], table_: dict, repeats: int) -> dict[str, dict]:
    """Each endpoint's plain function called directly: the first call, and the median of `repeats` more."""
    import torch
    from floor_app import direct_call, public_endpoints, realistic_args

    from app import build_demo, serving_threads
    from lab.loading import load_lab

    torch.set_num_threads(serving_threads())
    demo = build_demo(load_lab("weights", namespace=""))
    fns = public_endpoints(demo)
    befores = {table_[n].before for n in names if table_[n].before}
    answers = {name: [direct_call(fns[name], realistic_args(fns, table_, name, {}))] for name in befores}
    times = {}
    for name in names:
        fn = fns[table_[name].extra.get("api_name", name)]
        seconds = []
        for i in range(1 + (1 if name == "/arena" else repeats)):
            args = realistic_args(fns, table_, name, answers, i)
            began = time.perf_counter()
            result = direct_call(fn, args)
            if fn.types_generator:
                for _ in result:
                    pass
            seconds.append(time.perf_counter() - began)
        times[name] = {"compute_first_ms": round(seconds[0] * 1000, 1),
                       "compute_next_ms": round(statistics.median(seconds[1:]) * 1000, 1)}
    return times


def measure(app_client, floor_client, name: str, request, calls: int, warmup: int, floor: bool = True) -> dict:
    app_s, floor_s = [], []
    for i in range(warmup):
        call(app_client, name, request, i)
        if floor:
            call(floor_client, name, request, i)
    for i in range(warmup, warmup + calls):  # alternate, so that other load on the machine hits both alike
        app_s.append(call(app_client, name, request, i))
        if floor:
            floor_s.append(call(floor_client, name, request, i))
    row = {f"app_{k}": v for k, v in summary(app_s).items()}
    if floor:
        row.update({f"floor_{k}": v for k, v in summary(floor_s).items()})
        row["ratio_p50"] = ratio(percentile(app_s, 50), percentile(floor_s, 50))
        row["ratio_p95"] = ratio(percentile(app_s, 95), percentile(floor_s, 95))
    return row


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=30, help="measured calls per endpoint (after the warm-up)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--heavy-calls", type=int, default=3, help="calls of /arena and /invert (no ratio)")
    p.add_argument("--only", default="", help="comma-separated endpoints, e.g. /generate,/reconstruct")
    p.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    p.add_argument("--startup-only", action="store_true")
    p.add_argument("--repeats", type=int, default=1, help="start-up measurements (alternating bare and app)")
    p.add_argument("--no-compute", action="store_true", help="skip the in-process compute times")
    p.add_argument("--compute-only", action="store_true", help="only the in-process compute times (no servers)")
    p.add_argument("--env", action="append", default=[], help="KEY=VALUE for the app (e.g. LAB_TORCH_THREADS=2)")
    p.add_argument("--json", help="also write the figures to this JSON file")
    args = p.parse_args(argv)
    from gradio_client import Client

    env = dict(item.split("=", 1) for item in args.env)
    work = Path(tempfile.mkdtemp(prefix="serve-"))
    uploads = make_uploads(work)
    table_ = requests(uploads)
    bind_before(table_)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(table_)
    unknown = [n for n in names if n not in table_]
    if unknown:
        sys.exit(f"unknown endpoint(s) {', '.join(unknown)}: choose from {', '.join(table_)}")
    result = {"machine": machine(),
              "command": "python benchmarks/serve.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "env": env}
    if args.compute_only:
        result["endpoints"] = [{"endpoint": name, **times} for name, times in compute_times(names, table_, 5).items()]
        result["caps"] = caps()
        return finish(result, args)
    servers, rows = [], []
    try:
        app = None
        if not args.no_startup or args.startup_only:
            result["startup"], app = startup(work, max(1, args.repeats), env)
            servers.append(app[0])
            s = result["startup"]
            print(f"start-up: app {statistics.median(s['app_first_generate_s']):.2f} s to its first /generate, "
                  f"bare imports + weights {statistics.median(s['bare_import_and_weights_s']):.2f} s: "
                  f"{s['ratio_median']}x (target 1.3)", flush=True)
        if args.startup_only:
            return finish(result, args)
        if app is None:
            process, url, _ = start([sys.executable, "app.py"], free_port(), work, "app", env)
            servers.append(process)
            app = (process, url)
        floor_process, floor_url, _ = start([sys.executable, "benchmarks/floor_app.py"], free_port(), work, "floor",
                                             env)
        servers.append(floor_process)
        app_client = Client(app[1], verbose=False)
        floor_client = Client(floor_url, verbose=False)
        app_names = set(app_client.view_api(print_info=False, return_format="dict")["named_endpoints"])
        floor_names = set(floor_client.view_api(print_info=False, return_format="dict")["named_endpoints"])
        if app_names != floor_names:
            sys.exit(f"the floor's endpoints differ from the app's: {sorted(app_names ^ floor_names)}")
        missing = app_names - {r.extra.get("api_name", n) for n, r in table_.items()}
        if missing:
            sys.exit(f"no realistic request for {sorted(missing)}: add them to benchmarks/bench.py `requests`")
        for name in names:
            request = table_[name]
            heavy = request.extra.get("api_name", name) in HEAVY
            calls = args.heavy_calls if heavy else args.calls
            row = {"endpoint": name, "note": request.note}
            row.update(measure(app_client, floor_client, name, request, calls, 1 if heavy else args.warmup))
            if heavy:
                row.update(ratio_p50=None, ratio_p95=None, target=None, met=None)
            else:
                row["target"] = TARGETS.get(name, DEFAULT_TARGET)
                row["met"] = row["ratio_p50"] <= row["target"]
            rows.append(row)
            print(f"{name:32s} app p50 {row['app_p50_ms']:7.1f} ms  floor p50 {row['floor_p50_ms']:6.1f} ms  "
                  f"ratio {row['ratio_p50']}", flush=True)
        result["machine"]["load_average_at_end"] = os.getloadavg()[0]
    finally:
        for process in servers:
            stop(process)
        if rows and args.json:  # what was measured so far, should a later endpoint fail
            Path(args.json).write_text(json.dumps({**result, "endpoints": rows}, indent=2) + "\n")
    if not args.no_compute:  # the servers are stopped: the functions run with the machine's cores to themselves
        for name, times in compute_times(names, table_, 5).items():
            next(r for r in rows if r["endpoint"] == name).update(times)
    result["endpoints"] = rows
    result["caps"] = caps()
    return finish(result, args)


def caps() -> dict:
    from lab.arena import MAX_CPU_SECONDS, MAX_STEPS, MAX_UPDATES
    from lab.invert import MAX_STEPS as INVERT_STEPS
    from ui.arena import ARENA_CONCURRENCY

    return {"/arena": f"at most {MAX_STEPS} steps and {MAX_UPDATES} network updates per run, stopped after "
                      f"{MAX_CPU_SECONDS:g} s of CPU; {ARENA_CONCURRENCY} run at a time, app-wide",
            "/invert": f"at most {INVERT_STEPS} Adam steps (10 classes x 3 starts each)"}


def finish(result: dict, args) -> dict:
    rows = result.get("endpoints", [])
    if rows:
        print()
        print(table(rows, [("endpoint", "endpoint"), ("app_p50_ms", "app p50 ms"), ("app_p95_ms", "app p95"),
                           ("floor_p50_ms", "floor p50"), ("floor_p95_ms", "floor p95"), ("ratio_p50", "p50 x floor"),
                           ("ratio_p95", "p95 x floor"), ("target", "target"), ("met", "met"),
                           ("compute_first_ms", "compute 1st ms"), ("compute_next_ms", "compute next ms")]))
        for name, text in result.get("caps", {}).items():
            print(f"{name}: {text}")
    if "startup" in result:
        print(f"\nstart-up: {json.dumps(result['startup'])}")
    print("\n" + machine_line(result["machine"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
