"""Tab "Models": every network the page uses, with its figures, its size, its card, its files to
download and the three lines that load it; for a model from the Hub, its repo and revision."""

import gradio as gr

from lab.loading import Lab
from lab.models_panel import model_info, source_markdown, summary_markdown
from lab.room import Rooms
from lab.room.game import judge_markdown
from ui.presenter import explain

HELP = """**The models behind this page.** Each one as the lab trained and measured it: its figures come from
its `metrics.json` (written by `python -m training.evaluate`), its card is its `README.md`. To use one yourself,
download its `model.safetensors` (the weights) and `config.json` (the architecture) into one folder, or load it
from the Hub: the lab's `models/` code (clone this Space or the lab's repository) loads it in three lines."""


def build(lab: Lab, rooms: Rooms) -> None:
    infos = [model_info(lab, name) for name in lab.models]  # read once, at start-up
    with gr.Tab("Models", id="models", elem_id="tab-models") as tab:
        explain(HELP, "Explanation: the files and how to load them")
        with gr.Tabs():
            for info in infos:
                name = info["name"]
                with gr.Tab(name, elem_id=f"model-{name}"):
                    with gr.Row():
                        with gr.Column(scale=3):
                            gr.Markdown(summary_markdown(info), elem_id=f"summary-{name}")
                        with gr.Column(scale=2):
                            gr.DownloadButton(f"Download model.safetensors (weights, "
                                              f"{info['weights_bytes'] / 1e6:.1f} MB)", value=info["weights"],
                                              variant="primary", elem_id=f"download-weights-{name}")
                            gr.DownloadButton("Download config.json (the architecture)", value=info["config"],
                                              elem_id=f"download-config-{name}")
                            gr.Code(info["code"], language="python", interactive=False, wrap_lines=True, lines=3,
                                    label="Load it in three lines (from the lab's folder)")
                            gr.Markdown(source_markdown(info), elem_id=f"source-{name}")
                    with gr.Accordion(f"Model card of {name} (its README.md)", open=False):
                        gr.Markdown(info["card"], elem_id=f"card-{name}")
        # below the models (presenter mode keeps them on screen): the figure grows with every room that ends
        with gr.Accordion("Human judges: how often the rooms took each model's images for real (Room tab)"):
            judged = gr.Markdown(judge_markdown(rooms.judge_table()), elem_id="models-judged")
    tab.select(lambda: judge_markdown(rooms.judge_table()), None, judged, api_visibility="private",
               show_progress="hidden")
