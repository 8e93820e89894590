import numpy as np
import pytest
import torch

from lab.anomaly import anomaly_roc, auroc, negative_elbo, rates, reference_summary, roc_curve


def test_auroc_matches_a_hand_computed_case():
    # pairs (anomaly, normal): 2 vs 1, 2, 3 -> 1 + 0.5 + 0; 4 vs 1, 2, 3 -> 3; (1.5 + 3) / 6 pairs
    assert auroc([1, 2, 3], [2, 4]) == pytest.approx(0.75)
    assert auroc([1, 2], [3, 4]) == 1.0 and auroc([3, 4], [1, 2]) == 0.0
    fpr, tpr, thresholds = roc_curve([1, 2, 3], [2, 4])
    assert (fpr[0], tpr[0]) == (0, 0) and (fpr[-1], tpr[-1]) == (1, 1)
    assert list(thresholds[1:]) == [4, 3, 2, 1]
    assert list(fpr) == pytest.approx([0, 0, 1 / 3, 2 / 3, 1]) and list(tpr) == pytest.approx([0, 0.5, 0.5, 1, 1])
    assert rates([1, 2, 3], [2, 4], 2) == pytest.approx((1.0, 2 / 3))


def test_roc_needs_both_sets():
    with pytest.raises(ValueError, match="at least one"):
        auroc([], [1.0])


def test_negative_elbo_is_reproducible_and_positive(tiny_lab, mnist_fixture):
    x = mnist_fixture[0][:8]
    vae = tiny_lab.model("vae-mnist")
    scores = negative_elbo(vae, x)
    assert scores.shape == (8,) and bool((scores > 0).all())
    assert torch.equal(scores, negative_elbo(vae, x))


def test_shipped_scores_separate_mnist_from_fashion_and_noise(shipped_lab):
    summary = reference_summary(shipped_lab)
    assert summary["auroc_fashion"] > 0.99 and summary["auroc_noise"] > 0.99
    # the Nalisnick et al. surprise, as measured on the shipped Fashion-MNIST VAE
    assert summary["fashion_vae_median_neg_elbo_mnist"] < summary["fashion_vae_median_neg_elbo_fashion"]
    assert summary["fashion_vae_auroc_mnist"] < 0.5 < summary["fashion_vae_auroc_mnist_reconstruction_error"]


def test_anomaly_roc_places_an_upload(shipped_lab, tmp_path):
    histogram, roc, result = anomaly_roc(shipped_lab, 144, "examples/mnist_test0_7.png")
    assert histogram.shape == (360, 640, 3) and roc.shape == (360, 480, 3)
    assert result["false_positive_rate_mnist"] == pytest.approx(0.01, abs=0.005)
    assert result["true_positive_rate_noise"] == 1.0 and result["true_positive_rate_fashion-mnist"] > 0.95
    assert result["your_score"] < 144 and not result["your_picture_flagged"]
    assert "your_score" not in anomaly_roc(shipped_lab, 144)[2]
    with pytest.raises(ValueError, match="positive number"):
        anomaly_roc(shipped_lab, -1)
    assert np.any(histogram != histogram[0, 0])
