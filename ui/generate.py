"""Tab "Generate": the VAE's and the GAN's samples for the same request."""

import os
from types import SimpleNamespace

import gradio as gr

from lab.generate import MAX_COUNT, generate, readout_text
from lab.inputs import parse_dataset
from lab.loading import Lab
from models.registry import CLASS_NAMES, DATASETS
from ui.access import ALT_TEXT
from ui.common import ResultImage, clear_on_failure, friendly
from ui.presenter import explain

HELP = """**Blurry vs sharp.** Both models turn random noise into images. The VAE is trained to
reconstruct its inputs on average, so when it is unsure it paints the average of the possibilities:
soft, blurry strokes. The GAN is only rewarded for images a critic cannot tell from real ones, so its
strokes are crisp, but nothing forces it to cover every kind of digit or garment. **Sharpness** compares the
images' edge strength (variance of the Laplacian) with real test images: 1.0 is as sharp as the real
thing. **Recognisability** is the share of samples the classifier assigns to the class you asked for
(for "any": the share it recognises with at least 90 % confidence). The GAN takes the class as an
input. The VAE has no class input, so for a class we draw from its prior, keep only the draws the
classifier calls that class, and report how many draws that took."""


def build(lab: Lab) -> SimpleNamespace:
    @friendly
    def on_generate(dataset, label, count, seed):
        return generate(lab, dataset, label, count, seed)

    def described(stats):
        """Each grid's sentence for a screen reader, from the stats (the API returns it as their "description")."""
        return (gr.update(alt_text=stats["vae"]["description"]), gr.update(alt_text=stats["gan"]["description"]))

    def label_choices(dataset):
        return gr.Dropdown(choices=["any", *CLASS_NAMES[parse_dataset(dataset)]], value="any")

    with gr.Tab("Generate", id="generate", elem_id="tab-generate"):
        explain(HELP, "Explanation: blurry vs sharp, and the figures")
        with gr.Row():
            dataset = gr.Radio(list(DATASETS), value="MNIST", label="Dataset")
            label = gr.Dropdown(["any", *CLASS_NAMES["MNIST"]], value="any", label="Class",
                                allow_custom_value=True)  # the API takes garment names too
            count = gr.Slider(1, MAX_COUNT, value=16, step=1, label="How many", elem_classes=["presenter-hide"])
            with gr.Row(elem_classes=["presenter-hide"]):
                seed = gr.Number(0, precision=0, minimum=0, label="Seed")
                dice = gr.Button("Random seed", scale=0, min_width=130)
        button = gr.Button("Generate", variant="primary")
        with gr.Row(elem_id="generate-result"):
            with gr.Column():
                vae = ResultImage(label="VAE samples", format="png",
                               alt_text=ALT_TEXT["generate-vae"], interactive=False, elem_id="generate-vae")
                vae_readout = gr.Markdown(elem_id="generate-vae-readout")
            with gr.Column():
                gan = ResultImage(label="GAN samples", format="png",
                               alt_text=ALT_TEXT["generate-gan"], interactive=False, elem_id="generate-gan")
                gan_readout = gr.Markdown(elem_id="generate-gan-readout")
        with gr.Accordion("All figures (JSON, as the /generate API returns them)", open=False):
            stats = gr.JSON(label="Readouts", elem_id="generate-stats", max_height=300)

    # on the user's change only: a link (ui/links.py) sets the data set and its class together
    dataset.input(friendly(label_choices), dataset, label, api_name="generate_classes",
                  api_visibility="undocumented")
    dice.click(lambda: int.from_bytes(os.urandom(3), "big"), None, seed, api_name="random_seed",
               api_visibility="undocumented")
    event = button.click(on_generate, [dataset, label, count, seed], [vae, gan, stats], api_name="generate")
    event.success(friendly(lambda s: (readout_text(s, "vae"), readout_text(s, "gan"))), stats,
                  [vae_readout, gan_readout], api_name="generate_readouts")
    event.success(described, stats, [vae, gan], queue=False, api_visibility="private")
    clear_on_failure(event, [vae, gan, stats, vae_readout, gan_readout])
    return SimpleNamespace(dataset=dataset, label=label, count=count, seed=seed, button=button,
                           vae=vae, gan=gan, stats=stats)
