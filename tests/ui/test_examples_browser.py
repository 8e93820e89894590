"""In a real browser (Playwright + Debian's Chromium): a visitor with no file of their own clicks the examples and
reads the verdicts, and draws on the pads without first looking for the brush, also after pressing Clear."""

import re

import pytest

from lab import examples as ex
from tests.conftest import ARTIFACTS
from tests.ui.pads import click_example, draw, verdict_after
from tests.ui.tabs import open_tab


@pytest.mark.parametrize("width, height", [(1280, 720), pytest.param(1600, 1000, marks=pytest.mark.slow)])
def test_examples_on_reconstruct_and_anomalies(app_url, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app_url)
    open_tab(page, "Reconstruct")
    upload = page.locator("#reconstruct-upload img")

    click_example(page, "reconstruct-examples", ex.RECONSTRUCT.index(ex.PHOTO))
    upload.wait_for(timeout=30_000)
    text = verdict_after(page, "Reconstruct the upload", "redraws this as a 3 (")
    assert re.search(r"redraws this as a 3 \(the classifier is \d+ % sure\)", text), text
    assert "real test digits reconstruct better" in text and "vae2d-mnist" in text

    click_example(page, "reconstruct-examples", ex.RECONSTRUCT.index(ex.GARMENTS[0]))  # also picks Fashion-MNIST
    page.wait_for_timeout(500)
    text = verdict_after(page, "Reconstruct the upload", "redraws this as a Trouser (")
    assert "garments reconstruct better" in text and "vae2d-mnist" not in text, text

    click_example(page, "reconstruct-examples", ex.RECONSTRUCT.index(ex.HOUSE))  # and back to MNIST
    page.wait_for_timeout(500)
    verdict = verdict_after(page, "Reconstruct the upload", "do not trust that label")
    assert "99.9 % of real test digits reconstruct better" in verdict, verdict
    page.locator("#reconstruct-output img").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / f"examples-reconstruct-full-{width}x{height}.png"), full_page=True)
    page.locator("#reconstruct-verdict").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(ARTIFACTS / f"examples-reconstruct-house-{width}x{height}.png"))

    open_tab(page, "Latent space")
    assert "vae2d-mnist" in page.locator("#latent-vae-map").inner_text()  # the model that placed the ring

    open_tab(page, "Anomalies & denoising")
    click_example(page, "anomaly-examples", ex.ANOMALY.index(ex.HOUSE))
    readout = page.locator("#anomaly-readout")
    readout.get_by_text("flagged as an anomaly").wait_for(timeout=60_000)
    page.locator("#anomaly-readout").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / f"examples-anomaly-house-{width}x{height}.png"))
    page.close()


def test_the_pads_draw_at_once_and_after_clear(app_url, browser):
    """The sketchpad sends its canvas as blobs; ui/common.py Drawing hands them to lab/preprocess.py as bytes, and
    the stroke is read as the digit drawn: at once, after Clear, and with the brush picked first."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(app_url)
    open_tab(page, "Reconstruct")
    page.locator("#reconstruct-drawing canvas").last.wait_for(timeout=30_000)
    draw(page, "reconstruct-drawing", [(0.5, 0.15), (0.5, 0.85)])  # a "1", no click on the brush first
    text = verdict_after(page, "Reconstruct the drawing", "redraws this as a 1 (")
    assert "Your input itself" not in text, text  # the drawing itself is read as a 1 too
    page.screenshot(path=str(ARTIFACTS / "examples-drawing-1-1280x720.png"))

    page.locator("#reconstruct-drawing-clear").click()
    page.wait_for_timeout(500)
    # already selected: a click on "Brush" shows "Brush Size" too, and the pad still draws
    page.locator("#reconstruct-drawing").get_by_role("button", name="Brush", exact=True).click()
    draw(page, "reconstruct-drawing", [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)])  # a "7" on the cleared pad
    verdict_after(page, "Reconstruct the drawing", "redraws this as a 7 (")  # a 7 alone: the 1 was cleared
    page.locator("#reconstruct-drawing").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / "examples-drawing-7-1280x720.png"))

    open_tab(page, "KL & encoder")
    page.locator("#invert-drawing canvas").last.wait_for(timeout=30_000)
    page.locator("#invert-drawing").scroll_into_view_if_needed()
    draw(page, "invert-drawing", [(0.5, 0.15), (0.5, 0.85)])
    steps = page.locator("#invert-steps input[type=number]")  # one Adam step: the pad is under test, not the search
    steps.fill("1")
    steps.blur()
    page.get_by_role("button", name="Encode the drawing").click()
    page.locator("#invert-readout").get_by_text("VAE: error").wait_for(timeout=60_000)
    page.close()
