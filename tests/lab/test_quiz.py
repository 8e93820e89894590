import json
from pathlib import Path

import numpy as np
import pytest
import torch

from lab.quiz import (
    SOURCES,
    answer,
    explanation_text,
    measure_images,
    new_round,
    new_state,
    parse_guess,
    quiz_files,
    readouts,
    score_text,
    start_round,
)
from models.registry import model_name

ROOT = Path(__file__).resolve().parents[2]


def seeds_by_source(lab, dataset="MNIST", first=0, count=40) -> dict[str, list[int]]:
    found = {source: [] for source in SOURCES}
    for seed in range(first, first + count):
        found[new_round(lab, seed, dataset)[1]].append(seed)
    return found


@pytest.mark.parametrize("dataset", ["MNIST", "Fashion-MNIST"])
def test_rounds_are_reproducible_from_the_seed_and_mix_all_sources(tiny_lab, dataset):
    found = seeds_by_source(tiny_lab, dataset)
    assert all(len(seeds) >= 5 for seeds in found.values()), found  # 40 seeds: every source turns up
    for source, seeds in found.items():
        x, again = new_round(tiny_lab, seeds[0], dataset)
        y, _ = new_round(tiny_lab, seeds[0], dataset)
        assert again == source and x.shape == (1, 1, 28, 28) and torch.equal(x, y)
        assert 0 <= x.min() and x.max() <= 1
    real = quiz_files(tiny_lab, dataset)["real_images"]
    x, _ = new_round(tiny_lab, found["Real"][0], dataset)
    assert any(np.array_equal((x[0, 0] * 255).round().byte().numpy(), image) for image in real)


def test_score_and_streak(tiny_lab):
    found = seeds_by_source(tiny_lab)
    state = new_state()
    plan = [(found["GAN"][0], "GAN"), (found["VAE"][0], "VAE"), (found["Real"][0], "GAN"), (found["Real"][1], "Real")]
    expected = [(1, 1, 1, 1), (2, 2, 2, 2), (2, 3, 0, 2), (3, 4, 1, 2)]  # score, answered, streak, best streak
    for (seed, guess), (score, answered, streak, best) in zip(plan, expected, strict=True):
        _, _, next_seed, state = start_round(tiny_lab, state, seed, "MNIST")
        assert next_seed == seed + 1 and state["round"] == {"seed": seed, "dataset": "MNIST"}
        state, result = answer(tiny_lab, state, guess.lower())  # guesses are case-insensitive
        assert result["correct"] == (guess == new_round(tiny_lab, seed, "MNIST")[1])
        assert (state["score"], state["answered"], state["streak"], state["best_streak"]) == (score, answered,
                                                                                              streak, best)
        assert state["round"] is None
    assert score_text(state) == "**Score 3 / 4** · streak 1 · best streak 2"
    with pytest.raises(ValueError, match="No round is running"):  # one guess per round
        answer(tiny_lab, state, "GAN")
    with pytest.raises(ValueError, match="Unknown guess 'Diffusion': choose Real, VAE or GAN."):
        parse_guess("Diffusion")
    assert parse_guess(" gan ") == "GAN"
    with pytest.raises(ValueError, match="seed"):
        start_round(tiny_lab, state, -3, "MNIST")


def test_a_round_never_reveals_its_answer(tiny_lab):
    """The picture is all that differs between rounds of different sources: the prompt, the next seed and
    the state kept for the session are the same function of the seed whatever the answer is."""
    found = seeds_by_source(tiny_lab, "Fashion-MNIST")
    outputs = {}
    for source, seeds in found.items():
        picture, prompt, next_seed, state = start_round(tiny_lab, new_state(), seeds[0], "Fashion-MNIST")
        assert picture.shape == (224, 224) and picture.dtype == np.uint8
        outputs[source] = (prompt.replace(f"seed {seeds[0]}", "seed S"), next_seed - seeds[0], state["round"].keys())
        visible = (prompt + json.dumps(state)).replace("Real, VAE or GAN?", "")
        assert not any(name in visible for name in SOURCES), visible
    assert outputs["Real"] == outputs["VAE"] == outputs["GAN"]


def test_readouts_of_known_images(shipped_lab):
    """Real MNIST test digits look real, blurry VAE samples do not, and a training image counts as a copy."""
    data = np.load(ROOT / "tests" / "fixtures" / "mnist_test_200.npz")
    real = torch.from_numpy(data["images"]).unsqueeze(1).float() / 255.0  # (200, 1, 28, 28)
    m = measure_images(shipped_lab, "MNIST", real)
    assert (m["confidence"] >= 0.9).mean() >= 0.95  # the classifier knows real digits
    assert 0.8 <= m["looks_real"].mean() <= 0.97  # ~89 % over 1,000 (lab/quiz_data/quiz_figures.json)
    assert (m["nearest_percentile"] <= 1.0).mean() <= 0.05  # real test digits are not copies
    vae = shipped_lab.model("vae-mnist").sample(200, generator=torch.Generator().manual_seed(0))
    v = measure_images(shipped_lab, "MNIST", vae)
    assert np.median(v["sharpness"]) < 0.75 and v["looks_real"].mean() < 0.6  # blurry: 0.60 x real, 47 %

    blank = readouts(shipped_lab, "MNIST", torch.zeros(1, 1, 28, 28))
    assert blank["sharpness"] == 0 and not blank["looks_real"]
    files = quiz_files(shipped_lab, "MNIST")
    # a training image as the reference stores it: its projection lands exactly on its own code
    codes = torch.from_numpy(files["reference_codes"][:1]).float()
    copy = torch.from_numpy(files["reference_mean"]) + codes @ torch.from_numpy(files["reference_components"]).T
    r = readouts(shipped_lab, "MNIST", copy.view(1, 1, 28, 28))
    assert r["nearest_training_distance"] < 0.01 and r["nearest_training_percentile"] == 0
    text = explanation_text({"answer": "GAN", "guess": "Real", "correct": False, "readouts": r})
    assert "### Not this time: it is a **GAN** sample (you said Real)." in text and "it may be a copy" in text

    r = readouts(shipped_lab, "MNIST", real[:1])
    assert r["classifier_class"] == str(int(data["labels"][0])) and r["classifier_confidence"] > 0.9
    text = explanation_text({"answer": "Real", "guess": "Real", "correct": True, "readouts": r})
    assert text.startswith("### Right! It is a **real** test image.") and "not a copy" in text


def test_shipped_quiz_files_are_small_and_attributed():
    folder = ROOT / "lab" / "quiz_data"
    real = sum((folder / f"quiz_real_{name}.npz").stat().st_size for name in ("mnist", "fashion-mnist"))
    assert real < 1_000_000
    for name in ("mnist", "fashion-mnist"):
        assert (folder / f"quiz_reference_{name}.npz").stat().st_size < 5_000_000
        with np.load(folder / f"quiz_real_{name}.npz") as data:
            assert data["images"].shape == (300, 28, 28) and data["images"].dtype == np.uint8
            assert np.bincount(data["labels"]).tolist() == [30] * 10
        with np.load(folder / f"quiz_reference_{name}.npz") as data:
            assert data["codes"].shape == (60000, 32) and data["codes"].dtype == np.float16
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 3.0" in readme and "Zalando SE" in readme and "MIT" in readme


def test_quiz_figures_describe_the_shipped_models():
    """The figures were measured on the shipped files (whose hashes tests/test_shipped_weights.py checks)."""
    figures = json.loads((ROOT / "lab" / "quiz_data" / "quiz_figures.json").read_text(encoding="utf-8"))
    for dataset in ("MNIST", "Fashion-MNIST"):
        kinds = ("classifier", "gan", "vae")
        assert sorted(figures[dataset]["models"]) == [model_name(kind, dataset) for kind in kinds]
        for name, digest in figures[dataset]["models"].items():
            metrics = json.loads((ROOT / "weights" / name / "metrics.json").read_text(encoding="utf-8"))
            assert metrics["provenance"]["model_sha256"] == digest, name


def test_the_giveaway_names_what_caught_a_gan_sample():
    r = {"sharpness": 0.3, "real_sharpness_range": [0.5, 1.4], "classifier_class": "Coat",
         "classifier_confidence": 0.62, "nearest_training_distance": 2.0, "nearest_training_percentile": 40.0,
         "looks_real": False}
    text = explanation_text({"answer": "GAN", "guess": "GAN", "correct": True, "readouts": r})
    assert ("The readout caught this GAN sample: the classifier is unsure (62 %) and it is blurrier than 95 % "
            "of real images.") in text
    assert "- **Sharpness** 0.30 × real (0.50–1.40 for 90 % of real images): blurrier than 95 % of real images." in text
    assert "- **Classifier** says Coat with 62 % (unsure; 90 % counts as confident)." in text
    assert "40 % of real test images sit closer: not a copy." in text
