"""Tab "Reconstruct": an upload or a drawing, squeezed through the latent code."""

from types import SimpleNamespace

import gradio as gr

from lab import examples as ex
from lab.loading import Lab
from lab.reconstruct import reconstruct, verdict_text
from models.registry import DATASETS
from ui.access import ALT_TEXT
from ui.common import Drawing, ImageUpload, ResultImage, clear_on_failure, examples, friendly, ready_to_draw
from ui.presenter import explain

HELP = """**Through the VAE.** Upload a photo or scan of a digit, or draw one. We first make it look
like MNIST (step by step below: bright ink on black, cropped to the ink, fitted into a 20×20 box,
centred by its centre of mass in 28×28), then the VAE encodes it into 32 numbers and decodes those
back. What survives the squeeze is what the VAE learned digits look like. The **error map** shows
missed ink in orange and invented ink in blue. The **anomaly percentile** says how many real test
digits the VAE reconstructs better than yours: near 100 means "this does not look like my training
data". Add **noise** to watch the VAE remove it: noise is not something it learned to encode."""

# The drawing pad: a brush of this radius on a canvas this size draws strokes as thick as MNIST's once the digit is
# cropped and shrunk into its 20x20 box (tests/ui/test_reconstruct_pad.py measures it)
CANVAS, BRUSH_RADIUS = 280, 14


def build(lab: Lab) -> SimpleNamespace:
    """Returns `details` (a State with the error map, the steps and the 2-D code of the last digit)
    and `done` (the two reconstruct events), which app.py chains (on success) to the tabs that show them."""

    @friendly
    def on_reconstruct(image, dataset, noise):
        model_input, recon, heatmap, result, steps = reconstruct(lab, image, dataset, noise)
        return model_input, recon, result, {"heatmap": heatmap, "steps": steps, "point": result.get("latent_2d")}

    def described(result):
        """Both pictures' sentences for a screen reader, from the result (the API returns them in it)."""
        return gr.update(alt_text=result["input_description"]), gr.update(alt_text=result["description"])

    dataset = gr.Radio(list(DATASETS), value="MNIST", label="VAE trained on", render=False)
    noise = gr.Slider(0, 1, value=0, step=0.05, label="Noise added to the input", render=False,
                      elem_classes=["presenter-hide"])
    with gr.Tab("Reconstruct", id="reconstruct", elem_id="tab-reconstruct") as tab:
        explain(HELP, "Explanation: what happens to your digit")
        with gr.Row():
            with gr.Column():
                upload = ImageUpload(type="filepath", label="Upload a digit (photo, scan, PNG)",
                                     sources=["upload", "clipboard"], format="png", elem_id="reconstruct-upload")
                upload_button = gr.Button("Reconstruct the upload", variant="primary")
                examples([[e.path, e.dataset] for e in ex.RECONSTRUCT], [upload, dataset],
                         "…or click an example: MNIST test digits, a (simulated) photo of a 3, a drawn 4, "
                         "a house (not a digit), two Fashion-MNIST garments (they switch the data set)",
                         "reconstruct-examples", visible_columns=[0])
            with gr.Column():
                sketch = Drawing(label="…or draw one (the brush is ready)", type="numpy",
                                 canvas_size=(CANVAS, CANVAS), format="png", elem_id="reconstruct-drawing",
                                 brush=gr.Brush(default_size=BRUSH_RADIUS, colors=["#000000"], color_mode="fixed"))
                with gr.Row():
                    sketch_button = gr.Button("Reconstruct the drawing", variant="primary", scale=3)
                    clear_button = gr.Button("Clear", variant="secondary", scale=1, min_width=80,
                                             elem_id="reconstruct-drawing-clear")
        with gr.Row():
            dataset.render()
            noise.render()
        with gr.Row(elem_id="reconstruct-results"):
            model_input = ResultImage(label="What the model sees (28×28)", format="png",
                                   alt_text=ALT_TEXT["reconstruct-input"], interactive=False,
                                   elem_id="reconstruct-input")
            recon = ResultImage(label="VAE reconstruction", format="png",
                             alt_text=ALT_TEXT["reconstruct-output"], interactive=False,
                             elem_id="reconstruct-output")
            error = ResultImage(label="Error map", format="png",
                             alt_text=ALT_TEXT["reconstruct-error"], interactive=False, elem_id="reconstruct-error")
        verdict = gr.Markdown(elem_id="reconstruct-verdict")
        with gr.Accordion("All figures (JSON, as the /reconstruct API returns them)", open=False):
            result = gr.JSON(label="Result", elem_id="reconstruct-result")
        steps = gr.Gallery(label="Preprocessing, step by step", columns=5, height=220, format="png",
                           elem_id="reconstruct-steps")
        # inside the tab: a State directly in gr.Tabs mislabels the tabs after it; freed after 15 minutes
        details = gr.State(None, time_to_live=900)
    ready_to_draw(sketch, tab, clear_button)

    outputs = [model_input, recon, result, details]
    done = [
        ("reconstruct", upload_button.click(on_reconstruct, [upload, dataset, noise], outputs,
                                            api_name="reconstruct")),
        ("reconstruct_drawing", sketch_button.click(on_reconstruct, [sketch, dataset, noise], outputs,
                                                    api_name="reconstruct_drawing")),
    ]
    for api_name, event in done:  # no result of the previous digit stays beside an error (app.py fills error, steps)
        # the verdict in words, from the result: one public name for both events (/reconstruct is unchanged)
        public = api_name == "reconstruct"
        event.success(friendly(verdict_text), result, verdict, api_name="reconstruct_verdict" if public else None,
                      api_visibility="public" if public else "private")
        event.success(described, result, [model_input, recon], queue=False, api_visibility="private")
        clear_on_failure(event, [*outputs, error, steps, verdict])
    return SimpleNamespace(upload=upload, sketch=sketch, dataset=dataset, noise=noise, model_input=model_input,
                           recon=recon, error=error, result=result, verdict=verdict, steps=steps, details=details,
                           done=done, clear=clear_button)
