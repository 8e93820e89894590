"""Tab "Use cases": what GANs are used for besides making new images, live. A digit is degraded (x4 fewer pixels,
or its lower half hidden) and restored twice by the same U-Net (models/pix2pix.py): once trained with the L1 loss
alone, once with L1 plus a discriminator. The L1 answer is the blurred average of every plausible answer (the
reason the VAE is blurry); the adversarial one picks one sharp answer (the reason the GAN is sharp)."""

from __future__ import annotations

import numpy as np
import torch

from lab.generate import real_sharpness
from lab.images import to_uint8, upscale
from lab.inputs import parse_seed
from lab.loading import Lab
from lab.preprocess import preprocess
from lab.reconstruct import FIT_BOX, a
from models.metrics import laplacian_variance
from models.pix2pix import bicubic, degrade, downsample, known_mask
from models.registry import CLASS_NAMES, METRICS_FILE, model_name

DATASET = "MNIST"  # the use-case models are trained on MNIST
SCALE = 8  # 28x28 -> 224x224 on the page, nearest neighbour
# per task: the kinds of its two models (L1 alone, L1 + discriminator) and what each panel of the page shows
MODELS = {"super-resolution": ("sr-l1", "sr-gan"), "completion": ("complete-l1", "complete-gan")}
PANELS = {
    "super-resolution": ("input", "bicubic", "l1", "gan", "truth"),
    "completion": ("input", "l1", "gan", "truth"),
}
TITLES = {"input": "What the models see", "bicubic": "Bicubic upsampling", "l1": "L1 loss only",
          "gan": "L1 + discriminator", "truth": "The original"}  # the U-Net's two trainings: "l1", "gan"
HATCH = (40, 110)  # the hidden half is drawn as gray stripes, so it is not mistaken for black paper


def hidden_pattern(size: int = 28 * SCALE) -> np.ndarray:
    """`(size, size)` uint8 diagonal stripes: how the page draws pixels a model was not shown."""
    i, j = np.indices((size, size))
    return np.where(((i + j) // 8) % 2 == 0, *HATCH).astype(np.uint8)


def shown_input(x: torch.Tensor, task: str) -> np.ndarray:
    """The degraded digit as the page shows it, 224x224: super-resolution's 7x7 pixels as 32x32 squares;
    completion's hidden lower half as gray stripes."""
    if task == "super-resolution":
        return upscale(to_uint8(downsample(x)), 4 * SCALE)
    picture = upscale(to_uint8(x), SCALE)
    hidden = upscale(to_uint8(1 - known_mask(task)), SCALE).astype(bool)
    picture[hidden] = hidden_pattern()[hidden]
    return picture


def readout(lab: Lab, image: torch.Tensor) -> dict:
    """What the classifier reads in one `(1, 1, 28, 28)` picture and how sharp it is against real digits."""
    classifier = lab.model(model_name("classifier", DATASET))
    proba = classifier.predict_proba(image)[0]
    return {"label": CLASS_NAMES[DATASET][int(proba.argmax())], "confidence": round(float(proba.max()), 3),
            "sharpness": round(laplacian_variance(image).item() / real_sharpness(lab, DATASET), 2)}


@torch.inference_mode()
def restore(lab: Lab, image, task: str, seed=0) -> tuple[list[np.ndarray], dict]:
    """The pictures of `PANELS[task]` for an upload or drawing, and the result: each panel's readout, which
    model is which, the seed, and a sentence per picture (`descriptions`, the page's alt texts)."""
    seed = parse_seed(seed)
    x = preprocess(image, box=FIT_BOX[DATASET]).x  # (1, 1, 28, 28): the original, as the data set has it
    l1_kind, gan_kind = MODELS[task]
    outputs = {"truth": x, "l1": lab.model(model_name(l1_kind, DATASET)).restore(x)}
    outputs["gan"] = lab.model(model_name(gan_kind, DATASET)).restore(x, generator=torch.Generator().manual_seed(seed))
    if task == "super-resolution":
        outputs["bicubic"] = bicubic(downsample(x))
    readouts = {panel: readout(lab, outputs[panel]) for panel in PANELS[task] if panel != "input"}
    readouts["input"] = readout(lab, degrade(x, task)[:, :1])
    result = {"task": task, "seed": seed, "models": {"l1": model_name(l1_kind, DATASET),
                                                      "gan": model_name(gan_kind, DATASET)},
              "panels": {panel: {"title": TITLES[panel], **readouts[panel]} for panel in PANELS[task]}}
    result["descriptions"] = {panel: describe(panel, task, result["panels"][panel]) for panel in PANELS[task]}
    pictures = [shown_input(x, task) if panel == "input" else upscale(to_uint8(outputs[panel]), SCALE)
                for panel in PANELS[task]]
    return pictures, result


def describe(panel: str, task: str, figures: dict) -> str:
    """One picture in words, with what the classifier reads and its sharpness."""
    seen = (f"the classifier reads {a(figures['label'])} {figures['label']} ({figures['confidence'] * 100:.0f} % "
            f"sure); sharpness {figures['sharpness']:g} × real digits'")
    what = {
        "input": ("Your digit shrunk to 7 by 7 pixels, each drawn as a large square" if task == "super-resolution"
                  else "Your digit with its lower half hidden behind gray stripes"),
        "bicubic": "The 7 by 7 digit enlarged by bicubic interpolation, smooth and blurred",
        "l1": "The U-Net trained with the L1 loss only",
        "gan": "The U-Net trained with L1 plus a discriminator",
        "truth": "Your digit as it was, 28 by 28 pixels",
    }[panel]
    return f"{what}: {seen}."


def super_resolve(lab: Lab, image) -> tuple:
    """`/super_resolve`: (the 7x7 input, bicubic, L1 model, adversarial model, the original, result)."""
    pictures, result = restore(lab, image, "super-resolution")
    return (*pictures, result)


def complete(lab: Lab, image, seed=0) -> tuple:
    """`/complete`: (the half-hidden input, L1 model, adversarial model, the original, result). `seed` draws the
    adversarial model's noise; the shipped model nearly ignores it (its metrics.json, `draw_pixel_std`)."""
    pictures, result = restore(lab, image, "completion", seed)
    return (*pictures, result)


def readout_markdown(result: dict | None) -> str:
    """The result under the pictures: one column per picture, what the classifier reads and the sharpness, then
    the sentence that ties the two models' sharpness to the lesson."""
    if not result:
        return ""
    try:
        panels = result["panels"]
        header = " | ".join(panels[p]["title"] for p in panels)
        reads = " | ".join(f"**{panels[p]['label']}** ({panels[p]['confidence'] * 100:.0f} %)" for p in panels)
        sharp = " | ".join(f"{panels[p]['sharpness']:g}" for p in panels)
        l1, gan = panels["l1"]["sharpness"], panels["gan"]["sharpness"]
    except (KeyError, TypeError, ValueError):
        raise ValueError("Expected the result /super_resolve or /complete returns.") from None
    verdict = (f"The L1 answer is {'blurrier' if l1 < gan else 'not blurrier'} than the adversarial one here "
               f"(sharpness {l1:g} against {gan:g}; real digits: 1).")
    return "\n".join([f"| | {header} |", "|---" * (len(panels) + 1) + "|", f"| classifier reads | {reads} |",
                      f"| sharpness vs real | {sharp} |", "", verdict])


def figures_markdown(lab: Lab) -> str:
    """The shipped models' test-set figures (their metrics.json) as a short table for the page."""
    rows = ["| model (test set, 10,000 digits) | reads as the true digit | sharpness vs real | Fréchet distance |",
            "|---|---|---|---|"]
    for task, kinds in MODELS.items():
        for kind in kinds:
            m = lab.json(model_name(kind, DATASET), METRICS_FILE)
            rows.append(f"| U-Net, {TITLES['l1' if kind.endswith('l1') else 'gan']}, {task} | {m['class_kept']:.1%} | "
                        f"{m['sharpness_ratio']:g} | {m['frechet_distance']:g} |")
        if task == "super-resolution":
            m = lab.json(model_name(kinds[0], DATASET), METRICS_FILE)
            rows.append(f"| Bicubic upsampling, {task} | {m['bicubic_class_kept']:.1%} | "
                        f"{m['bicubic_sharpness_ratio']:g} | {m['bicubic_frechet_distance']:g} |")
    floor = lab.json(model_name(MODELS["completion"][0], DATASET), METRICS_FILE)["real_frechet_distance"]
    return "\n".join(rows) + (
        f"\n\nReal training digits against the test digits: Fréchet distance {floor:g} (the floor).")
