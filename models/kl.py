"""What the KL term does, measured on the 2-D VAE and the 2-D autoencoder (no KL term): shared by
`training/kl_figures.py`, which stores the figures over 10,000 prior draws in each model's folder
(`kl_figures.json`), and the app's "KL term & encoder" tab, which decodes a few draws live.

- Aggregate KL: a Gaussian N(m, S) fitted to the codes of the MNIST test digits (the VAE's posterior means mu,
  the autoencoder's codes z), and its closed-form KL(N(m, S) || N(0, I)) = 1/2 (tr S + m^T m - d - ln det S).
  0 means the codes fill the prior exactly.
- Spread: the codes' mean and standard deviation per axis, and the share inside the prior's
  2-sigma circle (a standard 2-D normal puts 86.5 % of its mass there).
- Prior decodes: z ~ N(0, I) decoded, and classified: the share "recognised" (top class probability
  >= CONFIDENT) and the share of each predicted class.
"""

import numpy as np
import torch

from models.metrics import CONFIDENT
from models.registry import model_name

MODELS = (model_name("vae2d", "mnist"), model_name("ae2d", "mnist"))  # the two models compared


def gaussian_kl_to_prior(codes: np.ndarray) -> float:
    """KL(N(m, S) || N(0, I)) in nats for the Gaussian N(m, S) fitted to `codes` `(N, d)`."""
    codes = np.asarray(codes, dtype=np.float64)
    m, S = codes.mean(0), np.atleast_2d(np.cov(codes, rowvar=False))
    d = codes.shape[1]
    _, logdet = np.linalg.slogdet(S)
    # KL(N(m, S) || N(0, I)) = 1/2 (tr S + m^T m - d - ln det S)
    return float(0.5 * (np.trace(S) + m @ m - d - logdet))


def code_spread(codes: np.ndarray) -> dict:
    codes = np.asarray(codes, dtype=np.float64)
    return {
        "mean": codes.mean(0).round(3).tolist(),
        "std": codes.std(0).round(3).tolist(),
        "share_inside_2_sigma": round(float(np.mean(np.linalg.norm(codes, axis=1) <= 2.0)), 4),
    }


@torch.inference_mode()
def prior_decodes(model, classifier, z: torch.Tensor) -> tuple[torch.Tensor, dict]:
    """Decode codes z and classify them: (images, {"recognised", "class_histogram", "class_coverage",
    "distinct_classes"})."""
    images = model.decode(z)
    proba = classifier.predict_proba(images)
    histogram = np.bincount(proba.argmax(1).numpy(), minlength=proba.shape[1]) / len(z)
    return images, {
        "recognised": round((proba.max(1).values >= CONFIDENT).float().mean().item(), 4),
        "class_histogram": histogram.round(4).tolist(),
        # classes that get at least half their fair share (as models.metrics.class_coverage)
        "class_coverage": int(np.sum(histogram >= 0.5 / len(histogram))),
        "distinct_classes": int(np.sum(histogram > 0)),
    }


def prior_codes(count: int, seed: int) -> torch.Tensor:
    """`count` draws z ~ N(0, I) in 2-D: the same codes go through both models."""
    return torch.randn(count, 2, generator=torch.Generator().manual_seed(seed))
