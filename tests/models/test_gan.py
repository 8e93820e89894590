from dataclasses import fields

import pytest
import torch

from models.gan import Discriminator, DiscriminatorConfig, GANConfig, Generator


@pytest.fixture
def generator() -> Generator:
    torch.manual_seed(0)
    return Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4)).eval()


def test_sample_shapes_ranges_and_attributes(generator):
    images = generator.sample(6, labels=torch.arange(6))
    assert images.shape == (6, 1, 28, 28)
    assert images.min() >= 0 and images.max() <= 1
    assert generator.latent_dim == 8 and generator.num_classes == 10


def test_sample_is_reproducible_and_labels_matter(generator):
    seed = lambda: torch.Generator().manual_seed(3)  # noqa: E731
    labels = torch.zeros(4, dtype=torch.long)
    a = generator.sample(4, labels=labels, generator=seed())
    b = generator.sample(4, labels=labels, generator=seed())
    c = generator.sample(4, labels=labels + 1, generator=seed())
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_sample_without_labels_draws_random_classes(generator):
    a = generator.sample(5, generator=torch.Generator().manual_seed(1))
    b = generator.sample(5, generator=torch.Generator().manual_seed(1))
    assert a.shape == (5, 1, 28, 28) and torch.equal(a, b)


@pytest.mark.parametrize("labels, message", [
    (torch.tensor([0, 1, 2]), "shape"),
    (torch.tensor([0.0, 1.0]), "LongTensor"),
    (torch.tensor([0, 10]), "0..9"),
    (torch.tensor([-1, 0]), "0..9"),
])
def test_bad_labels_give_a_clear_error(generator, labels, message):
    with pytest.raises(ValueError, match=message):
        generator.sample(2, labels=labels)


def test_discriminator_scores_one_logit_per_image():
    torch.manual_seed(0)
    config = GANConfig(latent_dim=8, channels=4, embed_dim=4)
    G, D = Generator(config), Discriminator(DiscriminatorConfig.for_generator(config))
    assert D.config.model_type == "gan-discriminator" and D.config.latent_dim == 8 and not D.config.d_classifier
    labels = torch.tensor([1, 2, 3])
    scores = D(G(torch.randn(3, 8), labels), labels)
    assert scores.shape == (3,)
    scores.sum().backward()  # gradients reach the generator through D
    assert G.fc[0].weight.grad.abs().sum() > 0


def test_the_conv3_generator_saves_and_loads_with_its_config(tmp_path):
    from models import load_model

    torch.manual_seed(0)
    G = Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4, upsample="deconv-conv3")).eval()
    assert sum(isinstance(m, torch.nn.Conv2d) for m in G.deconv) == 2  # a 3x3 conv after each upsampling
    G.save_pretrained(tmp_path / "g")
    loaded = load_model(tmp_path / "g")
    assert loaded.config.upsample == "deconv-conv3"
    seed = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    assert torch.equal(G.sample(3, generator=seed()), loaded.sample(3, generator=seed()))


def test_an_old_config_without_upsample_loads_the_first_design_and_a_bad_one_is_refused():
    assert GANConfig().upsample == "deconv"  # what configs written before the option mean
    with pytest.raises(ValueError, match="upsample must be one of deconv, deconv-conv3"):
        GANConfig(upsample="pixelshuffle")

def test_the_shipped_layout_keeps_its_keys_and_no_batchnorm_drops_them(tmp_path):
    from models import load_model

    keys = set(Generator(GANConfig()).state_dict())
    assert {"fc.1.running_mean", "deconv.1.weight", "fc.0.weight"} <= keys and "fc.0.bias" not in keys
    torch.manual_seed(0)
    plain = Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4, num_classes=1, batchnorm=False))
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in plain.modules())
    assert "fc.0.bias" in plain.state_dict() and "fc.1.running_mean" not in plain.state_dict()
    plain.eval().save_pretrained(tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.config.batchnorm is False and loaded.num_classes == 1
    z = torch.randn(3, 8)
    assert torch.equal(loaded(z, torch.zeros(3, dtype=torch.long)), plain(z, torch.zeros(3, dtype=torch.long)))
    D = Discriminator(DiscriminatorConfig(channels=4, embed_dim=4, batchnorm=False))
    assert D(torch.zeros(2, 1, 28, 28), torch.zeros(2, dtype=torch.long)).shape == (2,)


def test_a_discriminator_with_a_class_head_names_classes_and_round_trips(tmp_path):
    from models import load_model

    assert DiscriminatorConfig().d_classifier is False  # what configs written before the option mean
    assert "d_classifier" not in {f.name for f in fields(GANConfig)}  # the generator's config: its own fields
    torch.manual_seed(0)
    x, y = torch.randn(3, 1, 28, 28), torch.tensor([0, 5, 9])
    plain = Discriminator(DiscriminatorConfig(channels=4, embed_dim=4)).eval()
    assert plain.judge(x, y)[1] is None and "classify.weight" not in plain.state_dict()
    D = Discriminator(DiscriminatorConfig(channels=4, embed_dim=4, d_classifier=True)).eval()
    logit, classes = D.judge(x, y)
    assert logit.shape == (3,) and classes.shape == (3, 10)
    assert torch.equal(D(x, y), logit)  # forward is the real/fake verdict alone, as before
    D.save_pretrained(tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.config.d_classifier and torch.equal(loaded.judge(x, y)[1], classes)


def test_a_deeper_discriminator_with_the_batch_spread_round_trips(tmp_path):
    from models import load_model
    from models.gan import minibatch_std

    old = DiscriminatorConfig(channels=4, embed_dim=4)
    assert not old.d_conv3 and not old.mbstd  # what configs written before the options mean
    assert set(Discriminator(old).state_dict()) == {  # the first design's keys: saved discriminators still load
        "conv.0.weight", "conv.0.bias", "conv.2.weight", "conv.3.weight", "conv.3.bias", "conv.3.running_mean",
        "conv.3.running_var", "conv.3.num_batches_tracked", "psi.weight", "psi.bias", "embed.weight"}
    torch.manual_seed(0)
    D = Discriminator(DiscriminatorConfig(channels=4, embed_dim=4, d_conv3=True, mbstd=True)).eval()
    assert sum(isinstance(m, torch.nn.Conv2d) for m in D.conv) == 4 and D.mix is not None
    x, y = torch.randn(3, 1, 28, 28), torch.tensor([0, 5, 9])
    assert D(x, y).shape == (3,)
    D.save_pretrained(tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.config.d_conv3 and loaded.config.mbstd and torch.equal(loaded(x, y), D(x, y))
    # the spread: per feature and position, the batch's standard deviation; then their mean, for every image
    h = torch.zeros(2, 3, 7, 7)
    h[1, 0] = 2.0  # feature 0: values 0 and 2, std 1; the other two: std 0 (plus the 1e-8 under the root)
    spread = minibatch_std(h)
    assert spread.shape == (2, 1, 7, 7) and spread[0, 0, 0, 0].item() == pytest.approx((1 + 2e-4) / 3, abs=1e-4)
    assert torch.equal(spread[0], spread[1])


def test_the_batch_spread_within_groups():
    from models.gan import minibatch_std

    h = torch.zeros(5, 2, 1, 1)  # groups of 2 in a batch of 5: images 0, 2, 4 (i mod 2 == 0) and 1, 3
    h[2, 0] = 3.0  # group {0, 2, 4}, feature 0: values 0, 3, 0 -> std sqrt(2); feature 1: 0
    h[3, 1] = 4.0  # group {1, 3}, feature 1: values 0, 4 -> std 2; feature 0: 0
    spread = minibatch_std(h, group=2)
    assert spread.shape == (5, 1, 1, 1)
    assert spread[[0, 2, 4]].flatten().tolist() == pytest.approx([2 ** 0.5 / 2] * 3, abs=1e-4)
    assert spread[[1, 3]].flatten().tolist() == pytest.approx([1.0, 1.0], abs=1e-4)
    # a batch no larger than the group is one group: the same as the whole batch's spread
    assert torch.allclose(minibatch_std(h, group=8), minibatch_std(h), atol=1e-6)
    torch.manual_seed(0)
    D = Discriminator(DiscriminatorConfig(channels=4, embed_dim=4, mbstd=True, mbstd_group=4)).eval()
    x, y = torch.randn(8, 1, 28, 28), torch.arange(8)
    assert D(x, y).shape == (8,) and not torch.equal(D(x[:4], y[:4]), D(x, y)[:4])  # its group's spread changed


def test_class_batch_norm_starts_as_plain_batch_norm_and_then_follows_the_label():
    from models.gan import ClassBatchNorm

    torch.manual_seed(0)
    norm = ClassBatchNorm(torch.nn.BatchNorm2d(3, affine=False), embed_dim=2)
    h, e = torch.randn(8, 3, 5, 5), torch.randn(8, 2)
    plain = torch.nn.functional.batch_norm(h, None, None, training=True)
    assert torch.allclose(norm(h, e), plain, atol=1e-6)  # zero maps: scale 1, shift 0
    with torch.no_grad():
        norm.gain.weight.fill_(0.5)
        norm.bias.bias.fill_(2.0)
    scale = 1 + 0.5 * e.sum(1)  # (8,) every channel's scale for each image: 1 + W_g e
    assert torch.allclose(norm(h, e), plain * scale.view(8, 1, 1, 1) + 2.0, atol=1e-5)
    vectors = ClassBatchNorm(torch.nn.BatchNorm1d(4, affine=False), embed_dim=2)
    assert vectors(torch.randn(8, 4), e).shape == (8, 4)
    with pytest.raises(ValueError, match="affine=False"):
        ClassBatchNorm(torch.nn.BatchNorm2d(3), embed_dim=2)


def test_a_class_norm_generator_round_trips_and_needs_batch_norm(tmp_path):
    from models import load_model

    assert GANConfig().class_norm is False  # what configs written before the option mean
    with pytest.raises(ValueError, match="class_norm needs batchnorm"):
        GANConfig(class_norm=True, batchnorm=False)
    torch.manual_seed(0)
    G = Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4, upsample="deconv-conv3", class_norm=True))
    keys = set(G.state_dict())
    assert {"fc.1.gain.weight", "deconv.1.bias.weight", "deconv.4.norm.running_mean"} <= keys
    with torch.no_grad():  # a trained generator's label maps are not zero: give them values
        for name, p in G.named_parameters():
            if ".gain." in name or ".bias." in name:
                p.normal_(0, 0.5)
    G.train()
    G(torch.randn(16, 8), torch.arange(16) % 10)  # batch-norm statistics that are not the initial ones
    G.eval()
    G.save_pretrained(tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.config.class_norm
    seed = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    assert torch.equal(G.sample(4, labels=torch.arange(4), generator=seed()),
                       loaded.sample(4, labels=torch.arange(4), generator=seed()))
    z = torch.randn(1, 8).expand(2, 8)
    e = G.embed(torch.tensor([3, 3]))
    shifted = e.clone()
    shifted[1] += 1.0  # the same noise and the same input, but another embedding reaches the norms
    with torch.no_grad():
        h = torch.cat([z, e], 1)
        through_norms = Generator.layers(G.fc, h, shifted)
    assert not torch.allclose(through_norms[0], through_norms[1])


def test_the_sampling_temperature_scales_the_noise_and_is_1_by_default(generator):
    assert GANConfig().temperature == 1.0  # configs written before the option sample as they always did
    seed = lambda: torch.Generator().manual_seed(4)  # noqa: E731
    z = generator.noise(3, seed())
    assert torch.equal(z, torch.randn(3, 8, generator=seed()))
    labels = torch.tensor([1, 2, 3])
    generator.config.temperature = 1.5
    assert torch.equal(generator.noise(3, seed()), 1.5 * z)
    assert torch.allclose(generator.sample(3, labels=labels, generator=seed()), (generator(1.5 * z, labels) + 1) / 2)
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="temperature must be a finite number above 0"):
            GANConfig(temperature=bad)
