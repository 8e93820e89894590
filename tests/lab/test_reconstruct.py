import numpy as np
import pytest
import torch

from lab.reconstruct import add_noise, anomaly_percentile, parse_noise, reconstruct


def digit_one() -> np.ndarray:
    image = np.full((120, 100), 250, dtype=np.uint8)
    image[15:105, 45:58] = 10  # a dark "1" on white paper
    return image


def test_reconstruct_outputs(tiny_lab):
    model_input, recon, heatmap, result, steps = reconstruct(tiny_lab, digit_one(), "MNIST", 0.0)
    assert model_input.shape == recon.shape == (224, 224) and model_input.dtype == np.uint8
    assert heatmap.shape == (224, 224, 3)
    assert (model_input[::8, ::8].repeat(8, 0).repeat(8, 1) == model_input).all()  # still a 28x28 grid
    assert model_input[0].max() == 0 and model_input.max() == 255  # white ink on black
    assert result["reconstruction_error"] >= 0
    assert 0 <= result["anomaly_percentile"] <= 100
    assert result["predicted_label"] in [str(d) for d in range(10)]
    assert len(result["latent_2d"]) == 2
    assert len(steps) == 5


def test_noise_changes_the_input_reproducibly(tiny_lab):
    clean = reconstruct(tiny_lab, digit_one(), "MNIST", 0.0)
    noisy = reconstruct(tiny_lab, digit_one(), "MNIST", 0.5)
    again = reconstruct(tiny_lab, digit_one(), "MNIST", 0.5)
    assert not np.array_equal(clean[0], noisy[0])
    assert np.array_equal(noisy[0], again[0])
    assert "error_vs_clean_input" in noisy[3] and "error_vs_clean_input" not in clean[3]


def test_fashion_has_no_2d_map(tiny_lab):
    result = reconstruct(tiny_lab, digit_one(), "Fashion-MNIST", 0.0)[3]
    assert "latent_2d" not in result and result["dataset"] == "Fashion-MNIST"


def test_add_noise_statistics():
    x = torch.full((1, 1, 200, 200), 0.5)
    noisy = add_noise(x, 0.1)
    assert abs((noisy - x).std().item() - 0.1) < 0.005
    assert add_noise(x, 0.0) is x


@pytest.mark.parametrize("noise", [-0.1, 1.5, "loud"])
def test_bad_noise(noise):
    with pytest.raises(ValueError, match="Noise must be a number from 0 to 1"):
        parse_noise(noise)


def test_anomaly_percentile_interpolates_the_reference(tiny_lab):
    assert anomaly_percentile(tiny_lab, "MNIST", 0.05) == pytest.approx(50.0)
    assert anomaly_percentile(tiny_lab, "MNIST", 0.125) == pytest.approx(75.0)
    assert anomaly_percentile(tiny_lab, "MNIST", 5.0) == 100.0
