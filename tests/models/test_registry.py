"""models/registry.py: the names of the data sets and models, the files a model folder must hold, and
reading them."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from models.registry import (
    CLASS_NAMES,
    DATASET_TITLES,
    DATASETS,
    KINDS,
    MODEL_NAMES,
    REFERENCE_FILES,
    app_files,
    missing_app_files,
    model_name,
    read_json,
    read_npz,
    split_name,
)

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"


def test_model_name_takes_a_title_or_a_name():
    assert model_name("vae", "Fashion-MNIST") == model_name("vae", "fashion-mnist") == "vae-fashion-mnist"
    assert model_name("classifier", "MNIST") == "classifier-mnist"
    with pytest.raises(ValueError, match="unknown data set 'cifar': choose one of MNIST, Fashion-MNIST, mnist"):
        model_name("vae", "cifar")
    with pytest.raises(ValueError, match="unknown kind of model 'diffusion': choose one of vae, gan, classifier"):
        model_name("diffusion", "mnist")


def test_the_names_of_what_the_app_loads():
    assert MODEL_NAMES == ["vae-mnist", "gan-mnist", "classifier-mnist", "vae-fashion-mnist", "gan-fashion-mnist",
                           "classifier-fashion-mnist", "vae2d-mnist", "ae2d-mnist", "sr-l1-mnist", "sr-gan-mnist",
                           "complete-l1-mnist", "complete-gan-mnist"]
    assert split_name("sr-gan-mnist") == ("sr-gan", "mnist")
    assert split_name("vae-fashion-mnist") == ("vae", "fashion-mnist")
    with pytest.raises(ValueError, match="is not a model name"):
        split_name("gan-cifar")
    assert sorted(p.name for p in WEIGHTS.iterdir() if p.name in MODEL_NAMES) == sorted(MODEL_NAMES)
    assert all(split_name(name)[0] in KINDS for name in MODEL_NAMES) and set(REFERENCE_FILES) == set(MODEL_NAMES)
    assert DATASET_TITLES == {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
    assert {title: len(names) for title, names in CLASS_NAMES.items()} == {title: 10 for title in DATASETS}
    assert CLASS_NAMES["Fashion-MNIST"][7] == "Sneaker" and CLASS_NAMES["MNIST"][7] == "7"


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


def test_read_json_and_read_npz_name_the_file(tmp_path):
    (tmp_path / "ok.json").write_text('{"a": 1}')
    assert read_json(tmp_path / "ok.json") == {"a": 1}
    with pytest.raises(FileNotFoundError, match="absent.json is missing"):
        read_json(tmp_path / "absent.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match="broken.json is not valid JSON"):
        read_json(tmp_path / "broken.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="list.json is not a JSON object"):
        read_json(tmp_path / "list.json")
    np.savez(tmp_path / "ok.npz", codes=np.arange(3))
    assert read_npz(tmp_path / "ok.npz")["codes"].tolist() == [0, 1, 2]
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="broken.npz is not a readable .npz file"):
        read_npz(tmp_path / "broken.npz")
