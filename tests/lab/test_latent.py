import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from lab.latent import PALETTE, TEXT, interpolate, latent_map, latent_maps, legend_position, manifold, model_latent_map
from lab.plots import font
from tests.colour import CVD, smallest_difference


def test_latent_map_draws_points_in_class_colours_and_the_user_point():
    codes = np.array([[0.0, 0.0], [1.0, 1.0]], dtype=np.float32)
    image = latent_map(codes, np.array([3, 5]), point=[-1.0, -1.0], size=200, half_width=2.0)
    assert image.shape == (200, 200, 3) and image.dtype == np.uint8
    assert tuple(image[100, 100]) == PALETTE[3]  # (0, 0) is the centre
    assert tuple(image[50, 150]) == PALETTE[5]  # (1, 1): right and up
    ring = image[150 - 9: 150 + 10, 50 - 9: 50 + 10]
    assert (ring == 255).all(axis=2).any()  # the white ring around (-1, -1)


def test_latent_maps_and_manifold(tiny_lab):
    vae_map, ae_map = latent_maps(tiny_lab, point=[0.5, 0.5])
    assert vae_map.shape == ae_map.shape == (440, 440, 3)
    grid = manifold(tiny_lab, 5)
    assert grid.shape == (5 * 28 * 3, 5 * 28 * 3)  # 3x enlarged: about 448 pixels across
    with pytest.raises(ValueError, match="Grid size"):
        manifold(tiny_lab, 100)


def test_interpolation_strips_are_reproducible(tiny_lab):
    vae_strip, gan_strip, note = interpolate(tiny_lab, "MNIST", "1", 0, "7", 1, steps=6)
    assert vae_strip.shape == gan_strip.shape == (2 + 112 + 2, 2 + 6 * 114)
    again = interpolate(tiny_lab, "MNIST", "1", 0, "7", 1, steps=6)
    assert np.array_equal(gan_strip, again[1]) and np.array_equal(vae_strip, again[0])
    assert "prior draws" in note


def test_interpolation_from_uploads(tiny_lab):
    a = np.zeros((60, 60), dtype=np.uint8)
    a[10:50, 28:32] = 255
    b = np.zeros((60, 60), dtype=np.uint8)
    b[28:32, 10:50] = 255
    vae_strip, _, note = interpolate(tiny_lab, "MNIST", "1", 0, "7", 0, 4, image_a=a, image_b=b)
    assert "your two pictures" in note
    with pytest.raises(ValueError, match="both pictures"):
        interpolate(tiny_lab, "MNIST", "1", 0, "7", 0, 4, image_a=a)
    with pytest.raises(ValueError, match="Pick a class"):
        interpolate(tiny_lab, "MNIST", "any", 0, "7", 0, 4)


def test_gan_interpolation_ends_are_the_two_conditional_samples(tiny_lab):
    gan = tiny_lab.model("gan-mnist")
    z0, z1 = torch.randn(2, gan.latent_dim, generator=torch.Generator().manual_seed(0))
    strip = gan.interpolate(z0, z1, 1, 7, steps=5)
    ends = (gan(torch.stack([z0, z1]), torch.tensor([1, 7])) + 1) / 2
    assert strip.shape == (5, 1, 28, 28)
    assert torch.allclose(strip[0], ends[0], atol=1e-6) and torch.allclose(strip[-1], ends[1], atol=1e-6)


def test_palette_has_ten_colours_that_stay_apart_for_colour_blind_eyes():
    assert len(PALETTE) == len(set(PALETTE)) == 10
    assert smallest_difference(PALETTE) >= 10
    for name, matrix in CVD.items():
        assert smallest_difference(PALETTE, matrix) >= 10, name
    tableau = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
               (227, 119, 194), (160, 160, 160), (188, 189, 34), (23, 190, 207)]  # the colours used before
    assert smallest_difference(tableau, CVD["protanopia"]) < 6  # orange and green: alike without red cones


def test_legend_draws_each_class_colour_with_its_number():
    image = latent_map(np.zeros((1, 2)), np.array([0]), size=440, half_width=10.0)  # small circles: clear of it
    for i, colour in enumerate(PALETTE):
        (x0, y0, x1, y1), (tx, ty) = legend_position(i, 440)
        assert tuple(image[(y0 + y1) // 2, (x0 + x1) // 2]) == colour
        expected = Image.new("RGB", (14, 22), (12, 12, 16))  # the number alone, drawn as the legend draws it
        ImageDraw.Draw(expected).text((0, 0), str(i), fill=TEXT, font=font(16))
        drawn = image[ty:ty + 22, tx:tx + 14]
        assert np.array_equal(drawn, np.asarray(expected)), i
        assert (drawn.mean(axis=2) > 150).sum() > 10  # bright ink of the number, not an empty patch


def test_each_class_number_is_drawn_at_its_centre_and_the_map_names_its_model(tiny_lab):
    codes = np.concatenate([np.full((20, 2), -1.0), np.full((20, 2), 1.0)])
    labels = np.repeat([2, 6], 20)
    image = latent_map(codes, labels, size=200, half_width=2.0)
    few = latent_map(codes[::4], labels[::4], size=200, half_width=2.0)  # 5 codes a class: too few for a number
    for x, y in ((50, 150), (150, 50)):  # the centres of class 2 at (-1, -1) and class 6 at (1, 1)
        outline = (image[y - 12:y + 12, x - 12:x + 12] == 0).all(axis=2)
        assert outline.sum() > 20  # the number's black outline over its points
        assert not (few[y - 12:y + 12, x - 12:x + 12] == 0).all(axis=2).any()
    marked = model_latent_map(tiny_lab, "vae2d-mnist", point=[0.0, 0.0])
    plain = model_latent_map(tiny_lab, "vae2d-mnist")
    caption = marked[4:28, 4:300] != plain[4:28, 4:300]
    assert caption.any()  # "ring: your digit, placed by vae2d-mnist's encoder", top left, only with a point
