"""Convolutional variational autoencoder (Kingma & Welling 2014, arXiv:1312.6114).

x -> encode -> (mu, logvar) -> reparameterize -> z -> decode -> Bernoulli means.
The same `Encoder` / `Decoder` pair also serves the 2-D autoencoder
(`models/autoencoder.py`), which drops the KL term.
"""


import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin


@dataclass
class VAEConfig:
    model_type: str = "vae"  # which class loads a saved folder (read by models.load_model)
    latent_dim: int = 32  # size of z; 2 for the latent-map model
    channels: int = 32  # conv width at 14x14; the 7x7 layer uses 2x
    hidden_dim: int = 256  # fully connected layer between the conv features and z
    dataset: str = "mnist"  # the data set it was trained on
    binarized: bool = True  # trained on dynamically binarized pixels (a true Bernoulli likelihood)


class Encoder(nn.Module):
    """`(B, 1, 28, 28)` -> `(B, out_dim)`."""

    def __init__(self, channels: int, hidden_dim: int, out_dim: int):
        super().__init__()
        c = channels
        self.net = nn.Sequential(
            nn.Conv2d(1, c, 4, stride=2, padding=1), nn.SiLU(),  # (B, c, 14, 14)
            nn.Conv2d(c, 2 * c, 4, stride=2, padding=1), nn.SiLU(),  # (B, 2c, 7, 7)
            nn.Flatten(),  # (B, 2c * 49)
            nn.Linear(2 * c * 7 * 7, hidden_dim), nn.SiLU(),
            nn.Linear(hidden_dim, out_dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Decoder(nn.Module):
    """`(B, latent_dim)` -> `(B, 1, 28, 28)` logits."""

    def __init__(self, channels: int, hidden_dim: int, latent_dim: int):
        super().__init__()
        c = channels
        self.fc = nn.Sequential(
            nn.Linear(latent_dim, hidden_dim), nn.SiLU(),
            nn.Linear(hidden_dim, 2 * c * 7 * 7), nn.SiLU(),
        )
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1), nn.SiLU(),  # (B, c, 14, 14)
            nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1),  # (B, 1, 28, 28)
        )
        self.channels = c

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.fc(z).view(-1, 2 * self.channels, 7, 7)  # (B, 2c, 7, 7)
        return self.deconv(h)


class VAE(nn.Module, PyTorchModelHubMixin, library_name="vae-vs-gan-lab",
          tags=["mnist", "vae", "generative", "vae-vs-gan-lab"]):
    """Gaussian encoder q(z|x), standard normal prior p(z), Bernoulli decoder p(x|z)."""


    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config.channels, config.hidden_dim, 2 * config.latent_dim)
        self.decoder = Decoder(config.channels, config.hidden_dim, config.latent_dim)

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Parameters of q(z|x): `mu`, `logvar`, each `(B, latent_dim)`."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor,
                       generator: torch.Generator | None = None) -> torch.Tensor:
        """z = mu + sigma * eps, eps ~ N(0, I): a sample that gradients flow through."""
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        return mu + torch.exp(0.5 * logvar) * eps

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Logits of p(x|z), `(B, 1, 28, 28)`: the numerically stable form for the loss."""
        return self.decoder(z)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli means of p(x|z) in [0, 1], `(B, 1, 28, 28)`."""
        return torch.sigmoid(self.decoder(z))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Returns `(logits, mu, logvar)` for one posterior sample per image."""
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode_logits(z), mu, logvar

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode `n` draws z ~ N(0, I) from the prior: `(n, 1, 28, 28)` in [0, 1]. The draws are made on
        `generator`'s device (a CPU generator gives the same z on any device) and moved to the model's."""
        device = next(self.parameters()).device
        where = generator.device if generator is not None else device
        z = torch.randn(n, self.latent_dim, generator=generator, device=where).to(device)
        return self.decode(z)

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Decode the posterior mean: the model's best reconstruction of `x`, in [0, 1]."""
        mu, _ = self.encode(x)
        return self.decode(mu)


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) per image, `(B,)`."""
    # KL = -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2)   (Kingma & Welling 2014, Appendix B)
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def bernoulli_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """-log p(x|z) per image in nats, `(B,)`, for Bernoulli pixels with the given logits."""
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)


def negative_elbo(logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor,
                  logvar: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """Mean over the batch of -ELBO = -E_q[log p(x|z)] + beta * KL(q(z|x) || p(z))."""
    # -ELBO(x) = -E_{q(z|x)}[log p(x|z)] + KL(q(z|x) || p(z))   (Kingma & Welling 2014, eq. 3)
    return (bernoulli_nll(logits, x) + beta * kl_divergence(mu, logvar)).mean()


@torch.no_grad()
def iwae_log_likelihood(model: VAE, x: torch.Tensor, k: int = 100, generator: torch.Generator | None = None,
                        posterior: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
    """Importance-weighted estimate of log p(x) per image in nats, `(B,)`.

    log p(x) ~= log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x), z_i ~ q(z|x)   (Burda et al. 2015, eq. 8)
    A lower bound that tightens as k grows; -log p(x) is the test NLL the literature reports.
    `posterior`: the proposal's `(mu, logvar)`; the encoder's q(z|x) when None. Any Gaussian
    proposal gives a valid bound on the same model's log p(x); a better one gives a tighter bound.
    """
    mu, logvar = model.encode(x) if posterior is None else posterior  # (B, D) each
    std = torch.exp(0.5 * logvar)
    B, D = mu.shape
    eps = torch.randn(k, B, D, generator=generator, device=x.device)
    z = mu + std * eps  # (k, B, D)
    logits = model.decode_logits(z.reshape(k * B, D))  # (k*B, 1, 28, 28)
    log_px_z = -bernoulli_nll(logits, x.repeat(k, 1, 1, 1)).view(k, B)
    log_2pi = math.log(2 * math.pi)
    log_pz = -0.5 * (z.pow(2) + log_2pi).sum(2)  # (k, B)
    log_qz_x = -0.5 * (eps.pow(2) + logvar + log_2pi).sum(2)  # (k, B)
    return torch.logsumexp(log_px_z + log_pz - log_qz_x, dim=0) - math.log(k)


def refine_posterior(model: VAE, x: torch.Tensor, steps: int = 50, lr: float = 0.05,
                     generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Start from the encoder's (mu, logvar) and maximize each image's own ELBO over them with
    Adam, the decoder fixed: it closes the encoder's "amortization gap" (Cremer et al. 2018,
    arXiv:1801.03558), so the IWAE bound measures the model rather than its encoder."""
    with torch.no_grad():
        mu, logvar = model.encode(x)
    mu, logvar = mu.clone().requires_grad_(True), logvar.clone().requires_grad_(True)
    opt = torch.optim.Adam([mu, logvar], lr=lr)
    frozen = [p for p in model.parameters() if p.requires_grad]
    for p in frozen:
        p.requires_grad_(False)
    try:
        for _ in range(steps):
            eps = torch.randn(mu.shape, generator=generator, device=mu.device)
            z = mu + torch.exp(0.5 * logvar) * eps
            loss = (bernoulli_nll(model.decode_logits(z), x) + kl_divergence(mu, logvar)).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    finally:
        for p in frozen:
            p.requires_grad_(True)
    return mu.detach(), logvar.detach()
