"""Tab 2, "Reconstruct": an upload or a drawing, squeezed through the latent code."""

import numpy as np
import torch

from lab.images import error_heatmap, framed, to_uint8, upscale
from lab.inputs import parse_dataset, parse_number
from lab.loading import Lab
from lab.preprocess import preprocess
from models.registry import CLASS_NAMES, NOUNS, model_name

SCALE = 8  # 28x28 -> 224x224 on the page, nearest neighbour
FIT_BOX = {"MNIST": 20, "Fashion-MNIST": 28}  # MNIST digits sit in a 20x20 box; garments fill the frame


def parse_noise(noise) -> float:
    return parse_number(noise, "Noise", 0, 1)


def add_noise(x: torch.Tensor, noise: float, seed: int = 0) -> torch.Tensor:
    """Gaussian pixel noise with standard deviation `noise`, clipped to [0, 1] (fixed seed:
    the same picture and level always give the same noisy input)."""
    if noise == 0:
        return x
    eps = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed))
    return (x + noise * eps).clamp(0, 1)


def anomaly_percentile(lab: Lab, dataset: str, error: float) -> float:
    """Share (in %) of the test images that the VAE reconstructs better than this one."""
    reference = lab.json(model_name("vae", dataset), "anomaly_reference.json")
    return float(np.interp(error, reference["errors"], reference["percentiles"]))


@torch.inference_mode()
def reconstruct(lab: Lab, image, dataset: str, noise=0.0):
    """`/reconstruct`: (model input, reconstruction, error map, result, preprocessing steps)."""
    dataset, noise = parse_dataset(dataset), parse_noise(noise)
    prepared = preprocess(image, box=FIT_BOX[dataset])
    x = add_noise(prepared.x, noise)
    vae = lab.model(model_name("vae", dataset))
    classifier = lab.model(model_name("classifier", dataset))
    x_hat = vae.reconstruct(x)
    error = (x_hat - x).pow(2).mean().item()
    names = CLASS_NAMES[dataset]
    proba = classifier.predict_proba(x_hat)[0]
    proba_in = classifier.predict_proba(x)[0]
    result = {
        "dataset": dataset,
        "noise": noise,
        "reconstruction_error": round(error, 5),
        "anomaly_percentile": round(anomaly_percentile(lab, dataset, error), 1),
        "predicted_label": names[int(proba.argmax())],
        "confidence": round(float(proba.max()), 3),
        "input_predicted_label": names[int(proba_in.argmax())],
    }
    if noise > 0:
        result["error_vs_clean_input"] = round((x_hat - prepared.x).pow(2).mean().item(), 5)
    # the two pictures in words, for a screen reader (the page's alt texts) and the API
    noun, label, seen = NOUNS[dataset], result["predicted_label"], result["input_predicted_label"]
    result["input_description"] = (f"Your picture as the {dataset} VAE gets it, 28 by 28 pixels, white on black"
                                   f"{f' with noise {noise:g}' if noise else ''}: the classifier reads it as "
                                   f"{a(seen)} {seen}.")
    result["description"] = (f"The VAE's reconstruction of your {noun}: the classifier reads it as {a(label)} "
                             f"{label} ({result['confidence'] * 100:.0f} % sure); mean squared error "
                             f"{result['reconstruction_error']:g} ({result['anomaly_percentile']:g} % of real test "
                             f"{noun}s reconstruct better).")
    if dataset == "MNIST":
        mu, _ = lab.model("vae2d-mnist").encode(x)
        result["latent_2d"] = [round(v, 3) for v in mu[0].tolist()]
    steps = [(framed(picture), caption) for picture, caption in prepared.steps]
    return (upscale(to_uint8(x), SCALE), upscale(to_uint8(x_hat), SCALE), error_heatmap(x, x_hat, SCALE),
            result, steps)


# anomaly percentiles from which the verdict calls a picture unusual, and unlike the training data
UNUSUAL, ANOMALY = 90.0, 99.0


def a(label: str) -> str:
    """The article before a class name: 'an 8', 'an Ankle boot', 'a 4'."""
    return "an" if str(label)[:1] in "8AEIOU" else "a"


def verdict_text(result: dict | None) -> str:
    """The /reconstruct result in two or three sentences for the page, e.g. 'The VAE redraws this as a **4**
    (the classifier is 100 % sure). 76 % of real test digits reconstruct better: an ordinary digit.'"""
    if not result:
        return ""
    try:
        noun = NOUNS[result["dataset"]]
        label, seen = str(result["predicted_label"]), str(result["input_predicted_label"])
        percentile, confidence = float(result["anomaly_percentile"]), float(result["confidence"])
        x, y = (float(v) for v in result["latent_2d"]) if result.get("latent_2d") else (None, None)
    except (KeyError, TypeError, ValueError):
        raise ValueError("Expected the result /reconstruct returns.") from None
    sure = f"(the classifier is {confidence * 100:.0f} % sure)"
    if percentile >= 100:
        share = f"every real test {noun} reconstructs better"
    elif percentile <= 0:
        share = f"no real test {noun} reconstructs better"
    else:
        share = f"{percentile:g} % of real test {noun}s reconstruct better"
    if percentile >= ANOMALY:
        text = (f"The VAE redraws this as {a(label)} **{label}** {sure}, but {share}: this does not look like "
                f"the {noun}s it learned, so do not trust that label.")
    else:
        kind = "an unusual" if percentile >= UNUSUAL else "an ordinary"
        text = f"The VAE redraws this as {a(label)} **{label}** {sure}. {share[0].upper()}{share[1:]}: {kind} {noun}."
    if seen != label:
        text += f" Your input itself reads as {a(seen)} **{seen}**."
    if x is not None:
        text += (f"  \nThe 2-D VAE `vae2d-mnist` places it at ({x:.2f}, {y:.2f}): the white ring on the map of the "
                 "**Latent space** tab.")
    return text
