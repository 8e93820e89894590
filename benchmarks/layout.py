"""Memory layout for serving: each shipped model's forward pass in the request path, in PyTorch's default
(NCHW) layout and in channels_last (what lab/loading.py serves), on one torch thread as the app runs, at
the batch sizes requests use (1: a reconstruction; 64: /generate; 256: the VAE's rejection sampling).
The two layouts alternate `--rounds` times; each cell is the best of the rounds' medians of `--calls` calls.

    python benchmarks/layout.py
"""

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODELS = ("gan-mnist", "vae-mnist", "classifier-mnist", "vae2d-mnist")


def median_ms(fn, calls: int) -> float:
    seconds = []
    for _ in range(calls):
        began = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds) * 1000


def forward(model, batch: int):
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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    import torch

    from models import load_model

    torch.set_num_threads(args.threads)
    print(f"torch threads {args.threads}; ms per call (best of {args.rounds} medians of {args.calls})")
    print("| model | batch | NCHW ms | channels_last ms | NCHW / channels_last |\n|---|---|---|---|---|")
    for name in MODELS:
        nchw = load_model(Path("weights") / name).eval()
        last = copy.deepcopy(nchw).to(memory_format=torch.channels_last)
        for batch in (1, 64, 256):
            a, b = forward(nchw, batch), forward(last, batch)
            with torch.inference_mode():
                for _ in range(3):  # warm-up: oneDNN builds its kernels on the first calls
                    a(), b()
                times_a, times_b = [], []
                for _ in range(args.rounds):
                    times_a.append(median_ms(a, args.calls))
                    times_b.append(median_ms(b, args.calls))
            print(f"| `{name}` | {batch} | {min(times_a):.2f} | {min(times_b):.2f} | "
                  f"{min(times_a) / min(times_b):.2f} |", flush=True)


if __name__ == "__main__":
    main()
