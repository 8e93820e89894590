"""The use-case models (models/pix2pix.py): what the page shows is what the model sees, shapes, ranges, and the
completion model keeps the half it was shown."""

import pytest
import torch

from models import PatchDiscriminator, PatchDiscriminatorConfig, Pix2PixConfig, UNet, load_model
from models.pix2pix import bicubic, degrade, downsample, known_mask


def test_downsample_is_the_mean_of_each_4x4_block():
    x = torch.zeros(1, 1, 28, 28)
    x[0, 0, :4, :4] = 1.0  # one whole block
    x[0, 0, 4, 4] = 1.0  # one pixel of the next block on the diagonal
    small = downsample(x)
    assert small.shape == (1, 1, 7, 7)
    assert small[0, 0, 0, 0] == 1.0 and small[0, 0, 1, 1] == pytest.approx(1 / 16)
    assert small.sum() == pytest.approx(1 + 1 / 16)


def test_super_resolution_input_is_the_7x7_image_in_4x4_squares():
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    condition = degrade(x, "super-resolution")
    assert condition.shape == (2, 2, 28, 28)
    assert torch.equal(condition[:, 1], torch.ones(2, 28, 28))  # every coarse pixel is known
    small = downsample(x)
    assert torch.allclose(condition[:, :1, ::4, ::4], small) and torch.allclose(condition[:, :1, 3::4, 3::4], small)


def test_completion_input_hides_exactly_the_lower_half():
    x = torch.ones(1, 1, 28, 28)
    condition = degrade(x, "completion")
    assert condition[0, 0, :14].sum() == 14 * 28 and condition[0, 0, 14:].sum() == 0
    assert torch.equal(condition[0, 1], known_mask("completion")[0, 0])
    with pytest.raises(ValueError, match="task must be one of"):
        degrade(x, "colourise")


def test_bicubic_baseline_keeps_a_flat_image_and_stays_in_range():
    assert torch.allclose(bicubic(torch.full((1, 1, 7, 7), 0.5)), torch.full((1, 1, 28, 28), 0.5))
    spiky = torch.zeros(1, 1, 7, 7)
    spiky[0, 0, 3, 3] = 1
    out = bicubic(spiky)
    assert out.min() >= 0 and out.max() <= 1  # bicubic overshoots; the baseline is clipped


@pytest.mark.parametrize("task", ["super-resolution", "completion"])
def test_unet_shapes_range_and_kept_half(task):
    torch.manual_seed(0)
    G = UNet(Pix2PixConfig(task=task, channels=4, noise_dim=3)).eval()
    x = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    out = G.restore(x, generator=torch.Generator().manual_seed(2))
    assert out.shape == (3, 1, 28, 28) and out.min() >= 0 and out.max() <= 1
    if task == "completion":  # the upper half is copied from the input, only the lower half is the model's
        assert torch.equal(out[..., :14, :], x[..., :14, :])
    again = G.restore(x, generator=torch.Generator().manual_seed(2))
    assert torch.equal(out, again)  # a seed gives the same answer
    with pytest.raises(ValueError, match=r"\(B, 2, 28, 28\)"):
        G(torch.zeros(1, 1, 28, 28))


def test_noise_changes_the_answer_only_for_a_model_with_noise():
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    noisy = UNet(Pix2PixConfig(task="completion", channels=4, noise_dim=3)).eval()
    plain = UNet(Pix2PixConfig(task="completion", channels=4)).eval()
    draws = [noisy.restore(x, generator=torch.Generator().manual_seed(s)) for s in (0, 1)]
    assert not torch.equal(*draws)
    assert torch.equal(*(plain.restore(x, generator=torch.Generator().manual_seed(s)) for s in (0, 1)))


def test_patch_discriminator_gives_one_logit_per_patch():
    D = PatchDiscriminator(PatchDiscriminatorConfig(channels=4))
    logits = D(torch.zeros(5, 2, 28, 28), torch.zeros(5, 1, 28, 28))
    assert logits.shape == (5, 1, 7, 7)


def test_config_refuses_unknown_task_and_objective():
    with pytest.raises(ValueError, match="task must be one of"):
        Pix2PixConfig(task="deblur")
    with pytest.raises(ValueError, match="objective must be one of"):
        Pix2PixConfig(objective="wgan")


def test_save_and_load_round_trip(tmp_path):
    G = UNet(Pix2PixConfig(task="completion", channels=4, noise_dim=2)).eval()
    G.save_pretrained(tmp_path)
    loaded = load_model(tmp_path)
    assert isinstance(loaded, UNet) and loaded.config == G.config
    x = torch.rand(1, 1, 28, 28)
    g = torch.Generator().manual_seed(0)
    assert torch.equal(loaded.restore(x, generator=g), G.restore(x, generator=torch.Generator().manual_seed(0)))
