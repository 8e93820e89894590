"""Room mode in a real browser: the presenter's Room tab at a projector's 1280x720 in presenter mode, three
phones at 390x844 on the students' page, a round from Start to Reveal, an image round, End, the CSV, and a reload
that resumes the room. axe-core (WCAG 2.1 AA) on both pages; screenshots go to test-artifacts/."""

import re

from lab.room.rounds import ROUNDS
from tests.conftest import ARTIFACTS
from tests.ui.axe import blocking
from tests.ui.tabs import open_tab

RIGHT = ROUNDS["why-discriminator"].answer


def on_screen(page, selector: str, height: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, selector


def settled(page) -> None:
    """Wait until no part of the Room tab is dimmed: Gradio fades an event's outputs (opacity 0.2) until the
    event ends."""
    page.wait_for_function("![...document.querySelectorAll('#tab-room div')]"
                           ".some(e => getComputedStyle(e).opacity === '0.2')", timeout=30_000)


def test_a_room_on_the_projector_and_three_phones(app_url, browser):
    from playwright.sync_api import expect  # here: the `browser` fixture skips where playwright is missing

    screen = browser.new_page(viewport={"width": 1280, "height": 720})
    screen.goto(app_url + "?tab=room&presenter=1")
    screen.locator("#room-open").click()
    screen.locator("#room-qr img").wait_for(timeout=60_000)
    code = re.search(r"\b([A-Z2-9]{5})\b", screen.locator("#room-join h1").inner_text()).group(1)
    link = app_url + f"join?room={code}"
    expect(screen.locator("#room-join")).to_contain_text(link)
    for part in ("#room-join h1", "#room-qr img", "#room-controls", "#room-counts"):
        on_screen(screen, part, 720)
    assert screen.locator("#room-join h1").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 64

    ada = browser.new_page(viewport={"width": 390, "height": 844})
    ada.goto(link)  # the link: joins at once under a made-up name
    ada.get_by_text("Get ready").wait_for(timeout=30_000)
    name = ada.locator("#who").inner_text().removeprefix("You are ")
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", name)
    bo = browser.new_page(viewport={"width": 390, "height": 844})
    bo.goto(app_url + "join")  # typing the code instead
    bo.get_by_label("Room code").fill(code.lower())
    bo.get_by_label("Your name").fill("Bo")
    bo.get_by_role("button", name="Join the room").click()
    expect(bo.locator("#who")).to_have_text("You are Bo", timeout=30_000)
    assert blocking(bo, "room page 390x844") == []
    cy = browser.new_page(viewport={"width": 390, "height": 844})
    cy.goto(link)
    cy.get_by_role("button", name=re.compile("Change")).click(timeout=30_000)  # a made-up name, then their own
    cy.get_by_label("New name (at most 24 characters)").fill("Cy")
    cy.get_by_label("New name (at most 24 characters)").press("Enter")
    expect(cy.locator("#who")).to_have_text("You are Cy", timeout=30_000)
    expect(screen.locator("#room-counts")).to_contain_text("3 joined · 0 answered", timeout=30_000)

    screen.locator("#room-start").click()
    ada.get_by_role("button", name=re.compile("^B\\. It tells the generator")).click(timeout=30_000)  # right
    expect(ada.locator("#status")).to_contain_text("You can change it", timeout=30_000)
    bo.get_by_role("button", name=re.compile("^A\\. ")).click(timeout=30_000)
    cy.get_by_role("button", name=re.compile("^A\\. ")).click(timeout=30_000)
    expect(screen.locator("#room-counts")).to_contain_text("3 joined · 3 answered", timeout=30_000)
    ada.screenshot(path=str(ARTIFACTS / "room-phone-390x844.png"))
    screen.screenshot(path=str(ARTIFACTS / "room-open-1280x720.png"))

    screen.locator("#room-lock").click()
    expect(bo.get_by_role("button", name=re.compile("^A\\. "))).to_be_disabled(timeout=30_000)
    screen.locator("#room-reveal").click()
    screen.locator("#room-tally img").wait_for(timeout=30_000)
    expect(screen.locator("#room-outcome h3")).to_have_text("Answer: B")
    board = "#room-outcome p:has-text('Leaderboard')"
    expect(screen.locator(board)).to_have_text(re.compile(f"^Leaderboard: 1\\. {name}, 100 points · 2\\. (Bo|Cy), 0"))
    on_screen(screen, board, 720)
    expect(screen.locator("#room-join")).to_contain_text(f"Join at {link} · code {code}")  # the way in, one line
    for part in ("#room-tally img", "#room-outcome h3", "#room-controls"):
        on_screen(screen, part, 720)
    expect(ada.locator("#status")).to_contain_text("Right!", timeout=30_000)
    expect(ada.locator("#status")).to_contain_text("place 1 of 3")
    expect(bo.locator("#status")).to_contain_text("Not this time", timeout=30_000)
    screen.screenshot(path=str(ARTIFACTS / "room-reveal-1280x720.png"))
    bo.screenshot(path=str(ARTIFACTS / "room-phone-reveal-390x844.png"))
    assert blocking(ada, "room page after Reveal") == []

    screen.locator("#room-next").click()
    expect(screen.locator("#room-question")).to_contain_text("Round 2 of 12", timeout=30_000)
    screen.locator("#room-start").click()
    picture = ada.locator("#picture")
    expect(picture).to_be_visible(timeout=30_000)
    ada.wait_for_function("document.getElementById('picture').naturalWidth === 224", timeout=30_000)
    on_screen(ada, "#choices button:last-child", 844)  # the picture and all three buttons fit a phone
    ada.get_by_role("button", name="A. Real").click()  # round 2 is a GAN sample: Ada is fooled
    expect(ada.locator("#status")).to_contain_text("Your answer: Real", timeout=30_000)
    ada.screenshot(path=str(ARTIFACTS / "room-phone-image-390x844.png"))

    screen.reload()  # a reload (or a restarted app) resumes the room from this browser's storage, no click needed
    expect(screen.locator("#room-join h1")).to_contain_text(code, timeout=60_000)
    expect(screen.locator("#room-question")).to_contain_text("Round 2 of 12 · answering")
    settled(screen)
    assert blocking(screen, "Room tab, presenter mode") == []
    screen.locator("#room-reveal").click()  # an image round: the picture's giveaway, measured as on the Quiz tab
    expect(screen.locator("#room-outcome")).to_contain_text("Nearest training image", timeout=30_000)
    settled(screen)
    screen.screenshot(path=str(ARTIFACTS / "room-reveal-image-1280x720.png"))
    for part in ("#room-picture img", "#room-tally img", "#room-outcome h3", board):  # the why and the board too
        on_screen(screen, part, 720)
    screen.locator("#room-end").click()
    expect(screen.locator("#room-outcome")).to_contain_text("Podium", timeout=30_000)
    expect(ada.locator("#status")).to_contain_text("The room has ended", timeout=30_000)
    with screen.expect_download() as download:  # the answers as a CSV, one row per answer
        screen.locator("#room-export").click()
        screen.locator("#room-export-file a").first.click(timeout=30_000)
    rows = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert rows[0] == "name,round,round_id,answer,correct,seconds" and len(rows) == 1 + 4  # 3 answers, then 1
    expect(screen.locator("#room-outcome")).to_contain_text("GAN (gan-mnist)")  # the rooms as judges
    open_tab(screen, "Models")  # the same figure, for every model that rooms judged
    expect(screen.locator("#models-judged")).to_contain_text("GAN (gan-mnist)", timeout=30_000)
    for page in (screen, ada, bo, cy):
        page.close()


def test_the_room_tab_on_a_phone(app_url, browser):
    """The Room tab in normal mode on a phone, before a room is open: it says what to do, its controls are
    labelled, axe-core finds nothing serious. (At 1280x720 tests/ui/test_normal_browser.py checks it with every tab,
    at 1600x1000 its slow variant.)"""
    for width, height in ((390, 844),):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(app_url + "?tab=room")
        page.locator("#room-join").get_by_text("No room is open").wait_for(timeout=60_000)
        for label in ("Start round", "Lock", "Reveal", "Next", "End", "Open a room", "Download answers (CSV)"):
            assert page.get_by_role("button", name=label, exact=True).count() == 1, label
        assert page.get_by_label("Rounds of the next room, in order (the shipped lesson by default)").count() == 1
        settled(page)  # axe on the tab as it stands, not faded by an event still running (its colours at 0.2)
        assert blocking(page, f"Room tab {width}x{height}") == []
        page.screenshot(path=str(ARTIFACTS / f"room-tab-{width}x{height}.png"), full_page=width == 390)
        page.close()
