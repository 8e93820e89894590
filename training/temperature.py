"""Choose a GAN's sampling temperature on training images, and record it in its config.

    python -m training.temperature weights/gan-mnist --data-root ../shared/data --threads 2
    python -m training.temperature weights/gan-mnist --set 1.06

The generator is trained on z ~ N(0, I), but nothing forces the spread of its samples to match the data's: a
generator averaged over training (`--ema`) can come out a little too uniform. Sampling at a temperature T,
z ~ N(0, T^2 I) (Kingma & Dhariwal 2018, arXiv:1807.03039, sec. 5), turns that dial after training: below 1 the
samples are more typical and less varied (BigGAN's truncation, Brock et al. 2019, arXiv:1809.11096), above 1 more
varied and less typical (precision traded for recall, Kynkäänniemi et al. 2019, arXiv:1904.06991, sec. 5.1).

For each T: 10,000 class-balanced samples (seed 1; the evaluation uses seed 0) against 10,000 training images that
the evaluation's real floor does not use (train[10000:20000]), in the classifier's feature space: the Fréchet
distance, precision, recall and the share classified as asked. The test set is never looked at: the temperature
is chosen on training images, and `training.evaluate` then measures the choice on the test set. The suggestion is
the T with the lowest Fréchet distance: the samples' spread closest to the data's. A generator matches its
training images a little better than the test images, so that choice can come out a little wide for the test set
(docs/training-notes.md, "Sampling temperature"): read the test figures after setting it.

`--set T` writes T into the folder's config.json; the weights, and so their sha256, do not change. Run
`training.evaluate` on the folder after it, so that metrics.json and the model card describe the new sampling.
"""

import argparse
import json
import math
from pathlib import Path

import torch

from models import ModelLoadError, load_model
from models.gan import Generator
from models.metrics import classifier_features, predict
from models.registry import model_name
from training.common import positive_int
from training.data import load_split, to_float
from training.evaluate import feature_metrics

TEMPERATURES = (0.9, 0.95, 1.0, 1.02, 1.04, 1.06, 1.08, 1.1, 1.15)  # the scan's default dial settings
SEED = 1  # noise for the scan: not the evaluation's seed 0
HELD_OUT = slice(10_000, 20_000)  # training images the evaluation's floor (train[:10000]) does not use


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a temperature is a number above 0, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"a temperature must be a finite number above 0, got {text}")
    return value


@torch.no_grad()
def scan(gan: Generator, classifier, x_ref: torch.Tensor, temperatures, n_samples: int = 10_000) -> list[dict]:
    """One row per temperature: its Fréchet distance, precision and recall against `x_ref` `(N, 1, 28, 28)` in
    [0, 1], and the share of its class-balanced samples the classifier names as asked."""
    ref_feats = classifier_features(classifier, x_ref)
    labels = torch.arange(n_samples) % gan.num_classes
    kept = gan.config.temperature
    rows = []
    try:
        for t in temperatures:
            gan.config.temperature = t
            samples = gan.sample(n_samples, labels=labels, generator=torch.Generator().manual_seed(SEED))
            asked = (predict(classifier, samples) == labels).float().mean().item()
            rows.append({"temperature": t, **feature_metrics(classifier_features(classifier, samples), ref_feats),
                         "classified_as_asked": round(asked, 4)})
    finally:
        gan.config.temperature = kept
    return rows


def best(rows: list[dict]) -> float:
    """The temperature whose samples lie closest to the data: the lowest Fréchet distance."""
    return min(rows, key=lambda row: row["frechet_distance"])["temperature"]


def at_edge(rows: list[dict]) -> bool:
    """Whether the lowest distance lies at the lowest or highest temperature of a scan of three or more: the
    minimum may lie outside it."""
    temperatures = [row["temperature"] for row in rows]
    return len(rows) > 2 and best(rows) in (min(temperatures), max(temperatures))


def table(rows: list[dict], current: float) -> str:
    lines = ["| temperature | Fréchet distance | precision | recall | classified as asked |", "|---|---|---|---|---|"]
    for row in rows:
        mark = " (now)" if row["temperature"] == current else ""
        lines.append(f"| {row['temperature']:g}{mark} | {row['frechet_distance']:.3f} | {row['precision']:.3f} | "
                     f"{row['recall']:.3f} | {100 * row['classified_as_asked']:.2f} % |")
    return "\n".join(lines)


def set_temperature(folder: Path, temperature: float) -> None:
    """Write `temperature` into `folder`/config.json, keeping every other field as it is."""
    path = folder / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["temperature"] = temperature
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", help="a GAN's weights folder, e.g. weights/gan-mnist")
    p.add_argument("--data-root", default="data")
    p.add_argument("--classifier", default=None, help="default weights/classifier-<dataset>")
    p.add_argument("--temperatures", type=positive_float, nargs="+", default=list(TEMPERATURES),
                   help="the settings to measure (default: %(default)s)")
    p.add_argument("--samples", type=positive_int, default=10_000, help="generated images per setting")
    p.add_argument("--set", type=positive_float, default=None, metavar="T",
                   help="write T into the folder's config.json instead of scanning")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    folder = Path(args.folder)
    try:
        gan = load_model(folder)
    except ModelLoadError as err:
        raise SystemExit(f"temperature: {err}") from err
    if not isinstance(gan, Generator):
        raise SystemExit(f"temperature: {folder} holds a {type(gan).__name__}, not a GAN generator")
    if args.set is not None:
        set_temperature(folder, args.set)
        print(f"{folder}: temperature {gan.config.temperature:g} -> {args.set:g}; now run "
              f"python -m training.evaluate {folder} --data-root {args.data_root}")
        return []
    dataset = gan.config.dataset
    try:
        classifier = load_model(args.classifier or Path("weights") / model_name("classifier", dataset))
        x_train, _ = load_split(dataset, args.data_root, train=True, download=False)
    except (ModelLoadError, FileNotFoundError) as err:
        raise SystemExit(f"temperature: {err}") from err
    x_ref = x_train[HELD_OUT]
    if len(x_ref) == 0:
        raise SystemExit(f"temperature: the scan compares with the training images after the first {HELD_OUT.start:,}, "
                         f"which the real floor uses; it needs more than {HELD_OUT.start:,} training images, "
                         f"{args.data_root} has {len(x_train):,}")
    rows = scan(gan, classifier, to_float(x_ref), args.temperatures, args.samples)
    print(table(rows, gan.config.temperature))
    print(f"lowest Fréchet distance to held-out training images at temperature {best(rows):g} "
          f"(now {gan.config.temperature:g})")
    if at_edge(rows):
        print("that is the edge of the scan: the distance may fall further outside it; widen --temperatures")
    return rows


if __name__ == "__main__":
    main()
