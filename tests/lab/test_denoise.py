import math

import pytest
import torch

from lab.denoise import corrupt, denoise, psnr
from lab.reconstruct import add_noise


def test_psnr_on_a_known_pair():
    clean = torch.zeros(1, 1, 28, 28)
    assert psnr(torch.full_like(clean, 0.1), clean) == pytest.approx(20.0)  # MSE 0.01 -> 10 log10(100)
    assert psnr(clean, clean) == math.inf


def test_corruptions():
    x = torch.full((1, 1, 28, 28), 0.5)
    assert torch.equal(corrupt(x, "Gaussian", 0.3), add_noise(x, 0.3))
    assert torch.equal(corrupt(x, "Salt and pepper", 0.0), x)
    salted = corrupt(x, "Salt and pepper", 1.0)
    assert set(salted.unique().tolist()) == {0.0, 1.0}
    masked = corrupt(x, "Masked block", 0.5)
    assert (masked == 0).sum() == 14 * 14 and masked[0, 0, 7:21, 7:21].max() == 0
    with pytest.raises(ValueError, match="Unknown noise type"):
        corrupt(x, "Blur", 0.5)


def test_the_shipped_vae_removes_noise(shipped_lab):
    noisy, denoised, clean, result = denoise(shipped_lab, "examples/mnist_test0_7.png", "MNIST", "Gaussian", 0.5)
    assert noisy.shape == denoised.shape == clean.shape == (224, 224)
    assert result["psnr_denoised_db"] > result["psnr_noisy_db"] + 2
    assert result["gain_db"] == pytest.approx(result["psnr_denoised_db"] - result["psnr_noisy_db"], abs=0.02)
    assert denoise(shipped_lab, "examples/mnist_test0_7.png", "MNIST", "Gaussian", 0)[3]["psnr_noisy_db"] is None
