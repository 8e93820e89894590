"""Anomaly scores of a VAE and how well they separate data sets: shared by `training/anomaly_scores.py`, which
stores each VAE's scores of the test sets in its folder (`anomaly_scores.npz`), and the app's anomaly tab.

Score: the negative ELBO in nats, -ELBO(x) = -E_q[log p(x|z)] + KL(q(z|x) || p(z)), an upper bound on
-log p(x), beside the reconstruction error (mean squared error per pixel) for comparison.
"""

import numpy as np
import torch

from models.registry import ANOMALY_SETS
from models.vae import VAE, bernoulli_nll, kl_divergence

ELBO_SAMPLES = 4  # z samples per image in the Monte Carlo estimate of E_q[log p(x|z)]


@torch.inference_mode()
def neg_elbo_score(vae: VAE, x: torch.Tensor, samples: int = ELBO_SAMPLES, seed: int = 0) -> torch.Tensor:
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


def stored_scores(stored: dict[str, np.ndarray], score: str = "neg_elbo") -> dict[str, np.ndarray]:
    """One score ("neg_elbo" or "recon_error") of each test set in an `anomaly_scores.npz`, as float64 arrays
    keyed by set name ("mnist", "fashion-mnist", "noise")."""
    return {name: stored[f"{score}_{name}"].astype(np.float64) for name in ANOMALY_SETS if f"{score}_{name}" in stored}


def reference_summary(mnist_vae: dict[str, np.ndarray], fashion_vae: dict[str, np.ndarray]) -> dict:
    """The headline figures the app quotes, from the `anomaly_scores.npz` of the MNIST VAE and of the
    Fashion-MNIST VAE: AUROC of the MNIST VAE against each anomaly set, and the Nalisnick et al. (2019)
    check on the Fashion-MNIST VAE (with the reconstruction error beside)."""
    mnist, fashion = stored_scores(mnist_vae), stored_scores(fashion_vae)
    mnist_error, fashion_error = stored_scores(mnist_vae, "recon_error"), stored_scores(fashion_vae, "recon_error")
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
