"""End to end in a real browser: Playwright drives Debian's Chromium (no browser download)."""

import os
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")


@pytest.fixture(scope="module")
def app_url():
    from app import CSS, build_demo
    from lab.loading import load_lab

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_demo(load_lab("weights", namespace=""))
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, css=CSS)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_generate_and_reconstruct_in_the_browser(app_url, mnist_fixture, tmp_path):
    images, labels = mnist_fixture
    digit = tmp_path / "digit.png"
    Image.fromarray((images[0, 0].numpy() * 255).astype(np.uint8)).resize((140, 140)).save(digit)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(app_url)
        page.get_by_role("button", name="Generate", exact=True).click()
        page.locator("#generate-vae img").wait_for(timeout=60_000)
        page.locator("#generate-gan img").wait_for(timeout=60_000)
        page.get_by_text("Recognisable").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "generate.png"), full_page=True)

        page.get_by_role("tab", name="Reconstruct — through the VAE").click()
        page.locator("#reconstruct-upload input[type=file]").set_input_files(str(digit))
        page.locator("#reconstruct-upload img").wait_for(timeout=30_000)
        page.get_by_role("button", name="Reconstruct the upload").click()
        page.locator("#reconstruct-output img").wait_for(timeout=60_000)
        result = page.locator("#reconstruct-result")
        result.get_by_text('"predicted_label"', exact=True).wait_for(timeout=30_000)
        text = result.inner_text()
        assert "anomaly_percentile" in text
        assert f'"{int(labels[0])}"' in text  # the reconstruction is classified as the digit's label
        page.screenshot(path=str(ARTIFACTS / "reconstruct.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "reconstruct.png").stat().st_size > 10_000
