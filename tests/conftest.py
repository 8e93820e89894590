"""Shared fixtures: tiny IDX data sets written to a temp dir, tiny seeded models, and the app on the
shipped weights (launched once per session) with a gradio_client and a headless Chromium for it."""

import atexit
import os
import shutil
import socket
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # gradio_client must not look for the Hub
# Room mode's store (app.open_rooms): a SQLite file of this test process's own, never the repository's var/. A
# store set outside is kept; one that pytest-xdist's controller made (its folder's prefix) is replaced in each worker,
# so that the two workers' apps never share rooms, judgements or the cap on open rooms.
TEST_ROOMS = "lab-test-rooms-"
if TEST_ROOMS in os.environ.get("LAB_ROOM_STORE", TEST_ROOMS):
    _rooms_folder = tempfile.mkdtemp(prefix=TEST_ROOMS)
    atexit.register(shutil.rmtree, _rooms_folder, ignore_errors=True)
    os.environ["LAB_ROOM_STORE"] = str(Path(_rooms_folder) / "rooms.sqlite3")

# pytest-xdist's two test processes share two cores with Chromium and the apps they start: one torch thread each,
# so that no process's OpenMP threads spin on a core the other needs (docs/benchmarks.md, "The test suite")
if os.environ.get("PYTEST_XDIST_WORKER"):
    torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"  # browser screenshots, for people to look at
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# The longest test files, longest first (`--durations`, docs/benchmarks.md "The test suite"). pytest-xdist's
# --dist loadfile with --no-loadscope-reorder (pyproject.toml) gives each process the next file in collection order
# when it is free; without these, xdist starts the files with the most tests first, and the long browser files,
# which have few, came last: the presenter file (90-100 s) started last and ran on after the other process ended.
LONGEST_FIRST = ["test_presenter_browser.py", "test_normal_browser.py", "test_examples_browser.py",
                 "test_room_browser.py", "test_stability_browser.py", "test_keyboard_browser.py"]


def pytest_collection_modifyitems(items):
    """The tests of LONGEST_FIRST's files first, in its order; the rest as collected (a stable sort)."""
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=rank)


def write_idx(folder: Path, prefix: str, images: np.ndarray, labels: np.ndarray) -> None:
    """Write images `(N, 28, 28)` uint8 and labels `(N,)` in the IDX format MNIST ships in."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(images)
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(
        struct.pack(">IIII", 0x00000803, n, 28, 28) + images.astype(np.uint8).tobytes())
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        struct.pack(">II", 0x00000801, n) + labels.astype(np.uint8).tobytes())


def fake_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` blocky 28x28 "digits": class c is a bright bar at row 2c + 4. Labels 0..9 in turn."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = np.zeros((n, 28, 28), dtype=np.uint8)
    for i, c in enumerate(labels):
        images[i, 2 * c + 4: 2 * c + 7, 6:22] = 255
        images[i] |= (rng.random((28, 28)) < 0.02).astype(np.uint8) * 128
    return images, labels


@pytest.fixture(scope="session")
def tiny_data_root(tmp_path_factory) -> Path:
    """A data root with MNIST/raw and FashionMNIST/raw: 64 train and 32 test images each."""
    root = tmp_path_factory.mktemp("data")
    for folder in ("MNIST", "FashionMNIST"):
        write_idx(root / folder / "raw", "train", *fake_digits(64, seed=0))
        write_idx(root / folder / "raw", "t10k", *fake_digits(32, seed=1))
    return root


@pytest.fixture(scope="session")
def mnist_fixture() -> tuple[torch.Tensor, torch.Tensor]:
    """200 real MNIST test digits (see tests/fixtures/README.md): float (200, 1, 28, 28), labels (200,)."""
    data = np.load(FIXTURES / "mnist_test_200.npz")
    images = torch.from_numpy(data["images"]).unsqueeze(1).float() / 255.0
    return images, torch.from_numpy(data["labels"]).long()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def shipped_lab():
    """Every shipped model from weights/, with the reference files beside them: loaded once per test session,
    for every test that needs the shipped weights."""
    from lab.loading import load_lab

    return load_lab("weights", namespace="")  # relative, as the app names it: "weights/<name>"


@pytest.fixture(scope="session")
def rooms(shipped_lab):
    """Room mode's rooms for the session's app, in the test run's SQLite file (LAB_ROOM_STORE above)."""
    from app import open_rooms

    return open_rooms(shipped_lab)


@pytest.fixture(scope="session")
def demo(shipped_lab, rooms):
    """The whole page (app.build_demo) on the shipped weights, built once per test session."""
    from app import build_demo

    return build_demo(shipped_lab, rooms)


@pytest.fixture(scope="session")
def app_url(demo, rooms):
    """The whole app on the shipped weights with the students' room page, on a free loopback port, launched
    once per test session."""
    from app import launch_settings

    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                **launch_settings(rooms))
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="session")
def client(app_url):
    """A gradio_client Client on the launched app."""
    from gradio_client import Client

    return Client(app_url, verbose=False, download_files=True)


def missing(reason: str) -> None:
    """A test's missing part (a browser, a server): under CI (`CI=true`) the run fails; elsewhere it skips."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: nothing may be skipped for want of it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download); skips where either is missing, fails
    under CI."""
    if not Path(CHROMIUM).exists():
        missing("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed (requirements-dev.txt)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server (Debian's package; .ci/run installs it) on a free loopback port, with no disk
    persistence, started once per test session: its URL. Skips where it is missing, fails under CI."""
    import subprocess
    import time

    server = shutil.which("redis-server")
    if server is None:
        missing("redis-server is not installed (apt-get install redis-server); .ci/run installs it")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # up to 5 s for it to listen
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"redis-server exited with code {process.returncode}")
            time.sleep(0.05)
        else:
            pytest.fail("redis-server did not listen within 5 s")
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
