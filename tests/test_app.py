"""The app through a real client: the `client` fixture (tests/conftest.py) launches it on a free loopback
port and calls the named endpoints."""

import json

import numpy as np
import pytest
from PIL import Image


def test_api_lists_the_two_fixed_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    generate = [p["parameter_name"] for p in endpoints["/generate"]["parameters"]]
    reconstruct = [p["parameter_name"] for p in endpoints["/reconstruct"]["parameters"]]
    assert generate == ["dataset", "label", "count", "seed"]
    assert reconstruct == ["image", "dataset", "noise"]
    assert len(endpoints["/generate"]["returns"]) == 3 and len(endpoints["/reconstruct"]["returns"]) == 3


def test_generate(client):
    vae_path, gan_path, stats = client.predict("MNIST", "4", 16, 7, api_name="/generate")
    for path in (vae_path, gan_path):
        image = Image.open(path)
        assert image.format == "PNG"
        assert image.size == (2 + 8 * 114, 2 + 2 * 114)  # 8 x 2 tiles of 28 x 4 pixels
    if isinstance(stats, str):
        stats = json.loads(stats)
    assert stats["label"] == "4" and stats["count"] == 16
    assert stats["gan"]["recognisability"] >= 0.9
    assert 0.6 <= stats["gan"]["sharpness"] <= 1.6
    assert stats["vae"]["sharpness"] < stats["gan"]["sharpness"]


def test_generate_bad_input_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Unknown class 'Sneaker' for MNIST"):
        client.predict("MNIST", "Sneaker", 4, 0, api_name="/generate")


def test_reconstruct_a_shipped_test_digit(client, mnist_fixture, tmp_path):
    images, labels = mnist_fixture
    hits = 0
    for i in range(0, 200, 20):  # one digit of each class
        path = tmp_path / f"digit{i}.png"
        Image.fromarray((images[i, 0].numpy() * 255).astype(np.uint8)).save(path)
        from gradio_client import handle_file

        model_input, recon, result = client.predict(handle_file(str(path)), "MNIST", 0.0, api_name="/reconstruct")
        if isinstance(result, str):
            result = json.loads(result)
        seen = np.asarray(Image.open(model_input).convert("L"))
        assert seen.shape == (224, 224) and seen[:8].max() == 0 and seen.max() == 255  # 28x28 grid, white on black
        assert np.asarray(Image.open(recon).convert("L")).shape == (224, 224)
        assert 0 <= result["anomaly_percentile"] <= 100 and result["reconstruction_error"] >= 0
        hits += result["predicted_label"] == str(int(labels[i]))
    assert hits >= 9


def test_generate_fashion_by_garment_name(client):
    _, gan_path, stats = client.predict("Fashion-MNIST", "Sneaker", 8, 1, api_name="/generate")
    if isinstance(stats, str):
        stats = json.loads(stats)
    assert stats["label"] == "Sneaker" and stats["gan"]["recognisability"] >= 0.75
    assert Image.open(gan_path).size == (2 + 8 * 114, 2 + 114)


def test_use_cases_through_the_client(client, mnist_fixture, tmp_path):
    """/super_resolve and /complete on a fixture digit: the pictures the page shows and the claim they back."""
    from gradio_client import handle_file

    images, labels = mnist_fixture
    path = tmp_path / "digit.png"
    Image.fromarray((images[0, 0].numpy() * 255).astype(np.uint8)).save(path)
    *pictures, result = client.predict(handle_file(str(path)), api_name="/super_resolve")
    assert len(pictures) == 5 and all(np.asarray(Image.open(p)).shape[:2] == (224, 224) for p in pictures)
    small = np.asarray(Image.open(pictures[0]).convert("L"))
    assert (small[::32, ::32].repeat(32, 0).repeat(32, 1) == small).all()  # the 7x7 input in 32x32 squares
    panels = result["panels"]
    assert panels["truth"]["label"] == panels["gan"]["label"] == str(int(labels[0]))
    assert panels["bicubic"]["sharpness"] < panels["gan"]["sharpness"]
    *pictures, result = client.predict(handle_file(str(path)), 5, api_name="/complete")
    assert len(pictures) == 4 and result["seed"] == 5 and list(result["panels"]) == ["input", "l1", "gan", "truth"]
    gan, truth = (np.asarray(Image.open(pictures[i]).convert("L")) for i in (2, 3))
    assert (gan[:112] == truth[:112]).all()  # the shown upper half is kept as it was
