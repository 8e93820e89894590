"""The server's memory: a classroom's day of traffic against `python app.py` (`soak`), the memory each thread
that runs the models keeps (`per-thread`), and the app run with a probe that logs where its memory is (`probe`).

    python -m benchmarks memory soak --requests 2000 --clients 20 --cache-seconds 60
    python -m benchmarks memory soak --requests 600 --clients 20 --probe probe.jsonl   # the server under `probe`
    python -m benchmarks memory per-thread --threads 30
    python -m benchmarks memory probe --out probe.jsonl                              # then use the app as usual

soak: `--clients` clients (one gradio_client each, in threads) send `--requests` mixed requests between them:
/generate, /reconstruct with uploads (opaque digits, drawings on transparent canvases, and bad files that must
be refused with the app's own message), /interpolate (half of them with two uploads) and /manifold. It reports
unexpected errors, the server's resident memory (RSS, and its anonymous and file-backed parts) before the first
request, after a warm-up and at the end, the growth from each, and the size of Gradio's cache folder
(GRADIO_TEMP_DIR, a fresh folder) at the start, its peak and at the end. The app deletes cached uploads and
results older than LAB_CACHE_SECONDS (3600 by default); the soak sets --cache-seconds (default 60) so that the
deletion happens within the run. With --probe FILE the server runs under `probe`. Latencies are printed for
information only: they depend on the machine. `--url` soaks an app already running on this machine instead.

per-thread: the app's handlers run from many live threads, first through `ui.common.friendly` (which hands the
work to its COMPUTE_THREADS long-lived threads, as the app does), then called directly in each thread (what
happens when Gradio's worker thread that picked up the event runs the models itself). In-process, on the
shipped weights, with `lab/memory.py`'s malloc settings and one torch thread, as `python app.py` serves. Each of
`--threads` threads makes one /generate request (64 MNIST digits and 16 Fashion-MNIST bags, a new seed each)
and one 10x10 /manifold, then stays alive until all have run, as Gradio's idle workers do. The work is first
done once on the main thread, so that one-time costs (each batch shape's first pass) are paid before either
reading. Prints the resident memory (RSS) after each phase and the growth per thread.

probe: runs `app.py` in this process with a thread that appends one JSON line to `--out` every `--every`
seconds: resident memory split into anonymous (heap, arenas, mmapped buffers) and file-backed (code, shared
libraries), glibc malloc's own count of the bytes in use and the bytes held free inside its arenas (mallinfo2;
the free bytes are fragmentation), the number of arenas and threads, the number of Python objects by type, and,
with --trace, the Python allocations (tracemalloc) that grew most since the first line.

Nothing numpy, torch or Gradio is imported before the modes start: the app's malloc settings (lab/memory.py)
must come before any other thread does.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import gc
import json
import os
import random
import re
import runpy
import signal
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench import ROOT, add_mode, command_line, footer, free_port, machine, parser, start

NAME = "memory"
GENERIC = "upstream Gradio app has raised an exception"


def main(argv: list[str]) -> dict:
    p = parser(NAME, __doc__)
    modes = p.add_subparsers(dest="mode", required=True, metavar="{soak,per-thread,probe}")
    s = add_mode(modes, NAME, "soak", "a day of mixed requests against the app: its memory and cache folder", __doc__)
    s.add_argument("--requests", type=int, default=2000)
    s.add_argument("--clients", type=int, default=20)
    s.add_argument("--warmup", type=int, default=100, help="requests before the 'after warm-up' RSS reading")
    s.add_argument("--cache-seconds", type=int, default=60, help="the app's LAB_CACHE_SECONDS for this run")
    s.add_argument("--out", help="also write the figures to this JSON file")
    s.add_argument("--probe", help="run the app under `probe`, which appends where its memory is to this JSON-lines "
                                   "file every 10 s")
    s.add_argument("--probe-trace", action="store_true", help="with --probe: tracemalloc too")
    s.add_argument("--url", help="soak this app, already running on this machine, instead of starting one")
    s.add_argument("--pid", type=int, help="with --url: the app's process id, for its memory")
    s.add_argument("--cache-dir", help="with --url: the app's Gradio cache folder (GRADIO_TEMP_DIR)")

    t = add_mode(modes, NAME, "per-thread", "the memory each live thread that ran the models keeps", __doc__)
    t.add_argument("--threads", type=int, default=30, help="live threads making requests (Gradio allows 40)")

    r = add_mode(modes, NAME, "probe", "run the app with a thread logging where its memory is", __doc__)
    r.add_argument("--out", required=True, help="the JSON-lines file to append to")
    r.add_argument("--every", type=float, default=10.0, help="seconds between lines")
    r.add_argument("--trace", action="store_true", help="also tracemalloc's largest growths (slows the app)")
    args = p.parse_args(argv)
    command = command_line(NAME, argv)
    if args.mode == "soak":
        if args.url and (args.pid is None or args.cache_dir is None):
            s.error("--url needs --pid and --cache-dir (the app's process and Gradio cache folder)")
        if args.url and args.probe:
            s.error("--probe runs an app started here: leave out --url")
        return soak(args, command)
    if args.mode == "per-thread":
        return per_thread(args.threads, command)
    return probe_app(Path(args.out), args.every, args.trace, command)


# ---------------------------------------------------------------------------------------- soak


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """`field` of /proc/<pid>/status in MB: VmRSS (resident), RssAnon (heap, arenas, buffers: what requests
    can grow) or RssFile (code and shared libraries, mapped from files)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc: this benchmark measures memory on Linux only")


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


def one_request(client, rng: random.Random, uploads: dict[str, list[Path]]) -> tuple[str, bool]:
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


def soak(args: argparse.Namespace, command: str) -> dict:
    from gradio_client import Client

    from benchmarks.bench import make_uploads, stop

    machine_ = machine()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    uploads = make_uploads(work)
    server, log = None, work / "app.log"
    if args.url:
        url, pid, cache = args.url, args.pid, Path(args.cache_dir)
    else:
        app = [sys.executable, "app.py"]
        if args.probe:
            app = [sys.executable, "-m", "benchmarks", NAME, "probe", "--out", str(Path(args.probe).resolve()),
                   *(["--trace"] if args.probe_trace else [])]
        server, url, _ = start(app, free_port(), work, "app", {"LAB_CACHE_SECONDS": str(args.cache_seconds)})
        pid, cache = server.pid, work / "app-cache"  # bench.start's GRADIO_TEMP_DIR
    try:
        figures = {"requests": args.requests, "clients": args.clients,
                   "cache_seconds": None if args.url else args.cache_seconds,
                   **memory(pid, "start"), "cache_mb_start": round(folder_mb(cache), 2)}
        lock, done, results, failures = threading.Lock(), [0], [], []
        peak = [0.0]
        finished = threading.Event()

        def watch_cache():
            while not finished.wait(2.0):
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
                began = time.perf_counter()
                try:
                    kind, right = one_request(client, rng, uploads)
                except Exception as err:  # noqa: BLE001 - every unexpected failure is counted and reported
                    kind, right = "error", False
                    failures.append(f"{type(err).__name__}: {str(err)[:200]}")
                with lock:
                    results.append((kind, right, time.perf_counter() - began))
                    done[0] += 1
                    if done[0] == args.warmup:
                        figures.update(memory(pid, "after_warmup"))
                    if done[0] % 200 == 0:
                        print(f"{done[0]} requests, RSS {memory_mb(pid):.0f} MB "
                              f"(anonymous {memory_mb(pid, 'RssAnon'):.0f} MB), "
                              f"cache {folder_mb(cache):.1f} MB", flush=True)

        threading.Thread(target=watch_cache, daemon=True).start()
        began = time.perf_counter()
        shares = [args.requests // args.clients + (k < args.requests % args.clients) for k in range(args.clients)]
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(client_loop, range(args.clients), shares))
        finished.set()
        if server is not None and server.poll() is not None:
            sys.exit(f"the app exited during the run (status {server.returncode}); see {log}")
        figures["minutes"] = round((time.perf_counter() - began) / 60, 1)
        figures.update(memory(pid, "end"))
        figures["rss_growth_mb"] = round(figures["rss_mb_end"] - figures["rss_mb_start"], 1)
        if "rss_mb_after_warmup" in figures:
            figures["rss_growth_mb_after_warmup"] = round(figures["rss_mb_end"] - figures["rss_mb_after_warmup"], 1)
        end = folder_mb(cache)  # measured once: a result written between two measurements made end > peak
        figures["cache_mb_peak"], figures["cache_mb_end"] = round(max(peak[0], end), 2), round(end, 2)
        figures["errors"] = sum(not right for _, right, _ in results)
        figures["failures"] = failures[:10]
        figures["by_kind"] = {}
        for kind in sorted({k for k, _, _ in results}):
            seconds = sorted(s for k, _, s in results if k == kind)
            figures["by_kind"][kind] = {"count": len(seconds), "p50_s": round(statistics.median(seconds), 2),
                                        "p95_s": round(seconds[int(0.95 * (len(seconds) - 1))], 2)}
        if server is not None:
            figures["server_log"] = str(log)
            figures["server_log_errors"] = sum(" ERROR " in line for line in log.read_text().splitlines())
    finally:
        if server is not None:
            stop(server)
    figures.update(machine=machine_, command=command)
    print(json.dumps({k: v for k, v in figures.items() if k not in ("machine", "command")}, indent=2))
    print(footer(machine_, command))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    return figures


# ---------------------------------------------------------------------------------------- per-thread


def in_live_threads(work, count: int) -> float:
    """Run `work()` once in each of `count` threads; the RSS in MB once all have run, all still alive."""
    done, release = threading.Barrier(count + 1), threading.Event()

    def run():
        try:
            work()
        finally:
            done.wait()
            release.wait()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    done.wait()  # every thread has run its work and is still alive: read the memory now
    reading = memory_mb(os.getpid())
    release.set()
    for t in threads:
        t.join()
    return reading


def per_thread(threads: int, command: str) -> dict:
    from lab.memory import limit_fragmentation

    limit_fragmentation()  # before any other thread starts, as app.py does
    machine_ = machine()

    import torch

    from benchmarks.bench import shipped_lab
    from lab.generate import generate
    from lab.latent import manifold
    from ui.common import COMPUTE_THREADS, friendly

    torch.set_num_threads(1)
    lab = shipped_lab()
    seeds = iter(range(1000, 10**6))
    lock = threading.Lock()

    def work():
        with lock:
            seed = next(seeds)
        generate(lab, "MNIST", "any", 64, seed)  # a new seed: not served from the cache
        generate(lab, "Fashion-MNIST", "Bag", 16, seed)
        manifold(lab, 10)

    work()
    start_mb = memory_mb(os.getpid())
    print(f"loaded, one request made on the main thread: RSS {start_mb:.1f} MB")
    pooled = in_live_threads(friendly(work), threads)
    print(f"{threads} threads, work through friendly ({COMPUTE_THREADS} compute threads): RSS {pooled:.1f} MB, "
          f"+{pooled - start_mb:.1f} MB")
    direct = in_live_threads(work, threads)
    print(f"{threads} threads, work on each thread itself: RSS {direct:.1f} MB, +{direct - pooled:.1f} MB more, "
          f"{(direct - pooled) / threads:.2f} MB a thread")
    print(footer(machine_, command))
    return {"threads": threads, "compute_threads": COMPUTE_THREADS, "rss_mb_start": round(start_mb, 1),
            "rss_mb_through_friendly": round(pooled, 1), "rss_mb_on_each_thread": round(direct, 1),
            "mb_a_thread": round((direct - pooled) / threads, 2), "machine": machine_, "command": command}


# ---------------------------------------------------------------------------------------- probe


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def proc_status() -> dict[str, int]:
    wanted = {"VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"}
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            out[key] = int(value.split()[0])
    return out


class Probe:
    """Where this process's memory is, one reading (`line()`) at a time; growths are since the first reading.
    glibc only (mallinfo2, glibc 2.33 and later); `trace` needs tracemalloc started."""

    def __init__(self, trace: bool = False):
        self.trace = trace
        self.libc = ctypes.CDLL("libc.so.6")
        self.libc.mallinfo2.restype = MallInfo2
        self.libc.fopen.restype = ctypes.c_void_p
        self.libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
        self.libc.fclose.argtypes = [ctypes.c_void_p]
        self.first_types: collections.Counter | None = None
        self.first_snapshot = None
        self.began = time.time()

    def malloc_figures(self) -> dict:
        info = self.libc.mallinfo2()

        def mb(size: int) -> float:
            return round(size / 2**20, 1)

        figures = {"heap_mb": mb(info.arena), "mmapped_mb": mb(info.hblkhd), "mmapped_chunks": info.hblks,
                   "in_use_mb": mb(info.uordblks), "free_in_arenas_mb": mb(info.fordblks),
                   "top_pad_mb": mb(info.keepcost)}
        with tempfile.NamedTemporaryFile("r", suffix=".xml") as f:  # malloc_info: one <heap> per arena
            fp = self.libc.fopen(f.name.encode(), b"w")
            self.libc.malloc_info(0, fp)
            self.libc.fclose(fp)
            figures["arenas"] = len(re.findall(r"<heap nr=", f.read()))
        return figures

    def line(self) -> dict:
        status = proc_status()
        types = collections.Counter(type(o).__name__ for o in gc.get_objects())
        line = {"t": round(time.time() - self.began, 1), "rss_mb": round(status["VmRSS"] / 1024, 1),
                "anon_mb": round(status["RssAnon"] / 1024, 1), "file_mb": round(status["RssFile"] / 1024, 1),
                "threads": status["Threads"], **self.malloc_figures(), "py_objects": sum(types.values())}
        if self.first_types is None:
            self.first_types = types
        line["py_types_grown"] = dict((types - self.first_types).most_common(8))
        if self.trace:
            snapshot = tracemalloc.take_snapshot()
            line["traced_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
            if self.first_snapshot is None:
                self.first_snapshot = snapshot
            line["traced_grown"] = [f"{s.size_diff / 2**10:+.0f} KB {s.count_diff:+d} {s.traceback[0]}"
                                    for s in snapshot.compare_to(self.first_snapshot, "lineno")[:12]]
        return line


def log_lines(out: Path, every: float, trace: bool) -> None:
    """Append a Probe reading to `out` every `every` seconds, for ever (run it in a daemon thread)."""
    probe = Probe(trace)
    while True:
        with open(out, "a") as f:
            f.write(json.dumps(probe.line()) + "\n")
        time.sleep(every)


def probe_app(out: Path, every: float, trace: bool, command: str) -> dict:
    """Serve `python app.py` in this process with the probe's thread; the footer when it stops (Ctrl-C, or
    SIGTERM as the soak stops it)."""
    machine_ = machine()

    def stopped(signum, frame):  # print the footer, then end as SIGTERM would have
        print(footer(machine_, command), flush=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, stopped)
    if trace:
        tracemalloc.start(1)
    threading.Thread(target=log_lines, args=(out, every, trace), name="memprobe", daemon=True).start()
    sys.argv = [str(ROOT / "app.py")]
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
    print(footer(machine_, command), flush=True)
    return {"out": str(out), "machine": machine_, "command": command}
