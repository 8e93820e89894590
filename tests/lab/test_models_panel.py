"""The Models tab's logic: each model's figures and size, where it came from, and the three lines that load it
(the files the app reads and the figures themselves: tests/models/test_registry.py, tests/models/test_card.py)."""

import json
import shutil
from pathlib import Path

import pytest

from lab.loading import Lab, Loaded
from lab.models_panel import hub_source, model_info, source_markdown, summary_markdown
from models.card import figures

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def gan_lab(shipped_lab):
    return shipped_lab


def test_local_model_info(gan_lab):
    info = model_info(gan_lab, "gan-mnist")
    metrics = json.loads((WEIGHTS / "gan-mnist" / "metrics.json").read_text())
    assert info["family"] == "GAN generator" and info["dataset"] == "MNIST"
    assert info["parameters"] == sum(p.numel() for p in gan_lab.model("gan-mnist").parameters()) == 499_241
    assert info["weights_bytes"] == (WEIGHTS / "gan-mnist" / "model.safetensors").stat().st_size
    assert info["weights"].read_bytes() == (WEIGHTS / "gan-mnist" / "model.safetensors").read_bytes()
    folder = Path("weights") / "gan-mnist"  # as the shipped_lab fixture loads it, relative to the repository
    assert info["hub"] is None and source_markdown(info) == f"Loaded from the local folder `{folder}`."
    assert info["code"].splitlines()[1] == f'model = load_model("{folder}")'
    summary = summary_markdown(info)
    for key, value in figures(metrics).items():
        assert f"{key} | **{value}**" in summary
    assert "499,241 parameters" in summary and "2.0 MB" in summary and metrics["command"] in summary
    assert info["card"].startswith("# gan-mnist") and "model-index" not in info["card"]  # front matter left out


def test_hub_model_info_names_repo_revision_and_commit(gan_lab, tmp_path):
    snapshot = tmp_path / "models--someone--gan-mnist" / "snapshots" / COMMIT
    shutil.copytree(WEIGHTS / "gan-mnist", snapshot, ignore=shutil.ignore_patterns("epochs"))
    lab = Lab({"gan-mnist": Loaded(gan_lab.model("gan-mnist"), snapshot, "Hub someone/gan-mnist@v1")})
    info = model_info(lab, "gan-mnist")
    assert info["hub"] == {"repo_id": "someone/gan-mnist", "revision": "v1", "commit": COMMIT,
                           "url": "https://huggingface.co/someone/gan-mnist"}
    assert source_markdown(info) == ("Loaded from the Hub: [someone/gan-mnist](https://huggingface.co/someone/gan-mnist)"
                                     f" at revision `v1`, commit `{COMMIT[:12]}`.")
    assert info["code"].splitlines()[1] == 'model = load_model("someone/gan-mnist", revision="v1")'
    main = Loaded(gan_lab.model("gan-mnist"), snapshot, "Hub someone/gan-mnist")
    assert hub_source(main)["revision"] is None
    assert "branch `main`" in source_markdown({**info, "hub": hub_source(main)})
