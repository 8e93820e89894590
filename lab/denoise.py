"""Denoising, measured: corrupt a clean digit, pass it through the VAE, and compare both with the clean one
by PSNR (peak signal-to-noise ratio, in dB; higher is closer to the clean image)."""

import math

import torch

from lab.images import to_uint8, upscale
from lab.inputs import parse_choice, parse_dataset
from lab.loading import Lab
from lab.preprocess import preprocess
from lab.reconstruct import FIT_BOX, SCALE, add_noise, parse_noise
from models.registry import model_name

NOISE_TYPES = {
    "Gaussian": "pixel noise with standard deviation = level, clipped to [0, 1]",
    "Salt and pepper": "a share = level of the pixels set to black or white (half each)",
    "Masked block": "a black square of side level × 28 pixels over the centre of the image",
}


def parse_noise_type(kind: str) -> str:
    return parse_choice(kind, NOISE_TYPES, "noise type")


def corrupt(x: torch.Tensor, kind: str, level: float, seed: int = 0) -> torch.Tensor:
    """`x` `(B, 1, 28, 28)` in [0, 1] with noise of `kind` at `level` in [0, 1] (fixed seed: the same
    image, kind and level always give the same corrupted input)."""
    kind = parse_noise_type(kind)
    if kind == "Gaussian":
        return add_noise(x, level, seed)
    if kind == "Salt and pepper":
        g = torch.Generator().manual_seed(seed)
        hit = torch.rand(x.shape, generator=g) < level
        salt = torch.rand(x.shape, generator=g) < 0.5
        return torch.where(hit, salt.to(x.dtype), x)
    side = round(level * x.shape[-1])
    top = (x.shape[-2] - side) // 2
    left = (x.shape[-1] - side) // 2
    masked = x.clone()
    masked[..., top:top + side, left:left + side] = 0.0
    return masked


def psnr(image: torch.Tensor, reference: torch.Tensor) -> float:
    """Peak signal-to-noise ratio in dB for images in [0, 1]: 10 log10(1 / MSE); inf when identical."""
    mse = (image - reference).pow(2).mean().item()
    return math.inf if mse == 0 else 10 * math.log10(1.0 / mse)


def _db(value: float) -> float | None:
    return None if math.isinf(value) else round(value, 2)  # JSON has no infinity


@torch.inference_mode()
def denoise(lab: Lab, image, dataset: str = "MNIST", kind: str = "Gaussian", level=0.5):
    """`/denoise`: (noisy input, VAE output, clean input, figures)."""
    dataset, kind, level = parse_dataset(dataset), parse_noise_type(kind), parse_noise(level)
    clean = preprocess(image, box=FIT_BOX[dataset]).x
    noisy = corrupt(clean, kind, level)
    denoised = lab.model(model_name("vae", dataset)).reconstruct(noisy)
    psnr_noisy, psnr_denoised = psnr(noisy, clean), psnr(denoised, clean)
    result = {
        "dataset": dataset, "noise": kind, "level": level, "what": NOISE_TYPES[kind],
        "psnr_noisy_db": _db(psnr_noisy), "psnr_denoised_db": _db(psnr_denoised),
        "gain_db": None if math.isinf(psnr_noisy) else round(psnr_denoised - psnr_noisy, 2),
    }
    return (*(upscale(to_uint8(t), SCALE) for t in (noisy, denoised, clean)), result)
