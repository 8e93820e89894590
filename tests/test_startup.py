"""The app as an operator starts it, against broken copies of the shipped weights (LAB_WEIGHTS_DIR): it refuses
to start with one line naming the file and the fix; with the Hub unreachable a real `python app.py` starts on the
local weights and says so, on the page too."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT, free_port

WEIGHTS = ROOT / "weights"


def broken_weights(tmp_path, name: str, damage) -> str:
    """weights/ with `name` copied and damaged by `damage(folder)`; the other models are links to the real ones."""
    root = tmp_path / f"weights-{name}"
    root.mkdir()
    for folder in WEIGHTS.iterdir():
        if folder.name == name:
            shutil.copytree(folder, root / name)
            damage(root / name)
        elif folder.is_dir():
            (root / folder.name).symlink_to(folder)
    return str(root)


def app_env(**settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "HF_", "GRADIO_SERVER"))}
    return {**env, "GRADIO_ANALYTICS_ENABLED": "False", **settings}


def truncate(folder):
    data = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[:len(data) // 2])


def widen(folder):  # config.json no longer matches the weights
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "hidden_dim": config["hidden_dim"] * 2}))


def check_line(stderr: str, tmp_path, name: str, expected: str) -> None:
    """The one line `main` prints when the weights in `tmp_path/weights-<name>` stop it."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith("VAE vs GAN Lab cannot start: ") and expected in lines[0]
    folder = tmp_path / f"weights-{name}" / name
    assert f"Fix: `git checkout {folder}` restores the shipped copy, or " in lines[0]
    recorded = "history.json" if "model.safetensors" in expected else "metrics.json"
    assert json.loads((WEIGHTS / name / recorded).read_text())["command"] in lines[0]


@pytest.mark.parametrize("name, damage, expected", [
    ("gan-mnist", truncate, "gan-mnist/model.safetensors is not a readable safetensors file"),
    ("vae-mnist", widen, "vae-mnist/model.safetensors do not match its config.json"),
    ("vae2d-mnist", lambda f: (f / "latent_map.npz").unlink(), "vae2d-mnist/latent_map.npz is missing"),
])
def test_broken_weights_stop_main_with_one_line(tmp_path, monkeypatch, capsys, name, damage, expected):
    """`app.main`, which `python app.py` runs, in this process (no second start-up of torch and Gradio; the
    test below starts a real `python app.py`): exit status 1 and one line on stderr."""
    import torch

    import app

    monkeypatch.setenv("LAB_WEIGHTS_DIR", broken_weights(tmp_path, name, damage))
    monkeypatch.setenv("LAB_HUB_NAMESPACE", "")
    threads = torch.get_num_threads()  # main sets the serving threads: the rest of the suite keeps its own
    try:
        with pytest.raises(SystemExit) as stopped:
            app.main()
    finally:
        torch.set_num_threads(threads)
    assert stopped.value.code == 1
    check_line(capsys.readouterr().err, tmp_path, name, expected)


def test_unreachable_hub_falls_back_to_local_weights_with_a_visible_notice(tmp_path):
    closed, port = free_port(), free_port()  # nothing listens on `closed`
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=app_env(LAB_HUB_NAMESPACE="vae-vs-gan-lab", HF_ENDPOINT=f"http://127.0.0.1:{closed}",
                    HF_HUB_CACHE=str(tmp_path / "hub-cache"), HF_TOKEN="hf_notarealtoken123",
                    GRADIO_SERVER_PORT=str(port)))
    output = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line, "".join(output)  # the app exited
            output.append(line)
            if "Running on" in line:
                break
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=30).read().decode()
    finally:
        process.terminate()
        process.wait(timeout=30)
    log = "".join(output)
    notice = ("The Hub could not be reached for vae-vs-gan-lab/vae-mnist (Got: ConnectError: [Errno 111] "
              "Connection refused); every model uses the local weights in weights instead.")
    assert f"NOTICE: {notice}" in log
    assert notice in json.loads(page)["components"].__repr__()
    assert "vae-mnist                  <- weights/vae-mnist" in log and "<- Hub" not in log
    assert "Traceback" not in log and "hf_notarealtoken123" not in log + page


def test_serving_threads_come_from_the_setting_or_are_refused_in_words(monkeypatch):
    import pytest

    import app
    from lab.loading import StartupError

    monkeypatch.delenv("LAB_TORCH_THREADS", raising=False)
    assert app.serving_threads() == app.TORCH_THREADS == 1
    monkeypatch.setenv("LAB_TORCH_THREADS", " 2 ")
    assert app.serving_threads() == 2
    for bad in ("two", "0", "-1", "1.5", ""):
        monkeypatch.setenv("LAB_TORCH_THREADS", bad)
        with pytest.raises(StartupError, match="LAB_TORCH_THREADS must be a whole number"):
            app.serving_threads()


def test_events_compute_two_at_a_time_unless_set_and_bad_settings_are_refused_in_words(monkeypatch):
    import pytest

    import app
    from lab.loading import StartupError

    monkeypatch.delenv("GRADIO_DEFAULT_CONCURRENCY_LIMIT", raising=False)
    assert app.event_concurrency() == app.CONCURRENCY == 2
    monkeypatch.setenv("GRADIO_DEFAULT_CONCURRENCY_LIMIT", "3")
    assert app.event_concurrency() == 3
    for bad in ("none", "0", "1.5", ""):
        monkeypatch.setenv("GRADIO_DEFAULT_CONCURRENCY_LIMIT", bad)
        with pytest.raises(StartupError, match="GRADIO_DEFAULT_CONCURRENCY_LIMIT must be a whole number"):
            app.event_concurrency()


def test_the_apps_queue_runs_two_events_of_a_kind_at_once_and_the_arena_one(monkeypatch):
    import app
    from lab.loading import load_lab

    monkeypatch.delenv("GRADIO_DEFAULT_CONCURRENCY_LIMIT", raising=False)
    demo = app.build_demo(load_lab("weights", namespace=""))
    assert demo._queue.default_concurrency_limit == 2
    limits = {fn.api_name: fn.concurrency_limit for fn in demo.fns.values()}
    assert limits["arena"] == 1 and limits["generate"] == "default"
