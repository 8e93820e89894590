"""The arena's 2-D toy data and how much of it a model's samples cover.

Toy data sets (numpy): a ring of 8 Gaussians, a 5x5 grid of Gaussians, two moons, one Gaussian.

Mode coverage, for the data sets made of modes: a sample *hits* a mode when it lies within
3 standard deviations of its centre; a mode is *covered* when at least a quarter of its fair share
of the N samples hit it (N / K / 4 for K modes). A quarter, not a half: the VAE puts about half
its samples between the modes (its blur), and a mode it reaches should still count.
For two moons and the single Gaussian, which have no separate modes, coverage is the share of
1,000 fixed real points that have a generated sample closer than R, where R is the distance
within which 90 % of those real points find a point of a second real sample of 1,000 (so a
perfect generator scores about 0.9).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

TOY_DATASETS = ["ring of 8 Gaussians", "5x5 grid of Gaussians", "two moons", "single Gaussian"]
PLANE = 3.0  # the plane shown and measured: [-PLANE, PLANE]^2
N_MEASURE = 1000  # samples per coverage measurement


# ---------------------------------------------------------------------------------------------- data

@functools.cache
def mode_centres(dataset: str) -> np.ndarray | None:
    """Centres `(K, 2)` of a data set made of Gaussian modes; None for two moons / one Gaussian."""
    if dataset == "ring of 8 Gaussians":
        angles = 2 * np.pi * np.arange(8) / 8
        return 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    if dataset == "5x5 grid of Gaussians":
        grid = np.arange(-2, 3, dtype=np.float64)
        return np.stack(np.meshgrid(grid, grid, indexing="xy"), axis=-1).reshape(-1, 2)
    return None


MODE_STD = {"ring of 8 Gaussians": 0.1, "5x5 grid of Gaussians": 0.08}


def toy_data(dataset: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` points `(n, 2)` float32 from a toy data set, all inside [-2.5, 2.5]^2 but for rare tails."""
    if dataset not in TOY_DATASETS:
        raise ValueError(f"unknown data set {dataset!r}: choose one of {', '.join(TOY_DATASETS)}")
    centres = mode_centres(dataset)
    if centres is not None:
        which = rng.integers(0, len(centres), n)
        points = centres[which] + MODE_STD[dataset] * rng.standard_normal((n, 2))
    elif dataset == "two moons":
        # the two interleaved half circles of scikit-learn's make_moons, centred and scaled by 1.5
        t = np.pi * rng.random(n)
        upper = rng.random(n) < 0.5
        x = np.where(upper, np.cos(t), 1 - np.cos(t))
        y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
        points = 1.5 * (np.stack([x, y], axis=1) - [0.5, 0.25]) + 0.08 * rng.standard_normal((n, 2))
    else:  # single Gaussian
        points = np.array([0.5, -0.5]) + 0.5 * rng.standard_normal((n, 2))
    return points.astype(np.float32)


# ------------------------------------------------------------------------------------------ coverage

@dataclass
class Coverage:
    score: float  # 0..1: modes covered / K, or the share of the real data covered
    text: str  # for the page: "3 of 8 modes" or "42 % of the data"
    modes: int | None = None  # modes covered (data sets made of modes)
    on_data: float | None = None  # share of samples within 3 std of some mode


_reference_cache: dict[str, tuple[np.ndarray, float]] = {}


def reference_points(dataset: str) -> tuple[np.ndarray, float]:
    """Fixed real points `(1000, 2)` and the radius R of the distance-based coverage (see the module doc)."""
    if dataset not in _reference_cache:
        rng = np.random.default_rng(12345)
        ref, other = toy_data(dataset, N_MEASURE, rng), toy_data(dataset, N_MEASURE, rng)
        radius = float(np.quantile(nearest_distance(ref, other), 0.9))
        _reference_cache[dataset] = (ref, radius)
    return _reference_cache[dataset]


def nearest_distance(points: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each of `points` `(N, 2)`, the distance to the nearest of `others` `(M, 2)`."""
    d2 = ((points[:, None, :] - others[None, :, :]) ** 2).sum(-1)  # (N, M)
    return np.sqrt(d2.min(axis=1))


def coverage(samples: np.ndarray, dataset: str) -> Coverage:
    """How much of the data set `samples` `(N, 2)` cover (definitions in the module doc)."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"samples must have shape (N, 2) with N > 0, got {samples.shape}")
    samples = np.nan_to_num(samples, nan=1e6, posinf=1e6, neginf=-1e6)
    centres = mode_centres(dataset)
    if centres is not None:
        dist = np.sqrt(((samples[:, None, :] - centres[None]) ** 2).sum(-1))  # (N, K)
        nearest = dist.argmin(axis=1)
        hit = dist.min(axis=1) <= 3 * MODE_STD[dataset]
        counts = np.bincount(nearest[hit], minlength=len(centres))
        covered = int((counts >= 0.25 * len(samples) / len(centres)).sum())
        return Coverage(covered / len(centres), f"{covered} of {len(centres)} modes", covered, float(hit.mean()))
    ref, radius = reference_points(dataset)
    share = float((nearest_distance(ref, samples) <= radius).mean())
    return Coverage(share, f"{100 * share:.0f} % of the data")
