"""`python -m benchmarks layout` times each model's request-path forward pass in both layouts: the pass must be
the one the app makes, and give the same answer in either layout."""

import copy

import torch

from benchmarks.layout import forward
from models import VAE, Classifier, ClassifierConfig, GANConfig, Generator, VAEConfig


def test_each_models_forward_pass_gives_its_output_in_both_layouts():
    torch.manual_seed(0)
    models = [Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4)).eval(),
              VAE(VAEConfig(latent_dim=4, channels=4, hidden_dim=16)).eval(),
              Classifier(ClassifierConfig(channels=4, feature_dim=8)).eval()]
    shapes = [(5, 1, 28, 28), (5, 1, 28, 28), (5, 10)]  # samples, reconstructions, class probabilities
    for model, shape in zip(models, shapes, strict=True):
        last = copy.deepcopy(model).to(memory_format=torch.channels_last)
        with torch.no_grad():
            a, b = forward(model, 5)(), forward(last, 5)()
        assert a.shape == shape
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    probabilities = forward(models[2], 5)()
    torch.testing.assert_close(probabilities.sum(1), torch.ones(5))


def test_it_times_each_model_and_batch_in_both_layouts(run):
    figures, printed = run("layout", "--models", "classifier-mnist", "vae2d-mnist", "--batches", "1", "4",
                           "--calls", "1", "--rounds", "1")
    assert [(row["model"], row["batch"]) for row in figures["rows"]] == [
        ("classifier-mnist", 1), ("classifier-mnist", 4), ("vae2d-mnist", 1), ("vae2d-mnist", 4)]
    for row in figures["rows"]:
        assert row["nchw_ms"] > 0 and row["channels_last_ms"] > 0
        # the ratio of the unrounded times: inside what the times rounded to 0.01 ms allow, itself rounded
        low = (row["nchw_ms"] - 0.005) / (row["channels_last_ms"] + 0.005) - 0.005
        high = (row["nchw_ms"] + 0.005) / max(row["channels_last_ms"] - 0.005, 1e-9) + 0.005
        assert low <= row["ratio"] <= high, row
    assert "| `vae2d-mnist` | 4 |" in printed
