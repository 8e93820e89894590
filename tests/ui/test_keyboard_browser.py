"""With the keyboard alone (Playwright + Debian's Chromium): Tab, Shift+Tab, Enter and typing reach and run
Generate, Reconstruct (with an example, past the drawing pad, which does not trap the focus) and the arena's
Train; every control the walk passes shows a focus ring. The arena is run with `prefers-reduced-motion: reduce`,
and then streams fewer frames (ui/arena.py)."""

from tests.conftest import ARTIFACTS

# The focused element: its role (or tag), its accessible name as a person reads it, and its outline
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return ['body', '', 'none'];
  const name = e.getAttribute('aria-label') || e.innerText?.trim() || e.value || '';
  const style = getComputedStyle(e);
  return [e.getAttribute('role') || e.tagName.toLowerCase(), name.slice(0, 80),
          style.outlineStyle === 'none' ? 'none' : style.outlineWidth];
}"""
MAX_PRESSES = 120  # Tab presses to reach a control; a trap never gets there


def focus(page, role: str, name: str, key: str = "Tab") -> list[str]:
    """Press `key` (Tab or Shift+Tab) until the control (`role`, accessible name starting with `name`) has the
    focus; returns the controls passed on the way, and fails if it is not reached or one showed no focus ring."""
    passed = []
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        kind, label, outline = page.evaluate(FOCUSED)
        assert kind == "body" or outline != "none", f"{kind} {label!r} has the focus but no visible focus ring"
        if kind == role and label.startswith(name):
            return passed
        passed.append(f"{kind} {label}")
    raise AssertionError(f"{role} {name!r} not reached with {key} in {MAX_PRESSES} presses; passed: {passed[-12:]}")


def test_generate_reconstruct_and_the_arena_with_the_keyboard_alone(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page.goto(app_url)
    page.get_by_role("tab", name="Learn").wait_for(timeout=30_000)

    focus(page, "tab", "Generate")
    page.keyboard.press("Enter")
    focus(page, "button", "Generate")
    page.keyboard.press("Enter")
    page.locator("#generate-gan-readout").get_by_text("Recognisable").wait_for(timeout=60_000)

    focus(page, "tab", "Reconstruct", "Shift+Tab")
    page.keyboard.press("Enter")
    focus(page, "button", "Example: an MNIST test digit, a 7")
    page.keyboard.press("Enter")
    page.locator("#reconstruct-upload img").wait_for(timeout=30_000)
    passed = focus(page, "button", "Reconstruct the drawing")  # on, past the drawing pad: no trap
    assert any("Example" in control for control in passed)
    focus(page, "button", "Reconstruct the upload", "Shift+Tab")
    page.keyboard.press("Enter")
    page.locator("#reconstruct-verdict").get_by_text("redraws this as a 7 (").wait_for(timeout=60_000)

    focus(page, "tab", "Arena", "Shift+Tab")
    page.keyboard.press("Enter")
    focus(page, "input", "number input for Training steps")  # the steps slider's number box
    page.keyboard.press("Control+A")
    page.keyboard.type("300")
    page.keyboard.press("Tab")  # leaving the box sets the slider
    page.evaluate("""() => { window.arenaFrames = new Set();
        new MutationObserver(() => document.querySelectorAll('#arena-image img').forEach(
            img => window.arenaFrames.add(img.src))).observe(document.querySelector('#arena-image'),
            {subtree: true, childList: true, attributes: true}); }""")
    focus(page, "button", "Train", "Shift+Tab")
    page.keyboard.press("Enter")
    page.locator("#arena-meter").get_by_text("Coverage at step 300").wait_for(timeout=120_000)
    page.wait_for_timeout(500)
    # 300 steps make 4 frames (steps 0, 100, 200, 300); with reduced motion the page shows the first and the last
    assert page.evaluate("window.arenaFrames.size") == 2
    page.wait_for_function("document.querySelector('#arena-image img').alt.startsWith('Step 300 on the')",
                           timeout=10_000)  # the picture in words, for a screen reader
    page.screenshot(path=str(ARTIFACTS / "keyboard-arena-1280x720.png"))
    page.close()
