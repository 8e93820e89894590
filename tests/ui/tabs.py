"""The page's tabs as the browser tests walk them: each tab's name, its elem_id and its main result's elements."""

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

MIN_PX = 22  # body text in presenter mode, at 1280x720

# tab name -> (tab elem_id, the main result's elements)
RESULTS = {
    "Learn": ("tab-learn", ["#learn-table"]),
    "Generate": ("tab-generate", ["#generate-vae", "#generate-gan", "#generate-vae-readout",
                                  "#generate-gan-readout"]),
    "Reconstruct": ("tab-reconstruct", ["#reconstruct-input", "#reconstruct-output", "#reconstruct-verdict"]),
    "Latent space": ("tab-latent", ["#latent-vae-map", "#latent-ae-map", "#latent-grid"]),
    "KL & encoder": ("tab-kl", ["#kl-maps", "#kl-grids", "#kl-figures"]),
    "Anomalies & denoising": ("tab-anomalies", ["#anomaly-readout", "#anomaly-histogram", "#anomaly-roc"]),
    "Use cases": ("tab-use-cases", ["#use-cases-input", "#use-cases-l1", "#use-cases-gan", "#use-cases-truth",
                                    "#use-cases-readout"]),
    "Arena": ("tab-arena", ["#arena-image", "#arena-meter", "#arena-losses", "#arena-coverage", "#arena-layers"]),
    "Time machine": ("tab-time-machine", ["#time-machine-grid", "#time-machine-chart-1", "#time-machine-chart-2"]),
    "Mode collapse": ("tab-mode-collapse", ["#mode-collapse-summary", "#mode-collapse-grid",
                                            "#mode-collapse-histogram", "#mode-collapse-healthy",
                                            "#mode-collapse-healthy-histogram"]),
    "Quiz": ("tab-quiz", ["#quiz-image", "#quiz-score", "#quiz-verdict"]),
    "Models": ("tab-models", ["#download-weights-vae-mnist", "#download-config-vae-mnist", "#source-vae-mnist"]),
}


def open_tab(page, tab: str, timeout_ms: int = 30_000) -> None:
    """Click the tab's button once the tab bar is drawn. The button may sit in the bar's "More tabs" menu: on a
    phone, and at times on the projector's 1280 px, where the bar's last tab, Models, only just fits (a CI run once
    found it unclickable there for 30 s), so look again until one of the two is there."""
    button = page.get_by_role("tab", name=tab, exact=True)
    more = page.get_by_role("button", name="More tabs").first  # the page's own bar comes first
    for _ in range(timeout_ms // 250):
        if button.is_visible():
            try:
                button.click(timeout=5_000)
                return
            except PlaywrightTimeoutError:  # the bar moved it into the menu between the look and the click
                continue
        if more.is_visible():
            more.click()
            page.locator(".overflow-menu").get_by_role("button", name=tab, exact=True).click()
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"no {tab!r} tab, in the bar or its menu, after {timeout_ms / 1000:g} s")
