import numpy as np
import pytest

from lab.invert import MAX_STEPS, invert, invert_gan


def test_inversion_lowers_the_error_from_its_start(shipped_lab, mnist_fixture):
    images, labels = mnist_fixture
    found = invert_gan(shipped_lab.model("gan-mnist"), images[:1], steps=30)
    assert len(found["history"]) == 31 and found["history"][0] == found["start_error"]
    assert found["error"] < 0.5 * found["start_error"]
    assert found["image"].shape == (1, 1, 28, 28)
    assert all(p.requires_grad for p in shipped_lab.model("gan-mnist").parameters())  # unfrozen afterwards


def test_invert_reports_both_models(shipped_lab):
    steps_seen = []
    model_input, vae_out, gan_out, result = invert(shipped_lab, "examples/mnist_test0_7.png", 20,
                                                   progress=lambda step, total: steps_seen.append(step))
    assert model_input.shape == vae_out.shape == gan_out.shape == (224, 224)
    assert steps_seen == list(range(1, 21))
    assert result["vae"]["error"] < 0.02 and result["gan"]["error"] < result["gan"]["error_at_start"]
    assert result["gan"]["seconds"] > result["vae"]["seconds"] > 0
    assert not np.array_equal(vae_out, gan_out)
    with pytest.raises(ValueError, match="Adam steps"):
        invert(shipped_lab, "examples/mnist_test0_7.png", MAX_STEPS + 1)
