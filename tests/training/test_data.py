import pytest
import torch

from tests.conftest import fake_digits
from training.data import binarize, load_split, to_float


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_reads_tiny_idx_files_as_whole_tensors(tiny_data_root, name):
    images, labels = load_split(name, tiny_data_root, train=True, download=False)
    expected_images, expected_labels = fake_digits(64, seed=0)
    assert images.dtype == torch.uint8 and images.shape == (64, 28, 28)
    assert labels.dtype == torch.int64 and labels.shape == (64,)
    assert torch.equal(images, torch.from_numpy(expected_images))
    assert torch.equal(labels, torch.from_numpy(expected_labels).long())
    test_images, _ = load_split(name, tiny_data_root, train=False, download=False)
    assert test_images.shape == (32, 28, 28)


def test_missing_data_gives_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="--data-root"):
        load_split("mnist", tmp_path, download=False)


def test_unknown_dataset():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        load_split("cifar", "data")


def test_to_float_and_binarize():
    images = torch.tensor([[[0, 255], [128, 0]]], dtype=torch.uint8).expand(1, 2, 2)
    x = to_float(images)
    assert x.shape == (1, 1, 2, 2) and x.max() == 1.0 and x.min() == 0.0
    many = torch.full((20000,), 0.25)
    b = binarize(many, torch.Generator().manual_seed(0))
    assert set(b.unique().tolist()) == {0.0, 1.0}
    assert abs(b.mean().item() - 0.25) < 0.01
