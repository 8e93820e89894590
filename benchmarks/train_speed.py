"""Training speed on this machine: images/second of each training script's step, run exactly as the
shipped model's recorded command runs it (same model, batch size, threads, memory format, step function),
and the achieved GFLOP/s against this machine's measured matmul GFLOP/s (the limit).

    python -m benchmarks train_speed                          # every shipped model, as trained
    python -m benchmarks train_speed --models gan-mnist --batch-sizes 128 256 --threads 1 2
    python -m benchmarks train_speed --pair                   # and: two 1-thread jobs at once
    python -m benchmarks train_speed --vae-side-by-side --data-root ../shared/data

Random data, so the step needs no data set (the side-by-side trains on MNIST). FLOPs are counted by
torch's FlopCounterMode over one step (convolutions and matrix products, forward and backward; the
element-wise ops it does not count are cheap in FLOPs but not in time, which is what the ratio shows).
`--pair` answers "one 2-thread job at a time, or two 1-thread jobs at once?" for the whole set: it runs the
same step in two 1-thread processes at the same time and compares the wall time of training every shipped
model (its recorded epochs) both ways. Speeds are noisy on a shared machine: run it alone.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from benchmarks.bench import ROOT, command_line, footer, machine, parser
from models import load_model
from training import train_classifier, train_gan, train_vae

NAME = "train_speed"

SCRIPTS = {"training.train_vae": train_vae, "training.train_gan": train_gan,
           "training.train_classifier": train_classifier}


def recorded_args(folder: Path) -> argparse.Namespace:
    """The arguments of the command that trained `folder`, parsed by that script's own parser."""
    command = json.loads((folder / "history.json").read_text())["command"]
    argv = shlex.split(command)  # python -m training.train_gan --dataset ...
    module = argv[argv.index("-m") + 1]
    if module not in SCRIPTS:
        raise ValueError(f"{folder}: history.json's command runs {module}, not a training script")
    args = SCRIPTS[module].build_parser().parse_args(argv[argv.index("-m") + 2:])
    args.script = module
    return args


def make_step(folder: Path, args: argparse.Namespace, batch_size: int, channels_last: bool):
    """A closure doing one training step of `folder`'s model as its script does, on a fixed random batch.
    Returns (step, images per step)."""
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    g = torch.Generator().manual_seed(0)
    model = load_model(folder).train()
    if args.script == "training.train_classifier":  # (3) of train_classifier: shift, cross-entropy, step
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
        x, y = torch.rand(batch_size, 1, 28, 28), torch.randint(0, 10, (batch_size,))

        def step():
            xs = train_classifier.random_shift(x, args.max_shift, g) if args.max_shift else x
            train_classifier.train_step(model, opt, xs, y)
        return step, batch_size
    if args.script == "training.train_vae":  # (3)-(4) of train_vae: binarize, -ELBO, step
        model = model.to(memory_format=fmt)
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        x = torch.rand(batch_size, 1, 28, 28)
        binarized = args.dataset == "mnist"

        def step():
            xb = (train_vae.binarize(x, g) if binarized else x).contiguous(memory_format=fmt)
            train_vae.train_step(model, opt, xb, beta=1.0)
        return step, batch_size
    # train_gan: --d-steps D updates (each on a fresh fake), then one G update, then the EMA; D as the command
    # built it (its class head, depth and batch-spread channel), its Adam, the command's loss, mode-seeking term and R1
    G = model.to(memory_format=fmt)
    D = train_gan.discriminator_for(G.config, args).train().to(memory_format=fmt)
    G_avg = load_model(folder) if args.ema else None
    opt_g, opt_d = train_gan.optimizers(G, D, args)
    x = (torch.rand(batch_size, 1, 28, 28) * 2 - 1).contiguous(memory_format=fmt)
    y = torch.randint(0, G.num_classes, (batch_size,))
    y_fake = train_gan.paired_labels(y) if args.mode_seeking else y  # --mode-seeking's pairs of one class
    d_steps = itertools.count()  # --r1 falls on one D step in --r1-every, as in training

    def step():
        for _ in range(args.d_steps):
            z = torch.randn(batch_size, G.latent_dim, generator=g)
            fake = G(z, y_fake)
            r1 = train_gan.r1_weight(next(d_steps), args.r1, args.r1_every)
            train_gan.d_step(D, opt_d, x, y, fake, args.loss, args.aux_weight, y_fake=y_fake, r1=r1)
        train_gan.g_step(D, opt_g, fake, y_fake, args.loss, args.aux_weight, None, args.mode_seeking, z)
        if G_avg is not None:
            train_gan.update_average(G_avg, G, args.ema)
    return step, batch_size * args.d_steps


def flops_per_step(step) -> int:
    counter = FlopCounterMode(display=False)
    with counter:
        step()
    return counter.get_total_flops()


def images_per_second(step, images: int, seconds: float) -> float:
    for _ in range(3):  # warm-up: oneDNN picks its kernels on the first calls
        step()
    n, t0 = 0, time.perf_counter()
    while n == 0 or time.perf_counter() - t0 < seconds:  # at least one timed step
        step()
        n += images
    return n / (time.perf_counter() - t0)


def matmul_gflops(threads: int, n: int = 1024, seconds: float = 3.0) -> float:
    """This machine's float32 matrix-product speed on `threads` threads: the practical limit."""
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    k, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a @ b
        k += 1
    return 2 * n ** 3 * k / (time.perf_counter() - t0) / 1e9


def measure(folder: Path, batch_size: int | None, threads: int | None, seconds: float,
            channels_last: bool | None = None, compile_: bool = False) -> dict:
    args = recorded_args(folder)
    batch_size = batch_size or args.batch_size
    threads = threads or args.threads or torch.get_num_threads()
    # the scripts run the VAE and GAN channels_last, the classifier in the default layout
    if channels_last is None:
        channels_last = args.script != "training.train_classifier"
    torch.set_num_threads(threads)
    step, images = make_step(folder, args, batch_size, channels_last)
    flops = flops_per_step(step)
    if compile_:
        step = torch.compile(step)
    rate = images_per_second(step, images, seconds)
    return {"model": folder.name, "batch": batch_size, "threads": threads, "channels_last": channels_last,
            "compiled": compile_, "images_per_second": round(rate),
            "mflop_per_image": round(flops / images / 1e6, 1), "gflops": round(flops / images * rate / 1e9, 1)}


def shipped_folders(names: list[str] | None) -> list[Path]:
    if names:
        return [ROOT / "weights" / n for n in names]
    return sorted(p for p in (ROOT / "weights").iterdir() if (p / "history.json").exists())


def epochs_images(folder: Path) -> int:
    """Images the recorded run trained on (what a rerun would train on)."""
    history = json.loads((folder / "history.json").read_text())
    return round(history["images_per_second"] * history["train_minutes"] * 60)


def pair_rate(folder: Path, seconds: float) -> float:
    """Summed images/second of two 1-thread processes running the same step at the same time."""
    cmd = [sys.executable, "-m", "benchmarks", NAME, "--models", folder.name, "--threads", "1",
           "--seconds", str(seconds), "--json", "-"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate()[0] for p in procs]
    return sum(child_rows(o)[0]["images_per_second"] for o in outs)


def child_rows(output: str) -> list[dict]:
    """The rows a `--json -` run printed (its one JSON line, before the footer)."""
    return next(json.loads(line) for line in output.splitlines() if line.startswith('{"rows"'))["rows"]


# --- the side-by-side with pytorch/examples' vae/main.py ------------------------------------------

class MLPVAE(torch.nn.Module):
    """pytorch/examples vae/main.py's model, re-implemented: 784-400-(20, 20)-400-784, ReLU, sigmoid."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = torch.nn.Linear(784, 400), torch.nn.Linear(400, 20), torch.nn.Linear(400, 20)
        self.fc3, self.fc4 = torch.nn.Linear(20, 400), torch.nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x.view(-1, 784)))  # (B, 400)
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)  # reparameterize
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


def example_loss(recon, x, mu, logvar):
    """pytorch/examples' objective, summed over the batch: BCE(recon, x) + KL(q(z|x) || N(0, I)),
    KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar))  (Kingma & Welling 2014, appendix B)."""
    bce = F.binary_cross_entropy(recon, x.view(-1, 784), reduction="sum")
    return bce - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def example_loss_of(model: MLPVAE, x: torch.Tensor) -> torch.Tensor:
    recon, mu, logvar = model(x)
    return example_loss(recon, x, mu, logvar)


@torch.no_grad()
def test_neg_elbo(model, x_test: torch.Tensor) -> float:
    """Mean test loss per image, as the example prints it (one noise draw per image, seeded)."""
    model.eval()
    torch.manual_seed(1)
    total = sum(example_loss_of(model, x).item() for x in x_test.split(1000))
    model.train()
    return total / len(x_test)


def run_example_setup(data_root: str, epochs: int) -> list[dict]:
    """The reference: torchvision MNIST with ToTensor through a DataLoader, batch 128, shuffled, Adam 1e-3,
    as `python main.py` runs it on a CPU (no workers). The test loss after each epoch; the clock counts
    training only."""
    from torchvision import datasets, transforms

    torch.manual_seed(1)
    train = torch.utils.data.DataLoader(
        datasets.MNIST(data_root, train=True, transform=transforms.ToTensor()), batch_size=128, shuffle=True)
    x_test = datasets.MNIST(data_root, train=False).data.unsqueeze(1).float() / 255  # (10000, 1, 28, 28)
    model = MLPVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    log, seconds = [], 0.0
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        for x, _ in train:
            loss = example_loss_of(model, x)
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds += time.perf_counter() - t0
        log.append({"epoch": epoch, "seconds": round(seconds, 1),
                    "test_neg_elbo": round(test_neg_elbo(model, x_test), 2)})
        print("reference", log[-1], flush=True)
    return log


def run_lab_setup(data_root: str, target: float, batch_size: int, lr: float, max_epochs: int) -> list[dict]:
    """The same model and objective, fed the lab's way (training/data.py: the split as one tensor, a step is
    a slice of it), at a larger batch and learning rate; stops once the test loss reaches `target`.
    The test loss is checked every quarter epoch; the clock counts training only."""
    from training.common import batches, epoch_generator
    from training.data import load_split, to_float

    torch.manual_seed(1)
    x_train = to_float(load_split("mnist", data_root, train=True, download=False)[0])  # (60000, 1, 28, 28)
    x_test = to_float(load_split("mnist", data_root, train=False, download=False)[0])
    model = MLPVAE()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = len(x_train) // batch_size
    check_every = max(1, steps_per_epoch // 4)
    log, seconds, step = [], 0.0, 0
    for epoch in range(max_epochs):
        t0 = time.perf_counter()
        for idx in batches(len(x_train), batch_size, epoch_generator(1, epoch)):
            x = x_train[idx]
            loss = example_loss_of(model, x)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % check_every == 0:
                seconds += time.perf_counter() - t0
                log.append({"epoch": round(step / steps_per_epoch, 2), "seconds": round(seconds, 1),
                            "test_neg_elbo": round(test_neg_elbo(model, x_test), 2)})
                print("lab", log[-1], flush=True)
                if log[-1]["test_neg_elbo"] <= target:
                    return log
                t0 = time.perf_counter()
        seconds += time.perf_counter() - t0
    return log


def side_by_side(data_root: str, epochs: int, batch_size: int, lr: float, threads: int) -> dict:
    torch.set_num_threads(threads)
    reference = run_example_setup(data_root, epochs)
    target = reference[-1]["test_neg_elbo"]
    lab = run_lab_setup(data_root, target, batch_size, lr, max_epochs=3 * epochs)
    reached = lab[-1]["test_neg_elbo"] <= target
    return {"threads": threads, "target_test_neg_elbo": target, "reference_seconds": reference[-1]["seconds"],
            "reference_epochs": epochs, "lab_seconds": lab[-1]["seconds"] if reached else None,
            "lab_epochs": lab[-1]["epoch"], "lab_batch": batch_size, "lab_lr": lr, "reference": reference, "lab": lab}


def table(rows: list[dict], peak: dict[int, float]) -> str:
    lines = ["| model | batch | threads | layout | img/s | MFLOP/img | GFLOP/s | of matmul limit |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        layout = ("channels_last" if r["channels_last"] else "NCHW") + (" compiled" if r["compiled"] else "")
        lines.append(f"| `{r['model']}` | {r['batch']} | {r['threads']} | {layout} | {r['images_per_second']} | "
                     f"{r['mflop_per_image']} | {r['gflops']} | {r['gflops'] / peak[r['threads']]:.0%} |")
    return "\n".join(lines)


def main(argv: list[str]) -> dict:
    p = parser(NAME, __doc__)
    p.add_argument("--models", nargs="+", default=None, help="weights folders' names (default: every shipped model)")
    p.add_argument("--batch-sizes", nargs="+", type=int, default=[0], help="0: the recorded run's")
    p.add_argument("--threads", nargs="+", type=int, default=[0], help="0: the recorded run's")
    p.add_argument("--layout", choices=["recorded", "nchw", "channels_last"], default="recorded")
    p.add_argument("--compile", action="store_true", help="also time the step under torch.compile")
    p.add_argument("--seconds", type=float, default=5.0, help="time per measurement")
    p.add_argument("--matmul-seconds", type=float, default=3.0, help="time of the matmul limit's measurement")
    p.add_argument("--pair", action="store_true", help="also two 1-thread processes at once, and the set's wall time")
    p.add_argument("--vae-side-by-side", action="store_true",
                   help="pytorch/examples' VAE setup vs the same model and objective trained the lab's way")
    p.add_argument("--data-root", default="../shared/data", help="for --vae-side-by-side")
    p.add_argument("--reference-epochs", type=int, default=10, help="the example's default run: 10 epochs")
    p.add_argument("--lab-batch", type=int, default=512)
    p.add_argument("--lab-lr", type=float, default=3e-3)
    p.add_argument("--json", default=None, help="write the results as JSON to this file ('-': stdout)")
    args = p.parse_args(argv)
    machine_, command = machine(), command_line(NAME, argv)

    if args.vae_side_by_side:
        result = side_by_side(args.data_root, args.reference_epochs, args.lab_batch, args.lab_lr, threads=2)
        print(f"target test -ELBO {result['target_test_neg_elbo']} (the example after {args.reference_epochs} "
              f"epochs): reference {result['reference_seconds']} s, lab setup {result['lab_seconds']} s "
              f"({result['lab_epochs']} epochs at batch {args.lab_batch}, lr {args.lab_lr:g})")
        return finish(result, machine_, command, args.json)

    rows = []
    for folder in shipped_folders(args.models):
        for threads in args.threads:
            for bs in args.batch_sizes:
                layouts = [None] if args.layout == "recorded" else [args.layout == "channels_last"]
                for compile_ in [False, True] if args.compile else [False]:
                    for layout in layouts:
                        rows.append(measure(folder, bs or None, threads or None, args.seconds, layout, compile_))
                        if args.json != "-":
                            print(json.dumps(rows[-1]), flush=True)
    if args.json == "-":  # a --pair child: one line for the parent (`child_rows` finds it above the footer)
        print(json.dumps({"rows": rows}))
        print(footer(machine_, command))
        return {"rows": rows, "machine": machine_, "command": command}
    peak = {t: matmul_gflops(t, seconds=args.matmul_seconds) for t in sorted({r["threads"] for r in rows})}
    print("\nmatmul limit (1024x1024 float32): " + ", ".join(f"{t} thread(s) {g:.0f} GFLOP/s" for t, g in peak.items()))
    print(table(rows, peak))
    result = {"rows": rows, "matmul_gflops": peak}
    if args.pair:
        sets = {"one 2-thread job at a time": 0.0, "two 1-thread jobs at once": 0.0}
        pairs = []
        for folder in shipped_folders(args.models):
            images = epochs_images(folder)
            alone = measure(folder, None, 2, args.seconds)["images_per_second"]
            together = pair_rate(folder, args.seconds)
            sets["one 2-thread job at a time"] += images / alone
            sets["two 1-thread jobs at once"] += images / together
            pairs.append({"model": folder.name, "images": images, "alone_2_threads": alone,
                          "two_1_thread_jobs_summed": round(together)})
            print(json.dumps(pairs[-1]), flush=True)
        print("\nwall time to retrain the whole set: " +
              "; ".join(f"{k}: {v / 60:.1f} min" for k, v in sets.items()))
        result.update(pairs=pairs, set_minutes={k: round(v / 60, 1) for k, v in sets.items()})
    return finish(result, machine_, command, args.json)


def finish(result: dict, machine_: dict, command: str, json_path: str | None) -> dict:
    """Print the footer; write `result` (with the machine and the command) to `json_path` if given."""
    print(footer(machine_, command))
    result.update(machine=machine_, command=command)
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=2))
    return result
