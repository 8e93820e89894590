"""The Models tab's logic: which files the app reads, each model's figures and size, where it came from,
and the three lines that load it."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lab.loading import MODEL_NAMES, Lab, Loaded, load_lab
from lab.models_panel import (
    app_files,
    figures,
    hub_source,
    load_lines,
    missing_app_files,
    model_info,
    settings,
    source_markdown,
    summary_markdown,
)

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def gan_lab():
    return load_lab(WEIGHTS, namespace="", names=["gan-mnist", "vae-mnist"])


def test_app_files_are_the_weights_and_what_the_app_reads():
    base = ["model.safetensors", "config.json", "README.md", "metrics.json"]
    assert app_files("gan-mnist") == base
    assert app_files("classifier-fashion-mnist") == base
    assert app_files("vae-mnist") == [*base, "anomaly_reference.json", "anomaly_scores.npz"]
    assert app_files("ae2d-mnist") == [*base, "latent_map.npz", "kl_figures.json"]


def test_a_json_file_without_a_key_the_app_reads_is_named(tmp_path):
    folder = tmp_path / "gan-mnist"
    shutil.copytree(WEIGHTS / "gan-mnist", folder, ignore=shutil.ignore_patterns("epochs"))
    metrics = json.loads((folder / "metrics.json").read_text())
    del metrics["recall"]
    (folder / "metrics.json").write_text(json.dumps(metrics))
    evaluate = f"python -m training.evaluate {folder} --data-root DATA"
    assert missing_app_files(folder) == [f"recall in metrics.json ({evaluate})"]


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_shipped_folder_has_what_the_app_reads(name):
    assert missing_app_files(WEIGHTS / name) == []


def test_missing_files_are_named(tmp_path):
    assert missing_app_files(tmp_path) == ["config.json (not a model folder)"]
    folder = tmp_path / "vae2d-mnist"
    shutil.copytree(WEIGHTS / "vae2d-mnist", folder, ignore=shutil.ignore_patterns("epochs", "latent_map.npz",
                                                                                    "model.safetensors"))
    assert missing_app_files(folder) == [
        "model.safetensors (the training script writes it)",
        f"latent_map.npz (python -m training.evaluate {folder} --data-root DATA)"]


def test_figures_are_every_number_in_metrics_but_the_settings():
    metrics = json.loads((WEIGHTS / "vae-mnist" / "metrics.json").read_text())
    assert figures(metrics) == {"real_frechet_distance": 1.617, "real_precision": 0.8699, "real_recall": 0.8744,
                                "test_neg_elbo": 88.2, "test_nll_iwae": 84.39, "test_nll_iwae_refined": 83.78,
                                "reconstruction_accuracy": 0.9876, "reconstruction_bce": 57.94,
                                "frechet_distance": 62.874, "precision": 0.7226, "recall": 0.8155,
                                "sharpness_ratio": 0.624, "class_coverage": 10}
    assert settings(metrics) == {"iwae_k": 100, "refine_steps": 50, "refine_k": 1000}
    assert figures({"precision": 0.5, "sha256": "ab", "ok": True, "notes": ["x"]}) == {"precision": 0.5}


def test_local_model_info(gan_lab):
    info = model_info(gan_lab, "gan-mnist")
    metrics = json.loads((WEIGHTS / "gan-mnist" / "metrics.json").read_text())
    assert info["family"] == "GAN generator" and info["dataset"] == "MNIST"
    assert info["parameters"] == sum(p.numel() for p in gan_lab.model("gan-mnist").parameters()) == 307_793
    assert info["weights_bytes"] == (WEIGHTS / "gan-mnist" / "model.safetensors").stat().st_size
    assert info["weights"].read_bytes() == (WEIGHTS / "gan-mnist" / "model.safetensors").read_bytes()
    assert info["hub"] is None and source_markdown(info) == f"Loaded from the local folder `{WEIGHTS / 'gan-mnist'}`."
    assert info["code"].splitlines()[1] == f'model = load_model("{WEIGHTS / "gan-mnist"}")'
    summary = summary_markdown(info)
    for key, value in figures(metrics).items():
        assert f"{key} | **{value}**" in summary
    assert "307,793 parameters" in summary and "1.3 MB" in summary and metrics["command"] in summary
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


def test_the_three_lines_load_and_run():
    """The snippet the tab and the cards show, run as written from the repository root."""
    script = "\n".join(load_lines(kind, f"weights/{name}") + "\nprint(tuple(images.shape))"
                       for kind, name in [("vae", "vae-mnist"), ("gan", "gan-mnist"), ("autoencoder", "ae2d-mnist")])
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=300)
    assert [line for line in out.stdout.splitlines() if line.startswith("(")] == ["(16, 1, 28, 28)"] * 3
    assert all(len(load_lines(kind, "x/y").splitlines()) == 3 for kind in ("vae", "gan", "autoencoder", "classifier"))
