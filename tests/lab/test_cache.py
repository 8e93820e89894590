"""The request path's caches (lab/cache.py): bounded, equal to an uncached call, and nothing one request
gets back can change what the next one gets."""

import numpy as np
import pytest
import torch

from lab.anomaly import anomaly_roc, reference_rocs, reference_scores
from lab.cache import BoundedCache, cached
from lab.generate import generate, generated
from lab.kl import ae_vs_vae, ae_vs_vae_draws
from lab.latent import (
    TITLES,
    base_latent_map,
    interpolate,
    latent_map,
    manifold,
    manifold_grid,
    model_latent_map,
    vae_class_code,
)
from lab.loading import load_lab
from models.anomaly import auroc, roc_curve


@pytest.fixture
def fresh_lab(tiny_weights):
    """A lab of its own, so that these tests see its caches empty."""
    return load_lab(tiny_weights, namespace="")


def assert_same(a, b):
    """Equal outputs: arrays by value, containers item by item."""
    assert type(a) is type(b) or (isinstance(a, np.ndarray) and isinstance(b, np.ndarray))
    if isinstance(a, np.ndarray):
        assert a.shape == b.shape and np.array_equal(a, b)
    elif isinstance(a, tuple | list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a, b)
    else:
        assert a == b


def test_bounded_cache_keeps_the_most_recently_used_entries():
    table = BoundedCache(3)
    for k in range(5):
        table.put(k, k * 10)
    assert len(table) == 3 and table.get(0) is None and table.get(1) is None
    assert table.get(2) == 20  # now the most recent: 3 is the oldest
    table.put(5, 50)
    assert table.get(3) is None and [table.get(k) for k in (2, 4, 5)] == [20, 40, 50]
    with pytest.raises(ValueError, match="maxsize"):
        BoundedCache(0)


def test_cached_computes_once_per_input_and_stays_bounded(fresh_lab):
    calls = []

    @cached(maxsize=2)
    def square(lab, n):
        calls.append(n)
        return {"n": n, "grid": np.full((2, 2), n)}

    assert square(fresh_lab, 3)["n"] == 3 and square(fresh_lab, 3)["n"] == 3
    assert calls == [3]
    for n in (4, 5, 6):
        square(fresh_lab, n)
    assert len(next(t for name, t in fresh_lab.caches.items() if name.endswith("square"))) == 2
    square(fresh_lab, 3)  # evicted: computed again
    assert calls == [3, 4, 5, 6, 3]


def test_what_a_cache_hands_out_cannot_change_the_next_answer(fresh_lab):
    vae_grid, gan_grid, stats = generate(fresh_lab, "MNIST", "any", 8, 0)
    vae_grid[:] = 7  # each request gets its own grid, laid out from the cached samples
    assert not np.array_equal(generate(fresh_lab, "MNIST", "any", 8, 0)[0], vae_grid)
    with pytest.raises(ValueError, match="read-only"):
        generated(fresh_lab, "MNIST", None, 8, 0)[0][0, 0, 0, 0] = 7  # the cached samples are read-only
    stats["vae"]["sharpness"] = -1.0  # a caller may change its own copy of the figures...
    stats["gan"]["predicted"].append("x")
    again = generate(fresh_lab, "MNIST", "any", 8, 0)[2]
    assert again["vae"]["sharpness"] != -1.0 and len(again["gan"]["predicted"]) == 8  # ...never the cached ones


def test_generate_from_the_cache_equals_an_uncached_call(fresh_lab):
    for label, count, seed in (("any", 8, 0), ("7", 5, 3), ("any", 64, 12)):
        first = generate(fresh_lab, "MNIST", label, count, seed)
        cached_again = generate(fresh_lab, "MNIST", label, str(count), float(seed))  # parsed to the same key
        label_index = None if label == "any" else int(label)
        assert_same(first, cached_again)
        assert_same(generated(fresh_lab, "MNIST", label_index, count, seed),
                    generated.uncached(fresh_lab, "MNIST", label_index, count, seed))
    table = fresh_lab.caches["lab.generate.generated"]
    assert len(table) == 3 and table.hits == 6 and generated.maxsize == 32  # two hits per repeated request
    tiles = generated(fresh_lab, "MNIST", None, 64, 12)
    assert tiles[0].dtype == np.uint8 and tiles[0].shape == (64, 1, 28, 28)  # 50 KB, not the 0.8 MB grid


def test_manifold_grids_are_cached_per_size_and_equal_uncached_ones(fresh_lab):
    grid = manifold(fresh_lab, 5)
    assert manifold(fresh_lab, "5") is grid  # the same read-only picture, not decoded again
    assert not grid.flags.writeable
    assert np.array_equal(grid, manifold_grid.uncached(fresh_lab, 5))
    for n in range(3, 31):
        manifold(fresh_lab, n)
    assert len(fresh_lab.caches["lab.latent.manifold_grid"]) <= manifold_grid.maxsize == 28


def test_latent_map_with_a_mark_is_the_base_plus_the_mark_and_leaves_the_base_alone(fresh_lab):
    base = base_latent_map(fresh_lab, "vae2d-mnist")
    before = base.copy()
    point = [0.4, -0.7]
    marked = model_latent_map(fresh_lab, "vae2d-mnist", point)
    codes = fresh_lab.npz("vae2d-mnist", "latent_map.npz")
    caption = "ring: your digit, placed by vae2d-mnist's encoder"
    drawn_whole = latent_map(codes["codes"], codes["labels"], point, TITLES["vae2d-mnist"], point_label=caption)
    assert np.array_equal(marked, drawn_whole)
    assert not np.array_equal(marked, base)  # the ring is there...
    assert np.array_equal(base, before) and not base.flags.writeable  # ...on a copy: the base is untouched
    assert model_latent_map(fresh_lab, "vae2d-mnist") is base
    assert np.array_equal(base, latent_map(codes["codes"], codes["labels"], None, TITLES["vae2d-mnist"]))
    edge = model_latent_map(fresh_lab, "vae2d-mnist", [50.0, -50.0])  # far outside: ring clipped to the corner
    assert np.array_equal(edge, latent_map(codes["codes"], codes["labels"], [50.0, -50.0], TITLES["vae2d-mnist"],
                                           point_label=caption))


def test_ae_vs_vae_from_the_cache_equals_an_uncached_call(fresh_lab):
    first = ae_vs_vae(fresh_lab, 12, 4)
    assert_same(first, ae_vs_vae(fresh_lab, "12", 4))
    assert_same(first, ae_vs_vae_draws.uncached(fresh_lab, 12, 4))
    assert len(fresh_lab.caches["lab.kl.ae_vs_vae_draws"]) == 1


def test_interpolation_class_codes_are_cached_and_equal_uncached_ones(fresh_lab):
    strips = interpolate(fresh_lab, "MNIST", "1", 0, "7", 1, steps=6)
    assert_same(strips, interpolate(fresh_lab, "MNIST", "1", 0, "7", 1, steps=6))
    code = vae_class_code(fresh_lab, "MNIST", 1, 0)
    assert torch.equal(code, vae_class_code.uncached(fresh_lab, "MNIST", 1, 0))
    code += 1  # a caller's copy
    assert torch.equal(vae_class_code(fresh_lab, "MNIST", 1, 0), vae_class_code.uncached(fresh_lab, "MNIST", 1, 0))


def test_roc_curves_are_computed_once_and_match_a_fresh_computation(fresh_lab):
    curves, aurocs = reference_rocs(fresh_lab)
    scores = reference_scores(fresh_lab, "vae-mnist")
    fpr, tpr, _ = roc_curve(scores["mnist"], scores["noise"])
    assert np.array_equal(curves["uniform noise"][0], fpr) and np.array_equal(curves["uniform noise"][1], tpr)
    assert aurocs["noise"] == round(auroc(scores["mnist"], scores["noise"]), 4)
    low, high = anomaly_roc(fresh_lab, 80)[2], anomaly_roc(fresh_lab, 130)[2]
    assert low["auroc_noise"] == high["auroc_noise"] == aurocs["noise"]
    assert low["false_positive_rate_mnist"] > high["false_positive_rate_mnist"]  # the threshold still counts


def test_grids_laid_out_from_the_cached_samples_are_the_grids_of_the_samples_themselves(fresh_lab):
    from lab.images import image_grid

    _, gan_grid, _ = generate(fresh_lab, "MNIST", "3", 5, 4)
    images = fresh_lab.model("gan-mnist").sample(5, labels=torch.full((5,), 3, dtype=torch.long),
                                                 generator=torch.Generator().manual_seed(4))
    assert np.array_equal(gan_grid, image_grid(images, ncol=5))  # pixel for pixel: uint8 storage loses nothing


def test_the_maps_frame_is_computed_once_per_model_and_equals_the_drawn_maps_frame(fresh_lab):
    from lab.latent import frame_half_width, map_half_width

    model_latent_map(fresh_lab, "vae2d-mnist", [0.1, 0.2])
    model_latent_map(fresh_lab, "vae2d-mnist", [0.3, -0.2])
    table = fresh_lab.caches["lab.latent.map_half_width"]
    assert len(table) == 1 and table.hits == 1  # the second marked map reused the frame
    assert map_half_width(fresh_lab, "vae2d-mnist") == frame_half_width(
        fresh_lab.npz("vae2d-mnist", "latent_map.npz")["codes"])
