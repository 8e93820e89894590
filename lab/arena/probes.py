"""What the arena's networks say at chosen points, for the step-mode pictures (GAN Lab's views, Kahng et al. 2018):

- `g_arrows`: the direction and relative size of the update G's loss gives each of a fixed sample of fakes,
  minus the loss's gradient with respect to the point: where D's verdict pushes it;
- `g_mesh`: G's image of a regular grid in its noise space (the first two coordinates of z; the rest 0), the
  "generator transformation" drawn as a warped mesh over the plane;
- `vae_posteriors` and `vae_mesh`: the VAE's encoder means and standard deviations for fixed real points, its
  q(z|x) in z-space, and its decoder's image of the same kind of grid.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from lab.arena.nets import ToyVAE
from lab.arena.objectives import g_loss

MESH_LINES = 11  # grid lines per side in noise space
MESH_EXTENT = 2.0  # the grid spans [-MESH_EXTENT, MESH_EXTENT] in each of z's first two coordinates


def g_arrows(G: nn.Module, D: nn.Module, z: torch.Tensor, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The fakes `(n, 2)` G makes from `z` `(n, noise_dim)` and, for each, minus the gradient of its own term of
    G's loss (`kind`, lab/arena/objectives.py) with respect to the point `(n, 2)`: the way D's verdict moves it."""
    with torch.no_grad():
        fake = G(z)
    x = fake.clone().requires_grad_(True)
    loss = g_loss(D(x).squeeze(1), kind) * len(x)  # the sum of the per-point terms: the mean times n
    (grad,) = torch.autograd.grad(loss, x)
    return fake.numpy(), (-grad).numpy()


def z_grid(noise_dim: int, lines: int = MESH_LINES, extent: float = MESH_EXTENT) -> torch.Tensor:
    """A regular `lines` x `lines` grid in the first two coordinates of z, the others 0: `(lines, lines, noise_dim)`,
    [i, j] at (z_1, z_2) = (x_j, y_i)."""
    ticks = torch.linspace(-extent, extent, lines)
    grid = torch.zeros(lines, lines, noise_dim)
    grid[..., 0] = ticks[None, :]
    if noise_dim > 1:
        grid[..., 1] = ticks[:, None]
    return grid


@torch.no_grad()
def g_mesh(G: nn.Module, noise_dim: int, lines: int = MESH_LINES) -> np.ndarray:
    """G applied to `z_grid`: `(lines, lines, 2)` points; row i and column j joined in order make the mesh."""
    grid = z_grid(noise_dim, lines)
    return G(grid.reshape(-1, noise_dim)).reshape(lines, lines, 2).numpy()


@torch.no_grad()
def vae_posteriors(vae: ToyVAE, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's q(z|x) for real points `x` `(n, 2)`: means `(n, latent_dim)` and standard deviations."""
    mu, logvar = vae.encode(torch.as_tensor(x, dtype=torch.float32))
    return mu.numpy(), torch.exp(0.5 * logvar).numpy()


@torch.no_grad()
def vae_mesh(vae: ToyVAE, lines: int = MESH_LINES) -> np.ndarray:
    """The decoder's means for `z_grid` (the prior's bulk): `(lines, lines, 2)` points on the plane."""
    grid = z_grid(vae.latent_dim, lines)
    return vae.decoder(grid.reshape(-1, vae.latent_dim)).reshape(lines, lines, 2).numpy()
