import json

import numpy as np
import pytest
import torch

from lab.loading import load_lab
from models import VAE, Autoencoder, AutoencoderConfig, Classifier, ClassifierConfig, GANConfig, Generator, VAEConfig


def write_tiny_weights(root):
    """Tiny seeded models under the shipped names, with the reference files the app reads."""
    torch.manual_seed(0)
    for dataset in ("mnist", "fashion-mnist"):
        VAE(VAEConfig(latent_dim=4, channels=4, hidden_dim=16, dataset=dataset)).save_pretrained(
            root / f"vae-{dataset}")
        Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4, dataset=dataset)).eval().save_pretrained(
            root / f"gan-{dataset}")
        Classifier(ClassifierConfig(channels=4, feature_dim=8, dataset=dataset)).save_pretrained(
            root / f"classifier-{dataset}")
        (root / f"classifier-{dataset}" / "metrics.json").write_text(json.dumps({"real_laplacian_variance": 0.1}))
        (root / f"vae-{dataset}" / "anomaly_reference.json").write_text(json.dumps(
            {"percentiles": [0.0, 50.0, 100.0], "errors": [0.0, 0.05, 0.2]}))
    VAE(VAEConfig(latent_dim=2, channels=4, hidden_dim=16)).save_pretrained(root / "vae2d-mnist")
    Autoencoder(AutoencoderConfig(channels=4, hidden_dim=16)).save_pretrained(root / "ae2d-mnist")
    rng = np.random.default_rng(0)
    for name in ("vae2d-mnist", "ae2d-mnist"):
        np.savez_compressed(root / name / "latent_map.npz", codes=rng.normal(size=(200, 2)).astype(np.float16),
                            labels=(np.arange(200) % 10).astype(np.uint8))
    return root


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory):
    return write_tiny_weights(tmp_path_factory.mktemp("weights"))


@pytest.fixture(scope="session")
def tiny_lab(tiny_weights):
    return load_lab(tiny_weights, namespace="")


@pytest.fixture(scope="session")
def shipped_lab():
    """Every shipped model from weights/, with the reference files beside them."""
    return load_lab("weights", namespace="")
