"""Evaluate a weights folder on the test split; write `metrics.json` and refresh its model card.

    python -m training.evaluate weights/vae-mnist --data-root ../shared/data
    python -m training.evaluate weights/gan-mnist --data-root ../shared/data
    python -m training.evaluate weights/vae-mnist --data-root ../shared/data --refine-steps 50 --refine-k 1000

VAEs: IWAE estimate of the test NLL (Burda et al. 2015, k importance samples),
the negative ELBO, the classifier accuracy of reconstructions.
GANs: conditional accuracy, per-class recall of conditional samples.
Both: the Fréchet distance of samples to the test set in the classifier's feature
space (128-d penultimate ReLU layer of weights/classifier-<dataset>; 10,000 samples
vs the 10,000 test images; "real" = 10,000 train images vs the same test images),
precision and recall of the samples (Kynkäänniemi et al. 2019, k = 3, same features and sets),
sharpness: mean Laplacian variance of samples over that of test images, and the speckle share:
samples with an isolated ink speck of at most 3 pixels beside the strokes (`real_speckle_share`: the
test images themselves).
Class coverage (classes holding at least half their share of unconditional samples) is
reported for models that choose the class themselves (VAEs), not for the conditional GAN,
whose class is an input.
Every metrics.json records what it describes: the SHA-256 of model.safetensors and config.json, the commit,
the device and the library versions.
"""

import argparse
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import safetensors
import torch
import torchvision

from models import ModelLoadError, load_model
from models.autoencoder import Autoencoder
from models.classifier import Classifier
from models.gan import Generator
from models.metrics import (
    CONFIDENT,
    class_coverage,
    class_histogram,
    classifier_features,
    frechet_distance,
    laplacian_variance,
    per_class_accuracy,
    precision_recall,
    predict,
    sharpness_ratio,
    speckle_share,
)
from models.pix2pix import UNet, bicubic, degrade, downsample
from models.registry import model_name
from models.vae import VAE, iwae_log_likelihood, negative_elbo, refine_posterior
from training.common import pick_device, positive_int, write_json
from training.data import binarize, load_split, to_float
from training.model_card import write_model_card


def iwae_nll(model: VAE, x_test: torch.Tensor, k: int, binarized: bool, refine_steps: int = 0,
             chunk: int = 1000) -> float:
    """Mean -log p(x) over the test set, in nats (one fixed binarization, seed 0). With
    `refine_steps`, the proposal is each image's encoder posterior refined by that many Adam steps."""
    g = torch.Generator(device=x_test.device).manual_seed(0)
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


PR_K = 3  # neighbours that set each point's ball in precision and recall (Kynkäänniemi et al. 2019)


@torch.no_grad()
def mean_neg_elbo(model: VAE, x_test: torch.Tensor, binarized: bool, generator: torch.Generator,
                  chunk: int = 1000) -> float:
    """Mean -ELBO over the test set in nats: one binarization and one posterior sample per image."""
    total = 0.0
    for i in range(0, len(x_test), chunk):
        x = x_test[i:i + chunk]
        x = binarize(x, generator) if binarized else x
        mu, logvar = model.encode(x)
        logits = model.decode_logits(model.reparameterize(mu, logvar, generator=generator))
        total += negative_elbo(logits, x, mu, logvar).item() * len(x)
    return total / len(x_test)


def feature_metrics(feats: torch.Tensor, ref_feats: torch.Tensor) -> dict:
    """The Fréchet distance, precision and recall of samples' classifier features against a reference set's."""
    precision, recall = precision_recall(ref_feats, feats, k=PR_K)
    return {"frechet_distance": round(frechet_distance(feats, ref_feats), 3), "precision": round(precision, 4),
            "recall": round(recall, 4)}


@torch.no_grad()
def sample_metrics(images: torch.Tensor, classifier: Classifier, x_test: torch.Tensor, test_feats,
                   coverage: bool = True) -> dict:
    """Fréchet distance, precision and recall, sharpness and (with `coverage`) the class coverage of a
    batch of samples."""
    metrics = {
        **feature_metrics(classifier_features(classifier, images), test_feats),
        "sharpness_ratio": round(sharpness_ratio(images, x_test), 3),
        "speckle_share": round(speckle_share(images), 4),
    }
    if coverage:
        predicted = predict(classifier, images)
        metrics["class_coverage"] = class_coverage(predicted)
        metrics["class_histogram"] = [round(s, 4) for s in class_histogram(predicted)]
    return metrics


@torch.no_grad()
def per_class_recall(classifier: Classifier, images: torch.Tensor, labels: torch.Tensor, x_test: torch.Tensor,
                     y_test: torch.Tensor, num_classes: int) -> list[float | None]:
    """For each class c: the recall of the class-c samples against the class-c test images, the diversity
    within a class that a conditional model's class accuracy cannot show (None where either set has too
    few images for k neighbours)."""
    recalls = []
    for c in range(num_classes):
        real, fake = x_test[y_test == c], images[labels == c]
        if min(len(real), len(fake)) <= PR_K:
            recalls.append(None)
            continue
        _, recall = precision_recall(classifier_features(classifier, real), classifier_features(classifier, fake),
                                     k=PR_K)
        recalls.append(round(recall, 4))
    return recalls


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(folder: Path, device: torch.device) -> dict:
    """What a metrics.json describes and how it was measured: the hashes of the weights and of the config (which
    can change the figures alone, as a GAN's sampling temperature does), the commit (from git, or LAB_COMMIT when
    set), the device and the library versions."""
    commit = os.environ.get("LAB_COMMIT")  # set it where the checkout's .git is not this code's (a copy)
    if not commit:
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                                    cwd=Path(__file__).parent).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "unknown"
    return {
        "model_sha256": sha256(folder / "model.safetensors"),
        "config_sha256": sha256(folder / "config.json"),
        "commit": commit,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({platform.machine()})",
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "torchvision": torchvision.__version__, "numpy": np.__version__,
                     "safetensors": safetensors.__version__},
    }


ANOMALY_QUANTILES = np.linspace(0, 100, 1001)  # percent


@torch.no_grad()
def write_app_references(folder: Path, model, x_test: torch.Tensor, y_test: torch.Tensor,
                         recon: torch.Tensor) -> None:
    """Test-set figures the app compares a user's digit with (the data itself is not shipped):
    `anomaly_reference.json`: quantiles of the per-digit reconstruction error (mean squared error
    per pixel) over the test split; for 2-D models `latent_map.npz`: every test digit's code."""
    errors = (recon - x_test).pow(2).flatten(1).mean(1).cpu().numpy()
    write_json(folder / "anomaly_reference.json", {
        "description": "per-digit mean squared reconstruction error over the test split, at the given percentiles",
        "percentiles": ANOMALY_QUANTILES.round(1).tolist(),
        "errors": np.percentile(errors, ANOMALY_QUANTILES).round(6).tolist(),
    })
    if model.latent_dim == 2:
        codes = torch.cat([model.encode(x_test[i:i + 1000])[0] if isinstance(model, VAE)
                           else model.encode(x_test[i:i + 1000]) for i in range(0, len(x_test), 1000)])
        np.savez_compressed(folder / "latent_map.npz", codes=codes.cpu().numpy().astype(np.float16),
                            labels=y_test.cpu().numpy().astype(np.uint8))


def evaluate(folder: Path, data_root: str, classifier_path: str | None = None, k: int = 100,
             n_samples: int = 10_000, dry_run: bool = False, refine_steps: int = 0,
             refine_k: int | None = None, device: str | torch.device = "cpu") -> dict:
    device = torch.device(device)
    model = load_model(folder).to(device)
    # channels_last: oneDNN's faster conv kernels on the CPU for the decodes, the bulk of the IWAE cost
    model = model.to(memory_format=torch.channels_last)
    dataset = model.config.dataset
    x_train, _ = load_split(dataset, data_root, train=True)
    x_test, y_test = load_split(dataset, data_root, train=False)
    if dry_run:
        x_test, y_test, n_samples, k, refine_k = x_test[:200], y_test[:200], 200, 4, 4
    x_test, y_test = to_float(x_test).to(device), y_test.to(device)  # on the device once
    x_real = to_float(x_train[:len(x_test)]).to(device)

    if isinstance(model, Classifier):  # per class too: what a conditional GAN's per_class_accuracy compares with
        predicted = predict(model, x_test)
        return {"test_accuracy": round((predicted == y_test).float().mean().item(), 4),
                "per_class_accuracy": [round(a, 4) for a in per_class_accuracy(predicted, y_test)],
                "real_laplacian_variance": round(laplacian_variance(x_test).mean().item(), 6)}

    classifier = load_model(classifier_path or Path("weights") / model_name("classifier", dataset)).to(device)
    test_feats = classifier_features(classifier, x_test)
    real_feats = classifier_features(classifier, x_real)
    real_precision, real_recall = precision_recall(test_feats, real_feats, k=PR_K)
    metrics = {"real_frechet_distance": round(frechet_distance(real_feats, test_feats), 3),  # the floors:
               "real_precision": round(real_precision, 4), "real_recall": round(real_recall, 4),  # train vs test
               "real_speckle_share": round(speckle_share(x_test), 4)}
    g = torch.Generator(device=device).manual_seed(0)
    if isinstance(model, VAE):
        metrics["test_neg_elbo"] = round(mean_neg_elbo(model, x_test, model.config.binarized, g), 2)
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
    if isinstance(model, UNet):
        metrics.update(use_case_metrics(model, classifier, x_test, y_test, test_feats, g))
    if isinstance(model, Generator):
        labels = torch.arange(n_samples, device=device) % model.num_classes
        conditional = model.sample(n_samples, labels=labels, generator=g)
        predicted = predict(classifier, conditional)
        metrics["conditional_accuracy"] = round((predicted == labels).float().mean().item(), 4)
        metrics["per_class_accuracy"] = [round(a, 4) for a in per_class_accuracy(predicted, labels,
                                                                                  model.num_classes)]
        # the class is an input, so class coverage would be 10 by construction: per-class recall instead
        metrics.update(sample_metrics(conditional, classifier, x_test, test_feats, coverage=False))
        metrics["per_class_recall"] = per_class_recall(classifier, conditional, labels, x_test, y_test,
                                                       model.num_classes)
        # what the classifier calls the balanced conditional samples (the Mode collapse tab's healthy bars)
        metrics["class_histogram"] = [round(s, 4) for s in class_histogram(predicted)]
    return metrics


DRAWS = 8  # completions per test image for the diversity figures of a model with noise


@torch.no_grad()
def use_case_metrics(model: UNet, classifier: Classifier, x_test: torch.Tensor, y_test: torch.Tensor,
                     test_feats: np.ndarray, g: torch.Generator) -> dict:
    """A use-case model (models/pix2pix.py) on the test set, each test image degraded as its task does:
    class_kept: the classifier reads the output as the true class; other_valid: it reads another class with
    probability >= CONFIDENT (a different but clear answer, not a blur); sharpness and the Fréchet distance
    against the test images; test_l1 to the truth. Super-resolution: the same for bicubic upsampling
    (`bicubic_*`). A model with noise: how far DRAWS completions of the first 1,000 test images differ
    (`draw_pixel_std`, per hidden pixel) and how often they hold two classes read confidently (`draws_differ`)."""
    out = torch.cat([model.restore(x_test[i:i + 1000], generator=g) for i in range(0, len(x_test), 1000)])

    def readout(images: torch.Tensor, prefix: str = "") -> dict:
        proba = torch.cat([classifier.predict_proba(images[i:i + 1000]) for i in range(0, len(images), 1000)])
        confidence, predicted = proba.max(1)
        other = (predicted != y_test) & (confidence >= CONFIDENT)
        feats = classifier_features(classifier, images)
        return {f"{prefix}class_kept": round((predicted == y_test).float().mean().item(), 4),
                f"{prefix}other_valid": round(other.float().mean().item(), 4),
                f"{prefix}sharpness_ratio": round(sharpness_ratio(images, x_test), 3),
                f"{prefix}frechet_distance": round(frechet_distance(feats, test_feats), 3),
                f"{prefix}test_l1": round((images - x_test).abs().mean().item(), 4)}

    metrics = readout(out)
    if model.task == "super-resolution":
        metrics.update(readout(bicubic(downsample(x_test)), "bicubic_"))
    else:  # what the classifier reads from the visible upper half alone
        metrics["input_class_kept"] = round((predict(classifier, degrade(x_test, model.task)[:, :1]) == y_test)
                                            .float().mean().item(), 4)
    if model.config.noise_dim:
        x = x_test[:1000]
        draws = torch.stack([model.restore(x, generator=g) for _ in range(DRAWS)])  # (DRAWS, 1000, 1, 28, 28)
        hidden = 1 - degrade(x[:1], model.task)[0, 1]  # (28, 28): 1 where the model fills in
        spread = draws.std(0)[:, 0]  # (1000, 28, 28)
        metrics["draw_pixel_std"] = round(((spread * hidden).sum() / (hidden.sum() * len(x))).item(), 4)
        proba = classifier.predict_proba(draws.flatten(0, 1)).view(DRAWS, len(x), -1)  # (DRAWS, 1000, classes)
        confident = proba.max(2).values >= CONFIDENT
        labels = torch.where(confident, proba.argmax(2), -1)  # -1: not read confidently
        differ = [len({c for c in labels[:, i].tolist() if c >= 0}) >= 2 for i in range(len(x))]
        metrics["draws_differ"] = round(sum(differ) / len(x), 4)
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
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:1, ...")
    p.add_argument("--dry-run", action="store_true", help="a few hundred images only; writes nothing")
    args = p.parse_args(argv)
    if args.refine_steps < 0:
        p.error(f"--refine-steps must be 0 or more, got {args.refine_steps}")
    if args.refine_k is not None and not args.refine_steps:
        p.error("--refine-k sets the samples of the refined bound: give --refine-steps too")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = pick_device(args.device)
    folder = Path(args.folder)
    try:
        metrics = evaluate(folder, args.data_root, args.classifier, args.k, args.samples, args.dry_run,
                           args.refine_steps, args.refine_k, device)
    except (ModelLoadError, FileNotFoundError) as err:
        raise SystemExit(f"evaluate: {err}") from err
    metrics["command"] = " ".join(["python -m training.evaluate", *map(shlex.quote, argv or sys.argv[1:])])
    metrics["provenance"] = provenance(folder, device)
    print(json.dumps(metrics, indent=2))
    if not args.dry_run:
        write_json(folder / "metrics.json", metrics)
        write_model_card(folder)
    return metrics


if __name__ == "__main__":
    main()
