"""`python -m training.quiz_reference` on tiny IDX data writes the quiz's files and its realness figures."""

import json

import numpy as np

from models.quiz import read_quiz_files
from training import quiz_reference
from training.data import load_split


def test_quiz_reference_on_tiny_data(tiny_data_root, tmp_path, capsys):
    quiz_reference.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path), "--per-class", "2",
                         "--components", "4", "--measure", "20"])
    for dataset, name in (("MNIST", "mnist"), ("Fashion-MNIST", "fashion-mnist")):
        files = read_quiz_files(tmp_path, dataset)
        assert files["real_images"].shape == (20, 28, 28) and files["real_images"].dtype == np.uint8
        assert np.bincount(files["real_labels"]).tolist() == [2] * 10
        assert files["reference_codes"].shape == (64, 4) and files["reference_codes"].dtype == np.float16
        assert files["reference_components"].shape == (784, 4)
        quantiles = files["reference_nearest_quantiles"]
        assert quantiles.shape == (101,) and (np.diff(quantiles) >= 0).all()
        low, high = files["reference_sharpness_band"]
        assert 0 < low < high
        # the shipped real images are the test images they say they are
        test, labels = load_split(name, tiny_data_root, train=False, download=False)
        idx = files["real_test_indices"]
        assert np.array_equal(test[idx].numpy(), files["real_images"])
        assert np.array_equal(labels[idx].numpy(), files["real_labels"])
    figures = json.loads((tmp_path / "quiz_figures.json").read_text())
    assert figures["command"].startswith("python -m training.quiz_reference --data-root")
    for dataset in ("MNIST", "Fashion-MNIST"):
        for source in ("real", "vae", "gan"):
            assert 0 <= figures[dataset][source]["looks_real"] <= 1
        assert figures[dataset]["projection"]["components"] == 4
    assert quiz_reference.figures_table(figures) in capsys.readouterr().out
