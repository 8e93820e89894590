"""Evaluate a weights folder on the test split; write `metrics.json` and refresh its model card.

    python -m training.evaluate weights/vae-mnist --data-root ../shared/data
    python -m training.evaluate weights/gan-mnist --data-root ../shared/data
    python -m training.evaluate weights/vae-mnist --data-root ../shared/data --refine-steps 50 --refine-k 1000

VAEs: IWAE estimate of the test NLL (Burda et al. 2015, k importance samples),
the negative ELBO, the classifier accuracy of reconstructions.
GANs: conditional accuracy, class coverage of unconditional samples.
Both: the Fréchet distance of samples to the test set in the classifier's feature
space (128-d penultimate ReLU layer of weights/classifier-<dataset>; 10,000 samples
vs the 10,000 test images; "real" = 10,000 train images vs the same test images),
and sharpness: mean Laplacian variance of samples over that of test images.
"""

import argparse
import json
import shlex
import sys
from pathlib import Path

import numpy as np
import torch

from models import ModelLoadError, load_model
from models.autoencoder import Autoencoder
from models.classifier import Classifier
from models.gan import Generator
from models.metrics import (
    class_coverage,
    class_histogram,
    classifier_features,
    frechet_distance,
    laplacian_variance,
    predict,
    sharpness_ratio,
)
from models.vae import VAE, iwae_log_likelihood, refine_posterior
from training.common import positive_int, write_json
from training.data import binarize, load_split, to_float
from training.model_card import write_model_card


def iwae_nll(model: VAE, x_test: torch.Tensor, k: int, binarized: bool, refine_steps: int = 0,
             chunk: int = 1000) -> float:
    """Mean -log p(x) over the test set, in nats (one fixed binarization, seed 0). With
    `refine_steps`, the proposal is each image's encoder posterior refined by that many Adam steps."""
    g = torch.Generator().manual_seed(0)
    batch_size = max(1, 1000 // k)  # images per IWAE call: about 1000 decodes (the shipped figures used this)
    total = 0.0
    for start in range(0, len(x_test), chunk):
        x = x_test[start:start + chunk]
        x = binarize(x, g) if binarized else x
        mu, logvar = refine_posterior(model, x, refine_steps, generator=g) if refine_steps else model.encode(x)
        for i in range(0, len(x), batch_size):
            part = slice(i, i + batch_size)
            total -= iwae_log_likelihood(model, x[part], k=k, generator=g,
                                         posterior=(mu[part], logvar[part])).sum().item()
    return total / len(x_test)


@torch.no_grad()
def sample_metrics(images: torch.Tensor, classifier: Classifier, x_test: torch.Tensor,
                   test_feats) -> dict:
    """Fréchet distance, sharpness, class coverage of a batch of unconditional samples."""
    predicted = predict(classifier, images)
    return {
        "frechet_distance": round(frechet_distance(classifier_features(classifier, images), test_feats), 3),
        "sharpness_ratio": round(sharpness_ratio(images, x_test), 3),
        "class_coverage": class_coverage(predicted),
        "class_histogram": [round(s, 4) for s in class_histogram(predicted)],
    }


ANOMALY_QUANTILES = np.linspace(0, 100, 1001)  # percent


@torch.no_grad()
def write_app_references(folder: Path, model, x_test: torch.Tensor, y_test: torch.Tensor,
                         recon: torch.Tensor) -> None:
    """Test-set figures the app compares a user's digit with (the data itself is not shipped):
    `anomaly_reference.json`: quantiles of the per-digit reconstruction error (mean squared error
    per pixel) over the test split; for 2-D models `latent_map.npz`: every test digit's code."""
    errors = (recon - x_test).pow(2).flatten(1).mean(1).numpy()
    write_json(folder / "anomaly_reference.json", {
        "description": "per-digit mean squared reconstruction error over the test split, at the given percentiles",
        "percentiles": ANOMALY_QUANTILES.round(1).tolist(),
        "errors": np.percentile(errors, ANOMALY_QUANTILES).round(6).tolist(),
    })
    if model.latent_dim == 2:
        codes = torch.cat([model.encode(x_test[i:i + 1000])[0] if isinstance(model, VAE)
                           else model.encode(x_test[i:i + 1000]) for i in range(0, len(x_test), 1000)])
        np.savez_compressed(folder / "latent_map.npz", codes=codes.numpy().astype(np.float16),
                            labels=y_test.numpy().astype(np.uint8))


def evaluate(folder: Path, data_root: str, classifier_path: str | None = None, k: int = 100,
             n_samples: int = 10_000, dry_run: bool = False, refine_steps: int = 0,
             refine_k: int | None = None) -> dict:
    model = load_model(folder)
    # channels_last: more decodes/second on CPU, the bulk of the IWAE cost (measure it with
    # python -m training.benchmark --models vae-decode vae-decode-nchw --batch-sizes 1000)
    model = model.to(memory_format=torch.channels_last)
    dataset = model.config.dataset
    x_train, _ = load_split(dataset, data_root, train=True)
    x_test, y_test = load_split(dataset, data_root, train=False)
    x_test = to_float(x_test)
    if dry_run:
        x_test, y_test, n_samples, k, refine_k = x_test[:200], y_test[:200], 200, 4, 4
    x_real = to_float(x_train[:len(x_test)])

    if isinstance(model, Classifier):
        return {"test_accuracy": round((predict(model, x_test) == y_test).float().mean().item(), 4),
                "real_laplacian_variance": round(laplacian_variance(x_test).mean().item(), 6)}

    classifier = load_model(classifier_path or f"weights/classifier-{dataset}")
    test_feats = classifier_features(classifier, x_test)
    metrics = {"real_frechet_distance": round(frechet_distance(classifier_features(classifier, x_real),
                                                               test_feats), 3)}
    g = torch.Generator().manual_seed(0)
    if isinstance(model, VAE):
        metrics["iwae_k"] = k
        metrics["test_nll_iwae"] = round(iwae_nll(model, x_test, k, model.config.binarized), 2)
        if refine_steps:
            refine_k = refine_k or k
            metrics["refine_steps"], metrics["refine_k"] = refine_steps, refine_k
            metrics["test_nll_iwae_refined"] = round(iwae_nll(model, x_test, refine_k, model.config.binarized,
                                                              refine_steps), 2)
        if not model.config.binarized:
            metrics["notes"] = ["Gray levels are used as Bernoulli targets, so test_nll_iwae is a cross-entropy "
                                "bound, not a likelihood: compare it only with other models on the same data."]
    if isinstance(model, (VAE, Autoencoder)):
        recon = torch.cat([model.reconstruct(x_test[i:i + 1000]) for i in range(0, len(x_test), 1000)])
        metrics["reconstruction_accuracy"] = round((predict(classifier, recon) == y_test).float().mean().item(), 4)
        metrics["reconstruction_bce"] = round(torch.nn.functional.binary_cross_entropy(
            recon.clamp(1e-6, 1 - 1e-6), x_test, reduction="sum").item() / len(x_test), 2)
        if not dry_run:
            write_app_references(folder, model, x_test, y_test, recon)
        samples = torch.cat([model.sample(1000, generator=g) for _ in range(0, n_samples, 1000)])[:n_samples]
        metrics.update(sample_metrics(samples, classifier, x_test, test_feats))
    if isinstance(model, Generator):
        labels = torch.arange(n_samples) % model.num_classes
        conditional = model.sample(n_samples, labels=labels, generator=g)
        metrics["conditional_accuracy"] = round((predict(classifier, conditional) == labels).float().mean().item(), 4)
        metrics["conditional_frechet_distance"] = round(
            frechet_distance(classifier_features(classifier, conditional), test_feats), 3)
        unconditional = model.sample(n_samples, generator=g)  # labels=None: uniformly random classes
        metrics.update(sample_metrics(unconditional, classifier, x_test, test_feats))
    return metrics


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", help="a weights folder, e.g. weights/vae-mnist")
    p.add_argument("--data-root", default="data")
    p.add_argument("--classifier", default=None, help="default weights/classifier-<dataset>")
    p.add_argument("--k", type=positive_int, default=100, help="importance samples for the IWAE NLL")
    p.add_argument("--refine-steps", type=int, default=0,
                   help="VAEs: also report the IWAE NLL with each test image's posterior refined by this "
                        "many Adam steps (a tighter bound on the same model's likelihood)")
    p.add_argument("--refine-k", type=positive_int, default=None,
                   help="importance samples for the refined bound (default: --k); more is tighter and slower")
    p.add_argument("--samples", type=positive_int, default=10_000, help="generated images per sample metric")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--dry-run", action="store_true", help="a few hundred images only; writes nothing")
    args = p.parse_args(argv)
    if args.refine_steps < 0:
        p.error(f"--refine-steps must be 0 or more, got {args.refine_steps}")
    if args.refine_k is not None and not args.refine_steps:
        p.error("--refine-k sets the samples of the refined bound: give --refine-steps too")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    folder = Path(args.folder)
    try:
        metrics = evaluate(folder, args.data_root, args.classifier, args.k, args.samples, args.dry_run,
                           args.refine_steps, args.refine_k)
    except (ModelLoadError, FileNotFoundError) as err:
        raise SystemExit(f"evaluate: {err}") from err
    metrics["command"] = " ".join(["python -m training.evaluate", *map(shlex.quote, argv or sys.argv[1:])])
    print(json.dumps(metrics, indent=2))
    if not args.dry_run:
        write_json(folder / "metrics.json", metrics)
        write_model_card(folder)
    return metrics


if __name__ == "__main__":
    main()
