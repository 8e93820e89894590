import numpy as np
import pytest

from lab.anomaly import anomaly_roc, anomaly_summary, parse_threshold, rates


def test_rates_at_a_threshold():
    assert rates([1, 2, 3], [2, 4], 2) == pytest.approx((1.0, 2 / 3))
    assert rates([1, 2, 3], [2, 4], 5) == (0.0, 0.0)


def test_shipped_scores_separate_mnist_from_fashion_and_noise(shipped_lab):
    summary = anomaly_summary(shipped_lab)
    assert summary["auroc_fashion"] > 0.99 and summary["auroc_noise"] > 0.99
    # the Nalisnick et al. surprise, as measured on the shipped Fashion-MNIST VAE
    assert summary["fashion_vae_median_neg_elbo_mnist"] < summary["fashion_vae_median_neg_elbo_fashion"]
    assert summary["fashion_vae_auroc_mnist"] < 0.5 < summary["fashion_vae_auroc_mnist_reconstruction_error"]


def test_anomaly_roc_places_an_upload(shipped_lab, tmp_path):
    histogram, roc, result = anomaly_roc(shipped_lab, 144, "examples/mnist_test0_7.png")
    assert histogram.shape == (270, 480, 3) and roc.shape == (270, 400, 3)  # sized to their places on the page
    assert result["false_positive_rate_mnist"] == pytest.approx(0.01, abs=0.005)
    assert result["true_positive_rate_noise"] == 1.0 and result["true_positive_rate_fashion-mnist"] > 0.95
    assert result["your_score"] < 144 and not result["your_picture_flagged"]
    assert "your_score" not in anomaly_roc(shipped_lab, 144)[2]
    with pytest.raises(ValueError, match="The threshold must be a positive number of nats, got -1."):
        anomaly_roc(shipped_lab, -1)
    with pytest.raises(ValueError, match="positive number of nats, got 'high'"):
        parse_threshold("high")
    assert np.any(histogram != histogram[0, 0])
