"""Links to a view in a real browser: each link opens its tab with its settings, a bad link opens the defaults
with a note, lesson plan links open their views, and "Link to this view" gives the link of what a tab shows.
One page, five links (each a page load of about 3 s)."""

import re

from playwright.sync_api import expect

from lab.learn import LESSON_STEPS
from lab.links import parse_view
from tests.lab.test_links import EPOCHS
from tests.test_readme import LESSON_PLAN, link_query


def open_link(page, app_url: str, query: str, tab: str) -> None:
    """Open the page at `query` and wait until its view is on it: the tab `tab` selected."""
    page.goto(app_url + query)
    expect(page.locator("[role=tab][aria-selected=true]")).to_have_text(tab, timeout=60_000)


def test_links_open_their_view_in_the_browser(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    note = page.locator("#link-note")

    # the example (7: Fashion-MNIST's class 7, the Sneaker), in presenter mode, whose switch puts the seeds
    # back to the page's start values: the link's seed comes back after it (ui/links.py)
    open_link(page, app_url, "?tab=generate&dataset=fashion-mnist&label=7&seed=3&presenter=1", "Generate")
    generate = page.locator("#tab-generate")
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresenter\b"))
    expect(generate.get_by_text("Blurry vs sharp.")).to_be_hidden()  # the switch's reset is done: explanation shut
    expect(generate.get_by_label("Class")).to_have_value("Sneaker")
    expect(generate.get_by_role("radio", name="Fashion-MNIST")).to_be_checked()
    expect(generate.get_by_label("Seed", exact=True)).to_have_value("3")
    expect(generate.get_by_label("number input for How many")).to_have_value("16")
    expect(note).to_be_hidden()
    page.get_by_role("button", name="Link to this view").click()  # only the open tab's button is visible
    expect(generate.get_by_label("This view's link")).to_have_value(
        f"{app_url}?tab=generate&dataset=fashion-mnist&label=Sneaker&count=16&seed=3&presenter=1")

    # a lesson plan link (tests/test_readme.py checks all of them): a preset with another seed, which opens the
    # preset's knobs as custom settings
    reseeded = "?tab=arena&preset=mode-collapse&seed=1"
    assert f"`{reseeded}`" in LESSON_PLAN.read_text(encoding="utf-8")
    open_link(page, app_url, reseeded, "Arena")
    arena = page.locator("#tab-arena")
    expect(arena.get_by_label("Preset (sets the knobs below)")).to_have_value("custom")
    expect(arena.get_by_label("Seed", exact=True)).to_have_value("1")
    expect(arena.get_by_label("number input for D steps per G step")).to_have_value("5")  # mode collapse's

    # the time machine shows the link's run at the link's epoch
    open_link(page, app_url, "?tab=time-machine&model=vae-mnist&epoch=30", "Time machine")
    machine = page.locator("#tab-time-machine")
    expect(machine.get_by_label("Training run")).to_have_value("vae-mnist")
    expect(machine.get_by_label("number input for Epoch (1–44)")).to_have_value("30")
    expect(machine.locator("#time-machine-note")).to_contain_text("How to read VAE losses")

    # a bad link: the defaults and a note for each bad value
    open_link(page, app_url, "?tab=generate&dataset=cifar&label=3&seed=-1&colour=red", "Generate")
    expect(note).to_be_visible()
    for text in ["Unknown dataset 'cifar'", "The seed must be a whole number from 0 up, got '-1'. Using seed 0 "
                 "instead.", "The generate tab takes no setting 'colour'"]:
        expect(note).to_contain_text(text)
    expect(generate.get_by_role("radio", name="MNIST", exact=True)).to_be_checked()
    expect(generate.get_by_label("Class")).to_have_value("3")  # the good value stays
    expect(generate.get_by_label("Seed", exact=True)).to_have_value("0")

    # the Learn tab's quiz step: everyone who opens it gets the same seed
    quiz = next(link for _, _, link, _ in LESSON_STEPS if link.startswith("?tab=quiz"))
    open_link(page, app_url, quiz, "Quiz")
    expect(note).to_be_hidden()
    expect(page.locator("#tab-quiz").get_by_label("Seed (same seed, same image)")).to_have_value(
        str(parse_view(link_query(quiz), EPOCHS).settings["seed"]))
    page.close()
