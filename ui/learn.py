"""Tab "Learn", the first tab: the lesson a teacher can project. Generative vs discriminative, the VAE and
GAN objectives, the comparison table with this app's measured figures (read from the shipped files) and a
button per row that opens the tab showing it, the two conceptual questions, and the practice exercises."""

from types import SimpleNamespace

import gradio as gr

from lab.learn import (
    DISCRIMINATOR_ANSWER,
    GAN_LINES,
    GENERATIVE,
    VAE_LINES,
    comparison_rows,
    exercises_markdown,
    kl_answer,
    lesson_plan_markdown,
    table_markdown,
)
from lab.loading import Lab
from ui.presenter import explanation

LATEX = [{"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False}]


def build(lab: Lab, tabs: gr.Tabs) -> SimpleNamespace:
    """`tabs`: the page's gr.Tabs, whose selected tab the row buttons switch."""
    rows = comparison_rows(lab)
    links = []

    def link(label: str, tab_id: str) -> gr.Button:
        button = gr.Button(label, size="sm", variant="secondary", elem_classes=["learn-link"])
        button.click(lambda: gr.Tabs(selected=tab_id), None, tabs, api_name=False)
        links.append((button, tab_id))
        return button

    with gr.Tab("Learn", id="learn", elem_id="tab-learn"):
        with explanation("Generative models, the VAE and the GAN in three columns"), gr.Row():
            with gr.Column():
                gr.Markdown(GENERATIVE, latex_delimiters=LATEX)
            with gr.Column():
                gr.Markdown(VAE_LINES, latex_delimiters=LATEX)
            with gr.Column():
                gr.Markdown(GAN_LINES, latex_delimiters=LATEX)
        gr.Markdown("### VAE vs GAN, measured in this app\nEvery figure below is read from the shipped models' "
                    "`metrics.json`, `history.json` and the evaluation files beside them; the buttons open the "
                    "tab where you can see and redo the measurement.", elem_classes=["presenter-hide"])
        gr.Markdown(table_markdown(rows), elem_id="learn-table")
        with gr.Row():
            for row in rows:
                link(f"{row['row']} → {row['tab_name']} tab", row["tab"])
                if "also" in row:
                    link(f"{row['row']} → {row['also_name']} tab", row["also"])
        with gr.Row():
            with gr.Column():
                gr.Markdown(DISCRIMINATOR_ANSWER)
                link("Watch the two players → Arena tab", "arena")
            with gr.Column():
                gr.Markdown(kl_answer(lab))
                link("See the evidence → KL & encoder tab", "kl")
        with gr.Accordion("Practice exercises: the commands that made the shipped models", open=False):
            gr.Markdown(exercises_markdown(lab))
        with gr.Accordion("Lesson plan: the lab in one lecture, a link per step", open=False):
            gr.Markdown(lesson_plan_markdown(), elem_id="learn-lesson-plan")
    return SimpleNamespace(links=links)
