"""Tab 3, "Latent space": the 2-D codes of the test digits, the decoded manifold, interpolations."""

import numpy as np
import torch
from PIL import Image, ImageDraw

from lab.cache import cached
from lab.generate import vae_prior_codes
from lab.images import image_grid
from lab.inputs import parse_dataset, parse_int, parse_label, parse_seed
from lab.loading import Lab
from lab.plots import font
from lab.preprocess import preprocess
from lab.reconstruct import FIT_BOX
from models.registry import model_name

# The ten class colours, one per digit, for every class-coloured picture. Paul Tol's "light" scheme (9 colours,
# https://personal.sron.nl/~pault/#sec:qualitative) and "rose" from his "muted" scheme as the tenth: light colours
# that stay apart on the dark maps and for colour-blind eyes. tests/lab/test_latent.py measures it: any two colours
# differ by at least 10 (CIE76 Delta E) under simulated protanopia, deuteranopia and tritanopia (the Tableau 10
# colours used before: 5). Colour is never the only cue: each class's number is drawn in the legend and on the map.
PALETTE = [(0x77, 0xAA, 0xDD), (0xEE, 0x88, 0x66), (0xEE, 0xDD, 0x88), (0xFF, 0xAA, 0xBB), (0x99, 0xDD, 0xFF),
           (0x44, 0xBB, 0x99), (0xBB, 0xCC, 0x33), (0xAA, 0xAA, 0x00), (0xDD, 0xDD, 0xDD), (0xCC, 0x66, 0x77)]
TEXT = (230, 230, 230)
MIN_FOR_NUMBER = 10  # a class needs this many codes for its number to be drawn at its centre


def legend_position(i: int, size: int) -> tuple[tuple[int, int, int, int], tuple[int, int]]:
    """Where the legend draws class `i` on a `size`-pixel map: its colour square and its number (top left)."""
    x0, y0 = 8 + 42 * i, size - 24
    return (x0, y0, x0 + 12, y0 + 12), (x0 + 16, y0 - 4)


def frame_half_width(codes: np.ndarray) -> float:
    """Half the width of the square the map shows: the middle 99 % of the codes, and the 2-sigma circle."""
    return max(2.2, float(np.percentile(np.abs(np.asarray(codes, dtype=np.float32)), 99.5)) * 1.05)


def to_px(xy: np.ndarray, half_width: float, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes `(..., 2)` -> pixel coordinates (x right, y down) on a `size` x `size` map."""
    return (xy[..., 0] / half_width + 1) * size / 2, (1 - xy[..., 1] / half_width) * size / 2


def latent_map(codes: np.ndarray, labels: np.ndarray, point=None, title: str = "", size: int = 440,
               half_width: float | None = None, point_label: str = "") -> np.ndarray:
    """Scatter plot `(size, size, 3)` uint8 of 2-D codes coloured by class, each class's number at its
    centre (median code), the prior's 1 and 2 sigma circles in gray, a legend of the class colours with
    their numbers, and `point` (the user's digit) as a large white ring drawn last, captioned `point_label`."""
    codes = np.asarray(codes, dtype=np.float32)
    labels = np.asarray(labels)
    if half_width is None:
        half_width = frame_half_width(codes)
    image = Image.new("RGB", (size, size), (12, 12, 16))
    draw = ImageDraw.Draw(image)
    c = size / 2
    draw.line([(0, c), (size, c)], fill=(60, 60, 70))
    draw.line([(c, 0), (c, size)], fill=(60, 60, 70))
    for radius in (1.0, 2.0):
        r = radius / half_width * size / 2
        draw.ellipse([c - r, c - r, c + r, c + r], outline=(110, 110, 120))
    xs, ys = to_px(codes, half_width, size)
    for x, y, label in zip(xs, ys, labels, strict=True):
        draw.rectangle([x - 1, y - 1, x + 1, y + 1], fill=PALETTE[int(label)])
    for label in range(len(PALETTE)):  # each class's number at its centre, outlined so it reads on any colour
        mine = codes[labels == label]
        if len(mine) >= MIN_FOR_NUMBER:
            x, y = to_px(np.median(mine, axis=0), half_width, size)
            draw.text((float(x), float(y)), str(label), fill=PALETTE[label], font=font(22), anchor="mm",
                      stroke_width=3, stroke_fill=(0, 0, 0))
    for i, colour in enumerate(PALETTE):  # legend along the bottom: each class's colour square and number
        square, text_xy = legend_position(i, size)
        draw.rectangle(square, fill=colour)
        draw.text(text_xy, str(i), fill=TEXT, font=font(16))
    # the title sits one line down: the top line is kept for the ring's caption, drawn later on a copy
    draw.text((size - 8, 28), title, fill=TEXT, font=font(16), anchor="ra")
    draw.text((size - 8, size - 44), f"axes ±{half_width:.1f}", fill=(150, 150, 160), font=font(13), anchor="ra")
    if point is not None:
        draw_ring(image, point, half_width, point_label)
    return np.asarray(image)


def draw_ring(image: Image.Image, point, half_width: float, caption: str = "") -> None:
    """Mark `point` (a 2-D code) on a map `image` in place: a white ring with a black rim, and `caption`
    on the map's top line."""
    size = image.size[0]
    px, py = to_px(np.asarray(point, dtype=np.float32), half_width, size)
    px, py = float(np.clip(px, 6, size - 6)), float(np.clip(py, 6, size - 6))
    draw = ImageDraw.Draw(image)
    draw.ellipse([px - 9, py - 9, px + 9, py + 9], outline=(0, 0, 0), width=5)
    draw.ellipse([px - 9, py - 9, px + 9, py + 9], outline=(255, 255, 255), width=3)
    if caption:
        draw.text((8, 6), caption, fill=(255, 255, 255), font=font(15), stroke_width=2, stroke_fill=(0, 0, 0))


TITLES = {"vae2d-mnist": "2-D VAE", "ae2d-mnist": "2-D autoencoder"}


@cached(maxsize=len(TITLES))
def base_latent_map(lab: Lab, name: str) -> np.ndarray:
    """The map of the MNIST test digits' codes under one 2-D model, unmarked: drawn once (10,000 points),
    read-only (lab/cache.py)."""
    codes = lab.npz(name, "latent_map.npz")
    return latent_map(codes["codes"], codes["labels"], None, TITLES[name])


@cached(maxsize=len(TITLES))
def map_half_width(lab: Lab, name: str) -> float:
    """Half the width of the map's frame in code units (a percentile over its 10,000 codes): computed once."""
    return frame_half_width(lab.npz(name, "latent_map.npz")["codes"])


def model_latent_map(lab: Lab, name: str, point=None) -> np.ndarray:
    """The map of the MNIST test digits' codes under one 2-D model (`vae2d-mnist` or `ae2d-mnist`),
    with `point` marked, and the model that placed it named, on a copy of the map drawn once."""
    base = base_latent_map(lab, name)
    if point is None:
        return base
    image = Image.fromarray(base.copy())  # the cached map stays unmarked
    draw_ring(image, point, map_half_width(lab, name),
              f"ring: your digit, placed by {name}'s encoder")
    return np.asarray(image)


def latent_maps(lab: Lab, point=None) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D VAE's map (with `point` marked) and the 2-D autoencoder's, side by side."""
    return model_latent_map(lab, "vae2d-mnist", point), model_latent_map(lab, "ae2d-mnist")


def manifold(lab: Lab, n) -> np.ndarray:
    """Decode an n x n grid of 2-D VAE codes at equal steps of probability under the prior:
    z = Phi^-1(p) for p evenly spaced in (0, 1), so each tile stands for the same prior mass.
    Each grid size is decoded once (every page visit shows the 15 x 15 grid); the grid is read-only."""
    return manifold_grid(lab, parse_int(n, "Grid size", 3, 30))


@cached(maxsize=28)  # every grid size the slider offers (3-30): at most 28 pictures of about 450 x 450
@torch.inference_mode()
def manifold_grid(lab: Lab, n: int) -> np.ndarray:
    p = (torch.arange(n) + 0.5) / n  # (n,) probabilities, centres of n equal slices
    z1d = torch.distributions.Normal(0.0, 1.0).icdf(p)
    zy, zx = torch.meshgrid(z1d.flip(0), z1d, indexing="ij")  # top row: largest z_2, like a plot
    z = torch.stack([zx.reshape(-1), zy.reshape(-1)], dim=1)  # (n*n, 2)
    scale = max(1, 448 // (28 * n))  # about 448 pixels across, whole pixels per 28x28 pixel
    return image_grid(lab.model("vae2d-mnist").decode(z), scale=scale, ncol=n, gap=0)


@cached(maxsize=256)  # a 32- or 64-number code each: 256 entries are a few hundred KB
@torch.inference_mode()
def vae_class_code(lab: Lab, dataset: str, label: int, seed: int) -> torch.Tensor:
    """The first prior draw the classifier assigns to `label`; if none within the draw budget,
    the draw it finds most like that class."""
    z, _ = vae_prior_codes(lab, dataset, label, 1, seed)
    if len(z):
        return z[0]
    vae, classifier = lab.model(model_name("vae", dataset)), lab.model(model_name("classifier", dataset))
    candidates = torch.randn(256, vae.latent_dim, generator=torch.Generator().manual_seed(seed))
    return candidates[classifier.predict_proba(vae.decode(candidates))[:, label].argmax()]


@torch.inference_mode()
def interpolate(lab: Lab, dataset: str, label_a, seed_a, label_b, seed_b, steps=10,
                image_a=None, image_b=None) -> tuple[np.ndarray, np.ndarray, str]:
    """Walk in a straight line between two points of each model's latent space.
    The VAE's endpoints are prior draws of the chosen classes (or the two uploads, encoded);
    the GAN's are its noise plus class embedding (a GAN has no encoder, so it cannot take uploads)."""
    dataset = parse_dataset(dataset)
    steps = parse_int(steps, "Steps", 2, 16)
    a, b = parse_label(dataset, label_a), parse_label(dataset, label_b)
    if a is None or b is None:
        raise ValueError("Pick a class for both ends of the interpolation.")
    seed_a, seed_b = parse_seed(seed_a), parse_seed(seed_b)
    vae = lab.model(model_name("vae", dataset))
    note = "VAE ends: prior draws of the chosen classes."
    if (image_a is None) != (image_b is None):
        raise ValueError("Give both pictures to interpolate between uploads, or neither.")
    if image_a is not None:
        x = torch.cat([preprocess(image, box=FIT_BOX[dataset]).x for image in (image_a, image_b)])
        z_a, z_b = vae.encode(x)[0]
        note = "VAE ends: your two pictures, encoded (posterior means)."
    else:
        z_a, z_b = vae_class_code(lab, dataset, a, seed_a), vae_class_code(lab, dataset, b, seed_b)
    t = torch.linspace(0, 1, steps)[:, None]
    vae_strip = vae.decode((1 - t) * z_a + t * z_b)
    gan = lab.model(model_name("gan", dataset))
    z0 = gan.noise(1, torch.Generator().manual_seed(seed_a))[0]  # (latent_dim,), drawn as gan.sample draws
    z1 = gan.noise(1, torch.Generator().manual_seed(seed_b))[0]
    gan_strip = gan.interpolate(z0, z1, a, b, steps)
    return image_grid(vae_strip, ncol=steps), image_grid(gan_strip, ncol=steps), note
