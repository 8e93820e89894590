"""What the benchmarks share: the footer every one of them ends with (the machine, the load average at the
start and the end, the command that reruns it), the app and the floor app started on free loopback ports,
a realistic request for every API endpoint (through gradio_client, and as the plain function gets it
when called directly), the uploads a student sends, percentiles and tables.

Nothing here starts a thread at import (numpy and PIL are imported where they are used): `memory` imports
it before the app sets malloc's arenas, which must come before any other thread starts.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import platform
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # gradio_client must not look for the Hub
os.environ.setdefault("LAB_ROOM_MAX_OPEN", str(10**9))  # the apps benchmarks start: they open many rooms

HEAVY = ("/arena", "/invert", "/invert_drawing")  # they train or search on purpose: compute time and caps, no ratio


# ---------------------------------------------------------------------------------------- the footer


def parser(name: str, doc: str | None) -> argparse.ArgumentParser:
    """A benchmark's argument parser: `python -m benchmarks NAME` in its usage, its docstring as its help."""
    return argparse.ArgumentParser(prog=f"python -m benchmarks {name}", description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def add_mode(modes, name: str, mode: str, one_line: str, doc: str | None,
             parents: list[argparse.ArgumentParser] | None = None) -> argparse.ArgumentParser:
    """Mode `mode` of benchmark `name` (`modes`: its parser's add_subparsers()), with the benchmark's docstring."""
    return modes.add_parser(mode, help=one_line, description=doc, parents=parents or [],
                            prog=f"python -m benchmarks {name} {mode}",
                            formatter_class=argparse.RawDescriptionHelpFormatter)


def cpu_name() -> str:
    """The CPU's model name (/proc/cpuinfo on Linux), else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine() -> dict:
    """Where a benchmark ran, for its JSON and its footer: the CPU, how many, and the load average at the start
    (`footer` adds `load_average_at_end`); `note` says what else ran on the machine (BENCH_NOTE, e.g. "no other
    jobs")."""
    return {"cpu": cpu_name(), "platform": f"{platform.system()} {platform.machine()}", "cpu_count": os.cpu_count(),
            "load_average_at_start": os.getloadavg()[0],
            "note": os.environ.get("BENCH_NOTE", "other jobs not recorded: set BENCH_NOTE")}


def machine_line(machine_: dict) -> str:
    """'load average 1.2 at the start, 3.4 at the end (2 CPUs; ...)': the footer's load line."""
    end = machine_.get("load_average_at_end")
    return (f"load average {machine_['load_average_at_start']:.1f} at the start"
            + (f", {end:.1f} at the end" if end is not None else "")
            + f" ({machine_['cpu_count']} CPUs; {machine_['note']})")


def command_line(name: str, argv: list[str]) -> str:
    """The command that reruns benchmark `name` with `argv`, quoted for a shell."""
    return shlex.join(["python", "-m", "benchmarks", name, *argv])


def footer(machine_: dict, command: str) -> str:
    """The last lines of every benchmark's output: the machine, the load average at the start and at the end
    (recorded now unless the benchmark already did, e.g. before stopping its servers), the command."""
    machine_.setdefault("load_average_at_end", os.getloadavg()[0])
    return "\n".join(["", f"machine: {machine_['cpu']} ({machine_['platform']})", machine_line(machine_),
                      f"command: {command}"])


# ---------------------------------------------------------------------------------------- figures


def percentile(values, q: float) -> float:
    """The `q`-th percentile (0-100) of `values`, linearly interpolated between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(seconds) -> dict:
    """p50, p95 and max in milliseconds, and the count."""
    return {"n": len(seconds), "p50_ms": round(percentile(seconds, 50) * 1000, 1),
            "p95_ms": round(percentile(seconds, 95) * 1000, 1), "max_ms": round(max(seconds) * 1000, 1)}


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """A plain-text table: `columns` is [(key, heading)]; numbers right-aligned, None shown as '-'."""

    def cell(value):
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    cells = [[cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max([len(heading)] + [len(r[i]) for r in cells]) for i, (_, heading) in enumerate(columns)]
    def is_number(value):
        return value is None or (isinstance(value, int | float) and not isinstance(value, bool))

    numeric = [all(is_number(row.get(key)) for row in rows) for key, _ in columns]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True))

    return "\n".join([line([h for _, h in columns]), line(["-" * w for w in widths]), *map(line, cells)])


# ---------------------------------------------------------------------------------------- what a student sends


def make_uploads(folder: Path) -> dict[str, list[Path]]:
    """Digits from tests/fixtures as a student would send them, and files the app must refuse."""
    import numpy as np
    from PIL import Image

    data = np.load(ROOT / "tests" / "fixtures" / "mnist_test_200.npz")
    uploads: dict[str, list[Path]] = {"digit": [], "drawing": [], "bad": []}
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


def arena_args(steps: int, seed: int) -> tuple:
    """The client arguments of an /arena run: preset "custom" with the healthy settings and `steps` steps."""
    return ("custom", "ring of 8 Gaussians", 1e-3, 1e-3, 1, 2, 64, 128, "non-saturating", seed, steps, False)


# ---------------------------------------------------------------------------------------- requests

_FIGURES = {"sharpness": 0.61, "recognisability": 0.844, "predicted": ["7"] * 64, "how": "64 samples",
            "evaluated": {"precision": 0.7, "recall": 0.8, "real_precision": 0.75, "real_recall": 0.76}}
STATS = {"dataset": "MNIST", "label": "any", "count": 64, "seed": 0, "vae": _FIGURES, "gan": _FIGURES}
# a /reconstruct result, the input of /reconstruct_verdict (the keys lab.reconstruct.verdict_text reads)
RESULT = {"dataset": "MNIST", "predicted_label": "7", "input_predicted_label": "7", "confidence": 0.99,
          "anomaly_percentile": 33.4, "latent_2d": [0.5, -0.5]}


@dataclass
class Request:
    """One realistic call of an endpoint: `client(i)` the arguments gradio_client sends (gr.State inputs
    left out: the server keeps them per session), `direct` the arguments its plain function receives
    after Gradio's preprocessing; `before`: an endpoint to call first, unmeasured, in the same session
    (it sets the state this one reads)."""

    client: Callable[[int], tuple]
    direct: tuple | Callable[[int], tuple]
    before: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def direct_args(self, i: int = 0) -> tuple:
        return self.direct(i) if callable(self.direct) else self.direct


def requests(uploads: dict[str, list[Path]]) -> dict[str, Request]:
    """A realistic request for each API endpoint of the app (public and undocumented), keyed by its API name
    ("/generate")."""
    import numpy as np
    from gradio_client import handle_file
    from PIL import Image

    from lab.quiz import new_state

    digit, drawing = str(uploads["digit"][3]), str(uploads["drawing"][3])
    rgba = np.asarray(Image.open(drawing).convert("RGBA"))

    def upload():
        return handle_file(digit)

    def sketch():  # what the page sends for a drawing: the canvas as one PNG
        return {"background": None, "layers": [], "composite": handle_file(drawing)}

    details = {"heatmap": np.zeros((224, 224, 3), np.uint8), "steps": [], "point": [0.5, -0.5]}
    return {
        "/generate": Request(lambda i: ("MNIST", "any", 64, 0), ("MNIST", "any", 64, 0),
                             note="64 digits, seed 0 (the same request each call)"),
        "/generate (new seed)": Request(lambda i: ("MNIST", "any", 64, 1000 + i),
                                        lambda i: ("MNIST", "any", 64, 1000 + i),
                                        note="64 digits, a new seed each call", extra={"api_name": "/generate"}),
        "/generate (Fashion-MNIST)": Request(lambda i: ("Fashion-MNIST", "any", 64, 1000 + i),
                                              lambda i: ("Fashion-MNIST", "any", 64, 1000 + i),
                                              note="64 clothes, a new seed each call", extra={"api_name": "/generate"}),
        "/generate_classes": Request(lambda i: ("Fashion-MNIST",), ("Fashion-MNIST",)),
        "/random_seed": Request(lambda i: (), ()),
        "/generate_readouts": Request(lambda i: (STATS,), (STATS,), note="the stats of a /generate"),
        "/reconstruct": Request(lambda i: (upload(), "MNIST", 0.0), (digit, "MNIST", 0.0), note="an upload"),
        "/reconstruct_drawing": Request(lambda i: (sketch(), "MNIST", 0.0),
                                        ({"background": None, "layers": [], "composite": drawing}, "MNIST", 0.0)),
        "/reconstruct_verdict": Request(lambda i: (RESULT,), (RESULT,), note="the verdict of a /reconstruct result"),
        "/reconstruct_details": Request(lambda i: (), (details,), before="/reconstruct",
                                        note="after a /reconstruct: the error map, steps and the marked map"),
        "/reconstruct_drawing_details": Request(lambda i: (), (details,), before="/reconstruct_drawing"),
        "/manifold": Request(lambda i: (15,), (15,)),
        "/manifold_on_load": Request(lambda i: (15,), (15,), note="every page visit"),
        "/interpolate_classes": Request(lambda i: ("Fashion-MNIST",), ("Fashion-MNIST",)),
        "/interpolate": Request(lambda i: ("MNIST", "1", 0, "7", 1, 10, None, None),
                                ("MNIST", "1", 0, "7", 1, 10, None, None)),
        "/ae_vs_vae": Request(lambda i: (32, 0), (32, 0)),
        "/invert": Request(lambda i: (upload(), 60), (digit, 60), note="60 Adam steps (the default)"),
        "/invert_drawing": Request(lambda i: ({"background": None, "layers": [], "composite": handle_file(drawing)},
                                              60), ({"background": None, "layers": [], "composite": rgba}, 60)),
        "/anomaly_roc": Request(lambda i: (150 + 10 * (i % 20), None), (200, None),
                                note="the threshold slider moved (a new threshold each call)"),
        "/denoise": Request(lambda i: (upload(), "MNIST", "Gaussian", 0.5), (digit, "MNIST", "Gaussian", 0.5)),
        "/super_resolve": Request(lambda i: (upload(),), (digit,), note="an upload"),
        "/complete": Request(lambda i: (upload(), 0), (digit, 0), note="an upload"),
        "/arena": Request(lambda i: arena_args(300, i), arena_args(300, 0), note="a custom run of 300 steps"),
        "/arena_reset": Request(lambda i: arena_args(1500, i), arena_args(1500, 0), note="new step-mode networks"),
        "/arena_step": Request(lambda i: ("D then G", 10), (None, "D then G", 10, None), before="/arena_reset",
                               note="a x10 click after a reset"),
        "/time_machine": Request(lambda i: ("gan-mnist", 1 + i % 16), ("gan-mnist", 5),
                                 note="the epoch slider moved (epoch 1-16)"),
        "/time_machine_epochs": Request(lambda i: ("vae-mnist", 5), ("vae-mnist", 5)),
        "/mode_collapse": Request(lambda i: (1 + i % 8,), (3,), note="the epoch slider moved (1-8)"),
        "/quiz_round": Request(lambda i: (i, "MNIST"), (new_state(), 0, "MNIST"), note="a new seed each round"),
        "/quiz_answer": Request(lambda i: ("GAN",), ("GAN", {**new_state(), "round": {"seed": 0, "dataset": "MNIST"}}),
                                before="/quiz_round"),
        "/room_open": Request(lambda i: ("",), ("",), note="the shipped lesson"),
        "/room_join": Request(lambda i: (open_room()["code"], ""), lambda i: (open_room()["code"], ""),
                              note="a phone joins, with a made-up name"),
        "/room_question": Request(lambda i: phone(open_room()), lambda i: phone(open_room()), note="one phone's poll"),
        "/room_answer": Request(lambda i: (*phone(open_room()), 1, "Sharper images"),
                                lambda i: (*phone(open_room()), 1, "Sharper images"), note="one phone answers"),
        "/room_control": Request(lambda i: (*presenter(new_room()), "start"),
                                 lambda i: (*presenter(new_room()), "start"), note="Start round in a new room"),
        "/room_state": Request(lambda i: presenter(open_room()), lambda i: presenter(open_room()),
                               note="the projector's view of a room with its round open"),
        "/room_export": Request(lambda i: presenter(open_room()), lambda i: presenter(open_room()),
                                note="the CSV of a room with one answer"),
        "/room_judge": Request(lambda i: (), ()),
    }


def bench_rooms():
    """The rooms of the app's room store (LAB_ROOM_STORE, which an app this process starts inherits; unset, the
    same var/rooms.sqlite3 under the repository), with no cap on open rooms (LAB_ROOM_MAX_OPEN above)."""
    from app import open_rooms

    return open_rooms(None)


def new_room() -> dict:
    """A new room with one phone joined: {"code", "secret", "participant"} (opening and joining need no models)."""
    rooms = bench_rooms()
    room = rooms.open(["kl-term"])
    return {**room, "participant": rooms.join(room["code"])["participant"]}


@functools.cache
def open_room() -> dict:
    """One `new_room` with its round started and its phone's answer in, for the requests that read a room."""
    room = new_room()
    rooms = bench_rooms()
    rooms.control(room["code"], room["secret"], "start")
    rooms.answer(room["code"], room["participant"], 1, "Sharper images")
    return room


def presenter(room: dict) -> tuple[str, str]:
    return room["code"], room["secret"]


def phone(room: dict) -> tuple[str, str]:
    return room["code"], room["participant"]


def call(client, name: str, request: Request, i: int) -> float:
    """Send request `i` of endpoint `name` (its `before` first, unmeasured); returns the seconds it took."""
    api_name = request.extra.get("api_name", name)
    if request.before:
        client.predict(*BEFORE_ARGS.get(request.before, lambda i: ())(i), api_name=request.before)
    start = time.perf_counter()
    if api_name == "/arena":
        client.submit(*request.client(i), api_name=api_name).result(timeout=600)
    else:
        client.predict(*request.client(i), api_name=api_name)
    return time.perf_counter() - start


# the client arguments of the endpoints called first (`before`), filled by `bind_before`
BEFORE_ARGS: dict[str, Callable[[int], tuple]] = {}


def bind_before(table: dict[str, Request]) -> None:
    for request in table.values():
        if request.before:
            BEFORE_ARGS[request.before] = table[request.before].client


# ---------------------------------------------------------------------------------------- the app and servers


@functools.cache
def shipped_lab():
    """The lab on the shipped weights (weights/, never the Hub), loaded once per process."""
    from lab.loading import load_lab

    return load_lab("weights", namespace="")


@functools.cache
def app_rooms():
    """Room mode's rooms of the app on the shipped weights (app.py `open_rooms`: LAB_ROOM_STORE), once per process."""
    from app import open_rooms

    return open_rooms(shipped_lab())


def app_demo():
    """The app's gr.Blocks on the shipped weights (app.py `build_demo`), built once per process."""
    from app import build_demo

    return build_demo(shipped_lab(), app_rooms())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 600.0) -> float:
    """Poll `url` until it answers; returns the time it first did (time.perf_counter())."""
    import urllib.request

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return time.perf_counter()
        except OSError:
            if process.poll() is not None:
                sys.exit(f"{process.args} exited with status {process.returncode}; see {log}")
            time.sleep(0.05)
    sys.exit(f"{url} did not answer within {timeout:.0f} s; see {log}")


def start(command: list[str], port: int, work: Path, name: str, env: dict | None = None) -> tuple:
    """Start a server process on `port` (GRADIO_SERVER_PORT) with its own Gradio cache folder; returns
    (process, url, seconds from the start until its page answered)."""
    cache = work / f"{name}-cache"
    cache.mkdir(exist_ok=True)
    log = work / f"{name}.log"
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_TEMP_DIR": str(cache), **(env or {})}
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    return process, url, wait_for(url, process, log) - began


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
