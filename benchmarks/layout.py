"""Memory layout for serving: each shipped model's forward pass in the request path, in PyTorch's default
(NCHW) layout and in channels_last (what lab/loading.py serves), on one torch thread as the app runs, at
the batch sizes requests use (1: a reconstruction; 64: /generate; 256: the VAE's rejection sampling).
The two layouts alternate `--rounds` times; each cell is the best of the rounds' medians of `--calls` calls.

    python -m benchmarks layout
    python -m benchmarks layout --models gan-mnist --batches 64 --calls 5 --rounds 1   # a quick run
"""

from __future__ import annotations

import copy
import statistics
import time
from collections.abc import Callable

from benchmarks.bench import ROOT, command_line, footer, machine, parser

NAME = "layout"
MODELS = ("gan-mnist", "gan-fashion-mnist", "vae-mnist", "classifier-mnist", "vae2d-mnist")
BATCHES = (1, 64, 256)


def median_ms(fn: Callable[[], object], calls: int) -> float:
    seconds = []
    for _ in range(calls):
        began = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds) * 1000


def forward(model, batch: int) -> Callable[[], object]:
    """The request path's use of `model` on a batch of `batch`: sample, reconstruct or classify."""
    import torch

    from models import VAE, Generator

    g = torch.Generator().manual_seed(0)
    if isinstance(model, Generator):
        z, labels = torch.randn(batch, model.latent_dim, generator=g), torch.arange(batch) % model.num_classes
        return lambda: model(z, labels)
    x = torch.rand(batch, 1, 28, 28, generator=g)
    if isinstance(model, VAE):
        return lambda: model.decode(model.encode(x)[0])
    return lambda: model.predict_proba(x)


def main(argv: list[str]) -> dict:
    p = parser(NAME, __doc__)
    p.add_argument("--calls", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    p.add_argument("--batches", nargs="+", type=int, default=list(BATCHES))
    args = p.parse_args(argv)
    machine_ = machine()
    import torch

    from models import load_model

    torch.set_num_threads(args.threads)
    print(f"torch threads {args.threads}; ms per call (best of {args.rounds} medians of {args.calls})")
    print("| model | batch | NCHW ms | channels_last ms | NCHW / channels_last |\n|---|---|---|---|---|")
    rows = []
    for name in args.models:
        nchw = load_model(ROOT / "weights" / name).eval()
        last = copy.deepcopy(nchw).to(memory_format=torch.channels_last)
        for batch in args.batches:
            a, b = forward(nchw, batch), forward(last, batch)
            with torch.inference_mode():
                for _ in range(3):  # warm-up: oneDNN builds its kernels on the first calls
                    a(), b()
                times_a, times_b = [], []
                for _ in range(args.rounds):
                    times_a.append(median_ms(a, args.calls))
                    times_b.append(median_ms(b, args.calls))
            rows.append({"model": name, "batch": batch, "nchw_ms": round(min(times_a), 2),
                         "channels_last_ms": round(min(times_b), 2), "ratio": round(min(times_a) / min(times_b), 2)})
            print(f"| `{name}` | {batch} | {min(times_a):.2f} | {min(times_b):.2f} | "
                  f"{min(times_a) / min(times_b):.2f} |", flush=True)
    command = command_line(NAME, argv)
    print(footer(machine_, command))
    return {"threads": args.threads, "rows": rows, "machine": machine_, "command": command}

