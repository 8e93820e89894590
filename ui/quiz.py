"""Tab "Quiz": guess where an image came from, then see the measured giveaway."""

import os
from types import SimpleNamespace

import gradio as gr

from lab.loading import Lab
from lab.quiz import SOURCES, answer, explanation_text, new_state, score_text, start_round
from models.registry import DATASETS
from ui.access import ALT_TEXT
from ui.common import ResultImage, friendly
from ui.presenter import explain

HELP = """**Real, VAE or GAN?** Each round shows one image: a real test image, a VAE sample or a GAN
sample. Guess, then see what gave it away, measured. The same seed shows everyone the same image:
a presenter reads out the seed, the room types it in. The score is kept for this browser tab only."""

STATE_HOURS = 3  # a session's score is forgotten this long after its last use


def build(lab: Lab) -> SimpleNamespace:
    @friendly
    def on_round(state, seed, dataset):
        picture, prompt, next_seed, state = start_round(lab, state, seed, dataset)
        return picture, prompt, next_seed, "", state

    @friendly
    def on_answer(guess, state):
        state, result = answer(lab, state, guess)
        return explanation_text(result), score_text(state), result, state

    with gr.Tab("Quiz", id="quiz", elem_id="tab-quiz"):
        state = gr.State(new_state(), time_to_live=STATE_HOURS * 3600)
        explain(HELP, "How the quiz works")
        with gr.Row():
            with gr.Column(scale=2, min_width=260):
                image = ResultImage(label="Real, VAE or GAN?", format="png",
                                 alt_text=ALT_TEXT["quiz-image"], interactive=False, height=300,
                                 elem_id="quiz-image")
                prompt = gr.Markdown("Pick a seed and press **New round**.", label="Round", elem_id="quiz-prompt")
            with gr.Column(scale=3):
                with gr.Row():
                    dataset = gr.Radio(list(DATASETS), value="MNIST", label="Dataset", elem_id="quiz-dataset")
                    seed = gr.Number(0, precision=0, minimum=0, label="Seed (same seed, same image)")
                with gr.Row():
                    new_round = gr.Button("New round", variant="primary")
                    random_seed = gr.Button("Random seed", elem_classes=["presenter-hide"])
                with gr.Row():
                    guesses = [gr.Button(source, elem_id=f"quiz-guess-{source.lower()}") for source in SOURCES]
                guess = gr.Radio(list(SOURCES), label="Your guess", visible=False)  # what a button sends
                score = gr.Markdown(score_text(None), label="Score", elem_id="quiz-score")
                verdict = gr.Markdown(label="Verdict", elem_id="quiz-verdict")
        with gr.Accordion("All figures (JSON, as the /quiz_answer API returns them)", open=False):
            result = gr.JSON(label="Last answer", elem_id="quiz-result")

    random_seed.click(lambda: int.from_bytes(os.urandom(3), "big"), None, seed, api_visibility="private")
    new_round.click(on_round, [state, seed, dataset], [image, prompt, seed, verdict, state], api_name="quiz_round")
    # Each button puts its label into `guess`, then scores it; the first chain carries the public endpoint.
    for i, (source, button) in enumerate(zip(SOURCES, guesses, strict=True)):
        button.click(lambda s=source: s, None, guess, api_visibility="private").then(
            on_answer, [guess, state], [verdict, score, result, state], api_name="quiz_answer" if i == 0 else None,
            api_visibility="public" if i == 0 else "private")
    return SimpleNamespace(dataset=dataset, seed=seed, new_round=new_round, guesses=guesses, image=image,
                           prompt=prompt, score=score, verdict=verdict, result=result)
