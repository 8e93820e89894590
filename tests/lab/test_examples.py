"""Every tab's examples are on disk, small, and give the expected kind of result through the tab's own function
on the shipped models: the digits are read as their digit, the garments as their garment, the house as an anomaly."""

import numpy as np
import pytest
from PIL import Image

from lab import examples as ex
from lab.anomaly import anomaly_roc, reference_scores
from lab.denoise import denoise
from lab.invert import invert
from lab.latent import interpolate
from lab.preprocess import preprocess
from lab.reconstruct import FIT_BOX, reconstruct, verdict_text

EVERY = {e for tab in (ex.RECONSTRUCT, ex.INVERT, ex.ANOMALY, ex.DENOISE) for e in tab} | {
    e for pair in ex.INTERPOLATE for e in pair}


@pytest.mark.parametrize("example", sorted(EVERY, key=lambda e: e.file), ids=lambda e: e.file)
def test_every_example_is_a_small_picture_that_preprocesses(example):
    path = ex.EXAMPLES_DIR / example.file
    assert path.is_file() and path.stat().st_size < 8_000  # a few KB
    x = preprocess(example.path, box=FIT_BOX[example.dataset]).x
    assert x.shape == (1, 1, 28, 28) and x.max() > 0.9  # ink found and stretched


def test_the_kinds_the_issue_asks_for_are_offered():
    kinds = {e.kind for e in ex.RECONSTRUCT}
    assert kinds == {"test digit", "photo", "drawing", "not a digit", "garment"}
    assert {e.kind for e in ex.ANOMALY} >= {"test digit", "not a digit", "garment"}
    drawing = Image.open(ex.DRAWING.path)
    alpha = np.asarray(drawing)[..., 3]
    assert drawing.mode == "RGBA" and (alpha == 0).mean() > 0.5  # strokes on a transparent canvas, as a pad exports
    assert Image.open(ex.PHOTO.path).format == "JPEG"


@pytest.mark.parametrize("example", ex.RECONSTRUCT, ids=lambda e: e.file)
def test_reconstruct_reads_each_example(shipped_lab, example):
    result = reconstruct(shipped_lab, example.path, example.dataset, 0.0)[3]
    text = verdict_text(result)
    if example.label is None:  # the house: the VAE cannot redraw it, whatever the classifier calls it
        assert result["anomaly_percentile"] >= 99 and "do not trust that label" in text
    else:
        assert result["predicted_label"] == result["input_predicted_label"] == example.label
        assert f"**{example.label}**" in text
        assert result["anomaly_percentile"] < 99 and "do not trust" not in text


def test_anomaly_scores_place_the_examples(shipped_lab):
    threshold = float(np.percentile(reference_scores(shipped_lab, "vae-mnist")["mnist"], 99).round())  # the tab's
    flagged = {e.file: anomaly_roc(shipped_lab, threshold, e.path)[2]["your_picture_flagged"] for e in ex.ANOMALY}
    assert flagged == {ex.DIGITS[0].file: False, ex.DIGITS[1].file: False, ex.DRAWING.file: False,
                       ex.PHOTO.file: True,  # paper texture and JPEG noise survive as faint ink: unlike MNIST
                       ex.HOUSE.file: True, ex.GARMENTS[2].file: True}


@pytest.mark.parametrize("example", ex.INVERT, ids=lambda e: e.file)
def test_invert_encodes_each_example(shipped_lab, example):
    result = invert(shipped_lab, example.path, 5)[3]
    assert result["vae"]["error"] < 0.03 and result["gan"]["error"] <= result["gan"]["error_at_start"]


@pytest.mark.parametrize("example", ex.DENOISE, ids=lambda e: e.file)
def test_denoise_cleans_each_example(shipped_lab, example):
    result = denoise(shipped_lab, example.path, example.dataset, "Gaussian", 0.5)[3]
    assert result["gain_db"] > 0  # the VAE's output is closer to the clean picture than the noisy input is


@pytest.mark.parametrize("pair", ex.INTERPOLATE, ids=lambda p: f"{p[0].file}-{p[1].file}")
def test_interpolate_between_each_pair(shipped_lab, pair):
    a, b = pair
    assert a.dataset == b.dataset
    vae_strip, _, note = interpolate(shipped_lab, a.dataset, "1", 0, "7", 0, 6, a.path, b.path)
    assert "your two pictures" in note and vae_strip.shape == (2 + 112 + 2, 2 + 6 * 114)


def test_the_readme_quotes_the_verdict_of_the_first_example(shipped_lab):
    verdict = verdict_text(reconstruct(shipped_lab, ex.DIGITS[0].path, "MNIST", 0.0)[3])
    first_two = verdict.split("  \n")[0]  # the 2-D VAE's sentence follows on its own line
    readme = " ".join((ex.EXAMPLES_DIR.parent / "README.md").read_text(encoding="utf-8").split())
    assert f'*"{first_two}"*' in readme
