"""The Models tab in a real browser: each model's figures, its files to download, the lines that load it."""

import json
from pathlib import Path

import pytest

from lab.loading import MODEL_NAMES
from tests.conftest import ARTIFACTS
from tests.ui.tabs import open_tab

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"


# desktop size: the slow mark (python -m pytest -m slow); the projector's 1280x720 checks every part by default
@pytest.mark.parametrize("width, height", [(1280, 720), pytest.param(1600, 1000, marks=pytest.mark.slow)])
def test_models_tab_shows_figures_and_downloads_the_files(app_url, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.goto(app_url)
    open_tab(page, "Models")
    page.get_by_role("tab", name=MODEL_NAMES[0], exact=True).wait_for(timeout=30_000)
    models = page.locator("#tab-models")
    hidden = [name for name in MODEL_NAMES if not models.get_by_role("tab", name=name, exact=True).is_visible()]
    if hidden:  # one sub-tab per model: those that do not fit in the row are in its "More tabs" menu
        models.get_by_role("button", name="More tabs").click()
        for name in hidden:
            models.locator(".overflow-menu").get_by_role("button", name=name, exact=True).wait_for(timeout=10_000)
        models.locator(".overflow-menu").get_by_role("button", name=hidden[-1], exact=True).click()
        page.locator(f"#summary-{hidden[-1]}").wait_for(timeout=30_000)  # a model from the menu opens

    page.get_by_role("tab", name="gan-mnist", exact=True).click()
    panel = page.locator("#model-gan-mnist")
    metrics = json.loads((WEIGHTS / "gan-mnist" / "metrics.json").read_text())
    panel.get_by_text(f"{metrics['frechet_distance']}", exact=True).wait_for(timeout=30_000)
    assert "Loaded from the local folder" in page.locator("#source-gan-mnist").inner_text()
    assert 'load_model("weights/gan-mnist")' in panel.inner_text()
    page.screenshot(path=str(ARTIFACTS / f"models-{width}x{height}.png"))

    for button, filename in [("#download-weights-gan-mnist", "model.safetensors"),
                             ("#download-config-gan-mnist", "config.json")]:
        with page.expect_download(timeout=30_000) as download:
            page.locator(button).click()
        assert download.value.suggested_filename == filename
        assert Path(download.value.path()).read_bytes() == (WEIGHTS / "gan-mnist" / filename).read_bytes()

    panel.get_by_text("Model card of gan-mnist").click()
    page.locator("#card-gan-mnist").get_by_text("Training time").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / f"models-card-{width}x{height}.png"), full_page=True)
    page.close()
