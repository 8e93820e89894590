"""Load every model the app shows, once, from `weights/` or from Hugging Face Hub repos.

Settings (environment variables):
- `LAB_WEIGHTS_DIR`: the local weights folder (default `weights`).
- `LAB_HUB_NAMESPACE`: a Hub user or organisation; each model then loads from
  `<namespace>/<name>` (e.g. `someone/vae-mnist`). When the Hub cannot be reached, or a repo
  is missing or lacks a file the app reads, the app says so and falls back to the local folder.
- `LAB_HUB_REVISION`: a branch, tag or commit of those repos (default `main`).

Everything the app reads from a model's folder is read and checked here, at start-up: a missing,
corrupt or mismatched file stops the app with one line that names the file and how to fix it
(`StartupError`), instead of a traceback at start or an error on some later request.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from models import MODEL_CLASSES, ModelLoadError, load_model
from models.registry import CLASS_NAMES as CLASS_NAMES  # re-exported: examples/make_examples.py reads it here
from models.registry import DATASETS as DATASETS  # re-exported: tests/ui/test_quiz_browser.py reads it here
from models.registry import KINDS, LATENT_2D, MODEL_NAMES, REFERENCE_FILES, USE_CASES, read_json, read_npz, split_name

HUB_FILES = ["config.json", "model.safetensors", "*.json", "*.npz", "README.md"]  # what a snapshot fetches


class StartupError(ModelLoadError):
    """The app cannot start: one line naming the file and how to fix it."""


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
    caches: dict = field(default_factory=dict, repr=False)  # results of deterministic requests (lab/cache.py)

    def model(self, name: str) -> nn.Module:
        return self.models[name].model

    def json(self, name: str, filename: str) -> dict:
        """A JSON file from a model's folder, read once and kept."""
        key = (name, filename)
        if key not in self.files:
            self.files[key] = read_json(self.models[name].folder / filename)
        return self.files[key]

    def npz(self, name: str, filename: str) -> dict[str, np.ndarray]:
        """Arrays from a model's folder, read once and kept."""
        key = (name, filename)
        if key not in self.files:
            self.files[key] = read_npz(self.models[name].folder / filename)
        return self.files[key]


def read_references(name: str, folder: Path) -> dict:
    """Read and check every reference file `name` needs from `folder`: {(name, filename): contents}.
    Raises FileNotFoundError or ValueError naming the file."""
    files = {}
    for filename, keys in REFERENCE_FILES.get(name, {}).items():
        path = folder / filename
        contents = read_npz(path) if filename.endswith(".npz") else read_json(path)
        missing = [k for k in keys if k not in contents]
        if missing:
            raise ValueError(f"{path} lacks {', '.join(missing)}")
        if filename == "latent_map.npz" and not (
                contents["codes"].ndim == 2 and contents["codes"].shape[1] == 2
                and contents["labels"].shape == contents["codes"].shape[:1]):
            raise ValueError(f"{path} does not hold one 2-D code per label")
        if filename == "anomaly_reference.json" and not (
                isinstance(contents["errors"], list) and len(contents["errors"]) == len(contents["percentiles"]) > 1):
            raise ValueError(f"{path} does not hold matching lists of errors and percentiles")
        files[(name, filename)] = contents
    return files


def check_kind(name: str, model: nn.Module, folder: Path) -> None:
    """The model in `folder` is the kind the app expects under `name` (e.g. a 2-D VAE for MNIST)."""
    kind, dataset = split_name(name)
    config, model_class = model.config, MODEL_CLASSES[KINDS[kind]]
    want = f"a {model_class.__name__} for {dataset}" + (" with a 2-D code" if kind in LATENT_2D else "") + (
        " for {} trained with {}".format(*USE_CASES[kind]) if kind in USE_CASES else "")
    got = f"a {type(model).__name__} for {config.dataset}" + (
        f" with a {config.latent_dim}-D code" if hasattr(config, "latent_dim") else "") + (
        f" for {config.task} trained with {config.objective}" if hasattr(config, "task") else "")
    if type(model) is not model_class or config.dataset != dataset or (
            kind in LATENT_2D and config.latent_dim != 2) or (
            kind in USE_CASES and (config.task, config.objective) != USE_CASES[kind]):
        raise ValueError(f"{folder / 'config.json'} describes {got}, but {name} must be {want}")


def recorded_command(folder: Path, filename: str) -> str | None:
    """The command a folder's history.json (training) or metrics.json (evaluation) recorded."""
    try:
        command = read_json(folder / filename).get("command")
    except (OSError, ValueError):
        return None
    return command if isinstance(command, str) else None


def fix_for(folder: Path, filename: str) -> str:
    """How to repair one file of a local model folder, for the start-up message."""
    restore = f"`git checkout {folder}` restores the shipped copy"
    if filename in ("model.safetensors", "config.json", ""):
        train = recorded_command(folder, "history.json") or "the training command in README.md"
        return f"{restore}, or retrain it: `{train}`"
    evaluate = (recorded_command(folder, "metrics.json")
                or f"python -m training.evaluate {folder} --data-root ../shared/data")
    return f"{restore}, or rewrite it: `{evaluate}`"


def load_folder(name: str, folder: Path) -> tuple[nn.Module, dict]:
    """The model under `name` in `folder` and its reference files, all checked."""
    model = load_model(folder)
    check_kind(name, model, folder)
    # channels_last lets oneDNN pick faster convolution kernels on the CPU, as in training; the outputs are
    # the same to float rounding. python -m benchmarks layout: 1.09-2.19x faster (docs/benchmarks.md)
    return model.to(memory_format=torch.channels_last), read_references(name, folder)


def load_local(name: str, folder: Path) -> tuple[nn.Module, dict]:
    """`load_folder`, with any fault turned into a one-line StartupError naming the file and the fix."""
    try:
        return load_folder(name, folder)
    except (ModelLoadError, FileNotFoundError, ValueError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        filename = next((f for f in ("model.safetensors", "config.json", *REFERENCE_FILES.get(name, {}))
                         if f in message), "")
        raise StartupError(f"cannot start: {message}. Fix: {fix_for(folder, filename)}.") from err


def hub_snapshot(repo_id: str, revision: str | None) -> Path:
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id, revision=revision, allow_patterns=HUB_FILES))


def redact(text: str) -> str:
    """`text` without the Hub token, should an error message ever carry it."""
    from huggingface_hub import get_token

    for token in {os.environ.get("HF_TOKEN"), get_token()}:
        if token:
            text = text.replace(token, "***")
    return text


def load_lab(weights_dir: str | Path | None = None, namespace: str | None = None, revision: str | None = None,
             names: list[str] = MODEL_NAMES, download: Callable[[str, str | None], Path] = hub_snapshot) -> Lab:
    """Load `names` from `weights_dir`, or from `<namespace>/<name>` on the Hub with a local fallback.
    Arguments left as None come from the LAB_* environment variables. Raises StartupError."""
    from huggingface_hub.errors import LocalEntryNotFoundError

    weights_dir = Path(weights_dir or os.environ.get("LAB_WEIGHTS_DIR", "weights"))
    namespace = namespace if namespace is not None else os.environ.get("LAB_HUB_NAMESPACE") or None
    revision = revision or os.environ.get("LAB_HUB_REVISION") or None
    models, notices, files = {}, [], {}
    hub_reachable = True
    for name in names:
        local = weights_dir / name
        if namespace and hub_reachable:
            repo_id = f"{namespace}/{name}"
            try:
                folder = download(repo_id, revision)
                model, references = load_folder(name, folder)
                models[name] = Loaded(model, folder, f"Hub {repo_id}" + (f"@{revision}" if revision else ""))
                files.update(references)
                continue
            except LocalEntryNotFoundError as err:  # no connection and nothing cached: stop asking
                hub_reachable = False
                notices.append(redact(f"The Hub could not be reached for {repo_id} ({_first_line(err)}); "
                                      f"every model uses the local weights in {weights_dir} instead."))
            except Exception as err:  # noqa: BLE001 - any other Hub failure falls back to the shipped weights
                notices.append(redact(f"Could not load {repo_id} from the Hub ({type(err).__name__}: "
                                      f"{_first_line(err)}); using {local} instead."))
        model, references = load_local(name, local)
        models[name] = Loaded(model, local, str(local))
        files.update(references)
    return Lab(models, notices, files)


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else "no details"
