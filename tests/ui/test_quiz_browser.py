"""The quiz in a real browser (Playwright + Debian's Chromium): a round, a guess, the verdict and the score,
at a projector's 1280x720 and at desktop size; screenshots go to test-artifacts/."""

import re

import pytest

from lab.quiz import new_round
from tests.conftest import ARTIFACTS
from tests.ui.tabs import open_tab


@pytest.mark.parametrize("width, height, dataset, source", [(1280, 720, "MNIST", "Real"),
                                                            (1600, 1000, "Fashion-MNIST", "GAN")])
def test_quiz_in_the_browser(app_url, browser, shipped_lab, width, height, dataset, source):
    from playwright.sync_api import expect  # here: the `browser` fixture skips where playwright is missing

    seed = next(s for s in range(5, 50) if new_round(shipped_lab, s, dataset)[1] == source)
    page = browser.new_page(viewport={"width": width, "height": height})  # a new page: a new session, score 0
    page.goto(app_url)
    open_tab(page, "Quiz")
    page.locator("#quiz-dataset").get_by_label(dataset, exact=True).check()
    page.get_by_label("Seed (same seed, same image)").fill(str(seed))
    page.get_by_role("button", name="New round", exact=True).click()
    page.locator("#quiz-image img").wait_for(timeout=60_000)
    page.locator("#quiz-prompt").get_by_text(f"{dataset} · seed {seed}").wait_for(timeout=30_000)
    assert page.get_by_label("Seed (same seed, same image)").input_value() == str(seed + 1)

    page.locator(f"#quiz-guess-{source.lower()}").click()
    page.locator("#quiz-verdict").get_by_text("Right!").wait_for(timeout=30_000)
    verdict = page.locator("#quiz-verdict").inner_text()
    assert "Sharpness" in verdict and "Classifier" in verdict and "Nearest training image" in verdict
    assert "Score 1 / 1" in page.locator("#quiz-score").inner_text()
    expect(page.locator("#quiz-verdict")).not_to_have_class(re.compile("pending"))  # not dimmed mid-update
    page.screenshot(path=str(ARTIFACTS / f"quiz-{width}x{height}.png"))  # the viewport: what the room sees
    # the image, the buttons and the score are on screen without scrolling
    for element in ("#quiz-image img", f"#quiz-guess-{source.lower()}", "#quiz-score"):
        box = page.locator(element).bounding_box()
        assert box["y"] + box["height"] <= height, element

    page.locator("#quiz-guess-real").click()  # a second guess on the same round is refused
    page.get_by_text("No round is running").first.wait_for(timeout=30_000)
    page.close()
