"""The arena's small networks: an MLP (G and D) and a VAE for 2-D points."""

from __future__ import annotations

import torch
import torch.nn as nn


def mlp(n_in: int, hidden: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, n_out))


class ToyVAE(nn.Module):
    """A VAE for 2-D points: MLP encoder -> (mu, logvar) of a 2-D latent, MLP decoder -> the mean of a
    Gaussian over the point, with one learned log-variance per coordinate (so samples have spread)."""

    def __init__(self, hidden: int, latent_dim: int = 2):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = mlp(2, hidden, 2 * latent_dim)
        self.decoder = mlp(latent_dim, hidden, 2)
        self.x_logvar = nn.Parameter(torch.full((2,), -2.0))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x).chunk(2, dim=1)  # (B, latent_dim) each
        return mu, logvar

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Negative ELBO per point (Kingma & Welling 2014, eq. 10), Gaussian decoder and prior."""
        mu, logvar = self.encode(x)
        x_mu = self.decoder(self.reparameterize(mu, logvar))
        # -log N(x; x_mu, exp(x_logvar)) up to the constant log(2 pi)
        nll = 0.5 * (self.x_logvar + (x - x_mu) ** 2 / self.x_logvar.exp()).sum(1)
        kl = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)
        return (nll + kl).mean()

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """`n` points `(n, 2)`: z from the prior, then x from the decoder's Gaussian."""
        z = torch.randn(n, self.latent_dim, generator=generator)
        eps = torch.randn(n, 2, generator=generator)
        return self.decoder(z) + torch.exp(0.5 * self.x_logvar) * eps
