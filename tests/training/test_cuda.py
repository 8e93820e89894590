"""The GPU path: every training script and training.evaluate run on CUDA as on the CPU (random generators
on the right device, data moved there once). Skipped, with the reason, where there is no CUDA device."""

import pytest
import torch

from models import VAE, Autoencoder, Generator, load_model
from training import evaluate, train_classifier, train_gan, train_vae

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")

TINY = ["--dry-run", "--channels", "4", "--batch-size", "16", "--device", "cuda"]


@pytest.fixture(scope="module")
def cuda_classifier(tiny_data_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("cuda") / "classifier-mnist"
    train_classifier.main(["--data-root", str(tiny_data_root), "--out", str(out), *TINY])
    return out


def test_classifier_trains_and_evaluates_on_cuda(tiny_data_root, cuda_classifier):
    assert load_model(cuda_classifier).head.weight.device.type == "cpu"  # saved weights are plain CPU tensors
    metrics = evaluate.main([str(cuda_classifier), "--data-root", str(tiny_data_root), "--device", "cuda",
                             "--dry-run"])
    assert 0 <= metrics["test_accuracy"] <= 1
    assert metrics["provenance"]["device"] == torch.cuda.get_device_name(0)


@pytest.mark.parametrize("extra, cls", [([], VAE), (["--latent-dim", "2", "--autoencoder"], Autoencoder)])
def test_vae_trains_and_evaluates_on_cuda(tiny_data_root, cuda_classifier, tmp_path, extra, cls):
    out = tmp_path / "vae-mnist"
    train_vae.main(["--data-root", str(tiny_data_root), "--out", str(out), "--hidden-dim", "8", *TINY, *extra])
    assert type(load_model(out)) is cls
    metrics = evaluate.main([str(out), "--data-root", str(tiny_data_root), "--classifier", str(cuda_classifier),
                             "--device", "cuda", "--k", "4", "--samples", "40", "--dry-run"])
    assert 0 <= metrics["reconstruction_accuracy"] <= 1 and metrics["frechet_distance"] >= 0


def test_gan_trains_and_evaluates_on_cuda(tiny_data_root, cuda_classifier, tmp_path):
    out = tmp_path / "gan-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--classifier", str(cuda_classifier),
                    *TINY])
    assert isinstance(load_model(out), Generator)
    metrics = evaluate.main([str(out), "--data-root", str(tiny_data_root), "--classifier", str(cuda_classifier),
                             "--device", "cuda", "--samples", "40", "--dry-run"])
    assert 0 <= metrics["conditional_accuracy"] <= 1


def test_a_cpu_generator_gives_the_same_samples_on_cuda():
    g = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    for name in ("vae-mnist", "gan-mnist", "ae2d-mnist"):
        model = load_model(f"weights/{name}")
        on_cpu = model.sample(8, generator=g())
        on_cuda = model.to("cuda").sample(8, generator=g()).cpu()
        assert torch.allclose(on_cpu, on_cuda, atol=1e-3), name
