"""Measurements on batches of images, shared by `training/evaluate.py` and the app.

All take `(B, 1, 28, 28)` float images in [0, 1].
"""

import numpy as np
import torch
import torch.nn.functional as F

LAPLACIAN = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)


def laplacian_variance(images: torch.Tensor) -> torch.Tensor:
    """Per-image variance of the 3x3 Laplacian `(B,)`: high for crisp strokes, low for blur."""
    padded = F.pad(images.float(), (1, 1, 1, 1), mode="replicate")  # edges of the frame are not strokes
    lap = F.conv2d(padded, LAPLACIAN.to(images.device))  # (B, 1, 28, 28)
    return lap.flatten(1).var(dim=1)


def sharpness_ratio(images: torch.Tensor, real: torch.Tensor) -> float:
    """Mean Laplacian variance of `images` over that of `real` images: 1.0 is as sharp as real data."""
    return (laplacian_variance(images).mean() / laplacian_variance(real).mean()).item()


@torch.no_grad()
def classifier_features(classifier, images: torch.Tensor, batch_size: int = 1000) -> np.ndarray:
    """The classifier's penultimate activations `(B, feature_dim)` as float64."""
    feats = [classifier.features(images[i:i + batch_size]) for i in range(0, len(images), batch_size)]
    return torch.cat(feats).double().cpu().numpy()


def frechet_distance(feats_a: np.ndarray, feats_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017):

    FD = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))
    The trace of the matrix square root is computed as the sum of square roots of the
    eigenvalues of S_a^(1/2) S_b S_a^(1/2), which is symmetric, so it stays real.
    """
    mu_a, mu_b = feats_a.mean(0), feats_b.mean(0)
    cov_a, cov_b = np.cov(feats_a, rowvar=False), np.cov(feats_b, rowvar=False)
    vals, vecs = np.linalg.eigh(cov_a)
    sqrt_a = (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    cross = np.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
    tr_sqrt = np.sqrt(np.clip(cross, 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * tr_sqrt)


@torch.no_grad()
def predict(classifier, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """Predicted class per image `(B,)`."""
    return torch.cat([classifier.predict(images[i:i + batch_size]) for i in range(0, len(images), batch_size)])


def class_histogram(predicted: torch.Tensor, num_classes: int = 10) -> list[float]:
    """Share of images predicted as each class."""
    counts = torch.bincount(predicted.cpu(), minlength=num_classes).float()
    return (counts / max(1, len(predicted))).tolist()


def class_coverage(predicted: torch.Tensor, num_classes: int = 10) -> int:
    """How many classes get at least half their fair share (1 / (2 * num_classes)) of the
    predictions: 10 for samples that cover every class, fewer when a GAN collapses."""
    return sum(share >= 0.5 / num_classes for share in class_histogram(predicted, num_classes))
