"""Paired image-to-image models: a small U-Net generator and a conditional PatchGAN discriminator (pix2pix,
Isola et al. 2017, arXiv:1611.07004), for two tasks on 28x28 images:

- "super-resolution" (x4): the 7x7 area-downsampled image -> the 28x28 image (as in SRGAN, Ledig et al. 2017,
  arXiv:1609.04802, which adds an adversarial term to a pixel loss);
- "completion": the image with its lower half hidden -> the whole image.

The same generator is trained twice per task (training/train_pix2pix.py): with the L1 loss alone, which
averages every plausible answer into a blur, and with L1 plus the discriminator, which picks one sharp answer.
`degrade` makes a task's input from a clean image; the app and the training script both call it, so the page
shows exactly what the model sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin

TASKS = ("super-resolution", "completion")
SCALE = 4  # super-resolution factor: 28x28 <- 7x7
OBJECTIVES = ("l1", "pix2pix")  # L1 alone, or L1 plus the conditional PatchGAN (pix2pix's objective)


@dataclass
class Pix2PixConfig:
    model_type: str = "pix2pix"  # which class loads a saved folder: "pix2pix" (generator) or "pix2pix-discriminator"
    task: str = "super-resolution"  # "super-resolution" (7x7 -> 28x28) or "completion" (lower half hidden)
    objective: str = "l1"  # what it was trained with: "l1" alone or "pix2pix" (L1 + conditional PatchGAN)
    channels: int = 16  # U-Net width at 28x28; 14x14 uses 2x, the 7x7 bottleneck 4x
    noise_dim: int = 0  # size of a noise vector fed at the bottleneck (0: none); "try again" draws a new one
    dataset: str = "mnist"  # the data set it was trained on

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, got {self.task!r}")
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {self.objective!r}")
        if self.channels < 1 or self.noise_dim < 0:
            raise ValueError(f"channels must be positive and noise_dim at least 0, got {self.channels} "
                             f"and {self.noise_dim}")


def downsample(x: torch.Tensor) -> torch.Tensor:
    """`(B, 1, 28, 28)` -> `(B, 1, 7, 7)`: each pixel the mean of a 4x4 block (area downsampling)."""
    return F.avg_pool2d(x, SCALE)


def bicubic(small: torch.Tensor) -> torch.Tensor:
    """`(B, 1, 7, 7)` -> `(B, 1, 28, 28)` by bicubic interpolation, clipped to [0, 1]: the baseline."""
    return F.interpolate(small, scale_factor=SCALE, mode="bicubic", align_corners=False).clamp(0, 1)


def known_mask(task: str, size: int = 28) -> torch.Tensor:
    """`(1, 1, size, size)`: 1 where the model sees the pixel. Super-resolution sees every (coarse) pixel;
    completion sees the upper half only."""
    mask = torch.ones(1, 1, size, size)
    if task == "completion":
        mask[..., size // 2:, :] = 0
    return mask


def degrade(x: torch.Tensor, task: str) -> torch.Tensor:
    """A clean `(B, 1, 28, 28)` image in [0, 1] -> the generator's input `(B, 2, 28, 28)`: the image as the
    task shows it (super-resolution: the 7x7 image enlarged with visible 4x4 pixels; completion: the lower
    half set to 0) and the mask of known pixels."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    mask = known_mask(task, x.shape[-1]).to(x).expand(x.shape[0], 1, -1, -1)  # (B, 1, 28, 28)
    if task == "super-resolution":
        seen = F.interpolate(downsample(x), scale_factor=SCALE, mode="nearest")  # (B, 1, 28, 28)
    else:
        seen = x * mask
    return torch.cat([seen, mask], dim=1)  # (B, 2, 28, 28)


def block(c_in: int, c_out: int) -> nn.Sequential:
    """Two 3x3 convs, each with batch norm and ReLU, at one resolution."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
    )


class UNet(nn.Module, PyTorchModelHubMixin, library_name="vae-vs-gan-lab",
           tags=["mnist", "pix2pix", "u-net", "image-to-image", "vae-vs-gan-lab"]):
    """The degraded input `(B, 2, 28, 28)` (from `degrade`) -> the restored image `(B, 1, 28, 28)` in [0, 1].
    An encoder halves the size twice (28 -> 14 -> 7), a decoder doubles it back, and skip connections carry
    each encoder level's features across (Ronneberger et al. 2015, arXiv:1505.04597). For completion the
    known upper half is copied from the input, so only the hidden half is the model's."""

    def __init__(self, config: Pix2PixConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.enc1 = block(2, c)  # (B, c, 28, 28)
        self.enc2 = block(c, 2 * c)  # (B, 2c, 14, 14)
        self.bottleneck = block(2 * c + config.noise_dim, 4 * c)  # (B, 4c, 7, 7)
        self.up2 = nn.ConvTranspose2d(4 * c, 2 * c, 2, stride=2)  # (B, 2c, 14, 14)
        self.dec2 = block(4 * c, 2 * c)  # skip from enc2 concatenated: (B, 4c, 14, 14) in
        self.up1 = nn.ConvTranspose2d(2 * c, c, 2, stride=2)  # (B, c, 28, 28)
        self.dec1 = block(2 * c, c)  # skip from enc1 concatenated: (B, 2c, 28, 28) in
        self.out = nn.Conv2d(c, 1, 1)  # (B, 1, 28, 28)

    @property
    def task(self) -> str:
        return self.config.task

    def forward(self, condition: torch.Tensor, z: torch.Tensor | None = None) -> torch.Tensor:
        """`condition` `(B, 2, 28, 28)` from `degrade`; `z` `(B, noise_dim)` (zeros when None). Output in [0, 1]."""
        if condition.ndim != 4 or condition.shape[1:] != (2, 28, 28):
            raise ValueError(f"condition must have shape (B, 2, 28, 28), got {tuple(condition.shape)}")
        h1 = self.enc1(condition)  # (B, c, 28, 28)
        h2 = self.enc2(F.max_pool2d(h1, 2))  # (B, 2c, 14, 14)
        h3 = F.max_pool2d(h2, 2)  # (B, 2c, 7, 7)
        if self.config.noise_dim:
            if z is None:
                z = torch.zeros(len(condition), self.config.noise_dim, device=condition.device)
            h3 = torch.cat([h3, z[:, :, None, None].expand(-1, -1, 7, 7)], dim=1)  # (B, 2c + noise_dim, 7, 7)
        h = self.bottleneck(h3)  # (B, 4c, 7, 7)
        h = self.dec2(torch.cat([self.up2(h), h2], dim=1))  # (B, 2c, 14, 14)
        h = self.dec1(torch.cat([self.up1(h), h1], dim=1))  # (B, c, 28, 28)
        image = torch.sigmoid(self.out(h))  # (B, 1, 28, 28)
        if self.config.task == "completion":  # keep what the model was shown; it fills in the rest
            mask = condition[:, 1:2]
            image = mask * condition[:, 0:1] + (1 - mask) * image
        return image

    @torch.no_grad()
    def restore(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Degrade clean images `(B, 1, 28, 28)` in [0, 1] as the task does, then restore them `(B, 1, 28, 28)`.
        A model with noise draws a fresh z from `generator` (a new completion each draw); else z is unused."""
        device = next(self.parameters()).device
        z = None
        if self.config.noise_dim:
            where = generator.device if generator is not None else torch.device("cpu")
            z = torch.randn(len(x), self.config.noise_dim, generator=generator, device=where).to(device)
        return self(degrade(x.to(device), self.config.task), z)


@dataclass
class PatchDiscriminatorConfig(Pix2PixConfig):
    """The generator's fields (the pair trains together)."""

    model_type: str = "pix2pix-discriminator"


class PatchDiscriminator(nn.Module, PyTorchModelHubMixin, library_name="vae-vs-gan-lab",
                         tags=["mnist", "pix2pix", "patchgan", "discriminator", "vae-vs-gan-lab"]):
    """(condition `(B, 2, 28, 28)`, image `(B, 1, 28, 28)` in [0, 1]) -> `(B, 1, 7, 7)` logits of "real", one
    per overlapping patch of the image (PatchGAN, Isola et al. 2017, sec. 3.2.2): it judges whether each
    local patch is a plausible, sharp continuation of the input, which the L1 loss cannot."""

    def __init__(self, config: PatchDiscriminatorConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.net = nn.Sequential(
            nn.Conv2d(3, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (B, c, 14, 14)
            nn.Conv2d(c, 2 * c, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(2 * c),
            nn.LeakyReLU(0.2),  # (B, 2c, 7, 7)
            nn.Conv2d(2 * c, 1, 3, padding=1),  # (B, 1, 7, 7): each logit sees an 18x18 patch
        )

    def forward(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([condition, image], dim=1))  # (B, 3, 28, 28) in
