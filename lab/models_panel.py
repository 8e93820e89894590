"""Tab "Models": every model the app uses, with its figures, its size, its card, its files and the
three lines that load it. Also the list of files the app reads from each model folder, which
`training.publish` checks before it uploads anything."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lab.loading import REFERENCE_FILES, Lab, Loaded

WEIGHTS_FILE, CONFIG_FILE, CARD_FILE, METRICS_FILE = "model.safetensors", "config.json", "README.md", "metrics.json"
SETTINGS = ("iwae_k", "refine_steps", "refine_k")  # in metrics.json: how a figure was measured, not a figure
FAMILY = {"vae": "VAE", "autoencoder": "Autoencoder", "gan": "GAN generator", "classifier": "Classifier"}
DATASET_NAMES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
USAGE = {  # the third of the three lines: what to do with the loaded model
    "vae": "images = model.sample(16)  # (16, 1, 28, 28) in [0, 1]",
    "autoencoder": "images = model.sample(16)  # random 2-D codes, decoded",
    "gan": "images = model.sample(16)  # labels=torch.arange(16) % 10 picks classes",
    "gan-unconditional": "images = model.sample(16)  # one class only: no labels",
    "classifier": "labels = model.predict(images)  # images: (B, 1, 28, 28) in [0, 1]",
}
HUB_ORIGIN = re.compile(r"^Hub (?P<repo_id>[\w.-]+/[\w.-]+)(?:@(?P<revision>\S+))?$")  # Loaded.origin from the Hub
COMMIT = re.compile(r"^[0-9a-f]{40}$")


def app_files(name: str) -> list[str]:
    """The files the app (and its Models tab) reads from the model folder `name`: the weights, config, card and
    evaluation, and the reference files `lab.loading.REFERENCE_FILES` lists for it."""
    base = [WEIGHTS_FILE, CONFIG_FILE, CARD_FILE, METRICS_FILE]
    return base + [f for f in REFERENCE_FILES.get(name, {}) if f not in base]


def missing_app_files(folder: str | Path) -> list[str]:
    """What a weights folder lacks before the app can use it, each with what makes it: [] when complete."""
    folder = Path(folder)
    if not (folder / CONFIG_FILE).is_file():
        return [f"{CONFIG_FILE} (not a model folder)"]
    evaluate = f"python -m training.evaluate {folder} --data-root DATA"
    missing = [f"{name} ({evaluate})" if name != WEIGHTS_FILE else f"{name} (the training script writes it)"
               for name in app_files(folder.name) if not (folder / name).is_file()]
    if (folder / METRICS_FILE).is_file():
        metrics = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
        if not str(metrics.get("command", "")).startswith("python -m training.evaluate"):
            missing.append(f"{METRICS_FILE} from training.evaluate: it holds the training run's figures ({evaluate})")
    for filename, keys in REFERENCE_FILES.get(folder.name, {}).items():  # what the app reads from each JSON file
        if filename.endswith(".json") and (folder / filename).is_file():
            contents = json.loads((folder / filename).read_text(encoding="utf-8"))
            missing += [f"{key} in {filename} ({evaluate})" for key in keys if key not in contents]
    return missing


def is_figure(key: str, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and key not in SETTINGS


def figures(metrics: dict) -> dict[str, int | float]:
    """Every measured number in a `metrics.json`, as written there (settings such as `iwae_k` left out)."""
    return {key: value for key, value in metrics.items() if is_figure(key, value)}


def settings(metrics: dict) -> dict[str, int | float]:
    """How the figures were measured (`iwae_k`, `refine_steps`, ...), where metrics.json records it."""
    return {key: metrics[key] for key in SETTINGS if key in metrics}


def hub_source(loaded: Loaded) -> dict | None:
    """Repo id, revision asked for, and the commit of a model loaded from the Hub; None for a local one."""
    match = HUB_ORIGIN.match(loaded.origin)
    if not match:
        return None
    folder = Path(loaded.folder)
    commit = folder.name if folder.parent.name == "snapshots" and COMMIT.match(folder.name) else None
    return {"repo_id": match["repo_id"], "revision": match["revision"], "commit": commit,
            "url": f"https://huggingface.co/{match['repo_id']}"}


def load_lines(kind: str, source: str, revision: str | None = None) -> str:
    """The three lines that load a model and use it; `source` is a Hub repo id or a local folder."""
    pin = f", revision={json.dumps(revision)}" if revision else ""
    return "\n".join(["from models import load_model  # the lab's models/ folder",
                      f"model = load_model({json.dumps(source)}{pin})", USAGE[kind]])


def read_card(folder: Path) -> str:
    """A model card's text without its YAML front matter (the metadata the Hub reads)."""
    from huggingface_hub import ModelCard

    return ModelCard.load(folder / CARD_FILE).text.strip()


def model_info(lab: Lab, name: str) -> dict:
    """What the Models tab shows for one model: read once at start-up, from its folder."""
    loaded = lab.models[name]
    folder = Path(loaded.folder)
    config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    metrics = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
    hub = hub_source(loaded)
    source, revision = (hub["repo_id"], hub["revision"]) if hub else (str(folder), None)
    kind = config["model_type"]
    return {
        "name": name,
        "family": FAMILY[kind],
        "dataset": DATASET_NAMES[config.get("dataset", "mnist")],
        "parameters": sum(p.numel() for p in loaded.model.parameters()),
        "weights_bytes": (folder / WEIGHTS_FILE).stat().st_size,
        "figures": figures(metrics),
        "settings": settings(metrics),
        "command": metrics.get("command"),
        "card": read_card(folder),
        "weights": folder / WEIGHTS_FILE,
        "config": folder / CONFIG_FILE,
        "code": load_lines(kind, source, revision),
        "hub": hub,
    }


def source_markdown(info: dict) -> str:
    """Where the model was loaded from: the Hub repo (linked) with revision and commit, or the local folder."""
    hub = info["hub"]
    if hub is None:
        return f"Loaded from the local folder `{Path(info['weights']).parent}`."
    revision = f"revision `{hub['revision']}`" if hub["revision"] else "branch `main`"
    commit = f", commit `{hub['commit'][:12]}`" if hub["commit"] else ""
    return f"Loaded from the Hub: [{hub['repo_id']}]({hub['url']}) at {revision}{commit}."


def summary_markdown(info: dict, per_row: int = 2) -> str:
    """The model's headline: family, data, size, and each figure from its metrics.json (`per_row` to a row)."""
    ordered = sorted(info["figures"].items(), key=lambda item: item[0].startswith("real_"))  # the model's first
    cells = [f"{key} | **{value}**" for key, value in ordered]
    rows = ["| " + " | ".join(cells[i:i + per_row]) + " |" for i in range(0, len(cells), per_row)]
    measured = ", ".join(f"{key} = {value}" for key, value in info["settings"].items())
    lines = [
        f"### {info['name']}: {info['family']}, {info['dataset']}",
        f"{info['parameters']:,} parameters · `model.safetensors` {info['weights_bytes'] / 1e6:.1f} MB",
        "",
        f"| figure ({info['dataset']} test split) | value |" + " figure | value |" * (per_row - 1),
        "|---|---" * per_row + "|",
        *rows,
    ]
    if measured:
        lines += ["", f"Measured with {measured}."]
    if info["command"]:
        lines += ["", f"From `metrics.json`, written by `{info['command']}`."]
    return "\n".join(lines)
