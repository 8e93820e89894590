"""Measurements on batches of images, shared by `training/evaluate.py` and the app.

All take `(B, 1, 28, 28)` float images in [0, 1].
"""

import numpy as np
import torch
import torch.nn.functional as F

CONFIDENT = 0.9  # a classified image counts as recognisable when its top class has this probability
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


def per_class_accuracy(predicted: torch.Tensor, labels: torch.Tensor, num_classes: int = 10) -> list[float]:
    """For each class asked for, the share of its images predicted as that class (a class never asked for: 0)."""
    predicted, labels = predicted.cpu(), labels.cpu()
    hits = torch.bincount(labels[predicted == labels], minlength=num_classes).float()
    asked = torch.bincount(labels, minlength=num_classes).float()
    return (hits / asked.clamp_min(1)).tolist()


def class_coverage(predicted: torch.Tensor, num_classes: int = 10) -> int:
    """How many classes get at least half their fair share (1 / (2 * num_classes)) of the
    predictions: 10 for samples that cover every class, fewer when a GAN collapses."""
    return sum(share >= 0.5 / num_classes for share in class_histogram(predicted, num_classes))


def knn_radii(feats: torch.Tensor, k: int = 3, chunk: int = 1000) -> torch.Tensor:
    """Distance from each feature vector to its k-th nearest neighbour in the same set, `(N,)`."""
    radii = []
    for i in range(0, len(feats), chunk):
        d = torch.cdist(feats[i:i + chunk], feats)  # (chunk, N); each row holds its own 0 distance
        radii.append(d.kthvalue(k + 1, dim=1).values)  # k + 1: skip the point itself
    return torch.cat(radii)


def manifold_coverage(points: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor, chunk: int = 1000) -> float:
    """Share of `points` inside at least one ball (centre, radius): the k-NN manifold estimate."""
    inside = 0
    for i in range(0, len(points), chunk):
        d = torch.cdist(points[i:i + chunk], centres)  # (chunk, M)
        inside += (d <= radii[None, :]).any(dim=1).sum().item()
    return inside / max(1, len(points))


def precision_recall(real_feats: np.ndarray, fake_feats: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall of generated samples (Kynkäänniemi et al. 2019, eq. 1-2):

    precision = share of generated samples inside the real data's manifold,
    recall = share of real samples inside the generated samples' manifold,
    where a set's manifold is the union of balls around each point reaching its k-th nearest neighbour.
    Precision falls when samples are unrealistic; recall falls when they miss part of the data (collapse).
    """
    if min(len(real_feats), len(fake_feats)) <= k:
        raise ValueError(f"precision and recall with k={k} need more than {k} points in each set, "
                         f"got {len(real_feats)} real and {len(fake_feats)} generated")
    real, fake = torch.from_numpy(real_feats).double(), torch.from_numpy(fake_feats).double()
    precision = manifold_coverage(fake, real, knn_radii(real, k))
    recall = manifold_coverage(real, fake, knn_radii(fake, k))
    return precision, recall


def ink_components(images: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Label the connected ink regions (pixels above `threshold`, 8-neighbours) of each image: `(B, 28, 28)`
    long, 0 on the background, else the largest flat index + 1 of the region's pixels."""
    ink = images[:, 0] > threshold  # (B, H, W)
    B, H, W = ink.shape
    start = torch.arange(1, H * W + 1, device=images.device).view(1, H, W).expand(B, H, W)
    labels = torch.where(ink, start, torch.zeros_like(start)).float()
    while True:  # spread the largest label through each region until nothing changes
        spread = F.max_pool2d(labels[:, None], 3, stride=1, padding=1)[:, 0] * ink
        if torch.equal(spread, labels):
            return labels.long()
        labels = spread


def speckle_share(images: torch.Tensor, max_pixels: int = 3, threshold: float = 0.5) -> float:
    """Share of images with a speck: a separate ink region of at most `max_pixels` pixels beside the main
    stroke. Real digits have few (a broken stroke is larger); a GAN's isolated dots show up here."""
    labels = ink_components(images, threshold).flatten(1)  # (B, H*W)
    counts = torch.zeros(labels.shape[0], labels.shape[1] + 1, device=labels.device)
    counts.scatter_add_(1, labels, torch.ones_like(labels, dtype=counts.dtype))
    sizes = counts[:, 1:]  # pixels per region label (0 where no region has that label)
    has_speck = ((sizes > 0) & (sizes <= max_pixels)).any(1) & ((sizes > 0).sum(1) > 1)
    return has_speck.float().mean().item()
