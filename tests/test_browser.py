"""End to end in a real browser: Playwright drives Debian's Chromium (no browser download)."""

import numpy as np
from PIL import Image

from tests.conftest import ARTIFACTS, ROOT

README_SCREENSHOT = ROOT / "docs" / "images" / "lab.png"  # the README's picture


def test_the_readme_shows_a_screenshot_of_the_page_the_browser_test_makes():
    """docs/images/lab.png is tests/ui/test_presenter_browser.py's screenshot of the Generate tab after Generate
    at a projector's 1280x720, copied when the page changes:
    `cp test-artifacts/presenter-generate-1280x720.png docs/images/lab.png`."""
    with Image.open(README_SCREENSHOT) as shot:
        assert shot.size == (1280, 720)


def test_generate_and_reconstruct_in_the_browser(app_url, browser, mnist_fixture, tmp_path):
    images, labels = mnist_fixture
    digit = tmp_path / "digit.png"
    Image.fromarray((images[0, 0].numpy() * 255).astype(np.uint8)).resize((140, 140)).save(digit)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(app_url)
    page.get_by_role("tab", name="Generate").click()  # the first tab is "Learn"
    page.get_by_role("button", name="Generate", exact=True).click()
    page.locator("#generate-vae img").wait_for(timeout=60_000)
    page.locator("#generate-gan img").wait_for(timeout=60_000)
    page.get_by_text("Recognisable").first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "generate.png"), full_page=True)

    page.get_by_role("tab", name="Reconstruct").click()
    page.locator("#reconstruct-upload input[type=file]").set_input_files(str(digit))
    page.locator("#reconstruct-upload img").wait_for(timeout=30_000)
    page.get_by_role("button", name="Reconstruct the upload").click()
    page.locator("#reconstruct-output img").wait_for(timeout=60_000)
    verdict = page.locator("#reconstruct-verdict")  # the result in words; the JSON is folded in an accordion
    verdict.get_by_text("The VAE redraws this as").wait_for(timeout=30_000)
    text = verdict.inner_text()
    assert "real test digits reconstruct better" in text  # the anomaly percentile
    assert f"redraws this as a {int(labels[0])} (" in text  # the reconstruction is classified as the digit's label
    page.screenshot(path=str(ARTIFACTS / "reconstruct.png"), full_page=True)
    page.close()
    assert (ARTIFACTS / "reconstruct.png").stat().st_size > 10_000
