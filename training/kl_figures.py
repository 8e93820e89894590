"""Measure what the KL term does, for the app's "KL term & encoder" tab.

    python -m training.kl_figures

For `weights/vae2d-mnist` and `weights/ae2d-mnist` it writes `kl_figures.json`: the KL of a Gaussian fitted
to the test digits' codes (from the shipped `latent_map.npz`, which `training.evaluate` writes) to N(0, I),
the codes' spread, and what 10,000 draws z ~ N(0, I) (seed 0) decode to, judged by weights/classifier-mnist
(see models/kl.py for the definitions). Needs no data set: the codes are in `latent_map.npz`.
"""

import argparse
from pathlib import Path

import numpy as np
import torch

from models import load_model
from models.kl import MODELS, code_spread, gaussian_kl_to_prior, prior_codes, prior_decodes
from models.registry import KL_FIGURES_FILE, model_name
from training.common import write_json

DRAWS = 10_000


def kl_figures(folder: Path, classifier, draws: int = DRAWS, seed: int = 0) -> dict:
    with np.load(folder / "latent_map.npz") as stored:
        codes = stored["codes"].astype(np.float64)
    z = prior_codes(draws, seed)
    model = load_model(folder)
    decodes = [prior_decodes(model, classifier, z[i:i + 1000])[1] for i in range(0, draws, 1000)]
    histogram = np.mean([d["class_histogram"] for d in decodes], axis=0)
    return {
        "description": "aggregate_kl: KL(N(m, S) || N(0, I)) of the Gaussian fitted to the test digits' codes "
                       "(VAE: posterior means); prior_decodes: z ~ N(0, I) decoded and classified "
                       "(recognised: top class probability >= 0.9)",
        "codes": len(codes),
        "aggregate_kl": round(gaussian_kl_to_prior(codes), 3),
        "spread": code_spread(codes),
        "draws": draws,
        "seed": seed,
        "prior_decodes": {
            "recognised": round(float(np.mean([d["recognised"] for d in decodes])), 4),
            "class_histogram": histogram.round(4).tolist(),
            "class_coverage": int(np.sum(histogram >= 0.05)),
        },
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", default="weights")
    args = p.parse_args(argv)
    torch.set_grad_enabled(False)
    classifier = load_model(Path(args.weights) / model_name("classifier", "mnist"))
    for name in MODELS:
        figures = kl_figures(Path(args.weights) / name, classifier)
        write_json(Path(args.weights) / name / KL_FIGURES_FILE, figures)
        print(f"{name}: KL {figures['aggregate_kl']} nats, std {figures['spread']['std']}, "
              f"inside 2 sigma {figures['spread']['share_inside_2_sigma']:.0%}, "
              f"prior decodes recognised {figures['prior_decodes']['recognised']:.1%}, "
              f"classes {figures['prior_decodes']['class_coverage']}")


if __name__ == "__main__":
    main()
