import numpy as np
import pytest
import torch

from lab.reconstruct import add_noise, anomaly_percentile, parse_noise, reconstruct, verdict_text


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
    # both pictures in words, with the figures beside them (the page's alt texts)
    label, seen = result["predicted_label"], result["input_predicted_label"]
    assert result["input_description"].startswith("Your picture as the MNIST VAE gets it, 28 by 28 pixels")
    assert result["input_description"].endswith(f" {seen}.")
    assert f"the classifier reads it as a{'n' if label == '8' else ''} {label} (" in result["description"]
    assert f"{result['anomaly_percentile']:g} % of real test digits reconstruct better" in result["description"]


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


def result(**changes) -> dict:
    """A /reconstruct result, as `reconstruct` returns it, with `changes`."""
    base = {"dataset": "MNIST", "noise": 0.0, "reconstruction_error": 0.0042, "anomaly_percentile": 76.0,
            "predicted_label": "4", "confidence": 1.0, "input_predicted_label": "4"}
    return {**base, **changes}


def test_verdict_of_an_ordinary_digit():
    assert verdict_text(result()) == ("The VAE redraws this as a **4** (the classifier is 100 % sure). "
                                      "76 % of real test digits reconstruct better: an ordinary digit.")


def test_verdict_names_the_2d_model_that_placed_the_digit():
    text = verdict_text(result(predicted_label="8", input_predicted_label="8", confidence=0.996,
                               anomaly_percentile=5.2, latent_2d=[0.104, -1.236]))
    assert text == ("The VAE redraws this as an **8** (the classifier is 100 % sure). 5.2 % of real test digits "
                    "reconstruct better: an ordinary digit.  \nThe 2-D VAE `vae2d-mnist` places it at (0.10, -1.24): "
                    "the white ring on the map of the **Latent space** tab.")


def test_verdict_of_an_unusual_digit_read_differently_before_the_vae():
    text = verdict_text(result(anomaly_percentile=93.5, predicted_label="2", confidence=0.967,
                               input_predicted_label="3"))
    assert text == ("The VAE redraws this as a **2** (the classifier is 97 % sure). 93.5 % of real test digits "
                    "reconstruct better: an unusual digit. Your input itself reads as a **3**.")


def test_verdict_of_an_anomaly_warns_against_its_label():
    text = verdict_text(result(anomaly_percentile=99.9, predicted_label="2", confidence=0.967,
                               input_predicted_label="2"))
    assert text == ("The VAE redraws this as a **2** (the classifier is 97 % sure), but 99.9 % of real test digits "
                    "reconstruct better: this does not look like the digits it learned, so do not trust that label.")


def test_verdict_at_the_ends_of_the_scale_and_for_garments():
    worst = verdict_text(result(dataset="Fashion-MNIST", anomaly_percentile=100.0, predicted_label="Ankle boot",
                                confidence=0.5, input_predicted_label="Sneaker"))
    assert worst == ("The VAE redraws this as an **Ankle boot** (the classifier is 50 % sure), but every real test "
                     "garment reconstructs better: this does not look like the garments it learned, so do not trust "
                     "that label. Your input itself reads as a **Sneaker**.")
    best = verdict_text(result(anomaly_percentile=0.0))
    assert best.endswith("No real test digit reconstructs better: an ordinary digit.")


@pytest.mark.parametrize("bad", [123, "abc", {"vae": "oops"}, result(anomaly_percentile="high"),
                                 result(dataset="CIFAR"), result(latent_2d=[1.0])])
def test_verdict_refuses_what_reconstruct_never_returns(bad):
    with pytest.raises(ValueError, match="Expected the result /reconstruct returns"):
        verdict_text(bad)
    assert verdict_text(None) == verdict_text({}) == ""  # nothing yet: no verdict
