"""What the KL term does: the 2-D autoencoder (no KL term) beside the 2-D VAE.

Three measured figures per model:
- Aggregate KL: a Gaussian N(m, S) fitted to the codes of the 10,000 MNIST test digits (the VAE's
  posterior means mu, the autoencoder's codes z, as stored in `latent_map.npz`), and its closed-form
  KL(N(m, S) || N(0, I)) = 1/2 (tr S + m^T m - d - ln det S). 0 means the codes fill the prior exactly.
- Spread: the codes' mean and standard deviation per axis, and the share inside the prior's
  2-sigma circle (a standard 2-D normal puts 86.5 % of its mass there).
- Prior decodes: z ~ N(0, I) decoded, and classified: the share "recognised" (top class probability
  >= 0.9, the threshold /generate uses) and the share of each predicted class.
The figures over 10,000 prior draws are precomputed by `python -m training.kl_figures` into
`kl_figures.json` beside each model's weights; the page decodes a few draws live.
"""

import numpy as np
import torch
from PIL import Image, ImageDraw

from lab.cache import cached
from lab.generate import CONFIDENT, parse_int, parse_seed
from lab.images import image_grid
from lab.latent import TITLES, base_latent_map, frame_half_width, latent_map
from lab.loading import Lab
from lab.plots import bar_chart

MODELS = ("vae2d-mnist", "ae2d-mnist")
FIGURES_FILE = "kl_figures.json"
MAX_DRAWS = 64


def gaussian_kl_to_prior(codes: np.ndarray) -> float:
    """KL(N(m, S) || N(0, I)) in nats for the Gaussian N(m, S) fitted to `codes` `(N, d)`."""
    codes = np.asarray(codes, dtype=np.float64)
    m, S = codes.mean(0), np.atleast_2d(np.cov(codes, rowvar=False))
    d = codes.shape[1]
    _, logdet = np.linalg.slogdet(S)
    # KL(N(m, S) || N(0, I)) = 1/2 (tr S + m^T m - d - ln det S)
    return float(0.5 * (np.trace(S) + m @ m - d - logdet))


def code_spread(codes: np.ndarray) -> dict:
    codes = np.asarray(codes, dtype=np.float64)
    return {
        "mean": codes.mean(0).round(3).tolist(),
        "std": codes.std(0).round(3).tolist(),
        "share_inside_2_sigma": round(float(np.mean(np.linalg.norm(codes, axis=1) <= 2.0)), 4),
    }


@torch.inference_mode()
def prior_decodes(model, classifier, z: torch.Tensor) -> tuple[torch.Tensor, dict]:
    """Decode codes z and classify them: (images, {"recognised", "class_histogram", "class_coverage",
    "distinct_classes"})."""
    images = model.decode(z)
    proba = classifier.predict_proba(images)
    histogram = np.bincount(proba.argmax(1).numpy(), minlength=proba.shape[1]) / len(z)
    return images, {
        "recognised": round((proba.max(1).values >= CONFIDENT).float().mean().item(), 4),
        "class_histogram": histogram.round(4).tolist(),
        # classes that get at least half their fair share (as training.evaluate's class_coverage)
        "class_coverage": int(np.sum(histogram >= 0.5 / len(histogram))),
        "distinct_classes": int(np.sum(histogram > 0)),
    }


def prior_codes(count: int, seed: int) -> torch.Tensor:
    """`count` draws z ~ N(0, I) in 2-D: the same codes go through both models."""
    return torch.randn(count, 2, generator=torch.Generator().manual_seed(seed))


def map_with_codes(codes: np.ndarray, labels: np.ndarray, z: np.ndarray, title: str,
                   base: np.ndarray | None = None) -> np.ndarray:
    """The model's latent map with the prior draws `z` as white crosses. `base`: that map already drawn
    (lab/latent.py `base_latent_map`), which is copied rather than drawn again."""
    half_width = frame_half_width(codes)  # as latent_map
    pil = Image.fromarray(base.copy() if base is not None else latent_map(codes, labels, title=title,
                                                                            half_width=half_width))
    size = pil.size[0]
    draw = ImageDraw.Draw(pil)
    for x, y in np.asarray(z):
        px, py = (x / half_width + 1) * size / 2, (1 - y / half_width) * size / 2
        draw.line([(px - 4, py - 4), (px + 4, py + 4)], fill=(255, 255, 255), width=2)
        draw.line([(px - 4, py + 4), (px + 4, py - 4)], fill=(255, 255, 255), width=2)
    return np.asarray(pil)


def ae_vs_vae(lab: Lab, count=32, seed=0):
    """`/ae_vs_vae`: (VAE map, AE map, VAE decodes, AE decodes, class chart, figures) for `count`
    shared prior draws z ~ N(0, I) (crosses on both maps), beside the precomputed figures."""
    return ae_vs_vae_draws(lab, parse_int(count, "How many codes", 1, MAX_DRAWS), parse_seed(seed))


@cached(maxsize=8)  # the page's first request (32, 0) and a few seeds: about 1.3 MB each
def ae_vs_vae_draws(lab: Lab, count: int, seed: int):
    z = prior_codes(count, seed)
    classifier = lab.model("classifier-mnist")
    maps, grids, figures = [], [], {}
    for name in MODELS:
        stored = lab.npz(name, "latent_map.npz")
        maps.append(map_with_codes(stored["codes"], stored["labels"], z.numpy(), TITLES[name],
                                   base=base_latent_map(lab, name)))
        images, live = prior_decodes(lab.model(name), classifier, z)
        grids.append(image_grid(images, scale=3, ncol=8))
        figures[name] = {"these_draws": live, **lab.json(name, FIGURES_FILE)}
    return maps[0], maps[1], grids[0], grids[1], class_chart(lab), {"count": count, "seed": seed, **figures}


@cached(maxsize=1)
def class_chart(lab: Lab) -> np.ndarray:
    """The classes of 10,000 decoded prior draws per model (precomputed figures): the same for every request."""
    histograms = {name: lab.json(name, FIGURES_FILE)["prior_decodes"]["class_histogram"] for name in MODELS}
    draws = lab.json("vae2d-mnist", FIGURES_FILE)["draws"]
    return bar_chart({"2-D VAE": (histograms["vae2d-mnist"], (80, 160, 255)),
                      "2-D autoencoder": (histograms["ae2d-mnist"], (255, 150, 40))},
                     [str(d) for d in range(10)], title=f"Class of decoded N(0, I) codes ({draws:,} draws)")


def figures_text(figures: dict | None) -> str:
    """The measured figures as a Markdown table for the page."""
    if not figures:
        return ""
    vae, ae = figures["vae2d-mnist"], figures["ae2d-mnist"]

    def row(name, key):
        return f"| {name} | {key(vae)} | {key(ae)} |"

    return "\n".join([
        "| measured on MNIST | 2-D VAE | 2-D autoencoder |",
        "|---|---|---|",
        row("KL of the codes' Gaussian fit to N(0, I)", lambda f: f"{f['aggregate_kl']:.2f} nats"),
        row("spread of the codes (std per axis)", lambda f: " × ".join(f"{s:.1f}" for s in f["spread"]["std"])),
        row("test codes inside the prior's 2σ circle", lambda f: f"{f['spread']['share_inside_2_sigma']:.0%}"),
        row(f"classes reached by {vae['draws']:,} N(0, I) draws",
            lambda f: f"{f['prior_decodes']['class_coverage']} of 10"),
        row("…of those draws recognised (top class ≥ 90 %)", lambda f: f"{f['prior_decodes']['recognised']:.0%}"),
        row(f"these {figures['count']} draws: recognised · different classes",
            lambda f: f"{f['these_draws']['recognised']:.0%} · {f['these_draws']['distinct_classes']}"),
    ])
