"""models/kl.py: the figures that show what the KL term does."""

import numpy as np
import pytest
import torch

from models.kl import MODELS, code_spread, gaussian_kl_to_prior, prior_codes, prior_decodes


def test_gaussian_kl_to_prior_closed_form():
    rng = np.random.default_rng(0)
    assert gaussian_kl_to_prior(rng.normal(size=(200_000, 2))) == pytest.approx(0.0, abs=0.001)
    codes = rng.normal(size=(200_000, 2)) * [2.0, 1.0] + [1.0, 0.0]  # N((1, 0), diag(4, 1))
    expected = 0.5 * (4 + 1 + 1 - 2 - np.log(4))  # 1/2 (tr S + m^T m - d - ln det S)
    assert gaussian_kl_to_prior(codes) == pytest.approx(expected, rel=0.01)


def test_code_spread():
    codes = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 0.0], [0.0, -4.0]])
    assert code_spread(codes) == {"mean": [1.0, -0.75], "std": [1.225, 1.920], "share_inside_2_sigma": 0.5}


class Halves:
    """A "model" that decodes z to itself and a "classifier" that calls z with z[0] > 0 class 0 (probability 0.95),
    else class 1 (probability 0.6, below the 0.9 that counts as recognised), of three classes."""

    def decode(self, z):
        return z

    def predict_proba(self, images):
        right = (images[:, 0] > 0)[:, None]
        return torch.where(right, torch.tensor([0.95, 0.05, 0.0]), torch.tensor([0.3, 0.6, 0.1]))


def test_prior_decodes_counts_the_classes():
    z = prior_codes(1000, seed=0)
    assert z.shape == (1000, 2) and torch.equal(z, prior_codes(1000, seed=0))
    images, figures = prior_decodes(Halves(), Halves(), z)
    share = (z[:, 0] > 0).float().mean().item()
    assert torch.equal(images, z) and 0.4 < share < 0.6
    assert figures == {"recognised": round(share, 4), "class_histogram": [round(share, 4), round(1 - share, 4), 0.0],
                       "class_coverage": 2, "distinct_classes": 2}
    assert MODELS == ("vae2d-mnist", "ae2d-mnist")
