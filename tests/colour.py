"""Colour checks for the tests: the WCAG contrast ratio of two colours, and how a picture or a palette looks to
the common colour-vision deficiencies (to tell colours apart, and to save simulated screenshots to look at)."""

import numpy as np

# Colour-vision deficiency simulation: Machado, Oliveira and Fernandes (2009), "A physiologically-based model for
# simulation of color vision deficiency", severity 1.0, applied to linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """Linear RGB (N, 3) in [0, 1] -> CIE L*a*b* (D65)."""
    xyz = rgb @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    f = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > 0.008856, np.cbrt(f), 7.787 * f + 16 / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def smallest_difference(palette, matrix=None) -> float:
    """The smallest CIE76 Delta E between two colours of `palette`, as seen with the deficiency `matrix`."""
    linear = to_linear(palette)
    if matrix is not None:
        linear = np.clip(linear @ np.asarray(matrix).T, 0, 1)
    lab = to_lab(linear)
    d = np.sqrt(((lab[:, None] - lab[None]) ** 2).sum(-1))
    return float(d[~np.eye(len(palette), dtype=bool)].min())


def to_linear(rgb) -> np.ndarray:
    """sRGB values 0-255 -> linear RGB in [0, 1]."""
    c = np.asarray(rgb, dtype=np.float64) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def simulate(image: np.ndarray, deficiency: str) -> np.ndarray:
    """An sRGB picture (H, W, 3) uint8 as a person with `deficiency` (a key of CVD) sees it, sRGB uint8."""
    linear = np.clip(to_linear(image[..., :3]) @ np.asarray(CVD[deficiency]).T, 0, 1)
    srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return (srgb * 255).round().astype(np.uint8)


def contrast(a, b) -> float:
    """WCAG 2.1's contrast ratio of two sRGB colours (1 to 21; text needs 4.5, large text and graphics 3)."""
    la, lb = (float(to_linear(c) @ [0.2126, 0.7152, 0.0722]) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
