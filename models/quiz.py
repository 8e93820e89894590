"""The quiz's realness readouts, shared by the app's Quiz tab and `training/quiz_reference.py`, which writes
the reference they compare with (`lab/quiz_data/`) and measures how often each source looks real.

Per image: the sharpness (Laplacian variance) against the band of real training images, the classifier's
confidence in its top class, and the distance to the nearest training image in a PCA projection of the
pixels, beside the same distance for real test images: a copy would sit much closer than any of them.
"""

from pathlib import Path

import numpy as np
import torch

from models.metrics import CONFIDENT, laplacian_variance
from models.registry import DATASETS

DATA = Path(__file__).resolve().parents[1] / "lab" / "quiz_data"  # written by `python -m training.quiz_reference`
COPY_PERCENTILE = 1.0  # closer to a training image than 99 % of real test images are: maybe a copy


def read_quiz_files(folder: Path, dataset: str) -> dict[str, np.ndarray]:
    """`quiz_real_<name>.npz` and `quiz_reference_<name>.npz` from `folder`, keys prefixed `real_`, `reference_`."""
    arrays = {}
    for kind in ("real", "reference"):
        path = Path(folder) / f"quiz_{kind}_{DATASETS[dataset]}.npz"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `python -m training.quiz_reference "
                                    f"--data-root ../shared/data`")
        with np.load(path) as data:
            arrays.update({f"{kind}_{name}": data[name] for name in data.files})
    return arrays


@torch.inference_mode()
def measure(classifier, files: dict[str, np.ndarray], real_sharpness: float,
            images: torch.Tensor) -> dict[str, np.ndarray]:
    """The quiz's readouts for a batch `(B, 1, 28, 28)` in [0, 1], one value per image. `files`: the data set's
    `read_quiz_files` (a float32 copy of the codes is kept in it); `real_sharpness`: the mean Laplacian variance
    of the real test images (the classifier's metrics.json, from training.evaluate)."""
    low, high = files["reference_sharpness_band"]  # per-image Laplacian variance, train 5th / 95th percentile
    sharpness = laplacian_variance(images).numpy()
    confidence, predicted = classifier.predict_proba(images).max(1)
    mean, components = torch.from_numpy(files["reference_mean"]), torch.from_numpy(files["reference_components"])
    codes = (images.flatten(1) - mean) @ components  # (B, k): the same projection as the training images
    if "reference_codes_float32" not in files:  # converted once, not on every guess (60000 x k)
        files["reference_codes_float32"] = files["reference_codes"].astype(np.float32)
    train_codes = torch.from_numpy(files["reference_codes_float32"])  # (60000, k)
    nearest = torch.cat([torch.cdist(c, train_codes).min(1).values for c in codes.split(500)]).numpy()
    # share (%) of real test images that sit closer to their nearest training image than this one
    percentile = np.interp(nearest, files["reference_nearest_quantiles"], np.linspace(0, 100, 101))
    confidence = confidence.numpy()
    return {"sharpness": sharpness / real_sharpness,
            "sharp_like_real": (low <= sharpness) & (sharpness <= high),
            "confidence": confidence, "predicted": predicted.numpy(),
            "nearest_distance": nearest, "nearest_percentile": percentile,
            "looks_real": (confidence >= CONFIDENT) & (low <= sharpness) & (sharpness <= high)}
