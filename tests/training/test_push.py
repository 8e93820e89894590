"""--push-to-hub goes through huggingface_hub's HfApi; here an injected double records the calls."""

import pytest
import torch

from models import VAE, VAEConfig
from training.common import push_to_hub


class FakeHfApi:
    def __init__(self):
        self.calls = []

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", repo_id, kwargs))

    def upload_folder(self, **kwargs):
        self.calls.append(("upload_folder", kwargs))
        return type("CommitInfo", (), {"commit_url": f"https://huggingface.co/{kwargs['repo_id']}/commit/abc"})()


def test_push_uploads_the_weights_folder(tmp_path):
    folder = tmp_path / "vae-mnist"
    VAE(VAEConfig(latent_dim=2, channels=4, hidden_dim=8)).save_pretrained(folder)
    api = FakeHfApi()
    url = push_to_hub(folder, "lab/vae-mnist", api=api)
    assert api.calls[0] == ("create_repo", "lab/vae-mnist", {"repo_type": "model", "private": False,
                                                             "exist_ok": True})
    upload = api.calls[1][1]
    assert upload["repo_id"] == "lab/vae-mnist" and upload["repo_type"] == "model"
    assert upload["folder_path"] == str(folder)
    assert url.endswith("/commit/abc")


def test_push_refuses_a_folder_without_weights(tmp_path):
    api = FakeHfApi()
    with pytest.raises(FileNotFoundError, match="no model.safetensors"):
        push_to_hub(tmp_path, "lab/empty", api=api)
    assert api.calls == []


def test_training_script_pushes_when_asked(tiny_data_root, tmp_path, monkeypatch):
    from training import common, train_vae

    pushed = []
    monkeypatch.setattr(common, "push_to_hub", lambda folder, repo_id: pushed.append((folder, repo_id)))
    torch.manual_seed(0)
    out = tmp_path / "vae"
    train_vae.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--hidden-dim", "8", "--push-to-hub", "lab/vae-test"])
    assert pushed == [(out, "lab/vae-test")]
