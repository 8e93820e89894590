import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from lab.loading import StartupError, load_lab
from models.registry import MODEL_NAMES, REFERENCE_FILES


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
    with pytest.raises(StartupError, match="cannot start: model folder not found: .*vae-mnist. Fix: `git checkout"):
        load_lab(tmp_path, namespace="", names=["vae-mnist"])


def broken_copy(tiny_weights, tmp_path, name):
    """A weights folder whose `name` is a copy to break; the others are links to the intact tiny models."""
    root = tmp_path / "weights"
    root.mkdir()
    for folder in tiny_weights.iterdir():
        if folder.name == name:
            shutil.copytree(folder, root / name)
        else:
            (root / folder.name).symlink_to(folder)
    return root


def corrupt(path):
    path.write_bytes(path.read_bytes()[:100])


def mismatch(path):  # the weights were trained with other widths than config.json now says
    config = json.loads(path.read_text())
    path.write_text(json.dumps({**config, "channels": config["channels"] * 2}))


@pytest.mark.parametrize("name, filename, damage, message", [
    ("gan-mnist", "model.safetensors", corrupt, "gan-mnist/model.safetensors is not a readable safetensors file"),
    ("gan-mnist", "model.safetensors", Path.unlink, "gan-mnist is missing model.safetensors"),
    ("vae-mnist", "config.json", mismatch, "weights in .*vae-mnist/model.safetensors do not match its config.json"),
    ("vae-mnist", "config.json", lambda p: p.write_text("{"), "vae-mnist/config.json is not valid JSON"),
    ("vae-mnist", "anomaly_reference.json", Path.unlink, "vae-mnist/anomaly_reference.json is missing"),
    ("classifier-fashion-mnist", "metrics.json", lambda p: p.write_text("{}"),
     "classifier-fashion-mnist/metrics.json lacks real_laplacian_variance"),
    ("ae2d-mnist", "latent_map.npz", corrupt, "ae2d-mnist/latent_map.npz is not a readable .npz file"),
    ("vae2d-mnist", "latent_map.npz", Path.unlink, "vae2d-mnist/latent_map.npz is missing"),
    ("vae2d-mnist", "latent_map.npz", lambda p: np.savez(p, codes=np.zeros((5, 3)), labels=np.zeros(5)),
     "vae2d-mnist/latent_map.npz does not hold one 2-D code per label"),
    ("vae-fashion-mnist", "anomaly_reference.json", lambda p: p.write_text('{"errors": [1], "percentiles": []}'),
     "anomaly_reference.json does not hold matching lists of errors and percentiles"),
])
def test_broken_local_files_stop_start_up_naming_the_file_and_the_fix(tiny_weights, tmp_path, name, filename,
                                                                      damage, message):
    root = broken_copy(tiny_weights, tmp_path, name)
    damage(root / name / filename)
    with pytest.raises(StartupError, match=message) as caught:
        load_lab(root, namespace="")
    text = str(caught.value)
    assert "\n" not in text and text.startswith("cannot start: ")
    assert f"Fix: `git checkout {root / name}` restores the shipped copy, or " in text
    if filename in ("model.safetensors", "config.json"):
        assert "retrain it: `the training command in README.md`" in text  # tiny weights record no command
    else:
        assert f"rewrite it: `python -m training.evaluate {root / name} --data-root ../shared/data`" in text


def test_the_fix_names_the_recorded_training_command(tiny_weights, tmp_path):
    root = broken_copy(tiny_weights, tmp_path, "gan-mnist")
    (root / "gan-mnist" / "history.json").write_text(json.dumps({"command": "python -m training.train_gan --x"}))
    corrupt(root / "gan-mnist" / "model.safetensors")
    with pytest.raises(StartupError, match="retrain it: `python -m training.train_gan --x`"):
        load_lab(root, namespace="")


def test_a_model_of_the_wrong_kind_is_refused(tiny_weights, tmp_path):
    root = broken_copy(tiny_weights, tmp_path, "vae-mnist")
    shutil.rmtree(root / "vae-mnist")
    shutil.copytree(tiny_weights / "vae-fashion-mnist", root / "vae-mnist")
    with pytest.raises(StartupError, match="vae-mnist/config.json describes a VAE for fashion-mnist with a 4-D code, "
                                           "but vae-mnist must be a VAE for mnist"):
        load_lab(root, namespace="")


def test_reference_files_are_read_once_at_start_up(tiny_weights):
    lab = load_lab(tiny_weights, namespace="")
    assert set(lab.files) == {(name, f) for name, files in REFERENCE_FILES.items() for f in files}
    assert lab.npz("vae2d-mnist", "latent_map.npz")["codes"].shape == (200, 2)


def test_hub_repo_without_the_reference_files_falls_back_naming_what_is_missing(tiny_weights, tmp_path):
    def snapshot_without_references(repo_id, revision):  # the model and its training figures, as push_to_hub
        folder = tmp_path / repo_id.replace("/", "--")  # once made: no evaluation reference files
        folder.mkdir()
        for filename in ("config.json", "model.safetensors", "metrics.json"):
            shutil.copy(tiny_weights / repo_id.split("/")[1] / filename, folder)
        return folder

    lab = load_lab(tiny_weights, namespace="teacher", names=["vae-mnist", "gan-mnist"],
                   download=snapshot_without_references)
    assert lab.models["vae-mnist"].origin == str(tiny_weights / "vae-mnist")  # fell back
    assert lab.models["gan-mnist"].origin == "Hub teacher/gan-mnist"  # needs only its metrics.json
    assert len(lab.notices) == 1
    assert "Could not load teacher/vae-mnist from the Hub" in lab.notices[0]
    assert "anomaly_reference.json is missing" in lab.notices[0]
    assert lab.json("vae-mnist", "anomaly_reference.json")["percentiles"] == [0.0, 50.0, 100.0]


def test_an_unreachable_hub_is_asked_once_and_every_model_falls_back(tiny_weights):
    from huggingface_hub.errors import LocalEntryNotFoundError

    asked = []

    def unreachable(repo_id, revision):
        asked.append(repo_id)
        raise LocalEntryNotFoundError("Got: ConnectError: [Errno 111] Connection refused")

    lab = load_lab(tiny_weights, namespace="teacher", names=["vae-mnist", "gan-mnist"], download=unreachable)
    assert asked == ["teacher/vae-mnist"]
    assert [m.origin for m in lab.models.values()] == [str(tiny_weights / n) for n in ("vae-mnist", "gan-mnist")]
    assert lab.notices == [f"The Hub could not be reached for teacher/vae-mnist (Got: ConnectError: [Errno 111] "
                           f"Connection refused); every model uses the local weights in {tiny_weights} instead."]


def test_the_token_never_reaches_a_notice(tiny_weights, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_secret123")

    def leaky(repo_id, revision):
        raise OSError("401 for https://huggingface.co/api?token=hf_secret123")

    lab = load_lab(tiny_weights, namespace="teacher", names=["gan-mnist"], download=leaky)
    assert "hf_secret123" not in lab.notices[0] and "token=***" in lab.notices[0]


def test_models_are_served_channels_last_with_the_outputs_of_the_saved_model(tiny_weights):
    import torch

    from models import load_model

    lab = load_lab(tiny_weights, namespace="")
    z = torch.randn(5, 8, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(5)
    with torch.no_grad():
        served = lab.model("gan-mnist")(z, labels)
        saved = load_model(tiny_weights / "gan-mnist")(z, labels)
        assert lab.model("gan-mnist").fc[0].weight.is_contiguous()  # linear layers untouched
        conv = lab.model("classifier-mnist")
        conv_weights = [m.weight for m in conv.modules() if isinstance(m, torch.nn.Conv2d)]
        assert conv_weights and all(w.is_contiguous(memory_format=torch.channels_last) for w in conv_weights)
    assert served.shape == (5, 1, 28, 28)
    torch.testing.assert_close(served, saved, atol=1e-5, rtol=1e-5)
