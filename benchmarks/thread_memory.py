"""Memory kept per thread: the app's handlers run from many live threads, first through `ui.common.friendly`
(which hands the work to its COMPUTE_THREADS long-lived threads, as the app does), then called directly in
each thread (what happens when Gradio's worker thread that picked up the event runs the models itself).

    python benchmarks/thread_memory.py --threads 30

In-process, on the shipped weights, with `lab/memory.py`'s malloc settings and one torch thread, as
`python app.py` serves. Each of `--threads` threads makes one /generate request (64 MNIST digits and 16
Fashion-MNIST bags, a new seed each) and one 10x10 /manifold, then stays alive until all have run, as
Gradio's idle workers do. The work is first done once on the main thread, so that one-time costs (each
batch shape's first pass) are paid before either reading. Prints the resident memory (RSS) after each
phase and the growth per thread. Not part of the test suite.
"""

import argparse
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lab.memory import limit_fragmentation  # noqa: E402

limit_fragmentation()  # before any other thread starts, as app.py does

from benchmarks.soak import memory_mb  # noqa: E402


def rss_mb() -> float:
    return memory_mb(os.getpid())


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
    reading = rss_mb()
    release.set()
    for t in threads:
        t.join()
    return reading


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=30, help="live threads making requests (Gradio allows 40)")
    args = p.parse_args()

    import torch

    from lab.generate import generate
    from lab.latent import manifold
    from lab.loading import load_lab
    from ui.common import COMPUTE_THREADS, friendly

    torch.set_num_threads(1)
    lab = load_lab()
    seeds = iter(range(1000, 10**6))
    lock = threading.Lock()

    def work():
        with lock:
            seed = next(seeds)
        generate(lab, "MNIST", "any", 64, seed)  # a new seed: not served from the cache
        generate(lab, "Fashion-MNIST", "Bag", 16, seed)
        manifold(lab, 10)

    work()
    start = rss_mb()
    print(f"loaded, one request made on the main thread: RSS {start:.1f} MB")
    pooled = in_live_threads(friendly(work), args.threads)
    print(f"{args.threads} threads, work through friendly ({COMPUTE_THREADS} compute threads): RSS {pooled:.1f} MB, "
          f"+{pooled - start:.1f} MB")
    direct = in_live_threads(work, args.threads)
    print(f"{args.threads} threads, work on each thread itself: RSS {direct:.1f} MB, +{direct - pooled:.1f} MB more, "
          f"{(direct - pooled) / args.threads:.2f} MB a thread")


if __name__ == "__main__":
    main()
