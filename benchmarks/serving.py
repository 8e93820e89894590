"""The app against its floor, through gradio_client: every API endpoint one request at a time
(`endpoints`, with the app's start-up and each endpoint's compute), and a classroom clicking at once (`classroom`).

    python -m benchmarks serving endpoints                # every endpoint, 30 calls each, and start-up
    python -m benchmarks serving endpoints --only /generate,/reconstruct --calls 10 --no-startup   # a quick run
    python -m benchmarks serving endpoints --startup-only --repeats 3      # start-up only
    python -m benchmarks serving endpoints --json serve.json               # also write the figures as JSON
    python -m benchmarks serving classroom                # 40 students x 10 requests, app then floor
    python -m benchmarks serving classroom --students 10 --requests 4      # a quick run
    python -m benchmarks serving classroom --env LAB_TORCH_THREADS=2 --env GRADIO_DEFAULT_CONCURRENCY_LIMIT=2
    python -m benchmarks serving classroom --kinds generate                # 40 students x 10 /generate clicks only

Both start `python app.py` and the floor app (`python -m benchmarks.floor_app`: the same API endpoints,
generated from app.py's `build_demo`, returning stored answers without computing; `--env` settings go to
both) on free loopback ports, or measure ones already running (`--app-url`, `--floor-url`).

endpoints: sends each endpoint a realistic request (bench.py `requests`: e.g. an upload for /reconstruct)
a few times to warm up, then `--calls` times, alternating app and floor call by call so that other load on
the machine hits both alike. Prints p50/p95 per endpoint, the app's p50 over the floor's (the target:
/generate 1.2, /reconstruct 1.3, the rest 1.5), and the compute time of the endpoint's plain function called
directly in this process (first call, then the median of the next ones, which a cache may answer). /arena
and /invert train or search on purpose: their compute time and caps are reported instead of a ratio.
Start-up: the seconds from `python app.py` to its first successful /generate, beside a bare
`python -c "import torch, gradio"` that also reads every model's weights (target: at most 1.3x).

classroom: each student is one gradio_client session in its own thread, all starting together with no pause
between clicks, and makes `--requests` clicks drawn from a fixed mix (the same sequence for the app and the
floor): /generate, /reconstruct of an upload (with the /reconstruct_details the page chains to it), the
manifold on a page visit and on the slider, /interpolate, and the teaching events (/ae_vs_vae, /anomaly_roc,
/denoise, a quiz round and its answer, /time_machine, /mode_collapse), plus the heavy ones that train or
search on purpose (/invert, a 300-step /arena run), reported on their own. A click's latency is the time
until the page would show its result. Prints throughput, p50/p95/max, errors, and the app's p95 over the
floor's for the light clicks (target: at most 1.5, with 0 errors).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench import (
    HEAVY,
    ROOT,
    Request,
    add_mode,
    arena_args,
    bind_before,
    call,
    command_line,
    footer,
    free_port,
    machine,
    make_uploads,
    parser,
    percentile,
    ratio,
    requests,
    start,
    stop,
    summary,
    table,
)

NAME = "serving"
APP = [sys.executable, "app.py"]
FLOOR = [sys.executable, "-m", "benchmarks.floor_app"]


def main(argv: list[str]) -> dict:
    p = parser(NAME, __doc__)
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--env", action="append", default=[],
                        help="KEY=VALUE for the app and the floor started here (e.g. LAB_TORCH_THREADS=2)")
    shared.add_argument("--app-url", help="measure this running app instead of starting `python app.py`")
    shared.add_argument("--floor-url", help="measure against this running floor app instead of starting one")
    shared.add_argument("--json", help="also write the figures to this JSON file")
    modes = p.add_subparsers(dest="mode", required=True, metavar="{endpoints,classroom}")

    e = add_mode(modes, NAME, "endpoints", "every API endpoint, one request at a time", __doc__, [shared])
    e.add_argument("--calls", type=int, default=30, help="measured calls per endpoint (after the warm-up)")
    e.add_argument("--warmup", type=int, default=3)
    e.add_argument("--heavy-calls", type=int, default=3, help="calls of /arena and /invert (no ratio)")
    e.add_argument("--only", default="", help="comma-separated endpoints, e.g. /generate,/reconstruct")
    e.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    e.add_argument("--startup-only", action="store_true")
    e.add_argument("--repeats", type=int, default=1, help="start-up measurements (alternating bare and app)")
    e.add_argument("--no-compute", action="store_true", help="skip the in-process compute times")
    e.add_argument("--compute-only", action="store_true", help="only the in-process compute times (no servers)")

    c = add_mode(modes, NAME, "classroom", "a class of students clicking at once", __doc__, [shared])
    c.add_argument("--students", type=int, default=40)
    c.add_argument("--requests", type=int, default=10, help="clicks per student")
    c.add_argument("--think", type=float, default=0.0, help="seconds a student waits between clicks")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--kinds", default="", help="comma-separated kinds of click to keep from the mix, e.g. generate "
                                               f"(all: {', '.join(k for k, _ in MIX)})")
    args = p.parse_args(argv)
    command = command_line(NAME, argv)
    if args.mode == "endpoints":
        if args.app_url and not (args.no_startup or args.compute_only):
            e.error("--app-url measures a running app: add --no-startup (start-up is timed on an app started here)")
        return endpoints(args, command)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = sorted(set(kinds) - {k for k, _ in MIX})
    if unknown:
        c.error(f"unknown --kinds {', '.join(unknown)}: choose from {', '.join(k for k, _ in MIX)}")
    return classroom(args, [(k, w) for k, w in MIX if not kinds or k in kinds], command)


def servers_for(args: argparse.Namespace, work: Path, env: dict, started: list[subprocess.Popen],
                app_url: str | None = None) -> tuple[str, str]:
    """The app's and the floor's URLs: the ones given, else servers started here (added to `started`, for the
    caller to stop)."""
    app_url = app_url or args.app_url
    if app_url is None:
        process, app_url, _ = start(APP, free_port(), work, "app", env)
        started.append(process)
    floor_url = args.floor_url
    if floor_url is None:
        process, floor_url, _ = start(FLOOR, free_port(), work, "floor", env)
        started.append(process)
    return app_url, floor_url


# ---------------------------------------------------------------------------------------- endpoints

TARGETS = {"/generate": 1.2, "/generate (new seed)": 1.2, "/generate (Fashion-MNIST)": 1.2, "/reconstruct": 1.3}
DEFAULT_TARGET = 1.5
BARE = ("import glob, torch, gradio; from safetensors.torch import load_file; "
        "[load_file(p) for p in sorted(glob.glob('weights/*/model.safetensors'))]")


def callable_names(client) -> set[str]:
    """The API names a gradio_client Client can call on its server: the public endpoints and the undocumented."""
    return {f"/{d['api_name']}" for d in client.config["dependencies"]
            if d.get("api_name") and d.get("api_visibility") != "private"}


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
        process, url, page = start(APP, free_port(), work, f"app-start{k}", env)
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


def compute_times(names: list[str], table_: dict[str, Request], repeats: int) -> dict[str, dict]:
    """Each endpoint's plain function called directly: the first call, and the median of `repeats` more."""
    import torch

    from app import serving_threads
    from benchmarks.bench import app_demo
    from benchmarks.floor_app import api_endpoints, direct_call, realistic_args

    torch.set_num_threads(serving_threads())
    fns = api_endpoints(app_demo())
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


def measure(app_client, floor_client, name: str, request: Request, calls: int, warmup: int,
            floor: bool = True) -> dict:
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


def endpoints(args: argparse.Namespace, command: str) -> dict:
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
    result = {"machine": machine(), "command": command, "env": env}
    if args.compute_only:
        result["endpoints"] = [{"endpoint": name, **times} for name, times in compute_times(names, table_, 5).items()]
        result["caps"] = caps()
        return finish(result, args)
    servers, rows = [], []
    try:
        app_url = None
        if not args.no_startup or args.startup_only:
            result["startup"], (process, app_url) = startup(work, max(1, args.repeats), env)
            servers.append(process)
            s = result["startup"]
            print(f"start-up: app {statistics.median(s['app_first_generate_s']):.2f} s to its first /generate, "
                  f"bare imports + weights {statistics.median(s['bare_import_and_weights_s']):.2f} s: "
                  f"{s['ratio_median']}x (target 1.3)", flush=True)
        if args.startup_only:
            return finish(result, args)
        app_url, floor_url = servers_for(args, work, env, servers, app_url)
        app_client = Client(app_url, verbose=False)
        floor_client = Client(floor_url, verbose=False)
        app_names, floor_names = callable_names(app_client), callable_names(floor_client)
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


def finish(result: dict, args: argparse.Namespace) -> dict:
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
    print(footer(result["machine"], result["command"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return result


# ---------------------------------------------------------------------------------------- classroom

HEAVY_KINDS = ("invert", "arena")
MIX = [  # (kind, share of clicks)
    ("generate", 0.25), ("reconstruct", 0.20), ("page visit", 0.06), ("manifold", 0.04), ("interpolate", 0.08),
    ("ae_vs_vae", 0.06), ("anomaly_roc", 0.06), ("denoise", 0.06), ("quiz", 0.07), ("time_machine", 0.05),
    ("mode_collapse", 0.03), ("invert", 0.02), ("arena", 0.02),
]


def clicks(rng: random.Random, uploads: dict, n: int,
           mix: list[tuple[str, float]] = MIX) -> list[tuple[str, list[tuple[str, tuple]]]]:
    """`n` clicks of one student drawn from `mix`: (kind, [(endpoint, client arguments), ...] in the order the
    page calls them)."""
    from gradio_client import handle_file

    kinds, weights = zip(*mix, strict=True)
    out = []
    for _ in range(n):
        kind = rng.choices(kinds, weights)[0]
        digit = handle_file(str(rng.choice(uploads["digit"] + uploads["drawing"])))
        if kind == "generate":
            dataset = rng.choice(["MNIST", "Fashion-MNIST"])
            label = rng.choice(["any", "3", "7"] if dataset == "MNIST" else ["any", "Sneaker", "Bag"])
            seed = 0 if rng.random() < 0.5 else rng.randrange(10**6)  # half keep the default seed
            steps = [("/generate", (dataset, label, 16, seed))]
        elif kind == "reconstruct":
            steps = [("/reconstruct", (digit, "MNIST", rng.choice([0.0, 0.2]))), ("/reconstruct_details", ())]
        elif kind == "page visit":
            steps = [("/manifold_on_load", (15,))]
        elif kind == "manifold":
            steps = [("/manifold", (rng.randrange(3, 31),))]
        elif kind == "interpolate":
            steps = [("/interpolate", ("MNIST", "1", rng.randrange(20), "7", rng.randrange(20), 10, None, None))]
        elif kind == "ae_vs_vae":
            steps = [("/ae_vs_vae", (32, rng.choice([0, 0, rng.randrange(1000)])))]
        elif kind == "anomaly_roc":
            steps = [("/anomaly_roc", (rng.randrange(100, 500), None))]
        elif kind == "denoise":
            steps = [("/denoise", (digit, "MNIST", rng.choice(["Gaussian", "Salt and pepper", "Masked block"]), 0.5))]
        elif kind == "quiz":
            steps = [("/quiz_round", (rng.randrange(1000), "MNIST")), ("/quiz_answer", (rng.choice(["Real", "GAN"]),))]
        elif kind == "time_machine":
            steps = [("/time_machine", (rng.choice(["gan-mnist", "vae-mnist"]), rng.randrange(1, 11)))]
        elif kind == "mode_collapse":
            steps = [("/mode_collapse", (rng.randrange(1, 9),))]  # the collapse run has 8 epochs
        elif kind == "invert":
            steps = [("/invert", (digit, 60))]
        else:
            steps = [("/arena", arena_args(300, rng.randrange(100)))]
        out.append((kind, steps))
    return out


def run_class(url: str, plans: list, think: float, mix: list[tuple[str, float]] = MIX) -> dict:
    """Every student's clicks against `url` at once; latencies per kind, errors, throughput."""
    from gradio_client import Client

    with ThreadPoolExecutor(8) as pool:  # connect first: a browser has the page before it clicks
        # gradio_client gives up on an HTTP read after 20 s by default; a queued click may wait longer
        clients = list(pool.map(lambda _: Client(url, verbose=False, httpx_kwargs={"timeout": 600}), plans))
    lock, results, failures = threading.Lock(), [], []

    def student(client, plan):
        for kind, steps in plan:
            began = time.perf_counter()
            try:
                for api_name, args in steps:
                    if api_name == "/arena":
                        client.submit(*args, api_name=api_name).result(timeout=1200)
                    else:
                        client.predict(*args, api_name=api_name)
                ok = True
            except Exception as err:  # noqa: BLE001 - every failure is counted and reported
                ok = False
                failures.append(f"{kind}: {type(err).__name__}: {str(err)[:200]}")
            with lock:
                results.append((kind, ok, time.perf_counter() - began))
            if think:
                time.sleep(think)

    began = time.perf_counter()
    with ThreadPoolExecutor(len(plans)) as pool:
        list(pool.map(student, clients, plans))
    wall = time.perf_counter() - began
    light = [s for k, ok, s in results if ok and k not in HEAVY_KINDS]
    figures = {"clicks": len(results), "errors": sum(not ok for _, ok, _ in results), "failures": failures[:10],
               "wall_s": round(wall, 1), "clicks_per_s": round(len(results) / wall, 2),
               "light": summary(light) if light else None, "by_kind": {}}
    for kind in [k for k, _ in mix]:
        seconds = [s for k, ok, s in results if k == kind and ok]
        if seconds:
            figures["by_kind"][kind] = summary(seconds)
    return figures


def classroom(args: argparse.Namespace, mix: list[tuple[str, float]], command: str) -> dict:
    env = dict(item.split("=", 1) for item in args.env)
    work = Path(tempfile.mkdtemp(prefix="load-"))
    uploads = make_uploads(work)
    plans = [clicks(random.Random(args.seed * 1000 + k), uploads, args.requests, mix) for k in range(args.students)]
    result = {"command": command, "env": env, "students": args.students, "requests_per_student": args.requests,
              "machine": machine()}
    servers = []
    try:
        app_url, floor_url = servers_for(args, work, env, servers)
        for name, url in (("app", app_url), ("floor", floor_url)):
            result[name] = run_class(url, plans, args.think, mix)
            print(f"{name}: {json.dumps({k: v for k, v in result[name].items() if k != 'by_kind'})}", flush=True)
    finally:
        for process in servers:
            stop(process)
    result["machine"]["load_average_at_end"] = os.getloadavg()[0]
    app, floor = result["app"], result["floor"]
    result["light_ratio_p95"] = ratio(app["light"]["p95_ms"], floor["light"]["p95_ms"])
    result["light_ratio_p50"] = ratio(app["light"]["p50_ms"], floor["light"]["p50_ms"])
    result["met"] = app["errors"] == 0 and result["light_ratio_p95"] <= 1.5
    rows = [{"clicks": "all light clicks", **{f"app_{k}": v for k, v in app["light"].items()},
             **{f"floor_{k}": v for k, v in floor["light"].items()}}]
    for kind in app["by_kind"]:
        rows.append({"clicks": kind, **{f"app_{k}": v for k, v in app["by_kind"][kind].items()},
                     **{f"floor_{k}": v for k, v in floor["by_kind"].get(kind, {}).items()}})
    for row in rows:
        row["ratio_p95"] = ratio(row.get("app_p95_ms"), row.get("floor_p95_ms"))
    print()
    print(table(rows, [("clicks", "clicks"), ("app_n", "n"), ("app_p50_ms", "app p50 ms"), ("app_p95_ms", "app p95"),
                       ("app_max_ms", "app max"), ("floor_p50_ms", "floor p50"), ("floor_p95_ms", "floor p95"),
                       ("floor_max_ms", "floor max"), ("ratio_p95", "p95 x floor")]))
    print(f"\napp: {app['clicks']} clicks in {app['wall_s']} s ({app['clicks_per_s']}/s), {app['errors']} errors; "
          f"floor: {floor['clicks']} in {floor['wall_s']} s ({floor['clicks_per_s']}/s), {floor['errors']} errors")
    print(f"light clicks p95: app {result['light_ratio_p95']}x the floor (target 1.5, 0 errors): "
          f"{'met' if result['met'] else 'NOT met'}")
    print(footer(result["machine"], command))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return result
