"""A classroom at once: 40 students x 10 mixed requests against the app and, in the same run, its floor.

    python benchmarks/load.py                                  # 40 students x 10 requests, app then floor
    python benchmarks/load.py --students 10 --requests 4       # a quick run
    python benchmarks/load.py --env LAB_TORCH_THREADS=2 --env GRADIO_DEFAULT_CONCURRENCY_LIMIT=2 --json load.json
    python benchmarks/load.py --kinds generate                 # 40 students x 10 /generate clicks only

Starts `python app.py` and benchmarks/floor_app.py (the same endpoints returning stored answers without
computing; `--env` settings go to both) on free loopback ports. Each student is one gradio_client
session in its own thread, all starting together with no pause between clicks, and makes `--requests`
clicks drawn from a fixed mix (the same sequence for the app and the floor): /generate, /reconstruct of an
upload (with the /reconstruct_details the page chains to it), the manifold on a page visit and on the
slider, /interpolate, and the teaching events (/ae_vs_vae, /anomaly_roc, /denoise, a quiz round and its
answer, /time_machine, /mode_collapse), plus the heavy ones that train or search on purpose (/invert,
a 300-step /arena run), reported on their own. A click's latency is the time until the page would show
its result. Prints throughput, p50/p95/max, errors, and the app's p95 over the floor's for the light
clicks (target: at most 1.5, with 0 errors).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (  # noqa: E402
    arena_args,
    free_port,
    machine,
    machine_line,
    make_uploads,
    ratio,
    start,
    stop,
    summary,
    table,
)

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


def run_class(url: str, plans: list, think: float) -> dict:
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
    for kind in [k for k, _ in MIX]:
        seconds = [s for k, ok, s in results if k == kind and ok]
        if seconds:
            figures["by_kind"][kind] = summary(seconds)
    return figures


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--requests", type=int, default=10, help="clicks per student")
    p.add_argument("--think", type=float, default=0.0, help="seconds a student waits between clicks")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--env", action="append", default=[], help="KEY=VALUE for the app and the floor")
    p.add_argument("--kinds", default="", help="comma-separated kinds of click to keep from the mix, e.g. generate "
                                               f"(all: {', '.join(k for k, _ in MIX)})")
    p.add_argument("--json", help="also write the figures to this JSON file")
    args = p.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = sorted(set(kinds) - {k for k, _ in MIX})
    if unknown:
        p.error(f"unknown --kinds {', '.join(unknown)}: choose from {', '.join(k for k, _ in MIX)}")
    mix = [(k, w) for k, w in MIX if not kinds or k in kinds]

    env = dict(item.split("=", 1) for item in args.env)
    work = Path(tempfile.mkdtemp(prefix="load-"))
    uploads = make_uploads(work)
    plans = [clicks(random.Random(args.seed * 1000 + k), uploads, args.requests, mix) for k in range(args.students)]
    result = {"command": "python benchmarks/load.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "env": env, "students": args.students, "requests_per_student": args.requests,
              "machine": machine()}
    servers = []
    try:
        app, app_url, _ = start([sys.executable, "app.py"], free_port(), work, "app", env)
        servers.append(app)
        floor, floor_url, _ = start([sys.executable, "benchmarks/floor_app.py"], free_port(), work, "floor", env)
        servers.append(floor)
        for name, url in (("app", app_url), ("floor", floor_url)):
            result[name] = run_class(url, plans, args.think)
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
    print(machine_line(result["machine"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
