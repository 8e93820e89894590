"""Normal mode in a real browser (Playwright + Debian's Chromium): every tab as a visitor first sees it, with
axe-core (tests/ui/axe.py) finding no serious or critical WCAG 2.1 AA violation; every tab at a phone's 390x844
without sideways scrolling; and the presenter switch turning presenter mode on and off. Screenshots go to
test-artifacts/. (Presenter mode and the tabs' actions: tests/ui/test_presenter_browser.py.)"""

import pytest

from tests.conftest import ARTIFACTS
from tests.ui.axe import blocking
from tests.ui.tabs import MIN_PX, RESULTS, open_tab


@pytest.mark.parametrize("width, height", [(1280, 720), pytest.param(1600, 1000, marks=pytest.mark.slow)])
def test_normal_mode_screenshots_and_the_phone(app_url, browser, width, height):
    """Normal mode as a visitor first sees each tab (the other browser tests save their results), then
    every tab at a phone's 390x844 (document.scrollingElement.scrollWidth <= 390: no sideways scrolling)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app_url)
    page.locator("#presenter-switch").wait_for(timeout=30_000)
    assert not page.locator("#presenter-switch input").is_checked()
    assert page.locator("#intro").is_visible()
    problems = []
    for tab, (tab_id, results) in RESULTS.items():
        open_tab(page, tab)
        page.locator(f"#{tab_id}").wait_for(timeout=30_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"normal-{tab_id[4:]}-{width}x{height}.png"))
        for selector in results:
            assert page.locator(selector).count() == 1, selector
        problems += blocking(page, f"{tab}, normal mode, before its action")  # axe-core, WCAG 2.1 AA
    assert not problems, "\n".join(problems)

    page.set_viewport_size({"width": 390, "height": 844})
    wide = []
    for tab, (tab_id, _) in RESULTS.items():
        open_tab(page, tab)
        page.locator(f"#{tab_id}").wait_for(timeout=30_000)
        page.wait_for_timeout(300)
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll_width > 390:
            wide.append(f"{tab}: {scroll_width} px")
        page.screenshot(path=str(ARTIFACTS / f"phone-{tab_id[4:]}-390x844.png"))
    page.close()
    assert not wide, wide


def test_the_switch_turns_presenter_mode_on_and_off(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(app_url)
    open_tab(page, "Generate")
    seed = page.get_by_label("Seed", exact=True)
    seed.fill("123")
    assert page.get_by_label("How many").first.is_visible() and seed.is_visible()
    assert page.get_by_text("Explanation: blurry vs sharp").first.is_visible()
    assert page.locator("#tab-generate").get_by_text("Blurry vs sharp.").is_visible()  # open

    page.locator("#presenter-switch input").check()
    page.wait_for_function("document.body.classList.contains('presenter')", timeout=10_000)
    page.wait_for_function("!document.querySelector('#tab-generate .explain').innerText.includes('Blurry vs sharp.')"
                           " || document.querySelector('#tab-generate .explain .prose').offsetParent === null",
                           timeout=10_000)  # the explanation closes
    assert not seed.is_visible() and not page.get_by_label("How many").first.is_visible()
    assert page.get_by_text("Explanation: blurry vs sharp").first.is_visible()  # its accordion stays to open
    assert not page.locator("#intro").is_visible()
    body_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#tab-generate .explain')).fontSize)")
    assert body_px >= MIN_PX

    page.locator("#presenter-switch input").uncheck()
    page.wait_for_function("!document.body.classList.contains('presenter')", timeout=10_000)
    page.locator("#tab-generate").get_by_text("Blurry vs sharp.").wait_for(timeout=10_000)  # open again
    assert seed.is_visible() and seed.input_value() == "0"  # presenter mode put the seed back to 0
    assert page.locator("#intro").is_visible()
    page.close()
