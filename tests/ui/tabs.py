"""The page's tabs as the browser tests walk them: each tab's name, its elem_id and its main result's elements."""

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


def open_tab(page, tab: str) -> None:
    """Click the tab's button, which on a phone may sit in the tab bar's overflow menu."""
    button = page.get_by_role("tab", name=tab, exact=True)
    if button.is_visible():
        button.click()
    else:
        page.get_by_role("button", name="More tabs").click()
        page.locator(".overflow-menu").get_by_role("button", name=tab, exact=True).click()
