"""Anomaly detection with a VAE: score an image by how badly the model explains it.

Score: the negative ELBO in nats, -ELBO(x) = -E_q[log p(x|z)] + KL(q(z|x) || p(z)), an upper bound on
-log p(x). We use it rather than the reconstruction error because it is the model's own (bound on the)
likelihood: it also charges for codes the prior finds unusual, and it is the quantity the Nalisnick
et al. (2019) surprise is about. Pixels are gray levels used as Bernoulli targets (uploads, Fashion-MNIST
and noise are gray), so it is a cross-entropy bound, comparable only between images scored the same way.
The test sets' scores are precomputed by `python -m training.anomaly_scores` into each VAE's folder; the
scoring maths is in models/anomaly.py.
"""

import numpy as np

from lab.cache import cached
from lab.inputs import parse_number
from lab.loading import Lab
from lab.plots import histogram_chart, line_chart
from lab.preprocess import preprocess
from lab.reconstruct import FIT_BOX
from models.anomaly import auroc, neg_elbo_score, reference_summary, roc_curve, stored_scores
from models.registry import ANOMALY_SCORES_FILE, model_name

SETS = {"mnist": "MNIST test digits", "fashion-mnist": "Fashion-MNIST test images", "noise": "uniform noise"}


def rates(negatives, positives, threshold: float) -> tuple[float, float]:
    """(TPR, FPR) of "anomaly when score >= threshold"."""
    return float(np.mean(np.asarray(positives) >= threshold)), float(np.mean(np.asarray(negatives) >= threshold))


def reference_scores(lab: Lab, vae_name: str) -> dict[str, np.ndarray]:
    """The precomputed -ELBO of each test set under one VAE, as float64 arrays keyed by set name."""
    return stored_scores(lab.npz(vae_name, ANOMALY_SCORES_FILE))


def anomaly_summary(lab: Lab) -> dict:
    """`models.anomaly.reference_summary` of the two loaded VAEs: the figures the page and the Learn tab quote."""
    return reference_summary(*(lab.npz(model_name("vae", dataset), ANOMALY_SCORES_FILE)
                               for dataset in ("MNIST", "Fashion-MNIST")))


def parse_threshold(threshold) -> float:
    return parse_number(threshold, "The threshold", positive=True, unit="nats")


COLOURS = {"mnist": (80, 160, 255), "fashion-mnist": (255, 150, 40), "noise": (200, 90, 200)}


def score_image(lab: Lab, image) -> float:
    """The MNIST VAE's -ELBO of an upload or drawing, prepared like an MNIST digit."""
    return float(neg_elbo_score(lab.model("vae-mnist"), preprocess(image, box=FIT_BOX["MNIST"]).x)[0])


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
                                title="MNIST VAE: -ELBO (nats, log scale)", width=480, height=270)
    fpr_t = result["false_positive_rate_mnist"]
    points = [(fpr_t, result[f"true_positive_rate_{k}"], COLOURS[k]) for k in ("fashion-mnist", "noise")]
    roc = line_chart(curves, points, title="ROC (dots: threshold)", x_label="false positives (MNIST)",
                     y_label="true positive rate", width=400, height=270)
    return histogram, roc, result


def nalisnick_figure(lab: Lab) -> tuple[np.ndarray, dict]:
    """The Fashion-MNIST VAE's -ELBO of Fashion-MNIST test images beside MNIST test digits (Nalisnick et al.
    2019, "Do deep generative models know what they don't know?"): does it find the digits likelier?"""
    scores = reference_scores(lab, "vae-fashion-mnist")
    summary = anomaly_summary(lab)
    chart = histogram_chart({SETS[k]: (scores[k], COLOURS[k]) for k in ("fashion-mnist", "mnist")}, [],
                            title="Fashion-MNIST VAE: -ELBO (nats, log scale)", width=530,
                            height=300)
    return chart, summary
