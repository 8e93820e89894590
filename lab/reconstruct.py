"""Tab 2, "Reconstruct": an upload or a drawing, squeezed through the latent code."""

import numpy as np
import torch

from lab.generate import parse_dataset
from lab.images import error_heatmap, framed, to_uint8, upscale
from lab.loading import CLASS_NAMES, DATASETS, Lab
from lab.preprocess import preprocess

SCALE = 8  # 28x28 -> 224x224 on the page, nearest neighbour
FIT_BOX = {"MNIST": 20, "Fashion-MNIST": 28}  # MNIST digits sit in a 20x20 box; garments fill the frame


def parse_noise(noise) -> float:
    try:
        value = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"Noise must be a number from 0 to 1, got {noise!r}.") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"Noise must be a number from 0 to 1, got {noise!r}.")
    return value


def add_noise(x: torch.Tensor, noise: float, seed: int = 0) -> torch.Tensor:
    """Gaussian pixel noise with standard deviation `noise`, clipped to [0, 1] (fixed seed:
    the same picture and level always give the same noisy input)."""
    if noise == 0:
        return x
    eps = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed))
    return (x + noise * eps).clamp(0, 1)


def anomaly_percentile(lab: Lab, dataset: str, error: float) -> float:
    """Share (in %) of the test images that the VAE reconstructs better than this one."""
    reference = lab.json(f"vae-{DATASETS[dataset]}", "anomaly_reference.json")
    return float(np.interp(error, reference["errors"], reference["percentiles"]))


@torch.inference_mode()
def reconstruct(lab: Lab, image, dataset: str, noise=0.0):
    """`/reconstruct`: (model input, reconstruction, error map, result, preprocessing steps)."""
    dataset, noise = parse_dataset(dataset), parse_noise(noise)
    prepared = preprocess(image, box=FIT_BOX[dataset])
    x = add_noise(prepared.x, noise)
    vae = lab.model(f"vae-{DATASETS[dataset]}")
    classifier = lab.model(f"classifier-{DATASETS[dataset]}")
    x_hat = vae.reconstruct(x)
    error = (x_hat - x).pow(2).mean().item()
    names = CLASS_NAMES[dataset]
    proba = classifier.predict_proba(x_hat)[0]
    proba_in = classifier.predict_proba(x)[0]
    result = {
        "dataset": dataset,
        "noise": noise,
        "reconstruction_error": round(error, 5),
        "anomaly_percentile": round(anomaly_percentile(lab, dataset, error), 1),
        "predicted_label": names[int(proba.argmax())],
        "confidence": round(float(proba.max()), 3),
        "input_predicted_label": names[int(proba_in.argmax())],
    }
    if noise > 0:
        result["error_vs_clean_input"] = round((x_hat - prepared.x).pow(2).mean().item(), 5)
    if dataset == "MNIST":
        mu, _ = lab.model("vae2d-mnist").encode(x)
        result["latent_2d"] = [round(v, 3) for v in mu[0].tolist()]
    steps = [(framed(picture), caption) for picture, caption in prepared.steps]
    return (upscale(to_uint8(x), SCALE), upscale(to_uint8(x_hat), SCALE), error_heatmap(x, x_hat, SCALE),
            result, steps)
