"""Browser-test helpers for the pages' examples and drawing pads (Playwright pages)."""


def click_example(page, examples_id: str, index: int) -> None:
    """Click example `index` of a gr.Examples block (a gallery of thumbnails, or a table when it fills two inputs)."""
    page.locator(f"#{examples_id}").locator("button.gallery-item, tr.tr-body").nth(index).click()


MOVES = 1  # pointer moves per segment of a stroke: the pad joins them with straight lines, and each move
# redraws the canvas (about 0.35 s in a software-rendered headless Chromium), so one move a segment


def draw(page, pad_id: str, points: list[tuple[float, float]]) -> None:
    """One stroke through `points` (fractions of the drawing area), without touching the pad's toolbar first.
    The drawing area is the square in the middle of the editor's canvas (a stroke must start on it)."""
    box = page.locator(f"#{pad_id} canvas").last.bounding_box()
    side = 0.75 * min(box["width"], box["height"])  # inside the square drawing area, whatever the zoom
    left, top = box["x"] + (box["width"] - side) / 2, box["y"] + (box["height"] - side) / 2
    xy = [(left + fx * side, top + fy * side) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for (x0, y0), (x1, y1) in zip(xy, xy[1:], strict=False):
        for k in range(1, MOVES + 1):
            page.mouse.move(x0 + (x1 - x0) * k / MOVES, y0 + (y1 - y0) * k / MOVES)
    page.mouse.up()


def verdict_after(page, button: str, expected: str) -> str:
    """Press `button`, wait for the verdict to say `expected`, and return it."""
    page.get_by_role("button", name=button).click()
    page.locator("#reconstruct-verdict").get_by_text(expected).wait_for(timeout=60_000)
    return page.locator("#reconstruct-verdict").inner_text()
