"""Tab "Reconstruct": an upload or a drawing, squeezed through the latent code."""

from types import SimpleNamespace

import gradio as gr

from lab.loading import DATASETS, Lab
from lab.reconstruct import reconstruct
from ui.common import Drawing, ImageUpload, clear_on_failure, friendly
from ui.presenter import explain

HELP = """**Through the VAE.** Upload a photo or scan of a digit, or draw one. We first make it look
like MNIST (step by step below: bright ink on black, cropped to the ink, fitted into a 20×20 box,
centred by its centre of mass in 28×28), then the VAE encodes it into 32 numbers and decodes those
back. What survives the squeeze is what the VAE learned digits look like. The **error map** shows
missed ink in orange and invented ink in blue. The **anomaly percentile** says how many real test
digits the VAE reconstructs better than yours: near 100 means "this does not look like my training
data". Add **noise** to watch the VAE remove it: noise is not something it learned to encode."""


def build(lab: Lab) -> SimpleNamespace:
    """Returns `details` (a State with the error map, the steps and the 2-D code of the last digit)
    and `done` (the two reconstruct events), which app.py chains (on success) to the tabs that show them."""

    @friendly
    def on_reconstruct(image, dataset, noise):
        model_input, recon, heatmap, result, steps = reconstruct(lab, image, dataset, noise)
        return model_input, recon, result, {"heatmap": heatmap, "steps": steps, "point": result.get("latent_2d")}

    with gr.Tab("Reconstruct", id="reconstruct", elem_id="tab-reconstruct"):
        explain(HELP, "Explanation: what happens to your digit")
        with gr.Row():
            with gr.Column():
                upload = ImageUpload(type="filepath", label="Upload a digit (photo, scan, PNG)",
                                     sources=["upload", "clipboard"], format="png", elem_id="reconstruct-upload")
                upload_button = gr.Button("Reconstruct the upload", variant="primary")
            with gr.Column():
                sketch = Drawing(label="…or draw one", type="numpy", canvas_size=(280, 280), format="png",
                                 elem_id="reconstruct-drawing",
                                 brush=gr.Brush(default_size=14, colors=["#000000"], color_mode="fixed"))
                sketch_button = gr.Button("Reconstruct the drawing", variant="primary")
        with gr.Row():
            dataset = gr.Radio(list(DATASETS), value="MNIST", label="VAE trained on")
            noise = gr.Slider(0, 1, value=0, step=0.05, label="Noise added to the input",
                              elem_classes=["presenter-hide"])
        with gr.Row(elem_id="reconstruct-results"):
            model_input = gr.Image(label="What the model sees (28×28)", format="png", interactive=False,
                                   elem_id="reconstruct-input")
            recon = gr.Image(label="VAE reconstruction", format="png", interactive=False,
                             elem_id="reconstruct-output")
            error = gr.Image(label="Error map", format="png", interactive=False, elem_id="reconstruct-error")
        result = gr.JSON(label="Result", elem_id="reconstruct-result")
        steps = gr.Gallery(label="Preprocessing, step by step", columns=5, height=220, format="png",
                           elem_id="reconstruct-steps")
        # inside the tab: a State directly in gr.Tabs mislabels the tabs after it; freed after 15 minutes
        details = gr.State(None, time_to_live=900)

    outputs = [model_input, recon, result, details]
    done = [
        ("reconstruct", upload_button.click(on_reconstruct, [upload, dataset, noise], outputs,
                                            api_name="reconstruct")),
        ("reconstruct_drawing", sketch_button.click(on_reconstruct, [sketch, dataset, noise], outputs,
                                                    api_name="reconstruct_drawing")),
    ]
    for _, event in done:  # nothing of the previous digit stays beside an error (app.py fills error and steps)
        clear_on_failure(event, [*outputs, error, steps])
    return SimpleNamespace(upload=upload, sketch=sketch, dataset=dataset, noise=noise, model_input=model_input,
                           recon=recon, error=error, result=result, steps=steps, details=details, done=done)
