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
DRAWN = "your drawing"  # the data set a visitor paints (DrawnData); the runs get its points beside the settings
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


def toy_data(dataset: str | DrawnData, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` points `(n, 2)` float32 from a toy data set (or a drawing), all inside [-2.5, 2.5]^2 but for rare tails."""
    if isinstance(dataset, DrawnData):
        return dataset.sample(n, rng)
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


def reference_points(dataset: str | DrawnData) -> tuple[np.ndarray, float]:
    """Fixed real points `(1000, 2)` and the radius R of the distance-based coverage (see the module doc)."""
    if isinstance(dataset, DrawnData):
        return dataset.reference
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


def coverage(samples: np.ndarray, dataset: str | DrawnData) -> Coverage:
    """How much of the data set `samples` `(N, 2)` cover (definitions in the module doc)."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"samples must have shape (N, 2) with N > 0, got {samples.shape}")
    samples = np.nan_to_num(samples, nan=1e6, posinf=1e6, neginf=-1e6)
    centres = None if isinstance(dataset, DrawnData) else mode_centres(dataset)
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


# -------------------------------------------------------------------------------------------- drawn

DRAWN_EXTENT = 2.5  # a drawing fills [-DRAWN_EXTENT, DRAWN_EXTENT]^2, where the toy data sets lie
DRAWN_GRID = 64  # the drawing is read as this many cells per side
MIN_INK_CELLS = 12  # fewer painted cells than this is too little to learn from


class DrawnData:
    """A data set painted by a visitor: the painted cells of a DRAWN_GRID x DRAWN_GRID grid laid over
    [-DRAWN_EXTENT, DRAWN_EXTENT]^2; a point is a painted cell chosen at random (equal odds) and a uniform
    position inside it. Coverage is the distance-based one (module doc), on 1,000 fixed points of the drawing."""

    def __init__(self, cells: np.ndarray):
        cells = np.asarray(cells, dtype=bool)
        if cells.ndim != 2 or cells.shape[0] != cells.shape[1]:
            raise ValueError(f"cells must be a square grid, got shape {cells.shape}")
        if cells.sum() < MIN_INK_CELLS:
            raise ValueError(f"The drawing covers only {int(cells.sum())} of the {cells.size} cells: paint at least "
                             f"{MIN_INK_CELLS} (a stroke or a few blobs) where the data should be, then use it again.")
        self.cells = cells
        size = 2 * DRAWN_EXTENT / cells.shape[0]
        rows, cols = np.nonzero(cells)
        self.corners = np.stack([-DRAWN_EXTENT + cols * size, DRAWN_EXTENT - (rows + 1) * size], axis=1)  # (M, 2)
        self.size = size
        rng = np.random.default_rng(12345)
        ref, other = self.sample(N_MEASURE, rng), self.sample(N_MEASURE, rng)
        self.reference = (ref, float(np.quantile(nearest_distance(ref, other), 0.9)))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """`n` points `(n, 2)` float32 from the painted cells."""
        which = rng.integers(0, len(self.corners), n)
        return (self.corners[which] + self.size * rng.random((n, 2))).astype(np.float32)

    @classmethod
    def from_ink(cls, ink: np.ndarray) -> DrawnData:
        """From an ink map `(H, W)` in [0, 1] (1 where painted; lab/preprocess.py `ink_map`): its bounding square
        read as DRAWN_GRID cells per side, a cell painted when at least a fifth of it is ink."""
        ink = np.asarray(ink, dtype=np.float64)
        h, w = ink.shape
        side = max(h, w)
        square = np.zeros((side, side))
        square[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = ink  # keep the aspect
        edges = np.linspace(0, side, DRAWN_GRID + 1).astype(int)
        cells = np.array([[square[edges[i]:max(edges[i + 1], edges[i] + 1), edges[j]:max(edges[j + 1], edges[j] + 1)]
                           .mean() >= 0.2 for j in range(DRAWN_GRID)] for i in range(DRAWN_GRID)])
        return cls(cells)


def read_drawing(value) -> DrawnData:
    """A drawing pad's value (or any picture) as a DrawnData, or a ValueError that says what to draw."""
    from lab.preprocess import PreprocessError, ink_map, load_image

    try:
        ink = ink_map(load_image(value))
    except PreprocessError:
        raise ValueError("The pad is empty: paint where the data should be (a ring, a letter, a few blobs), then "
                         "press “Use my drawing as the data”.") from None
    return DrawnData.from_ink(ink)
