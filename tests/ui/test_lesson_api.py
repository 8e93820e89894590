"""The lesson's endpoints through a real client on the launched app (tests/conftest.py's `client`)."""

import json

import numpy as np
import pytest
from gradio_client import handle_file
from PIL import Image

DIGIT = "examples/mnist_test0_7.png"


def as_dict(value):
    return json.loads(value) if isinstance(value, str) else value


def test_api_lists_the_lesson_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert [p["parameter_name"] for p in endpoints["/ae_vs_vae"]["parameters"]] == ["count", "seed"]
    assert [p["parameter_name"] for p in endpoints["/invert"]["parameters"]] == ["image", "steps"]
    assert [p["parameter_name"] for p in endpoints["/anomaly_roc"]["parameters"]] == ["threshold", "image"]
    assert [p["parameter_name"] for p in endpoints["/denoise"]["parameters"]] == ["image", "dataset", "kind", "level"]


def test_ae_vs_vae(client):
    *pictures, figures = client.predict(24, 5, api_name="/ae_vs_vae")
    figures = as_dict(figures)
    assert [Image.open(p).size for p in pictures[:2]] == [(440, 440), (440, 440)]
    assert figures["count"] == 24 and figures["seed"] == 5
    vae, ae = figures["vae2d-mnist"], figures["ae2d-mnist"]
    assert vae["aggregate_kl"] < ae["aggregate_kl"]
    assert vae["prior_decodes"]["class_coverage"] > ae["prior_decodes"]["class_coverage"]


def test_invert_a_fixture_digit(client):
    model_input, vae_out, gan_out, result = client.predict(handle_file(DIGIT), 20, api_name="/invert")
    result = as_dict(result)
    for path in (model_input, vae_out, gan_out):
        assert np.asarray(Image.open(path).convert("L")).shape == (224, 224)
    assert result["gan"]["error"] < result["gan"]["error_at_start"]
    assert result["vae"]["error"] < 0.02 and result["gan"]["class_found"] == 7


def test_anomaly_roc(client):
    histogram, roc, result = client.predict(300, handle_file(DIGIT), api_name="/anomaly_roc")
    result = as_dict(result)
    assert Image.open(histogram).size == (480, 270) and Image.open(roc).size == (400, 270)
    assert result["false_positive_rate_mnist"] < 0.001 and result["auroc_fashion-mnist"] > 0.99
    assert result["your_score"] < 300 and result["your_picture_flagged"] is False


def test_denoise(client):
    *_, result = client.predict(handle_file(DIGIT), "MNIST", "Salt and pepper", 0.2, api_name="/denoise")
    result = as_dict(result)
    assert result["psnr_denoised_db"] > result["psnr_noisy_db"]


def test_lesson_bad_input_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="not in the list of choices"):  # the Radio checks it first
        client.predict(handle_file(DIGIT), "MNIST", "Blur", 0.2, api_name="/denoise")
    with pytest.raises(AppError, match="Adam steps must be a whole number from 1 to 100"):
        client.predict(handle_file(DIGIT), 2.5, api_name="/invert")
