"""What the KL term does: the 2-D autoencoder (no KL term) beside the 2-D VAE.

Three measured figures per model (defined in models/kl.py): the aggregate KL of the test digits' codes to
N(0, I), the codes' spread, and what prior draws z ~ N(0, I) decode to. The figures over 10,000 prior draws
are precomputed by `python -m training.kl_figures` into `kl_figures.json` beside each model's weights; the
page decodes a few draws live.
"""

import numpy as np
from PIL import Image, ImageDraw

from lab.cache import cached
from lab.images import image_grid
from lab.inputs import parse_int, parse_seed
from lab.latent import TITLES, base_latent_map, frame_half_width, latent_map
from lab.loading import Lab
from lab.plots import bar_chart
from models.kl import MODELS, prior_codes, prior_decodes
from models.registry import KL_FIGURES_FILE

MAX_DRAWS = 64


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
        figures[name] = {"these_draws": live, **lab.json(name, KL_FIGURES_FILE)}
    return maps[0], maps[1], grids[0], grids[1], class_chart(lab), {"count": count, "seed": seed, **figures}


@cached(maxsize=1)
def class_chart(lab: Lab) -> np.ndarray:
    """The classes of 10,000 decoded prior draws per model (precomputed figures): the same for every request."""
    histograms = {name: lab.json(name, KL_FIGURES_FILE)["prior_decodes"]["class_histogram"] for name in MODELS}
    draws = lab.json("vae2d-mnist", KL_FIGURES_FILE)["draws"]
    return bar_chart({"2-D VAE": (histograms["vae2d-mnist"], (80, 160, 255)),
                      "2-D autoencoder": (histograms["ae2d-mnist"], (255, 150, 40))},
                     [str(d) for d in range(10)], title=f"Class of decoded N(0, I) codes ({draws:,} draws)",
                     width=600, height=190)


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
