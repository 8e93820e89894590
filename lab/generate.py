"""Tab 1, "Generate": the VAE's and the GAN's samples for the same request."""

from collections import Counter

import numpy as np
import torch

from lab.cache import cached
from lab.images import image_grid
from lab.inputs import parse_dataset, parse_int, parse_label, parse_seed
from lab.loading import Lab
from models.gan import Generator
from models.metrics import CONFIDENT, laplacian_variance
from models.registry import CLASS_NAMES, NOUNS, model_name

MAX_COUNT = 64
COLUMNS = 8  # samples to a row of the grids (fewer when fewer are asked for)
VAE_DRAW_BUDGET = 4096  # prior draws the VAE may make to find samples of the asked class


def parse_count(count) -> int:
    return parse_int(count, "How many", 1, MAX_COUNT)


def real_sharpness(lab: Lab, dataset: str) -> float:
    """Mean Laplacian variance of the real test images (measured by training.evaluate)."""
    return lab.json(model_name("classifier", dataset), "metrics.json")["real_laplacian_variance"]


@torch.inference_mode()
def readout(lab: Lab, dataset: str, images: torch.Tensor, label: int | None) -> dict:
    """Sharpness relative to real images, and the share the classifier finds recognisable."""
    classifier = lab.model(model_name("classifier", dataset))
    proba = classifier.predict_proba(images)
    predicted = proba.argmax(1)
    if label is None:
        recognisable = (proba.max(1).values >= CONFIDENT).float().mean().item()
    else:
        recognisable = (predicted == label).float().mean().item()
    names = CLASS_NAMES[dataset]
    return {
        "sharpness": round(laplacian_variance(images).mean().item() / real_sharpness(lab, dataset), 3),
        "recognisability": round(recognisable, 3),
        "predicted": [names[i] for i in predicted.tolist()],
    }


def evaluated(lab: Lab, name: str) -> dict:
    """The model's precision and recall over 10,000 samples (training.evaluate), with the real data's floor:
    figures a request of a few samples cannot measure."""
    metrics = lab.json(name, "metrics.json")
    return {key: metrics[key] for key in ("precision", "recall", "real_precision", "real_recall") if key in metrics}


@torch.inference_mode()
def vae_prior_codes(lab: Lab, dataset: str, label: int | None, count: int, seed: int) -> tuple[torch.Tensor, dict]:
    """Codes z ~ N(0, I) `(k, latent_dim)`, k <= count. For a class, keep the draws whose decoded
    image the classifier assigns to it (rejection sampling): the VAE itself knows no classes,
    and the share kept is reported, not hidden."""
    vae = lab.model(model_name("vae", dataset))
    g = torch.Generator().manual_seed(seed)
    if label is None:
        return torch.randn(count, vae.latent_dim, generator=g), {"draws": count, "kept": count}
    classifier = lab.model(model_name("classifier", dataset))
    kept, draws = [], 0
    while sum(len(k) for k in kept) < count and draws < VAE_DRAW_BUDGET:
        z = torch.randn(256, vae.latent_dim, generator=g)
        draws += 256
        kept.append(z[classifier.predict(vae.decode(z)) == label])
    z = torch.cat(kept)
    return z[:count], {"draws": draws, "kept": len(z)}


def generate(lab: Lab, dataset: str, label, count, seed):
    """`/generate`: (VAE grid, GAN grid, stats) for one request. The same request (a class's seed 0,
    which every student sees first) is computed once: the samples are cached by their inputs, and the
    grids (0.8 MB each for 64 digits) laid out from them on each request (about 2 ms)."""
    dataset = parse_dataset(dataset)
    count = parse_count(count)
    vae_tiles, gan_tiles, stats = generated(lab, dataset, parse_label(dataset, label), count, parse_seed(seed))
    ncol = min(COLUMNS, count)
    return tile_grid(vae_tiles, ncol), tile_grid(gan_tiles, ncol), stats


def tile_grid(tiles: np.ndarray, ncol: int) -> np.ndarray:
    """uint8 samples `(B, 1, 28, 28)` laid out as the page's grid; one black tile when there are none."""
    images = torch.from_numpy(tiles.astype(np.float32)) / 255 if len(tiles) else torch.zeros(1, 1, 28, 28)
    return image_grid(images, ncol=ncol)


def noise_note(gan: Generator) -> str:
    """How the GAN's noise was drawn, where a sampling temperature other than 1 was set after training."""
    t = gan.config.temperature
    return "" if t == 1 else (f", noise z ~ N(0, {t:g}² I): a sampling temperature set after training "
                              f"({'more varied, a little less typical' if t > 1 else 'more typical, less varied'})")


# at most 32 results: two sets of at most 64 uint8 samples (50 KB each) and the stats
@cached(maxsize=32)
@torch.inference_mode()
def generated(lab: Lab, dataset: str, label_index: int | None, count: int, seed: int):
    name = "any class" if label_index is None else repr(CLASS_NAMES[dataset][label_index])

    z, draws = vae_prior_codes(lab, dataset, label_index, count, seed)
    vae_images = lab.model(model_name("vae", dataset)).decode(z)
    gan = lab.model(model_name("gan", dataset))
    labels = None if label_index is None else torch.full((count,), label_index, dtype=torch.long)
    gan_images = gan.sample(count, labels=labels, generator=torch.Generator().manual_seed(seed))

    vae_stats = readout(lab, dataset, vae_images, label_index) if len(vae_images) else \
        {"sharpness": None, "recognisability": 0.0, "predicted": []}
    if label_index is None:
        vae_stats["how"] = f"{count} decoded draws z ~ N(0, I) from the prior"
    elif draws["kept"] == 0:  # rejection sampling kept nothing: say so instead of an empty grid
        vae_stats["how"] = (f"none of {draws['draws']} prior draws decoded to something the classifier calls a "
                            f"{name}: the VAE has no class input, and it rarely (or never) makes this class. "
                            "Try another class, or 'any'.")
    else:
        share = draws["kept"] / draws["draws"]
        vae_stats["recognisability"] = round(share, 3)  # the honest figure: before selection
        vae_stats["how"] = (f"the VAE has no class input: of {draws['draws']} prior draws the classifier "
                            f"called {draws['kept']} a {name} ({share:.0%}); the first {len(vae_images)} are shown")
    vae_stats["evaluated"] = evaluated(lab, model_name("vae", dataset))
    gan_stats = readout(lab, dataset, gan_images, label_index)
    gan_stats["evaluated"] = evaluated(lab, model_name("gan", dataset))
    gan_stats["how"] = (f"{count} samples with the class input set to {name}" if label_index is not None
                        else f"{count} samples of uniformly random classes") + noise_note(gan)
    stats = {"dataset": dataset, "label": "any" if label_index is None else CLASS_NAMES[dataset][label_index],
             "count": count, "seed": seed, "vae": vae_stats, "gan": gan_stats}
    for model in ("vae", "gan"):
        stats[model]["description"] = describe(stats, model)
    def tiles(images: torch.Tensor) -> np.ndarray:  # (B, 1, 28, 28) in [0, 1] -> uint8, as the grid shows it
        return (images.clamp(0, 1) * 255 + 0.5).to(torch.uint8).numpy()

    return tiles(vae_images), tiles(gan_images), stats


def describe(stats: dict, model: str) -> str:
    """The grid of `model` ("vae" or "gan") in one sentence, for a screen reader and the API, e.g. "A grid of 16
    GAN samples of the digit 7 (MNIST, seed 3), 8 to a row; the classifier reads 14 of 16 as a 7." """
    figures, dataset, label = stats[model], stats["dataset"], stats["label"]
    predicted, noun = figures["predicted"], NOUNS[dataset]
    n = len(predicted)
    what = f"{noun}s of any class" if label == "any" else f"the {noun} {label}" if noun == "digit" \
        else f"the class {label}"
    if n == 0:
        return f"No {model.upper()} samples of {what} ({dataset}, seed {stats['seed']}): {figures['how']}"
    text = (f"A grid of {n} {model.upper()} samples of {what} ({dataset}, seed {stats['seed']}), "
            f"{min(COLUMNS, n)} to a row; ")
    if label == "any":
        counts = Counter(predicted).most_common(3)
        read = ", ".join(f"{c} as {name}" for name, c in counts)
        rest = n - sum(c for _, c in counts)
        return text + f"the classifier reads {read}" + (f" and {rest} as other classes." if rest else ".")
    return text + f"the classifier reads {predicted.count(label)} of {n} as {label}."


def readout_text(stats: dict | None, model: str) -> str:
    """One line for the page under a grid: '**Sharpness** 0.45 × real · **Recognisable** 12 %'."""
    if not stats or (isinstance(stats, dict) and model not in stats):
        return ""
    figures = stats[model] if isinstance(stats, dict) else None
    if not isinstance(figures, dict) or not {"sharpness", "recognisability", "how"} <= figures.keys():
        raise ValueError(f"Expected the stats /generate returns, with figures for {model!r}.")
    sharpness = "n/a" if figures["sharpness"] is None else f"{figures['sharpness']:.2f} × real"
    text = f"**Sharpness** {sharpness} · **Recognisable** {figures['recognisability']:.0%}"
    pr = figures.get("evaluated") or {}
    if "precision" in pr and "recall" in pr:
        text += (f"  \n**Precision** {pr['precision']:.2f} (realistic) · **Recall** {pr['recall']:.2f} (diverse)"
                 f" <small>over 10,000 samples; real data scores {pr['real_precision']:.2f} · "
                 f"{pr['real_recall']:.2f}</small>")
    return f"{text}  \n<small>{figures['how']}</small>"
