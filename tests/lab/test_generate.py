import numpy as np
import pytest
import torch

from lab.generate import describe, generate, noise_note, parse_count, readout_text
from lab.images import framed, image_grid, upscale


@pytest.mark.parametrize("count", [0, 65, 2.5, "many", None])
def test_bad_counts(count):
    with pytest.raises(ValueError, match="whole number from 1 to 64"):
        parse_count(count)


def test_counts_from_the_page():
    assert parse_count(16.0) == 16 and parse_count("64") == 64
    with pytest.raises(ValueError, match="How many must be a whole number from 1 to 64, got 'many'."):
        parse_count("many")


def test_image_grid_is_nearest_neighbour_and_laid_out():
    import torch

    images = torch.zeros(3, 1, 28, 28)
    images[1, 0, 0, 0] = 1.0
    grid = image_grid(images, scale=2, ncol=3, gap=1, background=7)
    assert grid.shape == (1 + 56 + 1, 1 + 3 * (56 + 1)) and grid.dtype == np.uint8
    left = 1 + 56 + 1  # second tile
    assert (grid[1:3, left:left + 2] == 255).all() and grid[3, left] == 0  # a 2x2 block, no blur
    assert grid[0, 0] == 7
    assert upscale(np.eye(2, dtype=np.uint8), 3).shape == (6, 6)


def test_generate_any_class(tiny_lab):
    vae_grid, gan_grid, stats = generate(tiny_lab, "MNIST", "any", 10, 3)
    assert vae_grid.dtype == np.uint8 and vae_grid.ndim == 2
    assert gan_grid.shape == vae_grid.shape  # same layout side by side: 8 columns, 2 rows
    assert gan_grid.shape == (2 + 2 * (112 + 2), 2 + 8 * (112 + 2))
    assert stats["count"] == 10 and stats["label"] == "any"
    for model in ("vae", "gan"):
        assert stats[model]["sharpness"] > 0
        assert 0 <= stats[model]["recognisability"] <= 1
        assert len(stats[model]["predicted"]) == 10


def test_generate_is_reproducible_by_seed(tiny_lab):
    a = generate(tiny_lab, "Fashion-MNIST", "Bag", 4, 11)
    b = generate(tiny_lab, "Fashion-MNIST", "Bag", 4, 11)
    c = generate(tiny_lab, "Fashion-MNIST", "Bag", 4, 12)
    assert np.array_equal(a[1], b[1]) and a[2] == b[2]
    assert not np.array_equal(a[1], c[1])
    assert a[2]["gan"]["how"] == "4 samples with the class input set to 'Bag'" and a[2]["label"] == "Bag"


def test_a_sampling_temperature_is_named_where_it_is_not_1():
    from models.gan import GANConfig, Generator

    gan = Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4))
    assert noise_note(gan) == ""  # z ~ N(0, I), as trained: nothing to say
    gan.config.temperature = 1.06
    assert noise_note(gan) == (", noise z ~ N(0, 1.06² I): a sampling temperature set after training "
                               "(more varied, a little less typical)")
    gan.config.temperature = 0.8
    assert noise_note(gan).endswith("N(0, 0.8² I): a sampling temperature set after training "
                                    "(more typical, less varied)")


def test_each_grid_is_described_in_a_sentence_with_its_counts():
    stats = {"dataset": "MNIST", "label": "7", "seed": 3,
             "gan": {"predicted": ["7"] * 14 + ["1", "9"], "how": "16 samples"}}
    assert describe(stats, "gan") == ("A grid of 16 GAN samples of the digit 7 (MNIST, seed 3), 8 to a row; "
                                      "the classifier reads 14 of 16 as 7.")
    stats = {"dataset": "Fashion-MNIST", "label": "any", "seed": 0,
             "vae": {"predicted": ["Bag"] * 3 + ["Coat"] * 2 + ["Dress", "Shirt"], "how": "7 draws"}}
    assert describe(stats, "vae") == ("A grid of 7 VAE samples of garments of any class (Fashion-MNIST, seed 0), "
                                      "7 to a row; the classifier reads 3 as Bag, 2 as Coat, 1 as Dress and 1 as "
                                      "other classes.")
    stats["vae"]["predicted"] = []
    assert describe(stats, "vae") == "No VAE samples of garments of any class (Fashion-MNIST, seed 0): 7 draws"


def test_generate_returns_the_descriptions(tiny_lab):
    _, _, stats = generate(tiny_lab, "MNIST", "2", 4, 1)
    for model in ("vae", "gan"):
        assert stats[model]["description"] == describe(stats, model)
        assert "of the digit 2 (MNIST, seed 1)" in stats[model]["description"]


def test_vae_class_request_is_honest(tiny_lab):
    _, _, stats = generate(tiny_lab, "MNIST", "3", 8, 0)
    vae = stats["vae"]
    assert "prior draws" in vae["how"]
    # every VAE sample shown was classified as a 3 by the classifier; the readout is the share before selection
    assert set(vae["predicted"]) <= {"3"}
    assert 0 <= vae["recognisability"] <= 1


def test_readout_text():
    stats = {"vae": {"sharpness": 0.4567, "recognisability": 0.125, "how": "prior draws"}}
    expected = "**Sharpness** 0.46 × real · **Recognisable** 12%  \n<small>prior draws</small>"
    assert readout_text(stats, "vae") == expected
    assert readout_text(None, "gan") == ""
    stats["vae"]["evaluated"] = {"precision": 0.7226, "recall": 0.8155, "real_precision": 0.87, "real_recall": 0.874}
    assert readout_text(stats, "vae") == (
        "**Sharpness** 0.46 × real · **Recognisable** 12%  \n**Precision** 0.72 (realistic) · **Recall** 0.82 "
        "(diverse) <small>over 10,000 samples; real data scores 0.87 · 0.87</small>  \n<small>prior draws</small>")


def test_generate_reports_the_evaluated_precision_and_recall(tiny_lab):
    *_, stats = generate(tiny_lab, "MNIST", "any", 4, 0)
    for model, (precision, recall) in (("vae", (0.7, 0.8)), ("gan", (0.75, 0.65))):
        assert stats[model]["evaluated"] == {"precision": precision, "recall": recall, "real_precision": 0.87,
                                             "real_recall": 0.87}


def test_framed_pads_to_a_square_without_stretching():
    tall = np.full((40, 10), 255, dtype=np.uint8)
    square = framed(tall, size=160, fill=7)
    assert square.shape == (160, 160)  # 40 x 40, enlarged 4x
    assert (square[:, :60] == 7).all() and (square[:, 60:100] == 255).all() and (square[:, 100:] == 7).all()
    photo = np.zeros((300, 200, 3), dtype=np.uint8)
    assert framed(photo, size=160).shape == (300, 300, 3)  # big pictures are only padded


def test_a_class_no_vae_draw_satisfies_gets_a_clear_message(tiny_lab, monkeypatch):
    classifier = tiny_lab.model("classifier-mnist")
    real_predict = classifier.predict
    # the classifier never sees a 3 in the VAE's decodes, as with weights that rarely make one
    monkeypatch.setattr(classifier, "predict", lambda x: torch.where(real_predict(x) == 3, 4, real_predict(x)))
    vae_grid, gan_grid, stats = generate(tiny_lab, "MNIST", "3", 8, 0)
    assert stats["vae"]["recognisability"] == 0.0 and stats["vae"]["predicted"] == []
    assert stats["vae"]["how"].startswith("none of 4096 prior draws decoded to something the classifier calls a '3'")
    assert "Try another class, or 'any'." in readout_text(stats, "vae")
    assert vae_grid.shape == gan_grid.shape == (2 + 112 + 2, 2 + 8 * 114) and vae_grid.max() == 64  # no sample
    assert len(stats["gan"]["predicted"]) == 8  # the GAN still answers


def test_readout_text_refuses_what_is_not_generate_stats():
    with pytest.raises(ValueError, match="Expected the stats /generate returns"):
        readout_text({"vae": 1}, "vae")
