import shutil

import pytest

from lab.loading import MODEL_NAMES, load_lab
from models import ModelLoadError


def test_local_weights_load_once_with_their_origin(tiny_weights):
    lab = load_lab(tiny_weights, namespace="")
    assert sorted(lab.models) == sorted(MODEL_NAMES)
    assert lab.models["vae-mnist"].origin == str(tiny_weights / "vae-mnist")
    assert lab.notices == []
    assert lab.json("classifier-mnist", "metrics.json")["real_laplacian_variance"] == 0.1


def test_hub_namespace_loads_from_snapshots(tiny_weights, tmp_path):
    asked = []

    def fake_snapshot(repo_id, revision):  # stands in for huggingface_hub.snapshot_download
        asked.append((repo_id, revision))
        folder = tmp_path / repo_id.replace("/", "--")
        shutil.copytree(tiny_weights / repo_id.split("/")[1], folder)
        return folder

    lab = load_lab(tiny_weights, namespace="teacher", revision="v1", names=["vae-mnist", "gan-mnist"],
                   download=fake_snapshot)
    assert asked == [("teacher/vae-mnist", "v1"), ("teacher/gan-mnist", "v1")]
    assert lab.models["gan-mnist"].origin == "Hub teacher/gan-mnist@v1"
    assert lab.notices == []


def test_unreachable_hub_falls_back_to_local_weights_with_a_notice(tiny_weights):
    def offline(repo_id, revision):
        raise ConnectionError("Name or service not known")

    lab = load_lab(tiny_weights, namespace="teacher", names=["vae-mnist"], download=offline)
    assert lab.models["vae-mnist"].origin == str(tiny_weights / "vae-mnist")
    assert len(lab.notices) == 1
    assert "Could not load teacher/vae-mnist from the Hub (ConnectionError" in lab.notices[0]
    assert "using" in lab.notices[0]


def test_environment_variables_choose_the_source(tiny_weights, monkeypatch):
    monkeypatch.setenv("LAB_WEIGHTS_DIR", str(tiny_weights))
    monkeypatch.setenv("LAB_HUB_NAMESPACE", "teacher")
    seen = []
    lab = load_lab(names=["ae2d-mnist"], download=lambda repo, rev: seen.append(repo) or 1 / 0)
    assert seen == ["teacher/ae2d-mnist"] and "ZeroDivisionError" in lab.notices[0]


def test_missing_local_model_stops_start_up_with_a_clear_message(tmp_path):
    with pytest.raises(ModelLoadError, match="cannot start the lab without vae-mnist"):
        load_lab(tmp_path, namespace="", names=["vae-mnist"])
