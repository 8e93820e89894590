"""MNIST and Fashion-MNIST as whole uint8 tensors (no per-item DataLoader overhead).

Both data sets are 28x28 grayscale images with 10 classes. We read them through
`torchvision.datasets` (which downloads them when `download=True`) and keep each
split as one tensor, so a training step is a slice of that tensor.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torchvision import datasets

from models.registry import DATASET_TITLES

TORCHVISION = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST}  # data set name -> its reader


def check_dataset(name: str) -> str:
    """Return `name` if it is a data set we know, else raise a clear error."""
    if name not in DATASET_TITLES:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(DATASET_TITLES)}")
    return name


def load_split(name: str, root: str | Path = "data", train: bool = True,
               download: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Load one split as `(images, labels)`: uint8 `(N, 28, 28)` and int64 `(N,)`.

    `root` is the folder holding `MNIST/raw` or `FashionMNIST/raw`; with
    `download=True` torchvision fetches the files there when they are missing.
    """
    dataset_cls = TORCHVISION[check_dataset(name)]
    try:
        ds = dataset_cls(root=str(root), train=train, download=download)
    except RuntimeError as err:  # torchvision: "Dataset not found. You can use download=True"
        raise FileNotFoundError(
            f"{name} not found under {root!r} ({err}); pass --data-root to the folder "
            f"that holds {dataset_cls.__name__}/raw, or allow download"
        ) from err
    images = ds.data.to(torch.uint8).contiguous()  # (N, 28, 28)
    labels = ds.targets.to(torch.int64).contiguous()  # (N,)
    return images, labels


def to_float(images: torch.Tensor) -> torch.Tensor:
    """uint8 `(N, 28, 28)` -> float `(N, 1, 28, 28)` in [0, 1], the models' input format."""
    return images.unsqueeze(1).float().div_(255.0)


def binarize(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Dynamic binarization: each pixel is 1 with probability equal to its intensity."""
    return torch.bernoulli(x, generator=generator)
