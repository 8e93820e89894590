"""The names the app and the training scripts share, each in one place: the data sets and their classes,
the models the app loads (`model_name` builds their names), and the files each model's folder must hold,
with `read_json` and `read_npz` to read them.

    model_name("vae", "Fashion-MNIST")  # "vae-fashion-mnist": weights/vae-fashion-mnist, <namespace>/vae-fashion-mnist
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

DATASETS = {"MNIST": "mnist", "Fashion-MNIST": "fashion-mnist"}  # title on the page -> name in weights/ and configs
DATASET_TITLES = {name: title for title, name in DATASETS.items()}  # name in weights/ and configs -> title
CLASS_NAMES = {  # per title: the name of each class, by class index
    "MNIST": [str(d) for d in range(10)],
    "Fashion-MNIST": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}
NOUNS = {"MNIST": "digit", "Fashion-MNIST": "garment"}  # per title: what one of its images is, in a word
# the first part of a model's name -> the `model_type` its config.json must hold
KINDS = {"vae": "vae", "gan": "gan", "classifier": "classifier", "vae2d": "vae", "ae2d": "autoencoder",
         "sr-l1": "pix2pix", "sr-gan": "pix2pix", "complete-l1": "pix2pix", "complete-gan": "pix2pix"}
LATENT_2D = ("vae2d", "ae2d")  # kinds with a 2-D code, for the latent maps
# the use-case models (models/pix2pix.py): kind -> (task, objective) its config.json must hold
USE_CASES = {"sr-l1": ("super-resolution", "l1"), "sr-gan": ("super-resolution", "pix2pix"),
             "complete-l1": ("completion", "l1"), "complete-gan": ("completion", "pix2pix")}


def model_name(kind: str, dataset: str) -> str:
    """The name of a model's folder in weights/ and of its Hub repo: `kind`-`dataset`, e.g. "gan-mnist".
    `dataset` is a title on the page ("Fashion-MNIST") or a name in weights/ ("fashion-mnist")."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of model {kind!r}: choose one of {', '.join(KINDS)}")
    name = DATASETS.get(dataset, dataset)
    if name not in DATASET_TITLES:
        raise ValueError(f"unknown data set {dataset!r}: choose one of {', '.join([*DATASETS, *DATASET_TITLES])}")
    return f"{kind}-{name}"


def split_name(name: str) -> tuple[str, str]:
    """`model_name`'s inverse: "sr-gan-mnist" -> ("sr-gan", "mnist"). ValueError for a name it did not make."""
    for dataset in sorted(DATASET_TITLES, key=len, reverse=True):  # "fashion-mnist" before "mnist"
        kind = name.removesuffix(f"-{dataset}")
        if kind != name and kind in KINDS:
            return kind, dataset
    raise ValueError(f"{name!r} is not a model name (kind-dataset, e.g. gan-mnist)")


MODEL_NAMES = [  # every model the app loads
    *(model_name(kind, dataset) for dataset in DATASETS for kind in ("vae", "gan", "classifier")),
    model_name("vae2d", "MNIST"), model_name("ae2d", "MNIST"),
    *(model_name(kind, "MNIST") for kind in USE_CASES),
]

# The files of a model's folder. `save_pretrained` writes the weights and the config, the training scripts the
# card, and `python -m training.evaluate weights/<name>` rewrites metrics.json and writes the reference files.
WEIGHTS_FILE, CONFIG_FILE, CARD_FILE, METRICS_FILE = "model.safetensors", "config.json", "README.md", "metrics.json"
ANOMALY_SCORES_FILE = "anomaly_scores.npz"  # python -m training.anomaly_scores
KL_FIGURES_FILE = "kl_figures.json"  # python -m training.kl_figures
ANOMALY_SETS = (*DATASET_TITLES, "noise")  # the test sets each VAE scores (uniform noise as the third)
ANOMALY_SCORES = tuple(f"{score}_{data}" for score in ("neg_elbo", "recon_error") for data in ANOMALY_SETS)
SAMPLE_FIGURES = {METRICS_FILE: ("precision", "recall")}  # lab/generate.py readouts
USE_CASE_FIGURES = ("class_kept", "sharpness_ratio", "frechet_distance", "real_frechet_distance")
BICUBIC_FIGURES = ("bicubic_class_kept", "bicubic_sharpness_ratio", "bicubic_frechet_distance")
KL_FIGURES = {KL_FIGURES_FILE: ("aggregate_kl", "spread", "draws", "prior_decodes")}
# The files each model's folder must hold besides its weights, with the keys the app reads from them: checked
# at start-up (and a Hub repo without them falls back to the local folder); training.publish uploads them.
REFERENCE_FILES = {
    **{model_name("classifier", d): {METRICS_FILE: ("real_laplacian_variance",)} for d in DATASETS},
    **{model_name("vae", d): {**SAMPLE_FIGURES, "anomaly_reference.json": ("errors", "percentiles"),
                              ANOMALY_SCORES_FILE: ANOMALY_SCORES} for d in DATASETS},
    **{model_name("gan", d): {METRICS_FILE: ("precision", "recall", "class_histogram")} for d in DATASETS},
    **{model_name(kind, "MNIST"): {"latent_map.npz": ("codes", "labels"), **KL_FIGURES} for kind in LATENT_2D},
    **{model_name(kind, "MNIST"): {METRICS_FILE: USE_CASE_FIGURES + (BICUBIC_FIGURES if kind.startswith("sr-") else ())
                                   + (("draw_pixel_std",) if kind == "complete-gan" else ())}
       for kind in USE_CASES},  # lab/use_cases.py and ui/use_cases.py: the Use cases tab's figures
}


def app_files(name: str) -> list[str]:
    """The files the app (and its Models tab) reads from the model folder `name`: the weights, config, card and
    evaluation, and the reference files `REFERENCE_FILES` lists for it."""
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
        metrics = read_json(folder / METRICS_FILE)
        if not str(metrics.get("command", "")).startswith("python -m training.evaluate"):
            missing.append(f"{METRICS_FILE} from training.evaluate: it holds the training run's figures ({evaluate})")
    for filename, keys in REFERENCE_FILES.get(folder.name, {}).items():  # what the app reads from each JSON file
        if filename.endswith(".json") and (folder / filename).is_file():
            contents = read_json(folder / filename)
            missing += [f"{key} in {filename} ({evaluate})" for key in keys if key not in contents]
    return missing


def read_json(path: Path) -> dict:
    """A JSON object from `path`; FileNotFoundError or ValueError naming the file when it cannot be."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path} is not valid JSON ({err})") from err
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return data


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a `.npz` file (no pickled objects); FileNotFoundError or ValueError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing")
    try:
        with np.load(path, allow_pickle=False) as data:  # arrays only: no pickled objects
            return dict(data)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"{path} is not a readable .npz file ({err})") from err
