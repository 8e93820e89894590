"""The GAN's losses in the arena, as the papers write them, on D's logits (D(x) = sigmoid(logit))."""

from __future__ import annotations

import torch
import torch.nn.functional as F

G_LOSSES = ["non-saturating", "minimax"]


def d_loss(real_logit: torch.Tensor, fake_logit: torch.Tensor) -> torch.Tensor:
    """D maximizes log D(x) + log(1 - D(G(z))) (Goodfellow et al. 2014, eq. 1): as BCE with logits,
    softplus(-l) = -log sigmoid(l) and softplus(l) = -log(1 - sigmoid(l))."""
    return F.softplus(-real_logit).mean() + F.softplus(fake_logit).mean()


def g_loss(fake_logit: torch.Tensor, kind: str) -> torch.Tensor:
    """G's loss on D's logits for its samples. non-saturating: maximize log D(G(z)) (ibid., section 3);
    minimax: minimize log(1 - D(G(z))), whose gradient vanishes when D rejects G's samples."""
    if kind == "non-saturating":
        return F.softplus(-fake_logit).mean()
    if kind == "minimax":
        return -F.softplus(fake_logit).mean()
    raise ValueError(f"G loss must be one of {', '.join(G_LOSSES)}, got {kind!r}")
