"""models/anomaly.py: the -ELBO score, ROC and AUROC, and the summary the app quotes."""

import numpy as np
import pytest
import torch

from models import VAE, VAEConfig
from models.anomaly import auroc, neg_elbo_score, reconstruction_error, reference_summary, roc_curve, stored_scores
from models.registry import ANOMALY_SCORES


def test_auroc_matches_a_hand_computed_case():
    # pairs (anomaly, normal): 2 vs 1, 2, 3 -> 1 + 0.5 + 0; 4 vs 1, 2, 3 -> 3; (1.5 + 3) / 6 pairs
    assert auroc([1, 2, 3], [2, 4]) == pytest.approx(0.75)
    assert auroc([1, 2], [3, 4]) == 1.0 and auroc([3, 4], [1, 2]) == 0.0
    fpr, tpr, thresholds = roc_curve([1, 2, 3], [2, 4])
    assert (fpr[0], tpr[0]) == (0, 0) and (fpr[-1], tpr[-1]) == (1, 1)
    assert list(thresholds[1:]) == [4, 3, 2, 1]
    assert list(fpr) == pytest.approx([0, 0, 1 / 3, 2 / 3, 1]) and list(tpr) == pytest.approx([0, 0.5, 0.5, 1, 1])


def test_roc_needs_both_sets():
    with pytest.raises(ValueError, match="at least one"):
        auroc([], [1.0])


def test_scores_are_reproducible_and_positive(mnist_fixture):
    torch.manual_seed(0)
    vae = VAE(VAEConfig(latent_dim=4, channels=4, hidden_dim=16)).eval()
    x = mnist_fixture[0][:8]
    scores = neg_elbo_score(vae, x)
    assert scores.shape == (8,) and bool((scores > 0).all())
    assert torch.equal(scores, neg_elbo_score(vae, x)) and not torch.equal(scores, neg_elbo_score(vae, x, seed=1))
    error = reconstruction_error(vae, x)
    assert error.shape == (8,) and torch.allclose(error, (vae.reconstruct(x) - x).pow(2).mean((1, 2, 3)))


def test_summary_of_stored_scores():
    """MNIST VAE: MNIST scores 0..9, Fashion 10..19 (all above), noise 5..14; Fashion VAE: its own data 0..9,
    MNIST digits -5..4 (likelier than its own data: the Nalisnick surprise)."""
    def stored(**sets):
        return {f"{score}_{name}": np.asarray(values, np.float16) for name, values in sets.items()
                for score in ("neg_elbo", "recon_error")}

    mnist_vae = stored(mnist=np.arange(10), **{"fashion-mnist": np.arange(10, 20)}, noise=np.arange(5, 15))
    fashion_vae = stored(mnist=np.arange(-5, 5), **{"fashion-mnist": np.arange(10)}, noise=np.arange(100, 110))
    assert set(mnist_vae) == set(ANOMALY_SCORES)
    assert list(stored_scores(mnist_vae)) == ["mnist", "fashion-mnist", "noise"]
    assert stored_scores(mnist_vae, "recon_error")["noise"].dtype == np.float64
    summary = reference_summary(mnist_vae, fashion_vae)
    assert summary["auroc_fashion"] == summary["auroc_fashion_reconstruction_error"] == 1.0
    assert summary["auroc_noise"] == 0.875  # 50 pairs won by 10..14, 37.5 by 5..9 (ties half): of 100
    assert (summary["fashion_vae_median_neg_elbo_fashion"], summary["fashion_vae_median_neg_elbo_mnist"]) == (4.5, -0.5)
    assert summary["fashion_vae_share_mnist_likelier"] == 1.0  # every digit below the median 4.5
    assert summary["fashion_vae_auroc_mnist"] == 0.125  # below 0.5: the digits score as likelier
