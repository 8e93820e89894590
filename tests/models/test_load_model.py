import json
import shutil

import huggingface_hub.constants
import pytest
import torch

from models import (
    VAE,
    Autoencoder,
    AutoencoderConfig,
    Classifier,
    ClassifierConfig,
    GANConfig,
    Generator,
    ModelLoadError,
    VAEConfig,
    load_model,
)

TINY = {
    "vae": lambda: VAE(VAEConfig(latent_dim=3, channels=4, hidden_dim=8)),
    "autoencoder": lambda: Autoencoder(AutoencoderConfig(channels=4, hidden_dim=8)),
    "gan": lambda: Generator(GANConfig(latent_dim=5, channels=4, embed_dim=3)),
    "classifier": lambda: Classifier(ClassifierConfig(channels=4, feature_dim=8)),
}


@pytest.fixture
def saved_vae(tmp_path):
    torch.manual_seed(0)
    model = TINY["vae"]().eval()
    model.save_pretrained(tmp_path / "vae")
    return model, tmp_path / "vae"


@pytest.mark.parametrize("kind", sorted(TINY))
def test_round_trip_is_exact_and_picks_the_right_class(tmp_path, kind):
    torch.manual_seed(0)
    model = TINY[kind]().eval()
    model.save_pretrained(tmp_path / kind)
    assert {"config.json", "model.safetensors", "README.md"} <= {p.name for p in (tmp_path / kind).iterdir()}
    loaded = load_model(tmp_path / kind)
    assert type(loaded) is type(model)
    assert not loaded.training
    assert loaded.config == model.config
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.state_dict()[name]), name


def test_loaded_vae_gives_identical_outputs(saved_vae):
    model, folder = saved_vae
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(load_model(str(folder)).reconstruct(x), model.reconstruct(x))


def test_missing_folder(tmp_path):
    with pytest.raises(ModelLoadError, match="model folder not found"):
        load_model(tmp_path / "nope")


def test_typo_in_a_local_path_says_the_folder_is_missing(tmp_path, monkeypatch, offline_cache):
    (tmp_path / "weights").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelLoadError, match="model folder not found: weights/vae-mnsit"):
        load_model("weights/vae-mnsit")


@pytest.mark.parametrize("missing", ["config.json", "model.safetensors"])
def test_missing_file(saved_vae, missing):
    _, folder = saved_vae
    (folder / missing).unlink()
    with pytest.raises(ModelLoadError, match=f"missing {missing}"):
        load_model(folder)


def test_weights_that_do_not_match_the_config(saved_vae):
    _, folder = saved_vae
    config = json.loads((folder / "config.json").read_text())
    config["channels"] = 8
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="do not match its config.json"):
        load_model(folder)


def test_unknown_model_type(saved_vae):
    _, folder = saved_vae
    (folder / "config.json").write_text(json.dumps({"model_type": "diffusion"}))
    with pytest.raises(ModelLoadError, match="'diffusion' is not one of"):
        load_model(folder)


def test_revision_is_for_hub_repos_only(saved_vae):
    with pytest.raises(ModelLoadError, match="revision only applies"):
        load_model(saved_vae[1], revision="main")


def populate_hub_cache(cache, repo_id: str, folder, commit: str = "a" * 40):
    """Lay a saved folder out as huggingface_hub's cache does after a download."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    shutil.copytree(folder, repo / "snapshots" / commit)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)


@pytest.fixture
def offline_cache(tmp_path, monkeypatch):
    cache = tmp_path / "hub-cache"
    cache.mkdir()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    return cache


def test_load_from_a_prepopulated_hub_cache_offline(saved_vae, offline_cache):
    model, folder = saved_vae
    populate_hub_cache(offline_cache, "lab/vae-tiny", folder)
    loaded = load_model("lab/vae-tiny")
    assert isinstance(loaded, VAE)
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(loaded.reconstruct(x), model.reconstruct(x))


def test_hub_repo_missing_from_cache_offline(offline_cache):
    with pytest.raises(ModelLoadError, match="cannot reach the Hub for 'lab/absent'"):
        load_model("lab/absent")
