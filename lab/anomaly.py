"""Anomaly detection with a VAE: score an image by how badly the model explains it.

Score: the negative ELBO in nats, -ELBO(x) = -E_q[log p(x|z)] + KL(q(z|x) || p(z)), an upper bound on
-log p(x). We use it rather than the reconstruction error because it is the model's own (bound on the)
likelihood: it also charges for codes the prior finds unusual, and it is the quantity the Nalisnick
et al. (2019) surprise is about. Pixels are gray levels used as Bernoulli targets (uploads, Fashion-MNIST
and noise are gray), so it is a cross-entropy bound, comparable only between images scored the same way.
The test sets' scores are precomputed by `python -m training.anomaly_scores` into each VAE's folder.
"""

import numpy as np
import torch

from lab.cache import cached
from lab.loading import Lab
from lab.plots import histogram_chart, line_chart
from lab.preprocess import preprocess
from lab.reconstruct import FIT_BOX
from models.vae import VAE, bernoulli_nll, kl_divergence

ELBO_SAMPLES = 4  # z samples per image in the Monte Carlo estimate of E_q[log p(x|z)]
SCORES_FILE = "anomaly_scores.npz"
SETS = {"mnist": "MNIST test digits", "fashion-mnist": "Fashion-MNIST test images", "noise": "uniform noise"}


@torch.inference_mode()
def negative_elbo(vae: VAE, x: torch.Tensor, samples: int = ELBO_SAMPLES, seed: int = 0) -> torch.Tensor:
    """-ELBO per image in nats, `(B,)`; the same image and seed always give the same score."""
    g = torch.Generator().manual_seed(seed)
    mu, logvar = vae.encode(x)  # (B, D) each
    recon = torch.zeros(len(x))
    for _ in range(samples):
        recon += bernoulli_nll(vae.decode_logits(vae.reparameterize(mu, logvar, generator=g)), x)
    # -ELBO(x) = -E_q[log p(x|z)] + KL(q(z|x) || p(z))   (Kingma & Welling 2014, eq. 3)
    return recon / samples + kl_divergence(mu, logvar)


@torch.inference_mode()
def reconstruction_error(vae: VAE, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error per pixel of the posterior-mean reconstruction, `(B,)`."""
    return (vae.reconstruct(x) - x).pow(2).flatten(1).mean(1)


def roc_curve(negatives, positives) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(FPR, TPR, thresholds) for the rule "anomaly when score >= threshold", from the strictest threshold
    (nothing flagged) down to the loosest (everything flagged). Positives are the anomalies."""
    negatives, positives = np.asarray(negatives, np.float64), np.asarray(positives, np.float64)
    if len(negatives) == 0 or len(positives) == 0:
        raise ValueError("ROC needs at least one normal and one anomalous score.")
    thresholds = np.unique(np.concatenate([negatives, positives]))[::-1]  # distinct scores, high to low
    fpr = 1.0 - np.searchsorted(np.sort(negatives), thresholds, side="left") / len(negatives)
    tpr = 1.0 - np.searchsorted(np.sort(positives), thresholds, side="left") / len(positives)
    return np.r_[0.0, fpr], np.r_[0.0, tpr], np.r_[np.inf, thresholds]


def auroc(negatives, positives) -> float:
    """Area under the ROC curve: the chance that a random anomaly scores above a random normal image
    (ties count half), by the trapezoid rule over every distinct threshold."""
    fpr, tpr, _ = roc_curve(negatives, positives)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def rates(negatives, positives, threshold: float) -> tuple[float, float]:
    """(TPR, FPR) of "anomaly when score >= threshold"."""
    return float(np.mean(np.asarray(positives) >= threshold)), float(np.mean(np.asarray(negatives) >= threshold))


def reference_scores(lab: Lab, vae_name: str) -> dict[str, np.ndarray]:
    """The precomputed -ELBO of each test set under one VAE, as float64 arrays keyed by set name."""
    data = lab.npz(vae_name, SCORES_FILE)
    return {name: data[f"neg_elbo_{name}"].astype(np.float64) for name in SETS if f"neg_elbo_{name}" in data}


def reference_summary(lab: Lab) -> dict:
    """The headline figures the page and the Learn tab quote: AUROC of the MNIST VAE against each
    anomaly set, and the Nalisnick check on the Fashion-MNIST VAE (with the reconstruction error beside)."""
    mnist, fashion = reference_scores(lab, "vae-mnist"), reference_scores(lab, "vae-fashion-mnist")
    mnist_error, fashion_error = (
        {name: stored[f"recon_error_{name}"].astype(np.float64) for name in ("mnist", "fashion-mnist")}
        for stored in (lab.npz("vae-mnist", SCORES_FILE), lab.npz("vae-fashion-mnist", SCORES_FILE)))
    fashion_median = float(np.median(fashion["fashion-mnist"]))
    return {
        "auroc_fashion": round(auroc(mnist["mnist"], mnist["fashion-mnist"]), 4),
        "auroc_noise": round(auroc(mnist["mnist"], mnist["noise"]), 4),
        "auroc_fashion_reconstruction_error": round(auroc(mnist_error["mnist"], mnist_error["fashion-mnist"]), 4),
        "fashion_vae_median_neg_elbo_fashion": round(fashion_median, 1),
        "fashion_vae_median_neg_elbo_mnist": round(float(np.median(fashion["mnist"])), 1),
        # share of MNIST digits the Fashion VAE finds likelier than the median Fashion test image
        "fashion_vae_share_mnist_likelier": round(float(np.mean(fashion["mnist"] < fashion_median)), 3),
        # the Fashion VAE as a detector of MNIST digits: below 0.5 means it prefers them to its own data
        "fashion_vae_auroc_mnist": round(auroc(fashion["fashion-mnist"], fashion["mnist"]), 4),
        "fashion_vae_auroc_mnist_reconstruction_error": round(auroc(fashion_error["fashion-mnist"],
                                                                    fashion_error["mnist"]), 4),
    }


def parse_threshold(threshold) -> float:
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"The threshold must be a number of nats, got {threshold!r}.") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"The threshold must be a positive number of nats, got {threshold!r}.")
    return value


COLOURS = {"mnist": (80, 160, 255), "fashion-mnist": (255, 150, 40), "noise": (200, 90, 200)}


def score_image(lab: Lab, image) -> float:
    """The MNIST VAE's -ELBO of an upload or drawing, prepared like an MNIST digit."""
    return float(negative_elbo(lab.model("vae-mnist"), preprocess(image, box=FIT_BOX["MNIST"]).x)[0])


@cached(maxsize=1)
def reference_rocs(lab: Lab) -> tuple[dict, dict]:
    """The MNIST VAE's ROC curves against each anomaly set, {set label: (FPR, TPR, colour)}, and their
    AUROCs {set: value}: the same for every threshold, so computed once."""
    scores = reference_scores(lab, "vae-mnist")
    curves, aurocs = {}, {}
    for name in ("fashion-mnist", "noise"):
        fpr, tpr, _ = roc_curve(scores["mnist"], scores[name])
        curves[SETS[name]] = (fpr, tpr, COLOURS[name])
        aurocs[name] = round(auroc(scores["mnist"], scores[name]), 4)
    return curves, aurocs


def anomaly_roc(lab: Lab, threshold, image=None):
    """`/anomaly_roc`: (histograms of the MNIST VAE's scores with the threshold and `image`'s score marked,
    ROC curves with the threshold's operating point, figures)."""
    threshold = parse_threshold(threshold)
    upload_score = None if image is None else score_image(lab, image)
    scores = reference_scores(lab, "vae-mnist")
    normal = scores["mnist"]
    result = {"score": "negative ELBO in nats (MNIST VAE, gray levels as Bernoulli targets)",
              "threshold": round(threshold, 1),
              "false_positive_rate_mnist": round(float(np.mean(normal >= threshold)), 4)}
    curves, aurocs = reference_rocs(lab)
    for name in ("fashion-mnist", "noise"):
        result[f"auroc_{name}"] = aurocs[name]
        result[f"true_positive_rate_{name}"] = round(rates(normal, scores[name], threshold)[0], 4)
    marks = [(threshold, "threshold", (255, 255, 255))]
    if upload_score is not None:
        marks.append((upload_score, "your picture", (90, 230, 120)))
        result["your_score"] = round(upload_score, 1)
        result["your_picture_flagged"] = bool(upload_score >= threshold)
        result["your_percentile_among_mnist"] = round(float(np.mean(normal < upload_score)) * 100, 1)
    histogram = histogram_chart({SETS[k]: (v, COLOURS[k]) for k, v in scores.items()}, marks,
                                title="MNIST VAE: -ELBO (nats, log scale)")
    fpr_t = result["false_positive_rate_mnist"]
    points = [(fpr_t, result[f"true_positive_rate_{k}"], COLOURS[k]) for k in ("fashion-mnist", "noise")]
    roc = line_chart(curves, points, title="ROC curve",
                     x_label="false positive rate (MNIST flagged)", y_label="true positive rate")
    return histogram, roc, result


def nalisnick_figure(lab: Lab) -> tuple[np.ndarray, dict]:
    """The Fashion-MNIST VAE's -ELBO of Fashion-MNIST test images beside MNIST test digits (Nalisnick et al.
    2019, "Do deep generative models know what they don't know?"): does it find the digits likelier?"""
    scores = reference_scores(lab, "vae-fashion-mnist")
    summary = reference_summary(lab)
    chart = histogram_chart({SETS[k]: (scores[k], COLOURS[k]) for k in ("fashion-mnist", "mnist")}, [],
                            title="Fashion-MNIST VAE: -ELBO (nats, log scale)", legend_left=True)
    return chart, summary
