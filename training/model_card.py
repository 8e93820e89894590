"""A weights folder's `README.md` model card, built with `huggingface_hub.ModelCard` from the folder's
`config.json`, `metrics.json` and `history.json`. Its metadata carries every figure of `metrics.json`
as a `model-index` evaluation result (metric name and data set), which the Hub reads and shows."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from huggingface_hub import EvalResult, ModelCard, ModelCardData

from models import MODEL_CLASSES
from models.card import figures, load_lines, recorded_flag, recorded_switch
from models.registry import CARD_FILE, DATASET_TITLES, read_json
from training.report import label

DATA = {  # dataset in config.json -> (Hub dataset id, licence of the data, credit line)
    "mnist": ("ylecun/mnist", "cc-by-sa-3.0",
              "MNIST, Y. LeCun and C. Cortes, [CC BY-SA 3.0](https://creativecommons.org/licenses/by-sa/3.0/)"),
    "fashion-mnist": ("zalando-datasets/fashion_mnist", "mit",
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
    "pix2pix": "A small U-Net (Ronneberger et al. 2015) for {task} of 28x28 images ({objective_words}); "
               "the use-case models of the lab's pix2pix comparison (Isola et al. 2017).",
}
OBJECTIVE_WORDS = {"l1": "trained with the L1 loss alone",
                   "pix2pix": "trained with L1 plus a conditional PatchGAN discriminator, pix2pix's objective"}

TASKS = {"vae": "unconditional-image-generation", "autoencoder": "unconditional-image-generation",
         "gan": "unconditional-image-generation", "classifier": "image-classification", "pix2pix": "image-to-image"}

HUB_NAMESPACE = "vae-vs-gan-lab"  # where the README's Space expects the models


def _read(path: Path) -> dict:
    return read_json(path) if path.exists() else {}


def metric_name(key: str, metrics: dict) -> str:
    """A figure's name with its settings; `real_*` figures measure the data (the floor), not this model."""
    return label(key, metrics) + (" (real images, not this model)" if key.startswith("real_") else "")


def card_data(folder: Path, config: dict, metrics: dict) -> ModelCardData:
    """Metadata: the model class's own (library, tags, as `save_pretrained` writes them), the data set
    and its licence, and one `model-index` result per figure in metrics.json."""
    kind = config["model_type"]
    dataset = config.get("dataset", "mnist")
    data_name, (hf_dataset, license_id, _) = DATASET_TITLES[dataset], DATA[dataset]
    mixin = MODEL_CLASSES[kind]._hub_mixin_info.model_card_data
    results = [EvalResult(task_type=TASKS[kind], dataset_type=hf_dataset, dataset_name=data_name, dataset_split="test",
                          metric_type=key, metric_name=metric_name(key, metrics), metric_value=value)
               for key, value in figures(metrics).items()]
    tags = {*(mixin.tags or [])} - {"mnist"} | {config.get("dataset", "mnist")}  # the folder's data set only
    if config.get("num_classes", 10) == 1:
        tags.discard("conditional")  # the unconditional (collapse) generator
    return ModelCardData(
        model_name=folder.name,
        library_name=mixin.library_name,
        license=license_id,  # the weights are derived from the data, so they carry its licence
        datasets=[hf_dataset],
        tags=sorted(tags),
        eval_results=results or None,
    )


def get_code(name: str, space: str | None) -> str:
    if space:
        where = (f"clone the lab's Space, `git clone https://huggingface.co/spaces/{space}`, "
                 "or the lab's source repository")
    else:
        where = f"clone the VAE vs GAN Lab repository (this folder is `weights/{name}` in it) or the lab's Space"
    return (f"The model classes are in the lab's `models/` package: {where}, then run "
            "`pip install -r requirements.txt` in it. From its root, three lines load the model:")


def model_card(folder: str | Path, repo_id: str | None = None, revision: str | None = None,
               space: str | None = None) -> ModelCard:
    """The card for a weights folder; `repo_id`, `revision` and `space` go into its usage snippet."""
    folder = Path(folder)
    config = _read(folder / "config.json")
    history = _read(folder / "history.json")
    metrics = _read(folder / "metrics.json")
    kind = config["model_type"]
    dataset = config.get("dataset", "mnist")
    data_name, (_, _, data_credit) = DATASET_TITLES[dataset], DATA[dataset]
    describe = "gan-unconditional" if kind == "gan" and config.get("num_classes") == 1 else kind
    design = DESCRIPTION[describe].format(**config, objective_words=OBJECTIVE_WORDS.get(config.get("objective")))
    if kind == "gan" and config.get("class_norm"):
        design += (" Each of its batch norms takes its scale and shift from the class (conditional batch norm, "
                   "de Vries et al. 2017), so the generator sees the class at every layer, not only at its input.")
    command = history.get("command")  # the recorded training command: which options the model was trained with
    if float(recorded_flag(command, "--aux-weight") or 0) > 0:  # train_gan --aux-weight
        design += (" Its discriminator also names the class of real images, and the generator is trained to make "
                   "samples that it names as asked (an auxiliary classifier, AC-GAN, Odena et al. 2017).")
    group = int(recorded_flag(command, "--mbstd-group") or 0)
    spread = f"the spread of each group of {group} images" if group else "the batch's spread"
    deeper = [text for flag, text in (("--d-conv3", "a 3x3 conv after each strided conv"),
                                      ("--mbstd", f"a channel with {spread} (minibatch standard deviation, "
                                                  "Karras et al. 2018), so that too little variety is easy to "
                                                  "catch")) if recorded_switch(command, flag)]  # train_gan's D options
    if deeper:
        design += f" Its discriminator has {' and '.join(deeper)}."
    gamma = float(recorded_flag(command, "--r1") or 0)  # train_gan --r1
    if gamma > 0:
        design += (f" Its discriminator was kept flat around real images by an R1 penalty (weight {gamma:g}, "
                   "Mescheder et al. 2018), so it could not pull ahead of the generator.")
    t = config.get("temperature", 1) if kind == "gan" else 1  # set after training by training.temperature
    if t != 1:
        design += (f" It samples at temperature {t:g}: noise z ~ N(0, {t:g}² I) where it was trained on N(0, I) "
                   "(Kingma & Dhariwal 2018), the setting whose samples lie closest to held-out training images "
                   f"(`python -m training.temperature weights/{folder.name}`); the figures below are measured at it.")
    source = repo_id or f"{HUB_NAMESPACE}/{folder.name}"
    lines = [
        f"# {folder.name}",
        "",
        design + f" Trained on {data_name} for VAE vs GAN Lab, a teaching demo "
        "of generative models.",
        "",
        "## Use",
        "",
        get_code(folder.name, space),
        "",
        "```python",
        load_lines(describe, source, revision),
        "```",
        "",
        f"`load_model` picks the class (`{MODEL_CLASSES[kind].__name__}`) from `config.json`; it also takes a local "
        f"folder holding `model.safetensors` and `config.json`, e.g. `load_model(\"weights/{folder.name}\")`.",
        "",
        "## Evaluation",
        "",
    ]
    numbers = figures(metrics)
    if numbers:
        lines += [f"| figure ({data_name} test split) | value |", "|---|---|"]
        lines += [f"| {metric_name(key, metrics)} | {value} |" for key, value in numbers.items()]
        other = {k: v for k, v in metrics.items() if isinstance(v, str) and k != "command"}
        lines += ["", *[f"- {k}: `{v}`" for k, v in other.items()]] if other else []
        if metrics.get("command"):
            lines += ["", f"Measured with `{metrics['command']}` (all figures, with the rest, in `metrics.json`)."]
        if metrics.get("provenance"):
            made = metrics["provenance"]
            config_hash = f" and the `config.json` with SHA-256 `{made['config_sha256']}`" \
                if made.get("config_sha256") else ""  # recorded since the sampling temperature (issue 28)
            lines += ["", f"These figures describe the `model.safetensors` with SHA-256 `{made['model_sha256']}`"
                          f"{config_hash}, measured on {made['device']} at commit `{made['commit'][:12]}` with torch "
                          f"{made['versions']['torch']}."]
        if metrics.get("notes"):
            lines += ["", *[f"- {n}" for n in metrics["notes"]]]
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
            "2-core CPU, some two at a time with one thread each, some beside other jobs. "
            "`python -m benchmarks train_speed` measures each model's training speed on a machine to itself.",
        ]
    lines += [
        f"- Config: `{json.dumps(config, sort_keys=True)}`",
        "",
        "## Data",
        "",
        f"Trained on {data_credit}.",
        "",
    ]
    data = card_data(folder, config, metrics)
    return ModelCard(f"---\n{data.to_yaml()}\n---\n" + "\n".join(lines))


def write_model_card(folder: str | Path, repo_id: str | None = None, revision: str | None = None,
                     space: str | None = None) -> Path:
    path = Path(folder) / CARD_FILE
    path.write_text(str(model_card(folder, repo_id, revision, space)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    """`python -m training.model_card weights/<name> ...`: rewrite each folder's card from its files."""
    p = argparse.ArgumentParser(description="Rewrite the model card (README.md) of weights folders from their "
                                            "config.json, history.json and metrics.json.")
    p.add_argument("folders", nargs="+", help="weights folders, e.g. weights/gan-mnist")
    for folder in p.parse_args(argv).folders:
        print(f"wrote {write_model_card(folder)}")


if __name__ == "__main__":
    main()
