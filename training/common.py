"""Pieces every training script shares: arguments, seeding, batching, checkpoints,
history files and sample grids. What a run does when it ends is in training/finish.py."""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torchvision.utils import save_image

from models import load_model
from models.registry import DATASETS, model_name

DEFAULT_CHECKPOINT_ROOT = Path(os.environ.get("LAB_CHECKPOINT_DIR", "~/.cache/vae-vs-gan-lab")).expanduser()


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def base_parser(description: str, epochs: int, batch_size: int, lr: float) -> argparse.ArgumentParser:
    """The flags every training script takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--dataset", default="mnist", choices=list(DATASETS.values()))
    p.add_argument("--data-root", default="data",
                   help="folder holding MNIST/raw or FashionMNIST/raw (downloaded there if missing)")
    p.add_argument("--out", required=True, help="weights folder to write, e.g. weights/vae-mnist")
    p.add_argument("--epochs", type=positive_int, default=epochs)
    p.add_argument("--batch-size", type=positive_int, default=batch_size)
    p.add_argument("--lr", type=float, default=lr, help="peak learning rate")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:1, ...")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    p.add_argument("--checkpoint-dir", default=None,
                   help="where resumable checkpoints go (default ~/.cache/vae-vs-gan-lab/<out name>)")
    p.add_argument("--no-resume", action="store_true", help="start over even if a checkpoint exists")
    p.add_argument("--dry-run", action="store_true",
                   help="train a few batches on a small subset, to check the script runs")
    p.add_argument("--push-to-hub", metavar="REPO_ID", default=None,
                   help="when done, evaluate the folder (training.evaluate, which the app needs) and upload it "
                        "to this Hub repo; `python -m training.publish` publishes every model and the Space")
    return p


def setup(args: argparse.Namespace) -> torch.device:
    """Seed everything, set threads, and pick the device."""
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    return pick_device(args.device)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as err:
        raise SystemExit(f"--device {name!r} is not a device: use auto, cpu, cuda or cuda:N") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"--device {name}: CUDA is not available on this machine")
    return device


def command_line() -> str:
    """The command that started this run (`python -m training.train_vae ...`), for the model card."""
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    module = spec.name if spec is not None else Path(sys.argv[0]).stem
    return " ".join(["python -m", module, *map(shlex.quote, sys.argv[1:])])


def batches(n: int, batch_size: int, generator: torch.Generator, drop_last: bool = True):
    """Shuffled index tensors covering 0..n-1, `batch_size` at a time."""
    order = torch.randperm(n, generator=generator)
    stop = n - n % batch_size if drop_last and n >= batch_size else n
    for i in range(0, stop, batch_size):
        yield order[i:i + batch_size]


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    """A generator for one epoch's shuffling and noise, the same on a resumed run."""
    return torch.Generator().manual_seed(seed * 100_003 + epoch)


def noise_generator(g: torch.Generator, device: torch.device) -> torch.Generator:
    """The generator for the noise a step draws on `device` (binarization, z): `g` itself on the CPU, so
    CPU runs keep their exact random streams; on a GPU, a generator there seeded from `g` (a CPU generator
    cannot draw on a GPU)."""
    if torch.device(device).type == "cpu":
        return g
    seed = int(torch.randint(0, 2**62, (1,), generator=g))
    return torch.Generator(device=device).manual_seed(seed)


class Checkpointer:
    """Saves and restores training state once per epoch, outside the weights folder."""

    def __init__(self, args: argparse.Namespace):
        root = Path(args.checkpoint_dir).expanduser() if args.checkpoint_dir else \
            DEFAULT_CHECKPOINT_ROOT / Path(args.out).name
        self.path = root / ("dry-run.pt" if args.dry_run else "last.pt")
        self.enabled = not args.dry_run
        self.resume = not args.no_resume

    def load(self) -> dict | None:
        if not (self.enabled and self.resume and self.path.exists()):
            return None
        state = torch.load(self.path, map_location="cpu", weights_only=False)
        print(f"resuming from {self.path} after epoch {state['epoch']}", flush=True)
        return state

    def save(self, state: dict) -> None:
        if not self.enabled:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        torch.save(state, tmp)
        tmp.replace(self.path)  # atomic: a killed run never leaves a half-written checkpoint


class History:
    """Per-epoch metrics plus how the run was made, written to `history.json`."""

    def __init__(self, state: dict | None = None):
        state = state or {}
        self.epochs: list[dict] = state.get("epochs", [])
        self.steps: list[dict] = state.get("steps", [])  # finer-grained records (GAN: losses every ~100 steps)
        self.train_seconds: float = state.get("train_seconds", 0.0)
        self.images_seen: int = state.get("images_seen", 0)
        self._t0 = time.perf_counter()

    def add(self, record: dict, images: int) -> None:
        now = time.perf_counter()
        self.train_seconds += now - self._t0
        self._t0 = now
        self.images_seen += images
        record = {**record, "train_seconds": round(self.train_seconds, 1)}
        self.epochs.append(record)
        print(json.dumps(record), flush=True)

    def add_step(self, record: dict) -> None:
        self.steps.append(record)

    def restart_clock(self) -> None:
        self._t0 = time.perf_counter()

    def state(self) -> dict:
        return {"epochs": self.epochs, "steps": self.steps, "train_seconds": self.train_seconds,
                "images_seen": self.images_seen}

    def write(self, out: Path, args: argparse.Namespace) -> None:
        info = {
            "command": command_line(),
            "threads": torch.get_num_threads(),
            "device": str(pick_device(args.device)),
            "train_minutes": round(self.train_seconds / 60, 1),
            "images_per_second": round(self.images_seen / max(self.train_seconds, 1e-9)),
            "epochs": self.epochs,
        }
        if self.steps:
            info["steps"] = self.steps
        write_json(out / "history.json", info)


def epoch_classifier(folder: str | None, dataset: str) -> tuple[Path, object]:
    """The classifier that reads each epoch's samples, and its folder: `folder` (the --classifier flag), by
    default the shipped weights/classifier-<dataset>; None in its place where it is not there (the run then
    skips those figures)."""
    path = Path(folder or Path("weights") / model_name("classifier", dataset))
    if not (path / "model.safetensors").exists():
        return path, None
    return path, load_model(path)


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def save_grid(images: torch.Tensor, path: Path, nrow: int = 10) -> None:
    """A small PNG grid of `(B, 1, 28, 28)` images in [0, 1], white ink on black."""
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(images.clamp(0, 1).cpu(), path, nrow=nrow, padding=1, pad_value=0.25)
