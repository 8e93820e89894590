"""The training time machine: the shipped runs epoch by epoch, and the mode-collapse run beside
the healthy GAN.

Every training script writes `history.json` (per-epoch figures; GAN runs from now on also the
losses every ~100 steps under "steps") and a fixed-seed sample grid per epoch
(`epochs/epoch_NNN.png`); `training.evaluate` writes `metrics.json`. These functions turn them
into what the tabs show: the grid of one epoch, the curves as charts (lab/plots.py) with the chosen epoch
drawn as a vertical line, and the figures.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
from PIL import Image

from lab.inputs import parse_choice, parse_int
from lab.loading import Lab
from lab.plots import PALETTE, bar_chart, series_chart
from models.card import recorded_flag
from models.registry import CLASS_NAMES, read_json

RUNS = ["vae-mnist", "gan-mnist", "vae-fashion-mnist", "gan-fashion-mnist", "vae2d-mnist", "ae2d-mnist"]
COLLAPSE_RUN = "gan-collapse-mnist"  # not loaded as a model: its artefacts are read from its folder
HEALTHY_RUN = "gan-mnist"
MARK = "epoch {epoch}"  # the label of the white vertical line at the chosen epoch

# per kind of run: the two charts, each (title, y axis, [(history key, series name), ...]); "-ELBO" with a hyphen:
# the charts' font has no minus sign
CHARTS = {
    "vae": [("Loss per image (nats)", "nats", [("train_reconstruction", "reconstruction (train)"),
                                               ("test_reconstruction", "reconstruction (test)"),
                                               ("test_neg_elbo", "-ELBO (test)")]),
            ("KL term (nats)", "nats", [("train_kl", "KL (train)"), ("test_kl", "KL (test)")])],
    "gan": [("D and G losses", "loss", [("loss_d", "D loss"), ("loss_g", "G loss")]),
            ("D's verdicts and class accuracy", "probability / share",
             [("d_real", "D(x) real"), ("d_fake", "D(G(z)) fake"), ("conditional_accuracy", "class accuracy")])],
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
    history = read_json(path)
    if not history.get("epochs"):
        raise ValueError(f"{path} records no epochs")
    return history


def run_kind(history: dict) -> str:
    return "gan" if "loss_d" in history["epochs"][0] else "vae"


def parse_epoch(epoch, n_epochs: int) -> int:
    return parse_int(epoch, "The epoch", 1, n_epochs)


def epoch_grid(folder: str | Path, epoch: int) -> Image.Image:
    path = Path(folder) / "epochs" / f"epoch_{epoch:03d}.png"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing")
    with Image.open(path) as image:
        return image.convert("RGB")


def curves(history: dict, series: list[tuple[str, str]], steps: bool = False) -> dict[str, tuple[list, list]]:
    """`{series name: (x in epochs, values)}` of the history keys in `series` that are present.
    `steps`: use the ~100-step records (GAN runs that have them) instead of the per-epoch means."""
    records = history.get("steps") if steps and history.get("steps") else history["epochs"]
    found = {name: [(float(r["epoch"]), float(r[key])) for r in records if r.get(key) is not None]
             for key, name in series}
    return {name: ([x for x, _ in points], [v for _, v in points]) for name, points in found.items() if points}


def chart(history: dict, which: int, epoch: int) -> np.ndarray:
    """Chart `which` (0 or 1) of CHARTS for the run's kind, with a vertical line at `epoch`; GAN runs draw
    their losses from the ~100-step records when they have them."""
    kind = run_kind(history)
    title, y_label, series = CHARTS[kind][which]
    found = curves(history, series, steps=kind == "gan" and which == 0)
    return series_chart({name: (*xy, PALETTE[i]) for i, (name, xy) in enumerate(found.items())}, title, "epoch",
                        y_label, mark=(epoch, MARK.format(epoch=epoch)), width=460, height=200)


# From this share of the random start in the weight average, the page says why the grid looks like noise (the
# Time machine's note and the grid's description; gan-mnist: epochs 1-4)
LAG_SHOWN = 0.1


def average_lag(history: dict, epoch: int) -> dict | None:
    """For a GAN trained with a moving average of its weights (`--ema BETA` in its command; the average is
    what the grids show and what ships): how much of the random starting weights the average still holds
    after `epoch`, BETA ** t after t G steps (each step keeps BETA of the average and adds 1 - BETA of G).
    None for runs without an average. G steps per epoch come from the ~100-step records."""
    beta = recorded_flag(history.get("command"), "--ema")
    if beta is None or not history.get("steps"):
        return None
    beta = float(beta)
    last = history["steps"][-1]
    steps = round(epoch * last["step"] / last["epoch"])
    return {"ema_beta": beta, "g_steps": steps, "random_start_share": round(beta ** steps, 4)}


def figures(history: dict, metrics: dict, epoch: int) -> dict:
    """The chosen epoch's record, how far a weight average still lags (`average_lag`, GANs with one), and the
    evaluation of the final model (metrics.json) if there is one."""
    record = {k: v for k, v in history["epochs"][epoch - 1].items() if not isinstance(v, list)}
    final = {k: v for k, v in metrics.items() if not isinstance(v, list | dict) and k != "command"}
    lag = average_lag(history, epoch)
    return {"epoch": record, **({"weight_average": lag} if lag else {}), "final_model_evaluation": final,
            "evaluated_with": metrics.get("command"), "trained_with": history.get("command")}


def time_machine(lab: Lab, run: str, epoch) -> tuple[Image.Image, np.ndarray, np.ndarray, dict]:
    """`/time_machine`: (the epoch's sample grid, chart 1, chart 2, figures)."""
    folder = run_folder(lab, parse_choice(run, RUNS, "run"))
    history = load_history(folder)
    epoch = parse_epoch(epoch, len(history["epochs"]))
    metrics_path = folder / "metrics.json"
    metrics = read_json(metrics_path) if metrics_path.is_file() else {}
    shown = figures(history, metrics, epoch)
    shown["description"] = grid_description(run, epoch, len(history["epochs"]), shown)
    return epoch_grid(folder, epoch), chart(history, 0, epoch), chart(history, 1, epoch), shown


def grid_description(run: str, epoch: int, n: int, shown: dict) -> str:
    """The epoch's grid in one sentence, for a screen reader and the API (its figures' "description")."""
    text = f"A grid of 100 samples of {run} from the same noise vectors, at epoch {epoch} of {n}"
    accuracy = shown["epoch"].get("conditional_accuracy")
    if accuracy is not None:
        text += f"; the class accuracy recorded at this epoch: {accuracy * 100:.1f} %"
    lag = shown.get("weight_average")
    if lag and lag["random_start_share"] >= LAG_SHOWN:
        text += f"; the weight average still holds {lag['random_start_share'] * 100:.0f} % of the random start"
    return text + "."


def n_epochs(lab: Lab, run: str) -> int:
    return len(load_history(run_folder(lab, run))["epochs"])


# ------------------------------------------------------------------------------------ mode collapse

def entropy(shares: list[float]) -> float:
    """Entropy (nats) of a class histogram; log 10 = 2.303 for ten equal classes."""
    return -sum(p * math.log(p) for p in shares if p > 0)


def histogram_chart(shares: list[float], title: str, colour: tuple) -> np.ndarray:
    """What the classifier reads in a GAN's samples: the share of each digit, as bars."""
    return bar_chart({"share of samples": ([float(p) for p in shares], colour)}, CLASS_NAMES["MNIST"], title,
                     width=300, height=190, top=1.0)


def mode_collapse(lab: Lab, epoch) -> tuple[Image.Image, Image.Image, np.ndarray, np.ndarray, dict]:
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
            histogram_chart(record["class_histogram"], "Collapsing GAN", PALETTE[5]),
            histogram_chart(healthy_shares, "Healthy GAN (final)", PALETTE[1]),
            {"epoch": epoch,
             "collapse": {"class_coverage": record["class_coverage"], "class_entropy": record["class_entropy"],
                          "class_histogram": record["class_histogram"], "samples": 1000, "by": "classifier-mnist"},
             "healthy": {"class_coverage": sum(p >= 0.05 for p in healthy_shares),
                         "class_entropy": round(entropy(healthy_shares), 4), "class_histogram": healthy_shares,
                         "samples": 10000, "epoch_of_grid": healthy_epoch,
                         "histogram_of": "the final gan-mnist model"},
             "uniform_entropy": round(math.log(10), 4),
             "descriptions": {
                 "collapse": (f"The collapsing GAN's samples at epoch {epoch}: "
                              + shares_sentence(record["class_histogram"])),
                 "healthy": (f"The healthy GAN's samples at epoch {healthy_epoch} (its final model: "
                             + shares_sentence(healthy_shares)[:-1] + ").")}})


def shares_sentence(shares: list[float]) -> str:
    """What the classifier reads in a GAN's samples (`shares` per digit), in words: the most common digit and
    how many digits make up at least 5 % each. For the grids' descriptions (/mode_collapse's "descriptions")."""
    top = max(range(len(shares)), key=lambda i: shares[i])
    common = sum(p >= 0.05 for p in shares)
    return (f"the classifier reads {shares[top] * 100:.0f} % of them as {CLASS_NAMES['MNIST'][top]}, and "
            f"{common} of 10 digits make up at least 5 % each.")
