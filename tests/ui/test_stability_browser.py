"""The arena, time machine and mode-collapse tabs in a real browser, at a projector's 1280x720 and at
desktop size; screenshots go to test-artifacts/ for people to look at."""

import pytest

from tests.conftest import ARTIFACTS
from tests.ui.tabs import open_tab

SIZES = {"1280x720": {"width": 1280, "height": 720}, "1600x1000": {"width": 1600, "height": 1000}}


# desktop size: the slow mark (python -m pytest -m slow); the projector's 1280x720 checks every part by default
@pytest.mark.parametrize("size", ["1280x720", pytest.param("1600x1000", marks=pytest.mark.slow)])
def test_the_stability_tabs_in_the_browser(app_url, browser, size):
    page = browser.new_page(viewport=SIZES[size])
    page.goto(app_url)

    open_tab(page, "Arena")
    page.locator("#arena-preset").wait_for(timeout=30_000)
    page.locator("#arena-steps input[type=number]").fill("300")
    page.locator("#arena-steps input[type=number]").press("Enter")
    page.locator("#arena-train").click()
    page.locator("#arena-meter").get_by_text("Coverage at step 300").wait_for(timeout=120_000)
    assert page.locator("#arena-image img").is_visible()
    assert "custom" in page.locator("#arena-preset input").input_value()  # moving a knob left the preset
    page.evaluate("window.scrollTo(0, 0)")  # what a class sees without scrolling
    page.screenshot(path=str(ARTIFACTS / f"arena-{size}.png"))

    # step mode on the run's networks: a D step recolours the plane and leaves the crosses; a G step moves them
    page.get_by_label("G's arrows").check()
    page.locator("#arena-image img[alt*='violet arrows']").wait_for(timeout=30_000)  # redrawn with the arrows
    before = page.locator("#arena-image img").get_attribute("src")
    page.locator("#arena-d-step").click()
    page.wait_for_function(f"document.querySelector('#arena-image img').getAttribute('src') !== {before!r}",
                           timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"arena-d-step-{size}.png"))
    page.locator("#arena-g-step").click()
    page.locator("#arena-meter").get_by_text("Coverage at step 301").wait_for(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"arena-g-step-{size}.png"))
    picture = page.locator("#arena-image").bounding_box()
    buttons = page.locator("#arena-step-row").bounding_box()
    assert 0 <= buttons["y"] - (picture["y"] + picture["height"]) <= 40, (picture, buttons)  # right under it

    open_tab(page, "Time machine")
    page.locator("#time-machine-grid img").wait_for(timeout=30_000)
    page.locator("#time-machine-chart-1 img").wait_for(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"time-machine-{size}.png"))
    grid = page.locator("#time-machine-grid").bounding_box()  # the whole grid without scrolling, normal mode too
    assert grid["y"] >= 0 and grid["y"] + grid["height"] <= SIZES[size]["height"], grid

    open_tab(page, "Mode collapse")
    page.locator("#mode-collapse-grid img").wait_for(timeout=30_000)
    page.locator("#mode-collapse-summary").get_by_text("collapsing GAN covers").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / f"mode-collapse-{size}.png"))
    page.close()
    assert (ARTIFACTS / f"mode-collapse-{size}.png").stat().st_size > 10_000


def test_the_arena_on_a_drawing_of_your_own(app_url, browser):
    """Draw the data: an empty pad is refused in words; a painted ring becomes the data set, and step mode trains
    on it."""
    import math

    from playwright.sync_api import expect  # here: the `browser` fixture skips where playwright is missing

    from tests.ui.pads import draw

    page = browser.new_page(viewport=SIZES["1280x720"])
    page.goto(app_url + "?tab=arena")
    page.locator("#arena-preset").wait_for(timeout=30_000)
    page.get_by_text("Draw your own data").click()
    page.locator("#arena-use-drawing").click()
    expect(page.get_by_text("The pad is empty").first).to_be_visible(timeout=30_000)
    ring = [(0.5 + 0.3 * math.cos(a), 0.5 + 0.3 * math.sin(a)) for a in [k * math.pi / 3 for k in range(7)]]
    draw(page, "arena-pad", ring)
    page.locator("#arena-use-drawing").click()
    expect(page.locator("#arena-drawing-note")).to_contain_text("Your drawing is the data", timeout=30_000)
    assert page.locator("#arena-dataset input").input_value() == "your drawing"
    page.locator("#arena-reset").click()
    page.locator("#arena-meter").get_by_text("Coverage at step 0").wait_for(timeout=60_000)
    page.locator("#arena-x10").click()
    page.locator("#arena-meter").get_by_text("Coverage at step 10").wait_for(timeout=60_000)
    assert page.locator("#arena-dataset input").input_value() == "your drawing"  # still the data after stepping
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "arena-drawn-1280x720.png"))
    page.close()
