"""training.publish: it refuses incomplete folders, lists without a token on --dry-run, and publishes the
shipped weights in one commit per repo into an HfApi double that lays commits out like the Hub cache;
the lab then starts from that cache with HF_HUB_OFFLINE=1, and its tabs work on the models it loaded."""

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx2
import numpy as np
import pytest
from huggingface_hub import ModelCard, SpaceCard, constants, scan_cache_dir
from huggingface_hub.errors import RepositoryNotFoundError
from huggingface_hub.file_download import repo_folder_name

from lab.generate import generate
from lab.latent import latent_maps, manifold
from lab.loading import load_lab
from lab.models_panel import model_info
from lab.reconstruct import reconstruct
from models.card import figures
from models.registry import MODEL_NAMES, app_files
from training import publish

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"
NAMESPACE, TAG, SPACE = "lab-test", "v1", "lab-test/vae-vs-gan-lab"


class CacheHub:
    """An HfApi double: each commit lands in `cache` laid out like huggingface_hub's cache,
    <repo_type>s--NS--NAME/{blobs/<sha256>, snapshots/<commit>/<path> -> ../../blobs/<sha256>, refs/<name>}."""

    def __init__(self, cache: Path):
        self.cache, self.calls = cache, []

    def folder(self, repo_id, repo_type):
        return self.cache / repo_folder_name(repo_id=repo_id, repo_type=repo_type)

    def list_repo_refs(self, repo_id, repo_type=None):
        refs = self.folder(repo_id, repo_type) / "refs"
        if not refs.is_dir():
            url = f"https://huggingface.co/api/{repo_type}s/{repo_id}/refs"
            raise RepositoryNotFoundError(f"{repo_id} not found",
                                          response=httpx2.Response(404, request=httpx2.Request("GET", url)))
        return SimpleNamespace(tags=[SimpleNamespace(name=p.name) for p in refs.iterdir() if p.name != "main"])

    def create_repo(self, repo_id, repo_type=None, **kwargs):
        self.calls.append(("create_repo", repo_id, repo_type, kwargs))
        (self.folder(repo_id, repo_type) / "refs").mkdir(parents=True, exist_ok=True)

    def add_space_variable(self, repo_id, key, value):
        self.calls.append(("add_space_variable", repo_id, key, value))

    def create_commit(self, repo_id, operations, *, commit_message, repo_type=None):
        self.calls.append(("create_commit", repo_id, [op.path_in_repo for op in operations]))
        folder = self.folder(repo_id, repo_type)
        blobs = {}
        for op in operations:
            with op.as_file() as f:
                data = f.read()
            blobs[op.path_in_repo] = hashlib.sha256(data).hexdigest()
            (folder / "blobs").mkdir(exist_ok=True)
            (folder / "blobs" / blobs[op.path_in_repo]).write_bytes(data)
        commit = hashlib.sha1(json.dumps([commit_message, sorted(blobs.items())]).encode()).hexdigest()
        for path, blob in blobs.items():
            link = folder / "snapshots" / commit / path
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(os.path.relpath(folder / "blobs" / blob, link.parent))
        (folder / "refs" / "main").write_text(commit)
        return SimpleNamespace(oid=commit, commit_url=f"https://huggingface.co/{repo_id}/commit/{commit}")

    def create_tag(self, repo_id, *, tag, revision, repo_type=None):
        self.calls.append(("create_tag", repo_id, tag, revision))
        (self.folder(repo_id, repo_type) / "refs" / tag).write_text(revision)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The shipped weights and the Space, published with --revision v1 into a Hub-cache folder."""
    cache = tmp_path_factory.mktemp("hub-cache")
    api = CacheHub(cache)
    commits = publish.publish(NAMESPACE, TAG, SPACE, api=api)
    return SimpleNamespace(cache=cache, api=api, commits=commits)


@pytest.fixture
def offline_cache(published, monkeypatch):
    """HF_HUB_OFFLINE=1 and HF_HUB_CACHE at the published folder (huggingface_hub reads both at import)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(published.cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(published.cache))
    return published.cache


def test_one_commit_per_repo_then_its_tag(published):
    repos = [f"{NAMESPACE}/{name}" for name in MODEL_NAMES] + [SPACE]
    assert list(published.commits) == repos
    for repo_id in repos:
        calls = [c for c in published.api.calls if c[1] == repo_id]
        kinds = [c[0] for c in calls if c[0] != "add_space_variable"]
        assert kinds == ["create_repo", "create_commit", "create_tag"]
        assert calls[-1][2:] == (TAG, published.commits[repo_id])
    space_calls = [c for c in published.api.calls if c[1] == SPACE]
    assert space_calls[0][2:] == ("space", {"private": False, "exist_ok": True, "space_sdk": "gradio"})
    assert {c[2]: c[3] for c in space_calls if c[0] == "add_space_variable"} == {
        "LAB_HUB_NAMESPACE": NAMESPACE, "LAB_HUB_REVISION": TAG}


def test_the_cache_is_one_huggingface_hub_reads(published):
    info = scan_cache_dir(published.cache)
    assert not info.warnings
    assert sorted(r.repo_id for r in info.repos) == sorted([f"{NAMESPACE}/{n}" for n in MODEL_NAMES] + [SPACE])
    for repo in info.repos:
        (revision,) = repo.revisions
        assert revision.commit_hash == published.commits[repo.repo_id] and revision.refs == {"main", TAG}


def test_model_repos_hold_the_weights_and_a_card_with_the_figures(published):
    for name in MODEL_NAMES:
        commit = published.commits[f"{NAMESPACE}/{name}"]
        snapshot = published.cache / f"models--{NAMESPACE}--{name}" / "snapshots" / commit
        for filename in app_files(name):
            if filename != "README.md":
                assert (snapshot / filename).read_bytes() == (WEIGHTS / name / filename).read_bytes(), filename
        card = ModelCard.load(snapshot / "README.md")
        metrics = json.loads((WEIGHTS / name / "metrics.json").read_text())
        assert {r.metric_type: r.metric_value for r in card.data.eval_results} == figures(metrics)
        assert f'load_model("{NAMESPACE}/{name}", revision="{TAG}")' in card.text
        assert f"git clone https://huggingface.co/spaces/{SPACE}" in card.text


def test_space_ships_the_app_and_a_fallback_copy_but_no_tests_or_training(published):
    space = published.cache / f"spaces--{SPACE.replace('/', '--')}" / "snapshots" / published.commits[SPACE]
    files = {p.relative_to(space).as_posix() for p in space.rglob("*") if p.is_file()}
    assert {"app.py", "requirements.txt", "README.md", "lab/loading.py", "ui/common.py", "models/vae.py"} <= files
    assert not [f for f in files if f.split("/")[0] in ("tests", "training") or f.endswith(".pyc")
                or "/epochs/" in f or f.endswith("history.json")]
    for name in MODEL_NAMES:
        assert (space / "weights" / name / "model.safetensors").is_file()
    # every module the Space's code imports from this repository is in the Space
    top_level = {p.name.removesuffix(".py") for p in ROOT.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()
                 or p.is_dir() and any(p.glob("*.py"))}
    for path in space.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for module in names:
                root = module.split(".")[0]
                if root in top_level:
                    assert (space / root).is_dir() or (space / f"{root}.py").is_file(), f"{path.name} imports {module}"
    card = SpaceCard.load(space / "README.md")
    assert card.data.models == [f"{NAMESPACE}/{name}" for name in MODEL_NAMES]
    assert card.data.sdk == "gradio" and card.data.app_file == "app.py"


def test_lab_starts_offline_from_the_published_cache_and_its_tabs_work(published, offline_cache, tmp_path,
                                                                        mnist_fixture):
    lab = load_lab(tmp_path / "no-local-weights", namespace=NAMESPACE, revision=TAG)  # no fallback possible
    assert lab.notices == []
    for name in MODEL_NAMES:
        assert lab.models[name].origin == f"Hub {NAMESPACE}/{name}@{TAG}"
        assert lab.models[name].folder.is_relative_to(offline_cache)
    local = load_lab(WEIGHTS, namespace="")

    vae_grid, gan_grid, stats = generate(lab, "MNIST", "7", 8, 0)
    assert np.array_equal(vae_grid, generate(local, "MNIST", "7", 8, 0)[0])  # the very same model
    assert gan_grid.shape == vae_grid.shape and stats["gan"]["recognisability"] >= 0.75

    images, labels = mnist_fixture
    digit = (images[0, 0] * 255).byte().numpy()
    model_input, recon, _, result, _ = reconstruct(lab, digit, "MNIST", 0.0)
    assert result["predicted_label"] == str(labels[0].item())
    assert 0 <= result["anomaly_percentile"] <= 100 and len(result["latent_2d"]) == 2

    for hub_map, local_map in zip(latent_maps(lab), latent_maps(local), strict=True):
        assert np.array_equal(hub_map, local_map)
    assert np.array_equal(manifold(lab, 5), manifold(local, 5))
    assert generate(lab, "Fashion-MNIST", "Sneaker", 4, 1)[2]["gan"]["predicted"].count("Sneaker") >= 3

    info = model_info(lab, "vae2d-mnist")  # the Models tab names the repo, the tag and the commit
    assert info["hub"] == {"repo_id": f"{NAMESPACE}/vae2d-mnist", "revision": TAG,
                           "commit": published.commits[f"{NAMESPACE}/vae2d-mnist"],
                           "url": f"https://huggingface.co/{NAMESPACE}/vae2d-mnist"}


def test_app_starts_with_the_hub_settings_in_its_environment(published, tmp_path):
    """The documented settings, as a fresh process sees them: LAB_HUB_* and HF_HUB_OFFLINE/HF_HUB_CACHE."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(published.cache), "LAB_HUB_NAMESPACE": NAMESPACE,
           "LAB_HUB_REVISION": TAG, "LAB_WEIGHTS_DIR": str(tmp_path / "none")}
    script = "from lab.loading import load_lab; import json; lab = load_lab(); " \
             "print(json.dumps({n: m.origin for n, m in lab.models.items()}))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=300)
    assert json.loads(out.stdout.splitlines()[-1]) == {n: f"Hub {NAMESPACE}/{n}@{TAG}" for n in MODEL_NAMES}


def test_publish_refuses_an_existing_tag_before_uploading(published):
    api = CacheHub(published.cache)
    with pytest.raises(ValueError, match=f"tag '{TAG}' already exists on {NAMESPACE}/vae-mnist"):
        publish.publish(NAMESPACE, TAG, api=api)
    assert api.calls == []


@pytest.fixture
def weights_copy(tmp_path):
    copy = tmp_path / "weights"
    for name in MODEL_NAMES:
        shutil.copytree(WEIGHTS / name, copy / name, ignore=shutil.ignore_patterns("epochs"))
    return copy


def test_publish_refuses_naming_every_missing_file(weights_copy, capsys):
    (weights_copy / "vae2d-mnist" / "latent_map.npz").unlink()
    (weights_copy / "vae-mnist" / "anomaly_reference.json").unlink()
    metrics = json.loads((weights_copy / "classifier-mnist" / "metrics.json").read_text())
    del metrics["real_laplacian_variance"], metrics["command"]  # as training leaves it, before training.evaluate
    (weights_copy / "classifier-mnist" / "metrics.json").write_text(json.dumps(metrics))
    api = CacheHub(weights_copy / "cache")
    with pytest.raises(SystemExit) as exit_info:
        publish.main(["--namespace", NAMESPACE, "--weights", str(weights_copy)])
    message = str(exit_info.value.code)
    assert "vae2d-mnist: latent_map.npz (python -m training.evaluate" in message
    assert "vae-mnist: anomaly_reference.json" in message
    assert "classifier-mnist: metrics.json from training.evaluate" in message
    assert "real_laplacian_variance in metrics.json" in message
    assert "gan-mnist" not in message and api.calls == []


def test_dry_run_lists_everything_without_a_token_or_network(weights_copy, monkeypatch, capsys):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(publish, "hub_api", lambda: pytest.fail("a dry run must not need the Hub"))
    assert publish.main(["--namespace", "me", "--revision", "v2", "--space", "me/lab", "--dry-run",
                         "--weights", str(weights_copy)]) == {}
    out = capsys.readouterr().out
    assert "model me/vae-mnist: one commit of" in out and "tagged v2" in out
    assert "LAB_HUB_REVISION=v2  (Space variable)" in out
    assert "weights/vae2d-mnist/latent_map.npz" in out and "tests/" not in out
    weights = weights_copy / "gan-mnist" / "model.safetensors"
    assert f"{weights.stat().st_size:,d} B  <- {weights}" in out


def test_space_needs_a_revision_and_a_token(weights_copy, monkeypatch):
    with pytest.raises(SystemExit, match="--space needs --revision"):
        publish.main(["--namespace", "me", "--space", "me/lab", "--weights", str(weights_copy)])
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)
    with pytest.raises(SystemExit, match="no Hub token: set HF_TOKEN or run `hf auth login`"):
        publish.main(["--namespace", "me", "--weights", str(weights_copy)])


def test_shipped_cards_are_what_model_card_writes(tmp_path):
    """weights/*/README.md are regenerated cards: the same text the code writes today."""
    from training.model_card import model_card

    for name in MODEL_NAMES:
        assert str(model_card(WEIGHTS / name)) == (WEIGHTS / name / "README.md").read_text(), name


def test_card_reads_any_new_figure_from_metrics(tmp_path):
    from training.model_card import model_card

    folder = tmp_path / "gan-mnist"
    shutil.copytree(WEIGHTS / "gan-mnist", folder, ignore=shutil.ignore_patterns("epochs"))
    metrics = json.loads((folder / "metrics.json").read_text())
    metrics.update(precision=0.8123, recall=0.7, weights_sha256="ab" * 32)
    (folder / "metrics.json").write_text(json.dumps(metrics))
    card = model_card(folder)
    results = {r.metric_type: r for r in card.data.eval_results}
    assert results["precision"].metric_value == 0.8123 and results["recall"].metric_value == 0.7
    assert results["precision"].dataset_name == "MNIST" and results["precision"].dataset_split == "test"
    assert "weights_sha256" not in results and f"weights_sha256: `{'ab' * 32}`" in card.text
    assert "| precision | 0.8123 |" in card.text


def test_card_says_when_the_discriminator_had_a_class_head(tmp_path):
    from training.model_card import model_card

    folder = tmp_path / "gan-mnist"
    shutil.copytree(WEIGHTS / "gan-mnist", folder, ignore=shutil.ignore_patterns("epochs"))
    history = json.loads((folder / "history.json").read_text())
    assert "--aux-weight 1" in history["command"]  # the shipped GAN's recorded command says so
    for command, has_head in ((history["command"], True), (history["command"].replace("--aux-weight 1", ""), False),
                              (history["command"].replace("--aux-weight 1", "--aux-weight 0"), False)):
        (folder / "history.json").write_text(json.dumps({**history, "command": command}))
        assert ("auxiliary classifier, AC-GAN, Odena et al. 2017" in model_card(folder).text) is has_head
    for extra, says in (("", None), (" --d-conv3", "Its discriminator has a 3x3 conv after each strided conv."),
                        (" --mbstd --d-conv3", "Its discriminator has a 3x3 conv after each strided conv and a "
                                               "channel with the batch's spread (minibatch standard deviation"),
                        (" --mbstd --mbstd-group 4", "Its discriminator has a channel with the spread of each group "
                                                     "of 4 images (minibatch standard deviation")):
        plain = history["command"].replace(" --mbstd", "")  # the shipped command has --mbstd: start without it
        (folder / "history.json").write_text(json.dumps({**history, "command": plain + extra}))
        text = model_card(folder).text
        assert (says in text) if says else "Its discriminator has" not in text


def test_card_says_when_the_generator_sees_the_class_at_every_layer(tmp_path):
    from training.model_card import model_card

    folder = tmp_path / "gan-mnist"
    shutil.copytree(WEIGHTS / "gan-mnist", folder, ignore=shutil.ignore_patterns("epochs"))
    says = "conditional batch norm, de Vries et al. 2017"
    config = json.loads((folder / "config.json").read_text())
    for class_norm in (False, True):
        (folder / "config.json").write_text(json.dumps({**config, "class_norm": class_norm}))
        assert (says in model_card(folder).text) is class_norm


def test_card_says_when_the_generator_samples_at_a_temperature(tmp_path):
    from training.model_card import model_card

    folder = tmp_path / "gan-mnist"
    shutil.copytree(WEIGHTS / "gan-mnist", folder, ignore=shutil.ignore_patterns("epochs"))
    config = {k: v for k, v in json.loads((folder / "config.json").read_text()).items() if k != "temperature"}
    for extra, says in (({}, None), ({"temperature": 1.0}, None), ({"temperature": 1.06}, "1.06")):
        (folder / "config.json").write_text(json.dumps({**config, **extra}))
        text = model_card(folder).text
        if says:
            assert "It samples at temperature 1.06: noise z ~ N(0, 1.06² I) where it was trained on N(0, I)" in text
            assert "`python -m training.temperature weights/gan-mnist`" in text
        else:
            assert "samples at temperature" not in text


def test_card_says_when_the_discriminator_had_an_r1_penalty(tmp_path):
    from training.model_card import model_card

    folder = tmp_path / "gan-mnist"
    shutil.copytree(WEIGHTS / "gan-mnist", folder, ignore=shutil.ignore_patterns("epochs"))
    history = json.loads((folder / "history.json").read_text())
    for extra, says in (("", False), (" --r1 0", False), (" --r1 0.1 --r1-every 4", True)):
        (folder / "history.json").write_text(json.dumps({**history, "command": history["command"] + extra}))
        text = model_card(folder).text
        assert ("an R1 penalty (weight 0.1, Mescheder et al. 2018)" in text) is says
        assert ("R1 penalty" in text) is says
