"""What a model's card (training/model_card.py) and the app's Models tab both show: the figures of its
`metrics.json` and the three lines that load it."""

from __future__ import annotations

import json
import shlex

SETTINGS = ("iwae_k", "refine_steps", "refine_k")  # in metrics.json: how a figure was measured, not a figure
USAGE = {  # the third of the three lines: what to do with the loaded model
    "vae": "images = model.sample(16)  # (16, 1, 28, 28) in [0, 1]",
    "autoencoder": "images = model.sample(16)  # random 2-D codes, decoded",
    "gan": "images = model.sample(16)  # labels=torch.arange(16) % 10 picks classes",
    "gan-unconditional": "images = model.sample(16)  # one class only: no labels",
    "classifier": "labels = model.predict(images)  # images: (B, 1, 28, 28) in [0, 1]",
    "pix2pix": "restored = model.restore(images)  # degrades clean (B, 1, 28, 28) images as its task does, restores",
}


def recorded_flag(command: str | None, flag: str) -> str | None:
    """The value a recorded training command (history.json's "command") gave `flag`, or None without it."""
    words = shlex.split(command or "")
    return words[words.index(flag) + 1] if flag in words[:-1] else None


def recorded_switch(command: str | None, flag: str) -> bool:
    """Whether a recorded training command gave `flag`, a switch that takes no value (train_gan's --mbstd)."""
    return flag in shlex.split(command or "")


def is_figure(key: str, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and key not in SETTINGS


def figures(metrics: dict) -> dict[str, int | float]:
    """Every measured number in a `metrics.json`, as written there (settings such as `iwae_k` left out)."""
    return {key: value for key, value in metrics.items() if is_figure(key, value)}


def settings(metrics: dict) -> dict[str, int | float]:
    """How the figures were measured (`iwae_k`, `refine_steps`, ...), where metrics.json records it."""
    return {key: metrics[key] for key in SETTINGS if key in metrics}


def load_lines(kind: str, source: str, revision: str | None = None) -> str:
    """The three lines that load a model and use it; `source` is a Hub repo id or a local folder."""
    pin = f", revision={json.dumps(revision)}" if revision else ""
    return "\n".join(["from models import load_model  # the lab's models/ folder",
                      f"model = load_model({json.dumps(source)}{pin})", USAGE[kind]])
