"""The lab's models and one entry point to load any of them: `load_model`.

    from models import load_model
    vae = load_model("weights/vae-mnist")          # a local folder
    gan = load_model("someone/gan-mnist")          # or a Hugging Face Hub repo id
    images = gan.sample(16, labels=torch.arange(16) % 10)
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import safetensors.torch
import torch.nn as nn
from safetensors import SafetensorError

from models.autoencoder import Autoencoder, AutoencoderConfig
from models.classifier import Classifier, ClassifierConfig
from models.gan import Discriminator, DiscriminatorConfig, GANConfig, Generator
from models.pix2pix import PatchDiscriminator, PatchDiscriminatorConfig, Pix2PixConfig, UNet
from models.registry import CONFIG_FILE, WEIGHTS_FILE, read_json
from models.vae import VAE, VAEConfig

MODEL_CLASSES: dict[str, type[nn.Module]] = {
    "vae": VAE,
    "autoencoder": Autoencoder,
    "gan": Generator,
    "gan-discriminator": Discriminator,
    "classifier": Classifier,
    "pix2pix": UNet,
    "pix2pix-discriminator": PatchDiscriminator,
}

CONFIG_CLASSES = {
    "vae": VAEConfig,
    "autoencoder": AutoencoderConfig,
    "gan": GANConfig,
    "gan-discriminator": DiscriminatorConfig,
    "classifier": ClassifierConfig,
    "pix2pix": Pix2PixConfig,
    "pix2pix-discriminator": PatchDiscriminatorConfig,
}

__all__ = [
    "VAE", "VAEConfig", "Autoencoder", "AutoencoderConfig", "Generator", "Discriminator",
    "GANConfig", "DiscriminatorConfig", "Classifier", "ClassifierConfig", "UNet", "Pix2PixConfig",
    "PatchDiscriminator", "PatchDiscriminatorConfig", "MODEL_CLASSES", "load_model", "ModelLoadError",
]

REPO_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


class ModelLoadError(RuntimeError):
    """A model folder or Hub repo could not be turned into a model."""


def _read_config(path: Path) -> dict:
    try:
        config = read_json(path)
    except ValueError as err:  # not JSON, or not an object
        raise ModelLoadError(str(err)) from err
    model_type = config.get("model_type")
    if model_type not in MODEL_CLASSES:
        raise ModelLoadError(f"{path}: model_type {model_type!r} is not one of {sorted(MODEL_CLASSES)}")
    return config


def _local_files(folder: Path) -> dict:
    if not folder.is_dir():
        raise ModelLoadError(f"model folder not found: {folder}")
    missing = [name for name in (CONFIG_FILE, WEIGHTS_FILE) if not (folder / name).is_file()]
    if missing:
        raise ModelLoadError(f"{folder} is missing {', '.join(missing)}")
    return _read_config(folder / CONFIG_FILE)


def _hub_files(repo_id: str, revision: str | None) -> Path:
    """Download the repo's config.json and model.safetensors (never a pickled `pytorch_model.bin`)
    and return the snapshot folder that holds both."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    paths = []
    for filename in (CONFIG_FILE, WEIGHTS_FILE):
        try:
            paths.append(Path(hf_hub_download(repo_id, filename, revision=revision)))
        except LocalEntryNotFoundError as err:  # offline, or the Hub unreachable, and nothing cached
            raise ModelLoadError(
                f"cannot reach the Hub for {repo_id!r} and it is not in the local cache") from err
        except RepositoryNotFoundError as err:
            raise ModelLoadError(f"Hub repo {repo_id!r} not found (or private without a token)") from err
        except RevisionNotFoundError as err:
            raise ModelLoadError(f"Hub repo {repo_id!r} has no revision {revision!r}") from err
        except EntryNotFoundError as err:
            raise ModelLoadError(f"Hub repo {repo_id!r} has no {filename}") from err
    return paths[0].parent


def load_model(source: str | Path, revision: str | None = None) -> nn.Module:
    """Load any lab model from a local folder or a Hub repo id, in eval mode.

    The folder (or repo) holds `config.json` and `model.safetensors`, as written by
    the model's `save_pretrained`; `config.json`'s `model_type` picks the class.
    Weights must match the config exactly (strict key and shape checks). Only safetensors
    are read: no pickle, so no code from a file runs on load.
    """
    source_str = str(source)
    path = Path(source_str).expanduser()
    is_local = path.exists() or not REPO_ID.match(source_str)
    if is_local:
        if revision is not None:
            raise ModelLoadError("revision only applies to Hub repo ids, not local folders")
        folder = path
    else:
        try:
            folder = _hub_files(source_str, revision)
        except ModelLoadError as err:
            if Path(path.parts[0]).is_dir():  # probably a typo in a local path, e.g. weights/vae-mnsit
                raise ModelLoadError(f"model folder not found: {source_str} (and as a Hub repo id: {err})") from err
            raise
    config = _local_files(folder)
    model_cls, config_cls = MODEL_CLASSES[config["model_type"]], CONFIG_CLASSES[config["model_type"]]
    try:
        model = model_cls(config_cls(**{f.name: config[f.name] for f in fields(config_cls) if f.name in config}))
        safetensors.torch.load_model(model, folder / WEIGHTS_FILE, strict=True)  # tensors only: no pickle
    except SafetensorError as err:
        raise ModelLoadError(f"{folder / WEIGHTS_FILE} is not a readable safetensors file ({err})") from err
    except (TypeError, ValueError) as err:  # e.g. "channels": "wide" or a negative size
        raise ModelLoadError(f"{folder / CONFIG_FILE} does not describe a valid {config['model_type']}: "
                             f"{str(err).splitlines()[0]}") from err
    except RuntimeError as err:  # state_dict key or shape mismatch
        raise ModelLoadError(f"weights in {folder / WEIGHTS_FILE} do not match its config.json: "
                             f"{str(err).splitlines()[0]}") from err
    return model.eval()
