"""Soak test: a classroom's day of traffic in one run, against `python app.py` started here.

    python benchmarks/soak.py --requests 2000 --clients 20

20 clients (one gradio_client each, in threads) send 2,000 mixed requests between them: /generate,
/reconstruct with uploads (opaque digits, drawings on transparent canvases, and bad files that must be
refused with the app's own message), /interpolate (half of them with two uploads) and /manifold. It
reports unexpected errors, the server's resident memory (RSS, and its anonymous and file-backed parts)
before the first request, after a warm-up and at the end, the growth from each, and the size of Gradio's
cache folder (GRADIO_TEMP_DIR, a fresh folder) at the start, its peak and at the end. The app deletes
cached uploads and results older than LAB_CACHE_SECONDS (3600 by default); the soak sets --cache-seconds
(default 60) so that the deletion happens within the run. With --probe FILE the server runs under
benchmarks/memprobe.py, which logs where its memory is (malloc's bytes in use and free, arenas, threads,
Python objects). Not part of the test suite. Latencies are printed for information only: they depend on
the machine.
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
GENERIC = "upstream Gradio app has raised an exception"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """`field` of /proc/<pid>/status in MB: VmRSS (resident), RssAnon (heap, arenas, buffers: what requests
    can grow) or RssFile (code and shared libraries, mapped from files)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc: this script measures memory on Linux only")


def memory(pid: int, when: str) -> dict[str, float]:
    """The server's resident memory at `when`: all of it, and its anonymous and file-backed parts."""
    return {f"{name}_mb_{when}": round(memory_mb(pid, field), 1)
            for name, field in (("rss", "VmRSS"), ("anon", "RssAnon"), ("file", "RssFile"))}


def folder_mb(folder: Path) -> float:
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except FileNotFoundError:  # deleted by the app's sweep while we were counting
            pass
    return total / 2**20


def make_uploads(folder: Path) -> dict[str, list[Path]]:
    """Digits from tests/fixtures as a student would send them, and files the app must refuse."""
    data = np.load(ROOT / "tests" / "fixtures" / "mnist_test_200.npz")
    uploads = {"digit": [], "drawing": [], "bad": []}
    for i in range(20):
        digit = Image.fromarray(data["images"][i * 10]).resize((140, 140), Image.Resampling.BILINEAR)
        path = folder / f"digit{i}.png"
        Image.fromarray(255 - np.asarray(digit)).save(path)  # dark ink on white paper
        uploads["digit"].append(path)
        rgba = np.zeros((140, 140, 4), dtype=np.uint8)
        rgba[..., 3] = np.asarray(digit)  # black strokes on a transparent canvas
        path = folder / f"drawing{i}.png"
        Image.fromarray(rgba, "RGBA").save(path)
        uploads["drawing"].append(path)
    bad = {"random.png": os.urandom(3000), "empty.png": b"", "notes.png": b"not a picture\n" * 50}
    for name, content in bad.items():
        (folder / name).write_bytes(content)
        uploads["bad"].append(folder / name)
    return uploads


def one_request(client, rng: random.Random, uploads) -> tuple[str, bool]:
    """Send one random request; returns (kind, whether the answer was the right one)."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    r = rng.random()
    if r < 0.40:
        dataset = rng.choice(["MNIST", "Fashion-MNIST"])
        label = rng.choice(["any", "3", "7"] if dataset == "MNIST" else ["any", "Sneaker", "Bag"])
        client.predict(dataset, label, rng.choice([4, 8, 16]), rng.randrange(10**6), api_name="/generate")
        return "generate", True
    if r < 0.70:
        path = rng.choice(uploads["digit"] + uploads["drawing"])
        client.predict(handle_file(str(path)), "MNIST", rng.choice([0.0, 0.2]), api_name="/reconstruct")
        return "reconstruct", True
    if r < 0.80:
        try:
            client.predict(handle_file(str(rng.choice(uploads["bad"]))), "MNIST", 0.0, api_name="/reconstruct")
        except AppError as err:  # must be refused, with the app's own words
            return "bad upload", GENERIC not in str(err) and ("picture" in str(err) or "empty" in str(err))
        return "bad upload", False
    if r < 0.90:
        with_uploads = rng.random() < 0.5
        a, b = (handle_file(str(rng.choice(uploads["digit"]))) if with_uploads else None for _ in range(2))
        client.predict("MNIST", "1", rng.randrange(100), "7", rng.randrange(100), 8, a, b, api_name="/interpolate")
        return "interpolate", True
    client.predict(rng.randrange(5, 16), api_name="/manifold")
    return "manifold", True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=100, help="requests before the 'after warm-up' RSS reading")
    parser.add_argument("--cache-seconds", type=int, default=60, help="the app's LAB_CACHE_SECONDS for this run")
    parser.add_argument("--out", help="also write the figures to this JSON file")
    parser.add_argument("--probe", help="run the app under benchmarks/memprobe.py, which appends where its memory "
                                        "is to this JSON-lines file every 10 s (LAB_MEMPROBE_TRACE=1: tracemalloc too)")
    args = parser.parse_args()
    from gradio_client import Client

    work = Path(tempfile.mkdtemp(prefix="soak-"))
    cache = work / "gradio-cache"
    cache.mkdir()
    uploads = make_uploads(work)
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_TEMP_DIR": str(cache),
           "LAB_CACHE_SECONDS": str(args.cache_seconds), "GRADIO_ANALYTICS_ENABLED": "False"}
    log = open(work / "server.log", "w")
    command = [sys.executable, "app.py"]
    if args.probe:
        env["LAB_MEMPROBE_OUT"] = str(Path(args.probe).resolve())
        command = [sys.executable, "benchmarks/memprobe.py"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                if server.poll() is not None:
                    sys.exit(f"the app exited; see {work / 'server.log'}")
                time.sleep(0.5)
        figures = {"requests": args.requests, "clients": args.clients, "cache_seconds": args.cache_seconds,
                   **memory(server.pid, "start"), "cache_mb_start": round(folder_mb(cache), 2)}
        lock, done, results, failures = threading.Lock(), [0], [], []
        peak = [0.0]
        stop = threading.Event()

        def watch_cache():
            while not stop.wait(2.0):
                peak[0] = max(peak[0], folder_mb(cache))

        def client_loop(k: int, n: int):
            rng = random.Random(k)
            for attempt in range(3):  # 20 clients asking for the app's API at once can time out on 2 cores
                try:
                    client = Client(url, verbose=False, download_files=False)
                    break
                except Exception as err:  # noqa: BLE001 - reported, the client's share counted as failed
                    if attempt == 2:
                        failures.append(f"client {k} could not connect: {type(err).__name__}: {str(err)[:200]}")
                        with lock:
                            results.extend(("error", False, 0.0) for _ in range(n))
                        return
                    time.sleep(5)
            for _ in range(n):
                start = time.perf_counter()
                try:
                    kind, right = one_request(client, rng, uploads)
                except Exception as err:  # noqa: BLE001 - every unexpected failure is counted and reported
                    kind, right = "error", False
                    failures.append(f"{type(err).__name__}: {str(err)[:200]}")
                with lock:
                    results.append((kind, right, time.perf_counter() - start))
                    done[0] += 1
                    if done[0] == args.warmup:
                        figures.update(memory(server.pid, "after_warmup"))
                    if done[0] % 200 == 0:
                        print(f"{done[0]} requests, RSS {memory_mb(server.pid):.0f} MB "
                              f"(anonymous {memory_mb(server.pid, 'RssAnon'):.0f} MB), "
                              f"cache {folder_mb(cache):.1f} MB", flush=True)

        threading.Thread(target=watch_cache, daemon=True).start()
        began = time.perf_counter()
        shares = [args.requests // args.clients + (k < args.requests % args.clients) for k in range(args.clients)]
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(client_loop, range(args.clients), shares))
        stop.set()
        if server.poll() is not None:
            sys.exit(f"the app exited during the run (status {server.returncode}); see {work / 'server.log'}")
        figures["minutes"] = round((time.perf_counter() - began) / 60, 1)
        figures.update(memory(server.pid, "end"))
        figures["rss_growth_mb"] = round(figures["rss_mb_end"] - figures["rss_mb_start"], 1)
        if "rss_mb_after_warmup" in figures:
            figures["rss_growth_mb_after_warmup"] = round(figures["rss_mb_end"] - figures["rss_mb_after_warmup"], 1)
        figures["cache_mb_peak"] = round(max(peak[0], folder_mb(cache)), 2)
        figures["cache_mb_end"] = round(folder_mb(cache), 2)
        figures["errors"] = sum(not right for _, right, _ in results)
        figures["failures"] = failures[:10]
        figures["by_kind"] = {}
        for kind in sorted({k for k, _, _ in results}):
            seconds = sorted(s for k, _, s in results if k == kind)
            figures["by_kind"][kind] = {"count": len(seconds), "p50_s": round(statistics.median(seconds), 2),
                                        "p95_s": round(seconds[int(0.95 * (len(seconds) - 1))], 2)}
        log.flush()
        figures["server_log_errors"] = sum(" ERROR " in line for line in (work / "server.log").read_text().splitlines())
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(figures, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
