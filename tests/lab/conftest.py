import json

import numpy as np
import pytest
import torch

from lab.loading import load_lab
from models import (
    VAE,
    Autoencoder,
    AutoencoderConfig,
    Classifier,
    ClassifierConfig,
    GANConfig,
    Generator,
    Pix2PixConfig,
    UNet,
    VAEConfig,
)
from models.registry import ANOMALY_SCORES, USE_CASES


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
        for model, figures in (("vae", (0.7, 0.8)), ("gan", (0.75, 0.65))):  # as training.evaluate records them
            (root / f"{model}-{dataset}" / "metrics.json").write_text(json.dumps(
                {"precision": figures[0], "recall": figures[1], "real_precision": 0.87, "real_recall": 0.87,
                 "class_histogram": [0.1] * 10}))
        (root / f"vae-{dataset}" / "anomaly_reference.json").write_text(json.dumps(
            {"percentiles": [0.0, 50.0, 100.0], "errors": [0.0, 0.05, 0.2]}))
        scores = np.random.default_rng(1).normal(100, 20, size=(len(ANOMALY_SCORES), 50)).astype(np.float16)
        np.savez_compressed(root / f"vae-{dataset}" / "anomaly_scores.npz",
                            **dict(zip(ANOMALY_SCORES, scores, strict=True)))
    VAE(VAEConfig(latent_dim=2, channels=4, hidden_dim=16)).save_pretrained(root / "vae2d-mnist")
    Autoencoder(AutoencoderConfig(channels=4, hidden_dim=16)).save_pretrained(root / "ae2d-mnist")
    rng = np.random.default_rng(0)
    for name in ("vae2d-mnist", "ae2d-mnist"):
        np.savez_compressed(root / name / "latent_map.npz", codes=rng.normal(size=(200, 2)).astype(np.float16),
                            labels=(np.arange(200) % 10).astype(np.uint8))
        (root / name / "kl_figures.json").write_text(json.dumps(  # as training.kl_figures writes them
            {"aggregate_kl": 0.5, "spread": [1.0, 1.0], "draws": 100,
             "prior_decodes": {"class_histogram": [0.1] * 10}}))
    for kind, (task, objective) in USE_CASES.items():
        noise = 2 if kind == "complete-gan" else 0
        UNet(Pix2PixConfig(task=task, objective=objective, channels=4, noise_dim=noise)).eval().save_pretrained(
            root / f"{kind}-mnist")
        (root / f"{kind}-mnist" / "metrics.json").write_text(json.dumps(  # as training.evaluate writes them
            {"class_kept": 0.9, "sharpness_ratio": 0.5, "frechet_distance": 3.0, "real_frechet_distance": 1.6,
             "bicubic_class_kept": 0.8, "bicubic_sharpness_ratio": 0.3, "bicubic_frechet_distance": 9.0,
             "draw_pixel_std": 0.005}))
    return root


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory):
    return write_tiny_weights(tmp_path_factory.mktemp("weights"))


@pytest.fixture(scope="session")
def tiny_lab(tiny_weights):
    return load_lab(tiny_weights, namespace="")

