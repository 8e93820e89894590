"""In a real browser (Playwright + Debian's Chromium): a drawing on a transparent canvas is read as its digit, and
after a bad upload no output of the previous digit stays beside the error. (A stroke drawn on the sketchpad:
tests/ui/test_examples_browser.py.)"""

import numpy as np
import pytest
from PIL import Image

from tests.conftest import ARTIFACTS
from tests.ui.tabs import open_tab


@pytest.mark.parametrize("width, height", [(1280, 720), pytest.param(1600, 1000, marks=pytest.mark.slow)])
def test_bad_upload_after_a_good_one_leaves_nothing_stale(app_url, browser, mnist_fixture, tmp_path, width, height):
    images, labels = mnist_fixture
    digit = Image.fromarray((images[3, 0].numpy() * 255).astype(np.uint8)).resize((280, 280))
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)  # black strokes on a transparent canvas
    rgba[..., 3] = np.asarray(digit)
    drawing, corrupt = tmp_path / "drawing.png", tmp_path / "corrupt.png"
    Image.fromarray(rgba, "RGBA").save(drawing)
    corrupt.write_bytes(np.random.default_rng(0).bytes(3000))

    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app_url)
    open_tab(page, "Reconstruct")
    upload = page.locator("#reconstruct-upload input[type=file]")
    upload.set_input_files(str(drawing))
    page.locator("#reconstruct-upload img").wait_for(timeout=30_000)
    page.get_by_role("button", name="Reconstruct the upload").click()
    verdict = page.locator("#reconstruct-verdict")  # the result in words; the JSON is folded in an accordion
    verdict.get_by_text("The VAE redraws this as").wait_for(timeout=60_000)
    assert f"redraws this as a {int(labels[3])} (" in verdict.inner_text()  # the transparent drawing: its digit
    page.locator("#reconstruct-error img").wait_for(timeout=30_000)
    page.locator("#reconstruct-steps img").first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / f"reliability-good-{width}x{height}.png"))

    page.locator("#reconstruct-upload button[aria-label='Remove Image']").click()
    upload.set_input_files(str(corrupt))
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Reconstruct the upload").click()
    page.get_by_text("'corrupt.png' is not a picture this app can read").first.wait_for(timeout=30_000)
    for output in ("#reconstruct-output img", "#reconstruct-input img", "#reconstruct-error img",
                   "#reconstruct-steps img"):
        page.locator(output).first.wait_for(state="detached", timeout=30_000)
    assert "redraws" not in verdict.inner_text()
    page.screenshot(path=str(ARTIFACTS / f"reliability-error-{width}x{height}.png"))
    page.close()
