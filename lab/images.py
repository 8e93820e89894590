"""Turning `(B, 1, 28, 28)` tensors in [0, 1] into crisp uint8 pictures for the page."""

import math

import numpy as np
import torch


def to_uint8(image: torch.Tensor | np.ndarray) -> np.ndarray:
    """A [0, 1] image of any leading shape -> uint8 `(H, W)`."""
    array = image.detach().cpu().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    array = np.squeeze(array)
    return (np.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def upscale(image: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour upscaling: every pixel becomes a `scale` x `scale` block, no blur."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def image_grid(images: torch.Tensor, scale: int = 4, ncol: int | None = None, gap: int = 2,
               background: int = 64) -> np.ndarray:
    """Lay `(B, 1, 28, 28)` images out as one uint8 `(H, W)` picture, each upscaled `scale`x
    (nearest neighbour), `gap` gray pixels between tiles."""
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"expected images of shape (B, 1, H, W), got {tuple(images.shape)}")
    n, _, h, w = images.shape
    ncol = ncol or min(n, max(1, math.ceil(math.sqrt(n))))
    nrow = max(1, math.ceil(n / ncol))
    tile_h, tile_w = h * scale, w * scale
    grid = np.full((nrow * (tile_h + gap) + gap, ncol * (tile_w + gap) + gap), background, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, ncol)
        top, left = gap + r * (tile_h + gap), gap + c * (tile_w + gap)
        grid[top:top + tile_h, left:left + tile_w] = upscale(to_uint8(images[i]), scale)
    return grid


def error_heatmap(x: torch.Tensor, x_hat: torch.Tensor, scale: int = 8) -> np.ndarray:
    """|x - x_hat| as an RGB picture `(H, W, 3)`: black where the VAE got it right, bright
    orange where it missed ink, bright blue where it added ink that was not there."""
    diff = (x_hat - x).squeeze().detach().cpu().numpy()  # (28, 28), positive: ink added
    rgb = np.zeros(diff.shape + (3,), dtype=np.float32)
    missed, added = np.clip(-diff, 0, 1), np.clip(diff, 0, 1)
    rgb[..., 0] = missed + 0.2 * added
    rgb[..., 1] = 0.55 * missed + 0.6 * added
    rgb[..., 2] = added
    return upscale((np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8), scale)


def framed(image: np.ndarray, size: int = 168, fill: int = 48) -> np.ndarray:
    """Pad a picture (gray `(H, W)` or RGB `(H, W, 3)`) to a square with gray bars, then enlarge small
    ones by an integer factor (nearest neighbour), so a gallery shows the whole picture unstretched."""
    h, w = image.shape[:2]
    side = max(h, w)
    canvas = np.full((side, side) + image.shape[2:], fill, dtype=np.uint8)
    top, left = (side - h) // 2, (side - w) // 2
    canvas[top:top + h, left:left + w] = image
    return upscale(canvas, max(1, size // side))
