"""The GAN's objectives in the arena, as the papers write them, on D's raw outputs `l` (for the first two,
logits: D(x) = sigmoid(l)). The arena's "G loss" knob picks one; it sets D's loss too:

- "non-saturating" and "minimax" (Goodfellow et al. 2014): D maximizes log D(x) + log(1 - D(G(z))) (eq. 1);
  G maximizes log D(G(z)) (sec. 3), or minimizes log(1 - D(G(z))), whose gradient vanishes once D rejects G's
  samples.
- "least squares" (LSGAN, Mao et al. 2017, arXiv:1611.04076, eq. 2 with a = 0, b = c = 1): D minimizes
  (D(x) - 1)^2 / 2 + D(G(z))^2 / 2, G minimizes (D(G(z)) - 1)^2 / 2: fakes far from the data on the right
  side of D's boundary are still pulled in, so G's gradient does not vanish.
- "Wasserstein-GP" (WGAN-GP, Gulrajani et al. 2017, arXiv:1704.00028, algorithm 1): D is a critic with no
  sigmoid; it minimizes D(G(z)) - D(x) + lambda (||grad D(x_hat)|| - 1)^2 with x_hat a random point between a
  real and a fake one and lambda = 10, and G minimizes -D(G(z)).

`verdict` turns D's outputs into the [0, 1] "how real" the heat map and the charts show.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

G_LOSSES = ["non-saturating", "minimax", "least squares", "Wasserstein-GP"]
GP_WEIGHT = 10.0  # WGAN-GP's lambda (Gulrajani et al. 2017, sec. 4 and algorithm 1)


def check(kind: str) -> str:
    if kind not in G_LOSSES:
        raise ValueError(f"G loss must be one of {', '.join(G_LOSSES)}, got {kind!r}")
    return kind


def d_loss(real_out: torch.Tensor, fake_out: torch.Tensor, kind: str = "non-saturating") -> torch.Tensor:
    """D's loss on its outputs for real points and fakes (without WGAN-GP's penalty: `gradient_penalty`).
    The BCE form: softplus(-l) = -log sigmoid(l) and softplus(l) = -log(1 - sigmoid(l))."""
    if check(kind) == "least squares":
        return ((real_out - 1) ** 2).mean() / 2 + (fake_out ** 2).mean() / 2
    if kind == "Wasserstein-GP":
        return fake_out.mean() - real_out.mean()
    return F.softplus(-real_out).mean() + F.softplus(fake_out).mean()


def g_loss(fake_out: torch.Tensor, kind: str) -> torch.Tensor:
    """G's loss on D's outputs for its samples."""
    if check(kind) == "non-saturating":
        return F.softplus(-fake_out).mean()
    if kind == "minimax":
        return -F.softplus(fake_out).mean()
    if kind == "least squares":
        return ((fake_out - 1) ** 2).mean() / 2
    return -fake_out.mean()  # Wasserstein-GP


def gradient_penalty(D: nn.Module, real: torch.Tensor, fake: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """WGAN-GP's penalty E[(||grad_x D(x_hat)||_2 - 1)^2], x_hat = eps x + (1 - eps) x_fake, eps `(B, 1)` in [0, 1]
    (Gulrajani et al. 2017, algorithm 1, lines 6-7; the weight GP_WEIGHT is the caller's)."""
    x_hat = (eps * real + (1 - eps) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.norm(dim=1) - 1) ** 2).mean()


def verdict(out: torch.Tensor, kind: str, centre: float = 0.0) -> torch.Tensor:
    """D's outputs as "how real", in [0, 1]: sigmoid(l) for the BCE objectives, D's own score clipped for least
    squares (its targets are 1 for real, 0 for fake), and for the critic, whose scale means nothing,
    sigmoid(score - centre) with `centre` the midpoint between its mean scores of real and fake points."""
    if check(kind) == "least squares":
        return out.clamp(0, 1)
    if kind == "Wasserstein-GP":
        return torch.sigmoid(out - centre)
    return torch.sigmoid(out)
