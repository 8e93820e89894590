"""The training time machine: the shipped runs epoch by epoch, and the mode-collapse run beside
the healthy GAN.

Every training script writes `history.json` (per-epoch figures; GAN runs from now on also the
losses every ~100 steps under "steps") and a fixed-seed sample grid per epoch
(`epochs/epoch_NNN.png`); `training.evaluate` writes `metrics.json`. These functions turn them
into what the tabs show: the grid of one epoch, the curves as long DataFrames for gr.LinePlot
(columns x, value, series) with the chosen epoch drawn as a vertical line, and the figures.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
from PIL import Image

from lab.loading import CLASS_NAMES, Lab

RUNS = ["vae-mnist", "gan-mnist", "vae-fashion-mnist", "gan-fashion-mnist", "vae2d-mnist", "ae2d-mnist"]
COLLAPSE_RUN = "gan-collapse-mnist"  # not loaded as a model: its artefacts are read from its folder
HEALTHY_RUN = "gan-mnist"
MARK = "▶ this epoch"  # the series that draws the chosen epoch as a vertical line

# per kind of run: the two charts, each (title, y axis, [(history key, series name), ...])
CHARTS = {
    "vae": [("Loss per image (nats)", "nats", [("train_reconstruction", "reconstruction (train)"),
                                               ("test_reconstruction", "reconstruction (test)"),
                                               ("test_neg_elbo", "−ELBO (test)")]),
            ("KL term (nats)", "nats", [("train_kl", "KL (train)"), ("test_kl", "KL (test)")])],
    "gan": [("D and G losses", "loss", [("loss_d", "D loss"), ("loss_g", "G loss")]),
            ("D's verdicts and class accuracy", "probability / share",
             [("d_real", "D(x) on real"), ("d_fake", "D(G(z)) on fakes"),
              ("conditional_accuracy", "conditional accuracy")])],
}


def weights_dir() -> Path:
    return Path(os.environ.get("LAB_WEIGHTS_DIR", "weights"))


def run_folder(lab: Lab, run: str) -> Path:
    """Where a run's files are: the loaded model's folder, or weights/<run> for the collapse run."""
    if run in lab.models:
        return lab.models[run].folder
    if run == COLLAPSE_RUN:
        return weights_dir() / run
    raise ValueError(f"unknown run {run!r}: choose one of {', '.join(RUNS)}")


def load_history(folder: str | Path) -> dict:
    """A run's history.json; a ValueError that names the file when it is missing or has no epochs."""
    path = Path(folder) / "history.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the run's training script writes it")
    history = json.loads(path.read_text(encoding="utf-8"))
    if not history.get("epochs"):
        raise ValueError(f"{path} records no epochs")
    return history


def run_kind(history: dict) -> str:
    return "gan" if "loss_d" in history["epochs"][0] else "vae"


def parse_epoch(epoch, n_epochs: int) -> int:
    try:
        value = float(epoch)
    except (TypeError, ValueError):
        raise ValueError(f"epoch must be a whole number from 1 to {n_epochs}, got {epoch!r}") from None
    if not value.is_integer() or not 1 <= value <= n_epochs:
        raise ValueError(f"epoch must be a whole number from 1 to {n_epochs}, got {epoch!r}")
    return int(value)


def epoch_grid(folder: str | Path, epoch: int) -> Image.Image:
    path = Path(folder) / "epochs" / f"epoch_{epoch:03d}.png"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing")
    with Image.open(path) as image:
        return image.convert("RGB")


def curves(history: dict, series: list[tuple[str, str]], epoch: int | None = None,
           steps: bool = False) -> pd.DataFrame:
    """Long DataFrame (x, value, series) of the history keys that are present, x in epochs.
    `steps`: use the ~100-step records (GAN runs that have them) instead of the per-epoch means.
    `epoch`: add the MARK series, a vertical line at that epoch across the values' range."""
    records = history.get("steps") if steps and history.get("steps") else history["epochs"]
    rows = [{"x": float(r["epoch"]), "value": float(r[key]), "series": name}
            for key, name in series for r in records if r.get(key) is not None]
    frame = pd.DataFrame(rows, columns=["x", "value", "series"])
    if epoch is not None and len(frame):
        low, high = frame["value"].min(), frame["value"].max()
        mark = pd.DataFrame({"x": [float(epoch)] * 2, "value": [low, high], "series": [MARK] * 2})
        frame = pd.concat([frame, mark], ignore_index=True)
    return frame


def figures(history: dict, metrics: dict, epoch: int) -> dict:
    """The chosen epoch's record, and the evaluation of the final model (metrics.json) if there is one."""
    record = {k: v for k, v in history["epochs"][epoch - 1].items() if not isinstance(v, list)}
    final = {k: v for k, v in metrics.items() if not isinstance(v, list | dict) and k != "command"}
    return {"epoch": record, "final_model_evaluation": final,
            "evaluated_with": metrics.get("command"), "trained_with": history.get("command")}


def time_machine(lab: Lab, run: str, epoch) -> tuple[Image.Image, pd.DataFrame, pd.DataFrame, dict]:
    """`/time_machine`: (the epoch's sample grid, chart 1, chart 2, figures)."""
    if run not in RUNS:
        raise ValueError(f"unknown run {run!r}: choose one of {', '.join(RUNS)}")
    folder = run_folder(lab, run)
    history = load_history(folder)
    epoch = parse_epoch(epoch, len(history["epochs"]))
    metrics_path = folder / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    (_, _, first), (_, _, second) = CHARTS[run_kind(history)]
    gan_steps = run_kind(history) == "gan"  # GAN runs show the ~100-step records when they have them
    return (epoch_grid(folder, epoch), curves(history, first, epoch, steps=gan_steps),
            curves(history, second, epoch), figures(history, metrics, epoch))


def n_epochs(lab: Lab, run: str) -> int:
    return len(load_history(run_folder(lab, run))["epochs"])


# ------------------------------------------------------------------------------------ mode collapse

def entropy(shares: list[float]) -> float:
    """Entropy (nats) of a class histogram; log 10 = 2.303 for ten equal classes."""
    return -sum(p * math.log(p) for p in shares if p > 0)


def histogram_frame(shares: list[float], dataset: str = "MNIST") -> pd.DataFrame:
    return pd.DataFrame({"class": CLASS_NAMES[dataset], "share": [round(float(p), 4) for p in shares]})


def mode_collapse(lab: Lab, epoch) -> tuple[Image.Image, Image.Image, pd.DataFrame, pd.DataFrame, dict]:
    """`/mode_collapse`: (the collapse run's grid at `epoch`, the healthy GAN's grid at the same epoch
    (its last one if it trained fewer), the collapse run's class histogram at that epoch, the healthy
    GAN's class histogram, figures)."""
    collapse_folder, healthy_folder = run_folder(lab, COLLAPSE_RUN), run_folder(lab, HEALTHY_RUN)
    collapse = load_history(collapse_folder)
    epoch = parse_epoch(epoch, len(collapse["epochs"]))
    record = collapse["epochs"][epoch - 1]
    healthy_epoch = min(epoch, len(load_history(healthy_folder)["epochs"]))
    healthy_shares = lab.json(HEALTHY_RUN, "metrics.json")["class_histogram"]
    return (epoch_grid(collapse_folder, epoch), epoch_grid(healthy_folder, healthy_epoch),
            histogram_frame(record["class_histogram"]), histogram_frame(healthy_shares),
            {"epoch": epoch,
             "collapse": {"class_coverage": record["class_coverage"], "class_entropy": record["class_entropy"],
                          "samples": 1000, "by": "classifier-mnist"},
             "healthy": {"class_coverage": sum(p >= 0.05 for p in healthy_shares),
                         "class_entropy": round(entropy(healthy_shares), 4), "samples": 10000,
                         "epoch_of_grid": healthy_epoch, "histogram_of": "the final gan-mnist model"},
             "uniform_entropy": round(math.log(10), 4)})
