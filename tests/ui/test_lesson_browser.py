"""The Learn, KL term & encoder and Anomalies & denoising tabs in a real browser; screenshots at a classroom
projector's 1280x720 and at desktop size go to test-artifacts/ for people to look at."""

import json

import pytest

from tests.conftest import ARTIFACTS, ROOT
from tests.ui.tabs import open_tab


# desktop size: the slow mark (python -m pytest -m slow); the projector's 1280x720 checks every part by default
@pytest.mark.parametrize("width,height", [(1280, 720), pytest.param(1600, 1000, marks=pytest.mark.slow)])
def test_lesson_tabs_in_the_browser(app_url, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app_url)
    page.get_by_text("VAE vs GAN, measured in this app").wait_for(timeout=60_000)
    sharpness = json.loads((ROOT / "weights" / "vae-mnist" / "metrics.json").read_text())["sharpness_ratio"]
    assert f"sharpness {sharpness:.2f} × real" in page.locator("#learn-table").inner_text()  # read, not typed in
    page.get_by_text("Generative vs discriminative").wait_for(timeout=30_000)  # the LaTeX columns render last
    page.locator(".katex").first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / f"learn-{width}.png"))
    page.get_by_role("button", name="Output quality → Generate tab").click()
    page.get_by_role("tab", name="Generate", selected=True).wait_for(timeout=10_000)

    open_tab(page, "KL & encoder")
    kl = json.loads((ROOT / "weights" / "ae2d-mnist" / "kl_figures.json").read_text())["aggregate_kl"]
    assert f"{kl:.2f} nats" in page.locator("#kl-figures").inner_text()  # the shipped figure, not a copy of it
    page.screenshot(path=str(ARTIFACTS / f"kl-{width}.png"))
    if width > 1280:  # the searches run once, at the projector's size; the desktop size shows the tabs
        open_tab(page, "Anomalies & denoising")
        page.get_by_text("The surprise").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / f"anomaly-{width}.png"))
        page.close()
        return
    page.get_by_role("heading", name="2 · A GAN has no encoder", exact=True).scroll_into_view_if_needed()
    page.locator("#invert-upload input[type=file]").set_input_files("examples/mnist_test0_7.png")
    page.locator("#invert-upload img").wait_for(timeout=30_000)
    page.get_by_role("button", name="Encode the upload").click()
    page.locator("#invert-gan img").wait_for(timeout=60_000)
    page.locator("#invert-readout").get_by_text("GAN", exact=False).first.wait_for(timeout=30_000)
    assert "class found: 7" in page.locator("#invert-readout").inner_text()
    page.locator("#invert-gan").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"invert-{width}.png"))

    open_tab(page, "Anomalies & denoising")
    page.locator("#anomaly-upload input[type=file]").set_input_files("examples/mnist_test0_7.png")
    page.locator("#anomaly-readout").get_by_text("Your picture").wait_for(timeout=60_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"anomaly-{width}.png"))
    page.locator("#denoise-upload input[type=file]").set_input_files("examples/mnist_test0_7.png")
    page.locator("#denoise-upload img").wait_for(timeout=30_000)
    page.get_by_role("button", name="Add noise and denoise").click()
    page.locator("#denoise-readout").get_by_text("PSNR noisy vs clean").wait_for(timeout=60_000)
    page.locator("#denoise-output").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"denoise-{width}.png"))
    page.close()
    assert (ARTIFACTS / "denoise-1280.png").stat().st_size > 10_000
