"""Tab "Use cases": super-resolution and completion of a digit, by the same U-Net trained with and without a
discriminator (lab/use_cases.py)."""

from types import SimpleNamespace

import gradio as gr

from lab import examples as ex
from lab.loading import Lab
from lab.use_cases import PANELS, TITLES, complete, figures_markdown, readout_markdown, super_resolve
from ui.access import ALT_TEXT
from ui.common import (
    Drawing,
    ImageUpload,
    ResultImage,
    bring_into_view,
    clear_on_failure,
    examples,
    friendly,
    ready_to_draw,
)
from ui.presenter import explain
from ui.reconstruct import BRUSH_RADIUS, CANVAS

HELP = """**What GANs are used for, and why the discriminator matters.** Two jobs where the answer is not unique:
**super-resolution** (a 7×7 digit, each of its pixels the mean of a 4×4 block, back to 28×28) and **completion**
(the lower half hidden: the top of a 3 may finish as a 3, 5 or 8). The same small U-Net is trained twice per
job. With the **L1 loss alone** (how far each pixel is from the truth) the best it can do is the *average* of
every plausible answer: a blur, for the same reason the VAE is blurry. With L1 **plus a discriminator** that
judges each patch real or fake (pix2pix, Isola et al. 2017; SRGAN, Ledig et al. 2017, does the same for photos),
blur is easy to spot, so the model commits to *one* sharp, plausible answer, as the GAN does. Under each picture:
what the classifier reads and its **sharpness** (edge strength against real digits: 1.0 is as sharp as real).
The adversarial completion model also gets random noise, but it learned to ignore it, as pix2pix reports: 8 draws
for the same half-digit differ by {diversity} of the ink range per hidden pixel, so the page shows one.

The shipped models on the 10,000 test digits (`python -m training.evaluate weights/<name>`):

{figures}

Related: **CycleGAN** (Zhu et al. 2017) translates between two sets of images without pairs (horses to
zebras); **StyleGAN** (Karras et al. 2019) is pure synthesis at high resolution, like the Generate tab's GAN."""


def build(lab: Lab) -> SimpleNamespace:
    @friendly
    def on_super_resolve(image):
        return super_resolve(lab, image)

    @friendly
    def on_complete(image, seed):
        return complete(lab, image, seed)

    def shown(result):
        """Every picture's sentence as its alt text; the bicubic panel for super-resolution only."""
        words = result["descriptions"]
        return [gr.update(alt_text=words.get(panel, ALT_TEXT[f"use-cases-{panel}"]),
                          **({"visible": panel in words} if panel == "bicubic" else {}))
                for panel in PANELS["super-resolution"]]

    with gr.Tab("Use cases", id="use-cases", elem_id="tab-use-cases") as tab:
        diversity = lab.json("complete-gan-mnist", "metrics.json")["draw_pixel_std"]
        explain(HELP.format(figures=figures_markdown(lab), diversity=f"{diversity:.1%}"),
                "Explanation: super-resolution and completion, with and without a discriminator")
        with gr.Row():
            with gr.Column():
                upload = ImageUpload(type="filepath", label="Upload a digit (photo, scan, PNG)",
                                     sources=["upload", "clipboard"], format="png", elem_id="use-cases-upload",
                                     height=220)
                with gr.Row():
                    sr_upload = gr.Button("Super-resolve ×4", variant="primary")
                    complete_upload = gr.Button("Complete the lower half", variant="primary")
                examples([[e.path] for e in ex.USE_CASES], [upload],
                         "…or click an example: MNIST test digits and a (simulated) photo of a 3",
                         "use-cases-examples")
            with gr.Column():
                sketch = Drawing(label="…or draw one (the brush is ready)", type="numpy",
                                 canvas_size=(CANVAS, CANVAS), format="png", elem_id="use-cases-drawing",
                                 brush=gr.Brush(default_size=BRUSH_RADIUS, colors=["#000000"], color_mode="fixed"))
                with gr.Row():
                    sr_sketch = gr.Button("Super-resolve ×4", variant="primary", scale=2)
                    complete_sketch = gr.Button("Complete the lower half", variant="primary", scale=2)
                    clear = gr.Button("Clear", variant="secondary", scale=1, min_width=80,
                                      elem_id="use-cases-drawing-clear")
        with gr.Row(elem_id="use-cases-results"):
            pictures = {panel: ResultImage(label=TITLES[panel], format="png", interactive=False,
                                        alt_text=ALT_TEXT[f"use-cases-{panel}"], elem_id=f"use-cases-{panel}",
                                        min_width=150, height=260)
                        for panel in PANELS["super-resolution"]}
        readout = gr.Markdown(elem_id="use-cases-readout")
        # the adversarial completion model's noise (/complete's seed); the page keeps 0: the model ignores it
        seed = gr.Number(0, precision=0, minimum=0, label="Seed of the completion's noise", visible=False)
        with gr.Accordion("All figures (JSON, as the /super_resolve and /complete APIs return them)", open=False):
            result = gr.JSON(label="Result", elem_id="use-cases-result")
    ready_to_draw(sketch, tab, clear)

    sr_outputs = [*(pictures[p] for p in PANELS["super-resolution"]), result]
    completion_outputs = [*(pictures[p] for p in PANELS["completion"]), result]
    events = [
        sr_upload.click(on_super_resolve, upload, sr_outputs, api_name="super_resolve"),
        complete_upload.click(on_complete, [upload, seed], completion_outputs, api_name="complete"),
        sr_sketch.click(on_super_resolve, sketch, sr_outputs, api_name="super_resolve_drawing",
                        api_visibility="private"),
        complete_sketch.click(on_complete, [sketch, seed], completion_outputs, api_name="complete_drawing",
                              api_visibility="private"),
    ]
    for event in events:
        event.success(friendly(readout_markdown), result, readout, api_visibility="private")
        event.success(shown, result, list(pictures.values()), queue=False,
                      api_visibility="private")
        clear_on_failure(event, [*pictures.values(), result, readout])
        bring_into_view(event, "use-cases-results")  # on a phone the results sit below the drawing pad
    return SimpleNamespace(upload=upload, sketch=sketch, seed=seed, pictures=pictures, result=result,
                           readout=readout, buttons=[sr_upload, complete_upload, sr_sketch,
                                                                  complete_sketch])
