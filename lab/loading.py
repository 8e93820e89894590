"""Load every model the app shows, once, from `weights/` or from Hugging Face Hub repos.

Settings (environment variables):
- `LAB_WEIGHTS_DIR`: the local weights folder (default `weights`).
- `LAB_HUB_NAMESPACE`: a Hub user or organisation; each model then loads from
  `<namespace>/<name>` (e.g. `someone/vae-mnist`). When the Hub cannot be reached
  (or the repo is missing) the app says so and falls back to the local folder.
- `LAB_HUB_REVISION`: a branch, tag or commit of those repos (default `main`).
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch.nn as nn

from models import ModelLoadError, load_model

DATASETS = {"MNIST": "mnist", "Fashion-MNIST": "fashion-mnist"}  # name on the page -> name in weights/
CLASS_NAMES = {
    "MNIST": [str(d) for d in range(10)],
    "Fashion-MNIST": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}
MODEL_NAMES = [
    "vae-mnist", "gan-mnist", "classifier-mnist",
    "vae-fashion-mnist", "gan-fashion-mnist", "classifier-fashion-mnist",
    "vae2d-mnist", "ae2d-mnist",
]


@dataclass
class Loaded:
    model: nn.Module
    folder: Path  # where its files are on disk (a Hub snapshot or a weights folder)
    origin: str  # said at start-up: where it came from


@dataclass
class Lab:
    """Everything the app needs, loaded once at start-up."""

    models: dict[str, Loaded]
    notices: list[str] = field(default_factory=list)  # fallbacks and warnings, shown on the page
    files: dict = field(default_factory=dict)  # reference files already read: (name, filename) -> contents

    def model(self, name: str) -> nn.Module:
        return self.models[name].model

    def json(self, name: str, filename: str) -> dict:
        """A JSON file from a model's folder, read once and kept."""
        key = (name, filename)
        if key not in self.files:
            path = self.models[name].folder / filename
            if not path.is_file():
                raise FileNotFoundError(f"{path} is missing: run `python -m training.evaluate` on that folder")
            self.files[key] = json.loads(path.read_text(encoding="utf-8"))
        return self.files[key]

    def npz(self, name: str, filename: str) -> dict[str, np.ndarray]:
        """Arrays from a model's folder, read once and kept."""
        key = (name, filename)
        if key not in self.files:
            with np.load(self.models[name].folder / filename) as data:
                self.files[key] = dict(data)
        return self.files[key]


def hub_snapshot(repo_id: str, revision: str | None) -> Path:
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id, revision=revision))


def load_lab(weights_dir: str | Path | None = None, namespace: str | None = None, revision: str | None = None,
             names: list[str] = MODEL_NAMES, download: Callable[[str, str | None], Path] = hub_snapshot) -> Lab:
    """Load `names` from `weights_dir`, or from `<namespace>/<name>` on the Hub with a local fallback.
    Arguments left as None come from the LAB_* environment variables."""
    weights_dir = Path(weights_dir or os.environ.get("LAB_WEIGHTS_DIR", "weights"))
    namespace = namespace if namespace is not None else os.environ.get("LAB_HUB_NAMESPACE") or None
    revision = revision or os.environ.get("LAB_HUB_REVISION") or None
    models, notices = {}, []
    for name in names:
        local = weights_dir / name
        if namespace:
            repo_id = f"{namespace}/{name}"
            try:
                folder = download(repo_id, revision)
                origin = f"Hub {repo_id}" + (f"@{revision}" if revision else "")
                models[name] = Loaded(load_model(folder), folder, origin)
                continue
            except Exception as err:  # noqa: BLE001 - any Hub failure falls back to the shipped weights
                notices.append(f"Could not load {repo_id} from the Hub ({type(err).__name__}: "
                               f"{str(err).splitlines()[0] if str(err) else 'no details'}); using {local} instead.")
        try:
            models[name] = Loaded(load_model(local), local, str(local))
        except ModelLoadError as err:
            raise ModelLoadError(f"cannot start the lab without {name}: {err}") from err
    return Lab(models, notices)
