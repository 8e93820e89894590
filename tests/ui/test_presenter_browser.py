"""Presenter mode in a real browser (Playwright + Debian's Chromium). At a projector's 1280x720 with
`?presenter=1`, on every tab: do the tab's main action, then check with bounding boxes that its main result
lies inside the window at scroll 0, and that the text is at least 22 px. axe-core (tests/ui/axe.py) finds
no serious or critical WCAG 2.1 AA violation on any tab, in presenter mode after its actions (the controls, text
and results together; normal mode before them is tests/ui/test_normal_browser.py's), and in normal mode after
them. Screenshots of every tab go to test-artifacts/. (Normal mode as first seen, the phone
and the switch: tests/ui/test_normal_browser.py, a file of its own so that the two test processes share them.)"""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.colour import CVD, simulate
from tests.conftest import ARTIFACTS
from tests.ui.axe import blocking
from tests.ui.tabs import MIN_PX, RESULTS, open_tab

ROOT = Path(__file__).resolve().parents[2]


def digit_file(mnist_fixture, folder: Path) -> Path:
    """The first MNIST test digit of the fixture (a 7), as a 140x140 PNG to upload."""
    images, _ = mnist_fixture
    path = folder / "digit.png"
    Image.fromarray((images[0, 0].numpy() * 255).astype(np.uint8)).resize((140, 140)).save(path)
    return path


def settle(page, tab_id: str) -> None:
    """Wait until no output of the tab shows Gradio's loading state (its status overlay, `.wrap.full`,
    loses the class `hide` while an event runs)."""
    page.wait_for_timeout(300)
    page.wait_for_function(f"!document.querySelector('#{tab_id} .wrap.full:not(.hide)')", timeout=120_000)


def set_slider(page, selector: str, value: int) -> None:
    """Type `value` into the slider's number box and leave it, which fires the slider's release event."""
    box = page.locator(f"{selector} input[type=number]")
    box.fill(str(value))
    box.blur()




def main_action(page, tab: str, digit: Path) -> None:
    """The tab's main action, waited for until its result is on the page."""
    if tab == "Generate":
        page.get_by_role("button", name="Generate", exact=True).click()
        page.locator("#generate-gan-readout").get_by_text("Recognisable").wait_for(timeout=60_000)
    elif tab == "Reconstruct":
        page.locator("#reconstruct-upload input[type=file]").set_input_files(str(digit))
        page.locator("#reconstruct-upload img").wait_for(timeout=30_000)
        page.get_by_role("button", name="Reconstruct the upload").click()
        page.locator("#reconstruct-output img").wait_for(timeout=60_000)
        page.locator("#reconstruct-verdict").get_by_text("The VAE redraws this as").wait_for(timeout=30_000)
    elif tab == "Latent space":
        page.locator("#latent-decode").click()
        page.locator("#latent-grid img").wait_for(timeout=60_000)
    elif tab == "KL & encoder":
        page.locator("#kl-decode").click()
    elif tab == "Anomalies & denoising":
        page.locator("#tab-anomalies .gallery-item").first.click()  # an MNIST test digit from the examples
        page.locator("#anomaly-readout").get_by_text("Your picture").wait_for(timeout=60_000)
    elif tab == "Use cases":  # an example digit, completed: the result row is the completion's four pictures
        page.locator("#use-cases-examples .gallery-item").first.click()
        page.locator("#use-cases-upload img").wait_for(timeout=30_000)
        page.locator("#tab-use-cases").get_by_role("button", name="Complete the lower half").first.click()
        page.locator("#use-cases-readout").get_by_text("classifier reads").wait_for(timeout=60_000)
    elif tab == "Arena":  # the knobs are hidden in presenter mode: set a short run in normal mode
        page.locator("#presenter-switch input").uncheck()
        set_slider(page, "#arena-steps", 300)
        page.locator("#presenter-switch input").check()
        page.wait_for_function("document.body.classList.contains('presenter')", timeout=10_000)
        page.locator("#arena-train").click()
        page.locator("#arena-meter").get_by_text("Coverage at step 300").wait_for(timeout=120_000)
    elif tab == "Time machine":
        set_slider(page, "#time-machine-epoch", 5)
        page.locator("#time-machine-grid img").wait_for(timeout=30_000)
    elif tab == "Mode collapse":
        set_slider(page, "#mode-collapse-epoch", 1)
        page.locator("#mode-collapse-summary").get_by_text("Epoch 1:").wait_for(timeout=60_000)
    elif tab == "Quiz":
        page.get_by_role("button", name="New round", exact=True).click()
        page.locator("#quiz-image img").wait_for(timeout=60_000)
        page.locator("#quiz-guess-gan").click()
        page.locator("#quiz-verdict").get_by_text("Sharpness").wait_for(timeout=30_000)
    elif tab == "Models":
        page.get_by_role("tab", name="vae-mnist", exact=True).click()
    settle(page, RESULTS[tab][0])


# The actions further down a tab (its second section): tab name -> [(what to do, the result's elements)]. After
# each, its result must be in the window as the page then stands: the page brings it into view itself.
def interpolate(page) -> None:
    page.get_by_role("button", name="Interpolate", exact=True).click()
    page.locator("#latent-walks img").first.wait_for(timeout=60_000)


def encode_example(page) -> None:
    set_slider(page, "#invert-steps", 5)  # a short search: where its result lands is under test, not the search
    page.locator("#invert-examples .gallery-item").first.click()
    page.locator("#invert-upload img").wait_for(timeout=30_000)
    page.get_by_role("button", name="Encode the upload", exact=True).click()
    page.locator("#invert-readout").get_by_text("GAN: error").wait_for(timeout=60_000)


def denoise_example(page) -> None:
    page.locator("#denoise-examples .gallery-item").first.click()
    page.locator("#denoise-upload img").wait_for(timeout=30_000)
    page.get_by_role("button", name="Add noise and denoise", exact=True).click()
    page.locator("#denoise-readout").get_by_text("PSNR noisy vs clean").wait_for(timeout=60_000)


SECOND_ACTIONS = {
    "Latent space": [(interpolate, ["#latent-walks"])],
    "KL & encoder": [(encode_example, ["#invert-results"])],
    "Anomalies & denoising": [(denoise_example, ["#denoise-results"])],
}


def outside_window(page, selectors: list[str], width: int = 1280, height: int = 720) -> list[str]:
    """The selectors whose element is not wholly inside the window as the page is scrolled now (to the pixel:
    a box's edges fall on fractions of one)."""
    problems = []
    for selector in selectors:
        box = page.locator(selector).bounding_box()
        if box is None or box["y"] < -1 or box["y"] + box["height"] > height + 1 or box["x"] + box["width"] > width + 1:
            problems.append(f"{selector} at {box}")
    return problems


CHARTS = ["#arena-losses", "#arena-coverage", "#time-machine-chart-1", "#time-machine-chart-2",
          "#mode-collapse-histogram", "#mode-collapse-healthy-histogram", "#anomaly-histogram", "#anomaly-roc",
          "#nalisnick-chart", "#kl-chart"]  # every chart on the page: PIL pictures (lab/plots.py)
MIN_CHART_PX = 16  # chart text (titles, axes, legends) as the page shows it


def small_charts(page, tab_id: str) -> list[str]:
    """The tab's visible charts whose smallest text (lab.plots.TEXT_PX at the picture's own size) the page
    shows under MIN_CHART_PX: the picture is scaled by min(shown / natural) of its sides (object-fit: contain)."""
    from lab.plots import TEXT_PX

    scales = page.evaluate(f"""() => Object.fromEntries({CHARTS}.map(id => [id, document.querySelector(
        '#{tab_id} ' + id + ' img')]).filter(([, img]) => img && img.offsetParent !== null && img.naturalWidth)
        .map(([id, img]) => [id, Math.min(img.clientWidth / img.naturalWidth,
                                          img.clientHeight / img.naturalHeight)]))""")
    return [f"{chart}: text at {TEXT_PX * scale:.1f} px" for chart, scale in scales.items()
            if TEXT_PX * scale < MIN_CHART_PX]


def covered_pictures(page, tab_id: str) -> list[str]:
    """The tab's visible result pictures (not uploads) that their own label or buttons overlap (Gradio floats both
    over the picture's top corners unless app.CSS moves them)."""
    return page.evaluate(f"""() => [...document.querySelectorAll(
        '#{tab_id} .block:has(> .image-container):not(:has(input[type=file]))')]
        .filter(b => b.offsetParent !== null && b.querySelector('img'))
        .flatMap(b => {{
            const img = b.querySelector('.image-container img').getBoundingClientRect();
            return [...b.querySelectorAll(':scope > label[data-testid=block-label], .icon-button-wrapper.top-panel')]
                .filter(e => e.offsetParent !== null)
                .map(e => [e, e.getBoundingClientRect()])
                .filter(([e, r]) => r.width && Math.min(r.right, img.right) - Math.max(r.left, img.left) > 1
                                    && Math.min(r.bottom, img.bottom) - Math.max(r.top, img.top) > 1)
                .map(([e]) => (b.id || 'a picture') + ': ' + (e.innerText.trim() || 'its buttons'));
        }})""")


def small_text(page, tab_id: str) -> list[str]:
    """The visible paragraphs, list items, table cells and labels of the tab whose font is under MIN_PX."""
    return page.evaluate(f"""() => [...document.querySelectorAll(
        '#{tab_id} .prose p, #{tab_id} .prose li, #{tab_id} .prose td, #{tab_id} .prose th, #{tab_id} label span')]
        .filter(e => e.offsetParent !== null && e.innerText.trim() && !e.closest('small'))
        .filter(e => parseFloat(getComputedStyle(e).fontSize) < {MIN_PX})
        .map(e => e.innerText.trim().slice(0, 40) + ' (' + getComputedStyle(e).fontSize + ')')""")


@pytest.fixture(scope="module")
def digit(mnist_fixture, tmp_path_factory):
    return digit_file(mnist_fixture, tmp_path_factory.mktemp("presenter"))


def test_presenter_mode_shows_every_tabs_result_without_scrolling(app_url, browser, digit, mnist_fixture):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(app_url + "?presenter=1")
    page.wait_for_function("document.body.classList.contains('presenter')", timeout=30_000)
    assert page.locator("#presenter-switch input").is_checked()
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= MIN_PX
    assert not page.locator("#intro").is_visible()
    problems = []
    for tab, (tab_id, results) in RESULTS.items():
        open_tab(page, tab)
        page.locator(f"#{tab_id}").wait_for(timeout=30_000)
        main_action(page, tab, digit)
        if tab == "Generate":  # each grid says what it shows, to a screen reader
            alt = page.locator("#generate-gan img").get_attribute("alt")
            assert alt.startswith("A grid of 16 GAN samples of digits of any class (MNIST, seed 0)"), alt
        if tab in ("Time machine", "Mode collapse"):  # the grid of the epoch chosen, in words
            grid = "#time-machine-grid" if tab == "Time machine" else "#mode-collapse-grid"
            epoch = "epoch 5 of" if tab == "Time machine" else "epoch 1:"
            page.wait_for_function(f"document.querySelector('{grid} img').alt.includes('{epoch}')", timeout=10_000)
        if tab == "Reconstruct":  # the upload is read as its digit, with its anomaly percentile, also in words
            verdict = page.locator("#reconstruct-verdict").inner_text()
            assert f"redraws this as a {int(mnist_fixture[1][0])} (" in verdict, verdict
            assert "real test digits reconstruct better" in verdict, verdict
            alt = page.locator("#reconstruct-output img").get_attribute("alt")
            assert alt.startswith(f"The VAE's reconstruction of your digit: the classifier reads it as a "
                                  f"{int(mnist_fixture[1][0])} ("), alt
        page.evaluate("window.scrollTo(0, 0)")  # what the room sees without anyone scrolling
        page.wait_for_timeout(200)
        page.screenshot(path=str(ARTIFACTS / f"presenter-{tab_id[4:]}-1280x720.png"))
        problems += [f"{tab}: {where}" for where in outside_window(page, results)]
        problems += [f"{tab}: text under {MIN_PX} px: {text}" for text in small_text(page, tab_id)]
        problems += [f"{tab}: {chart}" for chart in small_charts(page, tab_id)]
        problems += [f"{tab}: covered by its label: {what}" for what in covered_pictures(page, tab_id)]
        for number, (action, second_results) in enumerate(SECOND_ACTIONS.get(tab, []), start=2):
            action(page)
            settle(page, tab_id)
            page.wait_for_timeout(800)  # the scroll into view (ui.common.bring_into_view: again at 500 ms)
            page.screenshot(path=str(ARTIFACTS / f"presenter-{tab_id[4:]}-action{number}-1280x720.png"))
            problems += [f"{tab}, {action.__name__}: {where}" for where in outside_window(page, second_results)]
        problems += blocking(page, f"{tab}, presenter mode, after its actions")  # axe-core, WCAG 2.1 AA

    # the colour-coded tabs as the common colour-vision deficiencies see them, to look at (tests/colour.py)
    for name in ("arena", "latent", "kl", "time-machine"):
        shot = np.asarray(Image.open(ARTIFACTS / f"presenter-{name}-1280x720.png").convert("RGB"))
        for deficiency in CVD:
            Image.fromarray(simulate(shot, deficiency)).save(ARTIFACTS / f"cvd-{deficiency}-{name}-1280x720.png")

    # every tab again in normal mode, its results still on it
    page.locator("#presenter-switch input").uncheck()
    page.wait_for_function("!document.body.classList.contains('presenter')", timeout=10_000)
    for tab, (tab_id, _) in RESULTS.items():
        open_tab(page, tab)
        page.locator(f"#{tab_id}").wait_for(timeout=30_000)
        problems += blocking(page, f"{tab}, normal mode, after its actions")
    page.close()
    assert not problems, "\n".join(problems)
