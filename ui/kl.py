"""Tab "KL & encoder": the 2-D autoencoder beside the 2-D VAE (what the KL term does), and the VAE's
one-pass encoding beside a GAN inversion (a GAN has no encoder)."""

from types import SimpleNamespace

import gradio as gr

from lab import examples as ex
from lab.invert import DEFAULT_STEPS, MAX_STEPS, STARTS, invert
from lab.kl import MAX_DRAWS, ae_vs_vae, figures_text
from lab.learn import kl_answer
from lab.loading import Lab
from ui.access import ALT_TEXT
from ui.common import ImageUpload, ResultImage, bring_into_view, examples, friendly, ready_to_draw
from ui.presenter import explain, explanation

KL_HELP = """### 1 · What the KL term does (below: 2 · a GAN has no encoder)
Both models squeeze each MNIST digit into 2 numbers and decode them back;
only the VAE's loss has the KL term. Each dot is a test digit's code, coloured by class; the gray circles are
1σ and 2σ of the prior N(0, I). The **white crosses** are the same random codes z ~ N(0, I) on both maps,
decoded below through each decoder. A decode counts as *recognised* when the classifier's top class has
at least 90 % probability (as on the Generate tab)."""

INVERT_HELP = f"""### 2 · A GAN has no encoder
The VAE turns your digit into a code with one pass through its encoder.
The GAN can only make images from codes, so to find the code of *your* digit it has to search: it tries every
class × {STARTS} random starting codes at once and runs Adam on the codes to shrink the pixel error, keeping the
best. The search is capped at {MAX_STEPS} steps so that it stays under about 2 seconds on two CPU cores.
Error: mean squared difference per pixel from your digit (0 = identical)."""


def invert_text(result: dict | None) -> str:
    if not result:
        return ""
    vae, gan = result["vae"], result["gan"]
    return (f"### VAE: error {vae['error']:.4f} in {vae['seconds'] * 1000:.0f} ms\n{vae['how']}\n"
            f"### GAN: error {gan['error']:.4f} in {gan['seconds'] * 1000:.0f} ms\n"
            f"from {gan['error_at_start']:.4f} at the best start; {gan['how']}; class found: {gan['class_found']}")


def build(lab: Lab) -> SimpleNamespace:
    @friendly
    def on_ae_vs_vae(count, seed):
        return ae_vs_vae(lab, count, seed)

    def on_invert(image, steps, progress=gr.Progress()):  # noqa: B008 - Gradio's way to ask for a progress bar
        def report(step, total):
            if step % 5 == 0 or step == total:
                progress(step / total, desc=f"GAN search: Adam step {step} of {total}")

        return friendly(lambda i, s: invert(lab, i, s, progress=report))(image, steps)

    first = ae_vs_vae(lab, 32, 0)  # cheap: 32 decodes per model; the 10,000-draw figures are precomputed
    # two sections, one under the other (nested gr.Tabs mislabel the outer tabs in Gradio 6.31 once the
    # Reconstruct tab is on the page)
    with gr.Tab("KL & encoder", id="kl", elem_id="tab-kl") as tab:
        with gr.Column():
            with explanation("Explanation: what the KL term does"), gr.Row():
                with gr.Column(scale=3):
                    gr.Markdown(KL_HELP)
                with gr.Column(scale=2):
                    gr.Markdown(kl_answer(lab), elem_id="kl-answer")
            with gr.Row():
                count = gr.Slider(1, MAX_DRAWS, value=32, step=1, label="How many random codes z ~ N(0, I)",
                                  elem_classes=["presenter-hide"])
                seed = gr.Number(0, precision=0, minimum=0, label="Seed", elem_classes=["presenter-hide"])
                button = gr.Button("Decode the same codes through both", variant="primary", elem_id="kl-decode")
            with gr.Row(elem_id="kl-maps"):
                vae_map = ResultImage(first[0], label="2-D VAE (with KL term): codes of the test digits",
                                   format="png", alt_text=ALT_TEXT["kl-vae-map"], interactive=False, height=330)
                ae_map = ResultImage(first[1], label="2-D autoencoder (no KL term): codes of the test digits",
                                  format="png", alt_text=ALT_TEXT["kl-ae-map"], interactive=False, height=330)
                table = gr.Markdown(figures_text(first[5]), elem_id="kl-figures")
            with gr.Row(elem_id="kl-grids"):
                vae_grid = ResultImage(first[2], label="The random codes through the VAE's decoder", format="png",
                                    alt_text=ALT_TEXT["kl-vae-grid"],
                                    interactive=False, height=250, scale=1)
                ae_grid = ResultImage(first[3], label="The same codes through the autoencoder's decoder", format="png",
                                   alt_text=ALT_TEXT["kl-ae-grid"],
                                   interactive=False, height=250, scale=1)
                chart = ResultImage(first[4], label="Which digits N(0, I) reaches", format="png",
                                 alt_text=ALT_TEXT["kl-chart"], interactive=False,
                                 show_label=False, height=250, scale=2, elem_id="kl-chart")
            with gr.Accordion("All figures (JSON, as the /ae_vs_vae API returns them)", open=False):
                figures = gr.JSON(first[5], label="Figures", max_height=300)

        with gr.Column():
            explain(INVERT_HELP, "Explanation: how the GAN searches for a code")
            with gr.Row():
                with gr.Column():
                    upload = ImageUpload(type="filepath", label="Upload a digit", sources=["upload", "clipboard"],
                                         format="png", height=160, elem_id="invert-upload")
                    upload_button = gr.Button("Encode the upload", variant="primary")
                    examples([[e.path] for e in ex.INVERT], [upload],
                             "…or click an MNIST test digit, a (simulated) photo of a 3 or a drawn 4",
                             "invert-examples")
                with gr.Column():
                    sketch = gr.Sketchpad(label="…or draw one (the brush is ready)", type="numpy",
                                          canvas_size=(200, 200), format="png", elem_id="invert-drawing",
                                          brush=gr.Brush(default_size=12, colors=["#000000"], color_mode="fixed"))
                    with gr.Row():
                        sketch_button = gr.Button("Encode the drawing", variant="primary", scale=3)
                        clear_button = gr.Button("Clear", variant="secondary", scale=1, min_width=80,
                                                 elem_id="invert-drawing-clear")
                with gr.Column():
                    steps = gr.Slider(1, MAX_STEPS, value=DEFAULT_STEPS, step=1,
                                      label=f"GAN search: Adam steps (at most {MAX_STEPS})", elem_id="invert-steps")
                    readout = gr.Markdown(elem_id="invert-readout")
            with gr.Row(elem_id="invert-results"):
                model_input = ResultImage(label="Your digit (28×28, what both models get)", format="png",
                                       alt_text=ALT_TEXT["invert-input"],
                                       interactive=False, height=224)
                vae_out = ResultImage(label="VAE: one pass", format="png",
                                   alt_text=ALT_TEXT["invert-vae"], interactive=False, height=224,
                                   elem_id="invert-vae")
                gan_out = ResultImage(label="GAN: best found by search", format="png",
                                   alt_text=ALT_TEXT["invert-gan"], interactive=False, height=224,
                                   elem_id="invert-gan")
            with gr.Accordion("All figures (JSON, as the /invert API returns them)", open=False):
                result = gr.JSON(label="Result", max_height=300)

    ready_to_draw(sketch, tab, clear_button)
    button.click(on_ae_vs_vae, [count, seed], [vae_map, ae_map, vae_grid, ae_grid, chart, figures],
                 api_name="ae_vs_vae").then(figures_text, figures, table, api_name=False)
    outputs = [model_input, vae_out, gan_out, result]
    for event in (upload_button.click(on_invert, [upload, steps], outputs, api_name="invert"),
                  sketch_button.click(on_invert, [sketch, steps], outputs, api_name="invert_drawing")):
        # into view once the readout above the pictures is written too (it moves them down)
        bring_into_view(event.then(invert_text, result, readout, api_name=False), "invert-results")
    return SimpleNamespace(count=count, seed=seed, figures=figures, upload=upload, result=result)
