"""Tab "Mode collapse": a deliberately unstable GAN trained on MNIST, epoch by epoch, beside the healthy one."""

from types import SimpleNamespace

import gradio as gr

from lab.loading import Lab
from lab.time_machine import COLLAPSE_RUN, load_history, mode_collapse, run_folder
from ui.access import ALT_TEXT
from ui.common import ResultImage, friendly
from ui.presenter import explain

HELP = """**A real mode collapse.** Left: `gan-collapse-mnist`, a GAN given only noise and trained without batch
norm (its model card says how). Right: the healthy `gan-mnist`, told which digit to draw. Bars: what the shipped
classifier reads in their samples. A GAN is only rewarded for fooling its discriminator, and one convincing
digit does that as well as all ten."""


def summary(figures: dict) -> str:
    c, h = figures["collapse"], figures["healthy"]
    return (f"### Epoch {figures['epoch']}: collapsing GAN covers **{c['class_coverage']} of 10** digits "
            f"(entropy {c['class_entropy']:.2f}) · healthy GAN **{h['class_coverage']} of 10** "
            f"(entropy {h['class_entropy']:.2f}; all ten equal: {figures['uniform_entropy']:.2f})")


def build(lab: Lab) -> SimpleNamespace:
    def show(epoch):
        collapsed, healthy, collapse_hist, healthy_hist, figures = mode_collapse(lab, epoch)
        return collapsed, healthy, collapse_hist, healthy_hist, figures, summary(figures)

    try:
        n = len(load_history(run_folder(lab, COLLAPSE_RUN))["epochs"])
        first = show(n)
    except (FileNotFoundError, ValueError) as err:  # a weights folder without the collapse run: say so
        n, first = 1, (None, None, None, None, None, f"**Notice:** {err}")
    with gr.Tab("Mode collapse", id="mode-collapse", elem_id="tab-mode-collapse"):
        explain(HELP, "Explanation: the two GANs")
        epoch = gr.Slider(1, max(n, 2), value=n, step=1, label=f"Epoch of the collapsing GAN (1–{n})",
                          elem_id="mode-collapse-epoch")
        text = gr.Markdown(first[5], elem_id="mode-collapse-summary")
        with gr.Row(equal_height=False):
            collapsed = ResultImage(first[0], label="Collapsing GAN", format="png",
                                 alt_text=ALT_TEXT["mode-collapse-grid"],
                                 interactive=False, height=280, elem_id="mode-collapse-grid")
            collapse_hist = ResultImage(first[2], label="Collapsing GAN: digits the classifier reads", format="png",
                                     alt_text=ALT_TEXT["mode-collapse-histogram"],
                                     interactive=False, show_label=False, height=280,
                                     elem_id="mode-collapse-histogram")
            healthy = ResultImage(first[1], label="Healthy GAN, same epoch", format="png",
                               alt_text=ALT_TEXT["mode-collapse-healthy"],
                               interactive=False, height=280, elem_id="mode-collapse-healthy")
            healthy_hist = ResultImage(first[3], label="Healthy GAN: digits the classifier reads", format="png",
                                    alt_text=ALT_TEXT["mode-collapse-healthy-histogram"],
                                    interactive=False, show_label=False, height=280,
                                    elem_id="mode-collapse-healthy-histogram")
        with gr.Accordion("Figures (JSON)", open=False):
            figures = gr.JSON(first[4], label="Figures", max_height=300)

    epoch.release(friendly(show), epoch, [collapsed, healthy, collapse_hist, healthy_hist, figures, text],
                  api_name="mode_collapse")

    def described(shown):
        """Both grids' sentences for a screen reader, whatever showed the epoch (the slider, a link)."""
        said = (shown or {}).get("descriptions") or {}
        return (gr.update(alt_text=said.get("collapse") or ALT_TEXT["mode-collapse-grid"]),
                gr.update(alt_text=said.get("healthy") or ALT_TEXT["mode-collapse-healthy"]))

    figures.change(described, figures, [collapsed, healthy], queue=False, api_visibility="private")
    return SimpleNamespace(epoch=epoch, collapsed=collapsed, healthy=healthy, collapse_hist=collapse_hist,
                           healthy_hist=healthy_hist, figures=figures, text=text, show=show)
