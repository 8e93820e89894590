"""Tab "Models": every model the app uses, with its figures, its size, its card, its files and the
three lines that load it."""

from __future__ import annotations

import re
from pathlib import Path

from lab.loading import Lab, Loaded
from models.card import figures, load_lines, settings
from models.registry import CARD_FILE, CONFIG_FILE, DATASET_TITLES, METRICS_FILE, WEIGHTS_FILE, read_json

FAMILY = {"vae": "VAE", "autoencoder": "Autoencoder", "gan": "GAN generator", "classifier": "Classifier",
          "pix2pix": "U-Net (image to image)"}
HUB_ORIGIN = re.compile(r"^Hub (?P<repo_id>[\w.-]+/[\w.-]+)(?:@(?P<revision>\S+))?$")  # Loaded.origin from the Hub
COMMIT = re.compile(r"^[0-9a-f]{40}$")


def hub_source(loaded: Loaded) -> dict | None:
    """Repo id, revision asked for, and the commit of a model loaded from the Hub; None for a local one."""
    match = HUB_ORIGIN.match(loaded.origin)
    if not match:
        return None
    folder = Path(loaded.folder)
    commit = folder.name if folder.parent.name == "snapshots" and COMMIT.match(folder.name) else None
    return {"repo_id": match["repo_id"], "revision": match["revision"], "commit": commit,
            "url": f"https://huggingface.co/{match['repo_id']}"}


def read_card(folder: Path) -> str:
    """A model card's text without its YAML front matter (the metadata the Hub reads)."""
    from huggingface_hub import ModelCard

    return ModelCard.load(folder / CARD_FILE).text.strip()


def model_info(lab: Lab, name: str) -> dict:
    """What the Models tab shows for one model: read once at start-up, from its folder."""
    loaded = lab.models[name]
    folder = Path(loaded.folder)
    config, metrics = read_json(folder / CONFIG_FILE), read_json(folder / METRICS_FILE)
    hub = hub_source(loaded)
    source, revision = (hub["repo_id"], hub["revision"]) if hub else (str(folder), None)
    kind = config["model_type"]
    return {
        "name": name,
        "family": FAMILY[kind],
        "dataset": DATASET_TITLES[config.get("dataset", "mnist")],
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
