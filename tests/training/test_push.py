"""--push-to-hub: a training run evaluates its folder, then uploads it in one commit through huggingface_hub's
HfApi (an injected double here); an unevaluated folder is refused, naming what it lacks."""

import json
import shutil
from pathlib import Path

import pytest
import torch

from models import VAE, VAEConfig
from training.publish import push_to_hub

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"


class FakeHfApi:
    def __init__(self):
        self.calls = []

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", repo_id, kwargs))

    def create_commit(self, repo_id, operations, **kwargs):
        self.calls.append(("create_commit", repo_id, {op.path_in_repo: op for op in operations}, kwargs))
        return type("CommitInfo", (), {"oid": "abc123", "commit_url": f"https://huggingface.co/{repo_id}/commit/abc"})()


def test_push_uploads_an_evaluated_folder_in_one_commit(tmp_path):
    folder = tmp_path / "gan-mnist"
    shutil.copytree(WEIGHTS / "gan-mnist", folder)
    api = FakeHfApi()
    assert push_to_hub(folder, "someone/my-gan", api=api) == "abc123"
    assert api.calls[0] == ("create_repo", "someone/my-gan", {"repo_type": "model", "private": False,
                                                               "exist_ok": True})
    (_, repo_id, operations, kwargs) = api.calls[1]
    assert repo_id == "someone/my-gan" and kwargs["repo_type"] == "model" and len(api.calls) == 2
    expected = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(operations) == expected and "epochs/epoch_016.png" in expected
    assert operations["model.safetensors"].path_or_fileobj == str(folder / "model.safetensors")
    card = operations["README.md"].path_or_fileobj.decode()
    assert 'load_model("someone/my-gan")' in card  # the card names the repo it lives in


def test_push_refuses_a_folder_that_is_not_evaluated(tmp_path):
    folder = tmp_path / "vae-mnist"
    VAE(VAEConfig(latent_dim=2, channels=4, hidden_dim=8)).save_pretrained(folder)
    (folder / "metrics.json").write_text(json.dumps({"test_elbo": 99.0}))  # what training writes
    api = FakeHfApi()
    with pytest.raises(FileNotFoundError) as err:
        push_to_hub(folder, "lab/vae-mnist", api=api)
    assert "anomaly_reference.json" in str(err.value) and "anomaly_scores.npz" in str(err.value)
    assert "metrics.json from training.evaluate" in str(err.value) and "training.publish" in str(err.value)
    assert api.calls == []


def test_training_script_evaluates_then_pushes(tiny_data_root, tmp_path, monkeypatch):
    from training import evaluate, finish, train_classifier

    steps = []
    monkeypatch.setattr(evaluate, "main", lambda argv: steps.append(("evaluate", argv)))
    monkeypatch.setattr(finish, "push_to_hub", lambda folder, repo_id: steps.append(("push", folder, repo_id)))
    torch.manual_seed(0)
    out = tmp_path / "classifier"
    train_classifier.main(["--data-root", str(tiny_data_root), "--out", str(out), "--epochs", "1", "--threads", "1",
                           "--checkpoint-dir", str(tmp_path / "ckpt"), "--push-to-hub", "lab/classifier-test"])
    assert steps == [("evaluate", [str(out), "--data-root", str(tiny_data_root), "--threads", "1"]),
                     ("push", out, "lab/classifier-test")]


def test_dry_run_neither_evaluates_nor_pushes(tiny_data_root, tmp_path, monkeypatch, capsys):
    from training import evaluate, finish, train_vae

    monkeypatch.setattr(evaluate, "main", lambda argv: pytest.fail("a dry run evaluates nothing"))
    monkeypatch.setattr(finish, "push_to_hub", lambda folder, repo_id: pytest.fail("a dry run pushes nothing"))
    train_vae.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "vae"), "--dry-run", "--channels",
                    "4", "--hidden-dim", "8", "--push-to-hub", "lab/vae-test"])
    assert "--dry-run: not evaluated, so not pushed to lab/vae-test" in capsys.readouterr().out
