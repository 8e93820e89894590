"""Shared fixtures: tiny IDX data sets written to a temp dir, tiny seeded models."""

import struct
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def write_idx(folder: Path, prefix: str, images: np.ndarray, labels: np.ndarray) -> None:
    """Write images `(N, 28, 28)` uint8 and labels `(N,)` in the IDX format MNIST ships in."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(images)
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(
        struct.pack(">IIII", 0x00000803, n, 28, 28) + images.astype(np.uint8).tobytes())
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        struct.pack(">II", 0x00000801, n) + labels.astype(np.uint8).tobytes())


def fake_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` blocky 28x28 "digits": class c is a bright bar at row 2c + 4. Labels 0..9 in turn."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = np.zeros((n, 28, 28), dtype=np.uint8)
    for i, c in enumerate(labels):
        images[i, 2 * c + 4: 2 * c + 7, 6:22] = 255
        images[i] |= (rng.random((28, 28)) < 0.02).astype(np.uint8) * 128
    return images, labels


@pytest.fixture(scope="session")
def tiny_data_root(tmp_path_factory) -> Path:
    """A data root with MNIST/raw and FashionMNIST/raw: 64 train and 32 test images each."""
    root = tmp_path_factory.mktemp("data")
    for folder in ("MNIST", "FashionMNIST"):
        write_idx(root / folder / "raw", "train", *fake_digits(64, seed=0))
        write_idx(root / folder / "raw", "t10k", *fake_digits(32, seed=1))
    return root


@pytest.fixture(scope="session")
def mnist_fixture() -> tuple[torch.Tensor, torch.Tensor]:
    """200 real MNIST test digits (see tests/fixtures/README.md): float (200, 1, 28, 28), labels (200,)."""
    data = np.load(FIXTURES / "mnist_test_200.npz")
    images = torch.from_numpy(data["images"]).unsqueeze(1).float() / 255.0
    return images, torch.from_numpy(data["labels"]).long()
