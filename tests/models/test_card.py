"""models/card.py: the figures of a metrics.json and the three lines that load a model, as the model cards and
the Models tab show them."""

import json
import subprocess
import sys
from pathlib import Path

from models.card import figures, load_lines, recorded_flag, recorded_switch, settings

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"


def test_figures_are_every_number_in_metrics_but_the_settings():
    metrics = json.loads((WEIGHTS / "vae-mnist" / "metrics.json").read_text())
    assert figures(metrics) == {"real_frechet_distance": 1.617, "real_precision": 0.8699, "real_recall": 0.8744,
                                "test_neg_elbo": 88.2, "test_nll_iwae": 84.39, "test_nll_iwae_refined": 83.78,
                                "reconstruction_accuracy": 0.9876, "reconstruction_bce": 57.94,
                                "frechet_distance": 62.874, "precision": 0.7226, "recall": 0.8155,
                                "sharpness_ratio": 0.624, "class_coverage": 10}
    assert settings(metrics) == {"iwae_k": 100, "refine_steps": 50, "refine_k": 1000}
    assert figures({"precision": 0.5, "sha256": "ab", "ok": True, "notes": ["x"]}) == {"precision": 0.5}


def test_the_three_lines_load_and_run():
    """The snippet the tab and the cards show, run as written from the repository root."""
    script = "\n".join(load_lines(kind, f"weights/{name}") + "\nprint(tuple(images.shape))"
                       for kind, name in [("vae", "vae-mnist"), ("gan", "gan-mnist"), ("autoencoder", "ae2d-mnist")])
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=300)
    assert [line for line in out.stdout.splitlines() if line.startswith("(")] == ["(16, 1, 28, 28)"] * 3
    assert all(len(load_lines(kind, "x/y").splitlines()) == 3 for kind in ("vae", "gan", "autoencoder", "classifier"))


def test_a_recorded_commands_flags_and_switches():
    command = "python -m training.train_gan --out 'weights/gan mnist' --ema 0.999 --d-conv3 --mbstd"
    assert recorded_flag(command, "--ema") == "0.999" and recorded_flag(command, "--out") == "weights/gan mnist"
    assert recorded_flag(command, "--mbstd") is None and recorded_flag(command, "--lr") is None  # last word, absent
    assert recorded_switch(command, "--d-conv3") and recorded_switch(command, "--mbstd")
    assert not recorded_switch(command, "--mbstd-group") and not recorded_switch(None, "--mbstd")
