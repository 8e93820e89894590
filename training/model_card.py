"""Write a weights folder's `README.md` model card from its config, history and metrics."""

from __future__ import annotations

import json
from pathlib import Path

DATA = {
    "mnist": ("MNIST", "mnist", "cc-by-sa-3.0",
              "MNIST, Y. LeCun and C. Cortes, [CC BY-SA 3.0](https://creativecommons.org/licenses/by-sa/3.0/)"),
    "fashion-mnist": ("Fashion-MNIST", "zalando-datasets/fashion_mnist", "mit",
                      "Fashion-MNIST, Zalando SE, [MIT](https://github.com/zalandoresearch/fashion-mnist)"),
}

DESCRIPTION = {
    "vae": "A convolutional variational autoencoder (Kingma & Welling 2014) with a {latent_dim}-dimensional "
           "Gaussian latent and a Bernoulli decoder.",
    "autoencoder": "A deterministic convolutional autoencoder with a {latent_dim}-dimensional code: the VAE "
                   "without its KL term, to show what that term enforces.",
    "gan": "The generator of a class-conditional DCGAN (Radford et al. 2016) with a projection "
           "discriminator (Miyato & Koyama 2018); noise size {latent_dim}.",
    "classifier": "A small CNN classifier, the lab's measuring stick for generated images.",
    "gan-unconditional": "The generator of an unconditional DCGAN (Radford et al. 2016; batch norm: {batchnorm}), "
                         "trained with a deliberately unstable setting to show mode collapse; noise size {latent_dim}.",
}

USAGE = {
    "vae": "images = model.sample(16)  # (16, 1, 28, 28) in [0, 1]",
    "autoencoder": "codes = model.encode(images)  # (B, 2)",
    "gan": "images = model.sample(16)  # (16, 1, 28, 28) in [0, 1]; labels=torch.arange(16) % 10 picks classes",
    "classifier": "labels = model.predict(images)  # images: (B, 1, 28, 28) in [0, 1]",
    "gan-unconditional": "images = model.sample(16)  # (16, 1, 28, 28) in [0, 1]; no labels: one class only",
}

HUB_NAMESPACE = "vae-vs-gan-lab"  # where the README's Space expects the models

CLASSES = {"vae": "VAE", "autoencoder": "Autoencoder", "gan": "Generator", "classifier": "Classifier"}


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def write_model_card(folder: str | Path, repo_id: str | None = None) -> Path:
    folder = Path(folder)
    config = _read(folder / "config.json")
    history = _read(folder / "history.json")
    metrics = _read(folder / "metrics.json")
    kind = config["model_type"]
    describe = "gan-unconditional" if kind == "gan" and config.get("num_classes") == 1 else kind
    data_name, hf_dataset, license_id, data_credit = DATA[config.get("dataset", "mnist")]
    source = repo_id or f"{HUB_NAMESPACE}/{folder.name}"
    lines = [
        "---",
        f"license: {license_id}",
        "library_name: pytorch",
        f"datasets: [{hf_dataset}]",
        f"tags: [vae-vs-gan-lab, {kind}, {config.get('dataset', 'mnist')}, pytorch_model_hub_mixin]",
        "---",
        f"# {folder.name}",
        "",
        DESCRIPTION[describe].format(**config) + f" Trained on {data_name} for "
        "[VAE vs GAN Lab](https://huggingface.co/spaces), a teaching demo of generative models.",
        "",
        "## Use",
        "",
        "```python",
        f"from models import {CLASSES[kind]}  # models/ from the VAE vs GAN Lab repository",
        f'model = {CLASSES[kind]}.from_pretrained("{source}").eval()  # or a local weights/{folder.name}',
        USAGE[describe],
        "```",
        "",
        f'`models.load_model("{source}")` does the same and picks the class from `config.json`.',
        "",
        "## Evaluation",
        "",
    ]
    if metrics:
        command = metrics.pop("command", None)
        lines += ["| metric | value |", "|---|---|"]
        lines += [f"| {k} | {_format(v)} |" for k, v in metrics.items() if not isinstance(v, (dict, list))]
        if command:
            lines += ["", f"Measured with `{command}`."]
        notes = metrics.get("notes")
        if notes:
            lines += ["", *[f"- {n}" for n in notes]]
    else:
        lines += ["Not evaluated yet: run `python -m training.evaluate` on this folder."]
    lines += ["", "## Training", ""]
    if history:
        lines += [
            f"- Command: `{history['command']}`",
            f"- Training time: {history['train_minutes']} minutes on {history['device']} with "
            f"{history['threads']} torch thread(s), {history['images_per_second']} images/second "
            f"over {len(history['epochs'])} epochs (per-epoch figures in `history.json`).",
            "- Minutes are wall-clock time on the machine as it was: the lab's shipped models were trained on a "
            "2-core CPU, the 1-thread runs two at a time and the 2-thread runs alone. "
            "`python -m training.benchmark` measures speed alone.",
        ]
    lines += [
        f"- Config: `{json.dumps(config, sort_keys=True)}`",
        "",
        "## Data",
        "",
        f"Trained on {data_credit}.",
        "",
    ]
    path = folder / "README.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
