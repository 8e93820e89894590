"""Score the test sets with each VAE, for the app's anomaly-detection section.

    python -m training.anomaly_scores --data-root ../shared/data

For `weights/vae-mnist` and `weights/vae-fashion-mnist` it writes `anomaly_scores.npz`: the negative ELBO
(nats, `models.anomaly.neg_elbo_score`) and the reconstruction error (mean squared error per pixel) of the
10,000 MNIST test digits, the 10,000 Fashion-MNIST test images and 2,000 images of uniform noise
(seed 0), stored as float16 (a few hundred KB at most), and prints the AUROCs the app quotes
(`--summary`: only print them, from the files already written). The app reads them; no data is shipped.
"""

import argparse
from pathlib import Path

import numpy as np
import torch

from models import load_model
from models.anomaly import neg_elbo_score, reconstruction_error, reference_summary
from models.registry import ANOMALY_SCORES_FILE, model_name, read_npz
from training.data import load_split, to_float

NOISE_IMAGES = 2000
VAES = (model_name("vae", "mnist"), model_name("vae", "fashion-mnist"))  # the MNIST VAE first, as reference_summary


def score_sets(vae, sets: dict[str, torch.Tensor], chunk: int = 500) -> dict[str, np.ndarray]:
    arrays = {}
    for name, x in sets.items():
        elbo = torch.cat([neg_elbo_score(vae, x[i:i + chunk], seed=i) for i in range(0, len(x), chunk)])
        error = torch.cat([reconstruction_error(vae, x[i:i + chunk]) for i in range(0, len(x), chunk)])
        arrays[f"neg_elbo_{name}"] = elbo.numpy().astype(np.float16)
        arrays[f"recon_error_{name}"] = error.numpy().astype(np.float16)
        print(f"  {name:14s} -ELBO median {elbo.median().item():8.1f} nats   "
              f"reconstruction error median {error.median().item():.4f}")
    return arrays


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-root", default="data")
    p.add_argument("--weights", default="weights")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--summary", action="store_true", help="only print the AUROCs of the files already written")
    args = p.parse_args(argv)
    if args.summary:
        return print_summary(args.weights)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    sets = {name: to_float(load_split(name, args.data_root, train=False)[0]) for name in ("mnist", "fashion-mnist")}
    sets["noise"] = torch.rand(NOISE_IMAGES, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    for name in VAES:
        folder = Path(args.weights) / name
        print(f"{folder}:")
        np.savez_compressed(folder / ANOMALY_SCORES_FILE, **score_sets(load_model(folder), sets))
    print_summary(args.weights)


def print_summary(weights: str) -> None:
    """The figures the app quotes (models.anomaly.reference_summary), from the written files."""
    stored = [read_npz(Path(weights) / name / ANOMALY_SCORES_FILE) for name in VAES]
    for key, value in reference_summary(*stored).items():
        print(f"{key:46s} {value}")


if __name__ == "__main__":
    main()
