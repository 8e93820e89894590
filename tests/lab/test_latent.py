import numpy as np
import pytest
import torch

from lab.latent import PALETTE, interpolate, latent_map, latent_maps, manifold


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
