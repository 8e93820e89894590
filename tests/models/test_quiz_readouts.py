"""models/quiz.py: the quiz's reference files and its readouts, on the shipped reference."""

import numpy as np
import pytest
import torch

from models.quiz import DATA, measure, read_quiz_files


class Sure:
    """A classifier that calls everything class 3 with probability `p`."""

    def __init__(self, p: float):
        self.p = p

    def predict_proba(self, images):
        proba = torch.full((len(images), 10), (1 - self.p) / 9)
        proba[:, 3] = self.p
        return proba


def test_missing_files_say_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="quiz_real_fashion-mnist.npz is missing: run `python -m training"):
        read_quiz_files(tmp_path, "Fashion-MNIST")


def test_a_training_image_is_a_copy_and_a_blank_is_not_real():
    files = read_quiz_files(DATA, "MNIST")
    codes = torch.from_numpy(files["reference_codes"][:1]).float()
    copy = torch.from_numpy(files["reference_mean"]) + codes @ torch.from_numpy(files["reference_components"]).T
    images = torch.cat([copy.view(1, 1, 28, 28), torch.zeros(1, 1, 28, 28)])
    m = measure(Sure(0.95), files, 2.0, images)
    assert m["nearest_distance"][0] < 0.01 and m["nearest_percentile"][0] == 0
    assert m["sharpness"][1] == 0 and not m["sharp_like_real"][1] and not m["looks_real"][1]
    assert m["predicted"].tolist() == [3, 3] and np.allclose(m["confidence"], 0.95)
    assert not measure(Sure(0.5), files, 2.0, images)["looks_real"].any()  # unsure: never looks real
    assert "reference_codes_float32" in files  # the float32 copy is kept for the next call
