"""Write what the quiz ships in `lab/quiz_data/`, then measure how often each source "looks real".

    python -m training.quiz_reference --data-root ../shared/data
    python -m training.quiz_reference --table   # only print the table of quiz_figures.json
                                                # (docs/training-notes.md, Quiz)

Per data set (`mnist`, `fashion-mnist`):
- `quiz_real_<name>.npz`: `--per-class` real test images of each class (uint8 `images` (N, 28, 28),
  `labels`, `test_indices` into the 10,000-image test split), drawn at random with `--seed`;
- `quiz_reference_<name>.npz`: the nearest-training-image reference. All 60,000 training images are
  projected on the top `--components` principal components of their pixels (`mean` (784,),
  `components` (784, k), `codes` (60000, k) float16); `nearest_quantiles` (101,) are the percentiles
  of the distance from each of the 10,000 test images to its nearest training image in that projection;
  `sharpness_band` (2,) the 5th and 95th percentile of the training images' per-image Laplacian variance.
Then `quiz_figures.json`: the share of `--measure` real test images, VAE samples and GAN samples that
the quiz's realness readout (`models.quiz.measure`) calls real, on the models in `--weights`, and how well
distances in the projection track exact pixel distances (`projection`).
"""

import argparse
import json
import shlex
import sys
from pathlib import Path

import numpy as np
import torch

from models import load_model
from models.metrics import CONFIDENT, laplacian_variance
from models.quiz import COPY_PERCENTILE, DATA, measure, read_quiz_files
from models.registry import DATASETS, METRICS_FILE, WEIGHTS_FILE, model_name, read_json
from training.common import positive_int
from training.data import load_split, to_float
from training.evaluate import sha256


def real_subset(images: torch.Tensor, labels: torch.Tensor, per_class: int, seed: int) -> dict[str, np.ndarray]:
    g = torch.Generator().manual_seed(seed)
    picked = [torch.nonzero(labels == c).flatten() for c in range(10)]
    idx = torch.cat([p[torch.randperm(len(p), generator=g)[:per_class]] for p in picked]).sort().values
    return {"images": images[idx].numpy(), "labels": labels[idx].numpy().astype(np.uint8),
            "test_indices": idx.numpy().astype(np.int32)}


def nearest_distances(queries: torch.Tensor, codes: torch.Tensor, chunk: int = 500) -> torch.Tensor:
    return torch.cat([torch.cdist(q, codes).min(1).values for q in queries.split(chunk)])


def pca(x: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor, float]:
    """`x` `(N, D)` -> mean `(D,)`, the top-k principal directions `(D, k)`, the share of variance they keep."""
    mean = x.mean(0)
    cov = (x - mean).T @ (x - mean) / len(x)  # (D, D)
    vals, vecs = torch.linalg.eigh(cov)  # eigenvalues in ascending order
    return mean, vecs.flip(1)[:, :k].contiguous(), (vals.flip(0)[:k].sum() / vals.sum()).item()


def projection_check(train: torch.Tensor, test: torch.Tensor, k: int, n: int = 300) -> dict:
    """How well nearest-neighbour distances in the k-d projection track the exact pixel distances,
    on the first `n` test images: the variance kept and the correlation of the two distances."""
    x, q = train.flatten(1), test[:n].flatten(1)
    mean, components, kept = pca(x, k)
    exact = nearest_distances(q, x)
    projected = nearest_distances((q - mean) @ components, ((x - mean) @ components).half().float())
    return {"components": k, "variance_kept": round(kept, 3), "images": n,
            "distance_correlation": round(torch.corrcoef(torch.stack([exact, projected]))[0, 1].item(), 3)}


def pca_reference(train: torch.Tensor, test: torch.Tensor, k: int) -> dict[str, np.ndarray]:
    """`train`, `test`: float `(N, 1, 28, 28)`. The top-k principal directions of the training pixels."""
    x = train.flatten(1)  # (60000, 784)
    mean, components, _ = pca(x, k)
    codes = ((x - mean) @ components).half()  # (60000, k), as shipped
    test_nearest = nearest_distances((test.flatten(1) - mean) @ components, codes.float())
    band = laplacian_variance(train)
    return {"mean": mean.numpy(), "components": components.numpy(), "codes": codes.numpy(),
            "nearest_quantiles": np.percentile(test_nearest.numpy(), np.arange(101)).astype(np.float32),
            "sharpness_band": np.percentile(band.numpy(), [5, 95]).astype(np.float32)}


@torch.no_grad()
def realness_figures(weights: Path, files: dict[str, np.ndarray], dataset: str, test: torch.Tensor, n: int,
                     seed: int) -> dict:
    """Share of `n` real test images, VAE samples and GAN samples (random classes) that look real, by the
    data set's VAE, GAN and classifier in `weights` and its quiz `files` (`read_quiz_files`)."""
    g = torch.Generator().manual_seed(seed)
    names = {kind: model_name(kind, dataset) for kind in ("vae", "gan", "classifier")}
    vae, gan, classifier = (load_model(weights / name) for name in names.values())
    real_sharpness = read_json(weights / names["classifier"] / METRICS_FILE)["real_laplacian_variance"]
    batches = {"real": test[torch.randperm(len(test), generator=g)[:n]],
               "vae": vae.sample(n, generator=g),
               "gan": gan.sample(n, generator=g)}
    figures = {}
    for source, images in batches.items():
        m = measure(classifier, files, real_sharpness, images)
        figures[source] = {
            "looks_real": round(float(m["looks_real"].mean()), 3),
            "confident": round(float((m["confidence"] >= CONFIDENT).mean()), 3),
            "sharp_like_real": round(float(m["sharp_like_real"].mean()), 3),
            "maybe_copies": round(float((m["nearest_percentile"] <= COPY_PERCENTILE).mean()), 3),
            "median_sharpness": round(float(np.median(m["sharpness"])), 3),
        }
    figures["models"] = {name: sha256(weights / name / WEIGHTS_FILE) for name in names.values()}
    return figures


def figures_table(figures: dict) -> str:
    """The table of `quiz_figures.json` in docs/training-notes.md: the share of each source the readout calls real."""
    rows = ["| data set | real test images | VAE samples | GAN samples | GAN samples that may be copies |",
            "|---|---|---|---|---|"]
    for dataset in DATASETS:
        f = figures[dataset]
        rows.append(f"| {dataset} | {f['real']['looks_real']:.1%} | {f['vae']['looks_real']:.1%} | "
                    f"{f['gan']['looks_real']:.1%} | {f['gan']['maybe_copies']:.1%} "
                    f"(real: {f['real']['maybe_copies']:.1%}) |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-root", default="data", help="folder holding MNIST/raw and FashionMNIST/raw")
    p.add_argument("--out", default=str(DATA), help="where the quiz's files go (default lab/quiz_data)")
    p.add_argument("--weights", default="weights", help="the models measured for quiz_figures.json")
    p.add_argument("--per-class", type=positive_int, default=30, help="real test images shipped per class")
    p.add_argument("--components", type=positive_int, default=32, help="principal components of the reference")
    p.add_argument("--measure", type=positive_int, default=1000, help="images of each source to measure")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--table", action="store_true",
                   help="only print the table of quiz_figures.json (docs/training-notes.md, Quiz)")
    args = p.parse_args(argv)
    if args.table:
        print(figures_table(read_json(Path(args.out) / "quiz_figures.json")))
        return
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    figures = {"command": "python -m training.quiz_reference " + shlex.join(sys.argv[1:] if argv is None else argv),
               "readout": f"looks real: the classifier's top class has probability >= {CONFIDENT} and the image's "
                          "Laplacian variance lies between the 5th and 95th percentile of the training images'",
               "measured": args.measure, "seed": args.seed}
    for dataset, name in DATASETS.items():
        train, _ = load_split(name, args.data_root, train=True, download=False)
        test_u8, test_labels = load_split(name, args.data_root, train=False, download=False)
        np.savez_compressed(out / f"quiz_real_{name}.npz", **real_subset(test_u8, test_labels, args.per_class,
                                                                          args.seed))
        test = to_float(test_u8)
        np.savez_compressed(out / f"quiz_reference_{name}.npz", **pca_reference(to_float(train), test,
                                                                                 args.components))
        for kind in ("real", "reference"):
            path = out / f"quiz_{kind}_{name}.npz"
            print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
        files = read_quiz_files(out, dataset)  # measure with the files just written
        figures[dataset] = realness_figures(Path(args.weights), files, dataset, test, args.measure, args.seed)
        figures[dataset]["projection"] = projection_check(to_float(train), test, args.components)
        print(dataset, json.dumps({k: v for k, v in figures[dataset].items() if k != "models"}))
    (out / "quiz_figures.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(figures_table(figures))


if __name__ == "__main__":
    main()
