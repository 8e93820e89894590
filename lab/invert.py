"""A GAN has no encoder: to find the code of a given digit it must search.

The VAE encodes a digit in one forward pass (x -> mu -> decode). For the conditional GAN we look for
(z, class) with G(z, class) close to the digit: all 10 classes x `STARTS` random starts z ~ N(0, I) in one
batch, `steps` Adam steps on z minimising the mean squared pixel error, and keep the best candidate
(GAN inversion, e.g. Zhu et al. 2016, "Generative visual manipulation on the natural image manifold").
Both are measured the same way: mean squared error per pixel against the digit, and wall-clock time.
"""

import time
from collections.abc import Callable

import torch

from lab.images import to_uint8, upscale
from lab.inputs import parse_int
from lab.loading import Lab
from lab.preprocess import preprocess
from lab.reconstruct import FIT_BOX, SCALE
from models.gan import Generator

MAX_STEPS = 100  # cap on Adam steps (10 classes x 3 starts each): about 2 s on two idle CPU cores
DEFAULT_STEPS = 60
STARTS = 3  # random starts per class
LR = 0.1


def invert_gan(gan: Generator, x: torch.Tensor, steps: int = DEFAULT_STEPS, starts: int = STARTS, lr: float = LR,
               seed: int = 0, callback: Callable[[int, int], None] | None = None) -> dict:
    """Search (z, class) so that G(z, class) matches `x` `(1, 1, 28, 28)` in [0, 1]. Returns the best
    `image` `(1, 1, 28, 28)`, its `label`, `error` (MSE per pixel), `start_error` (the best candidate's
    error before any step) and `history` (best error after each step)."""
    labels = torch.arange(gan.num_classes * starts) % gan.num_classes  # (10 * starts,) every class, `starts` times
    z = torch.randn(len(labels), gan.latent_dim, generator=torch.Generator().manual_seed(seed)).requires_grad_(True)
    opt = torch.optim.Adam([z], lr=lr)
    frozen = [p for p in gan.parameters() if p.requires_grad]
    for p in frozen:
        p.requires_grad_(False)
    history = []
    try:
        for step in range(steps + 1):
            images = (gan(z, labels) + 1) / 2  # (N, 1, 28, 28) in [0, 1]
            errors = (images - x).pow(2).flatten(1).mean(1)  # (N,)
            history.append(errors.min().item())
            if step == steps:
                break
            opt.zero_grad(set_to_none=True)
            errors.sum().backward()  # each candidate's own error: independent searches in one batch
            opt.step()
            if callback is not None:
                callback(step + 1, steps)
    finally:
        for p in frozen:
            p.requires_grad_(True)
    best = int(errors.argmin())
    return {"image": images[best:best + 1].detach(), "label": int(labels[best]), "error": history[-1],
            "start_error": history[0], "history": history}


def invert(lab: Lab, image, steps=DEFAULT_STEPS, progress: Callable[[int, int], None] | None = None):
    """`/invert`: (the digit as the models see it, VAE reconstruction, GAN inversion, figures)."""
    steps = parse_int(steps, "Adam steps", 1, MAX_STEPS)
    x = preprocess(image, box=FIT_BOX["MNIST"]).x
    vae, gan = lab.model("vae-mnist"), lab.model("gan-mnist")
    start = time.perf_counter()
    with torch.inference_mode():
        x_vae = vae.reconstruct(x)
    vae_seconds = time.perf_counter() - start
    start = time.perf_counter()
    found = invert_gan(gan, x, steps, callback=progress)
    gan_seconds = time.perf_counter() - start
    vae_error = (x_vae - x).pow(2).mean().item()
    result = {
        "vae": {"error": round(vae_error, 5), "seconds": round(vae_seconds, 4),
                "how": "one encoder pass, one decoder pass"},
        "gan": {"error": round(found["error"], 5), "error_at_start": round(found["start_error"], 5),
                "seconds": round(gan_seconds, 3), "class_found": found["label"],
                "how": f"{steps} Adam steps on z for all 10 classes x {STARTS} random starts "
                       f"({10 * STARTS * steps} generator passes and as many backward passes); best kept"},
        "error_measure": "mean squared error per pixel against your digit (0 = identical)",
    }
    pictures = [upscale(to_uint8(t), SCALE) for t in (x, x_vae, found["image"])]
    return *pictures, result
