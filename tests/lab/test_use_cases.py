"""The Use cases tab's logic (lab/use_cases.py) on tiny seeded models, and the shipped models' claim."""

import numpy as np
import pytest

from lab.examples import DIGITS
from lab.preprocess import PreprocessError
from lab.use_cases import (
    HATCH,
    PANELS,
    complete,
    figures_markdown,
    readout_markdown,
    restore,
    shown_input,
    super_resolve,
)
from models.pix2pix import downsample
from tests.lab.test_reconstruct import digit_one


def test_shown_input_is_what_the_model_sees():
    import torch
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    small = shown_input(x, "super-resolution")
    assert small.shape == (224, 224) and small.dtype == np.uint8
    assert (small[::32, ::32].repeat(32, 0).repeat(32, 1) == small).all()  # 7x7 pixels as 32x32 squares
    expected = (downsample(x)[0, 0].numpy() * 255 + 0.5).astype(np.uint8)
    assert (small[::32, ::32] == expected).all()
    half = shown_input(x, "completion")
    assert set(np.unique(half[112:])) <= set(HATCH)  # the hidden half: stripes only
    assert (half[:112:8, ::8] == (x[0, 0, :14].numpy() * 255 + 0.5).astype(np.uint8)).all()


def test_super_resolve_outputs(tiny_lab):
    *pictures, result = super_resolve(tiny_lab, digit_one())
    assert len(pictures) == 5 and all(p.shape == (224, 224) and p.dtype == np.uint8 for p in pictures)
    assert list(result["panels"]) == list(PANELS["super-resolution"])
    assert result["models"] == {"l1": "sr-l1-mnist", "gan": "sr-gan-mnist"}
    for panel, figures in result["panels"].items():
        assert figures["label"] in [str(d) for d in range(10)] and 0 < figures["confidence"] <= 1
        assert figures["sharpness"] >= 0
        assert f"sharpness {figures['sharpness']:g} × real digits'" in result["descriptions"][panel]


def test_completion_keeps_the_upper_half_and_a_seed_its_answer(tiny_lab):
    half, l1, gan, truth, result = complete(tiny_lab, digit_one(), 0)
    assert (gan[:112] == truth[:112]).all() and (l1[:112] == truth[:112]).all()
    assert list(result["panels"]) == ["input", "l1", "gan", "truth"] and result["seed"] == 0
    assert (complete(tiny_lab, digit_one(), 1)[1] == l1).all()  # the L1 model has no noise
    assert (complete(tiny_lab, digit_one(), 0)[2] == gan).all()  # a seed gives the same completion


@pytest.mark.parametrize("image, seed, message", [
    (np.full((60, 60), 255, dtype=np.uint8), 0, "ink"),
    (digit_one(), -1, "The seed must be a whole number"),
    (digit_one(), "two", "The seed must be a whole number"),
])
def test_bad_input_gets_a_clear_message(tiny_lab, image, seed, message):
    with pytest.raises((ValueError, PreprocessError), match=message):
        restore(tiny_lab, image, "completion", seed)


def test_readout_markdown_has_a_column_per_picture():
    result = {"panels": {p: {"title": p.upper(), "label": "3", "confidence": 0.5, "sharpness": s}
                         for p, s in zip(PANELS["completion"], (0.2, 0.4, 1.0, 1.1), strict=True)}}
    text = readout_markdown(result)
    assert text.splitlines()[0] == "| | INPUT | L1 | GAN | TRUTH |"
    assert "| sharpness vs real | 0.2 | 0.4 | 1 | 1.1 |" in text
    assert "The L1 answer is blurrier than the adversarial one here (sharpness 0.4 against 1" in text
    assert readout_markdown(None) == ""
    with pytest.raises(ValueError, match="Expected the result"):
        readout_markdown({"panels": "no"})


def test_figures_come_from_the_metrics_files(tiny_lab):
    text = figures_markdown(tiny_lab)
    assert "| U-Net, L1 loss only, super-resolution | 90.0% | 0.5 | 3 |" in text
    assert "| Bicubic upsampling, super-resolution | 80.0% | 0.3 | 9 |" in text
    assert "Fréchet distance 1.6 (the floor)" in text


def test_shipped_adversarial_models_are_sharper_than_l1(shipped_lab):
    """The tab's claim on a real test digit: the discriminator's answer is sharper than L1's, for both jobs,
    and super-resolution keeps the digit."""
    *_, sr = super_resolve(shipped_lab, DIGITS[0].path)
    _, _, gan, _, completion = complete(shipped_lab, DIGITS[0].path, 0)
    assert not (complete(shipped_lab, DIGITS[0].path, 1)[2] == gan).all()  # another seed, another completion
    for result in (sr, completion):
        assert result["panels"]["gan"]["sharpness"] > result["panels"]["l1"]["sharpness"]
    assert sr["panels"]["gan"]["label"] == sr["panels"]["l1"]["label"] == DIGITS[0].label
