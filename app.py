"""VAE vs GAN Lab: the Gradio app. It only lays out the page and wires events; the logic
lives in `lab/` as plain functions. Run `python app.py` (serves on 127.0.0.1:7860, or
GRADIO_SERVER_NAME / GRADIO_SERVER_PORT as on Hugging Face Spaces)."""

import functools
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at import or launch

import gradio as gr  # noqa: E402

from lab.generate import MAX_COUNT, generate, readout_text  # noqa: E402
from lab.latent import interpolate, latent_maps, manifold, model_latent_map  # noqa: E402
from lab.loading import CLASS_NAMES, DATASETS, Lab, load_lab  # noqa: E402
from lab.preprocess import PreprocessError  # noqa: E402
from lab.reconstruct import reconstruct  # noqa: E402

CSS = "img { image-rendering: pixelated; }"  # keep upscaled 28x28 pixels square in the browser

INTRO = """# VAE vs GAN Lab
Two ways to teach a computer to make new images of handwritten digits (MNIST) and clothes
(Fashion-MNIST). A **variational autoencoder (VAE)** learns to squeeze every image into a few
numbers (its *latent code*) and back out again; a **generative adversarial network (GAN)** learns
by fooling a second network that tries to tell real images from fakes. Every figure here is
measured by a separate classifier network, never by the model itself."""

GENERATE_HELP = """**Blurry vs sharp.** Both models turn random noise into images. The VAE is trained to
reconstruct its inputs on average, so when it is unsure it paints the average of the possibilities:
soft, blurry strokes. The GAN is only rewarded for images a critic cannot tell from real ones, so its
strokes are crisp, but nothing forces it to cover every kind of digit. **Sharpness** compares the
images' edge strength (variance of the Laplacian) with real test images: 1.0 is as sharp as the real
thing. **Recognisability** is the share of samples the classifier assigns to the class you asked for
(for "any": the share it recognises with at least 90 % confidence). The GAN takes the class as an
input. The VAE has no class input, so for a class we draw from its prior, keep only the draws the
classifier calls that class, and report how many draws that took."""

RECONSTRUCT_HELP = """**Through the VAE.** Upload a photo or scan of a digit, or draw one. We first make it look
like MNIST (step by step below: bright ink on black, cropped to the ink, fitted into a 20×20 box,
centred by its centre of mass in 28×28), then the VAE encodes it into 32 numbers and decodes those
back. What survives the squeeze is what the VAE learned digits look like. The **error map** shows
missed ink in orange and invented ink in blue. The **anomaly percentile** says how many real test
digits the VAE reconstructs better than yours: near 100 means "this does not look like my training
data". Add **noise** to watch the VAE remove it: noise is not something it learned to encode."""

LATENT_HELP = """**Latent space.** Here the code is only 2 numbers, so we can draw it. Each dot is one MNIST
test digit placed at its code, coloured by its true class; gray circles mark 1 and 2 standard
deviations of the prior N(0, I). The VAE's KL term pulls the codes into that round cloud, so any point
near the centre decodes to something digit-like (the grid below decodes points spaced by equal
probability under the prior). The plain **autoencoder** has no KL term: its codes spread out freely,
leave gaps, and a random point may decode to nothing. Your last reconstructed digit is the white ring.
**Interpolation** walks a straight line between two codes: the VAE's path morphs smoothly; the GAN
walks its noise and class input at once. A GAN has no encoder, so it cannot place your picture."""


def friendly(fn):
    """Show bad input as a message on the page instead of a crash."""

    @functools.wraps(fn)
    def wrapper(*args):
        try:
            return fn(*args)
        except (ValueError, PreprocessError, FileNotFoundError) as err:
            raise gr.Error(str(err)) from err

    return wrapper


def build_demo(lab: Lab) -> gr.Blocks:
    datasets = list(DATASETS)

    @friendly
    def on_generate(dataset, label, count, seed):
        return generate(lab, dataset, label, count, seed)

    @friendly
    def on_reconstruct(image, dataset, noise):
        model_input, recon, heatmap, result, steps = reconstruct(lab, image, dataset, noise)
        return model_input, recon, result, {"heatmap": heatmap, "steps": steps, "point": result.get("latent_2d")}

    def show_details(details):
        if not details:
            return None, None, model_latent_map(lab, "vae2d-mnist")
        return details["heatmap"], details["steps"], model_latent_map(lab, "vae2d-mnist", details["point"])

    @friendly
    def on_interpolate(dataset, label_a, seed_a, label_b, seed_b, steps, image_a, image_b):
        return interpolate(lab, dataset, label_a, seed_a, label_b, seed_b, steps, image_a, image_b)

    def label_choices(dataset):
        return gr.Dropdown(choices=["any", *CLASS_NAMES[dataset]], value="any")

    def pair_choices(dataset):
        names = CLASS_NAMES[dataset]
        return gr.Dropdown(choices=names, value=names[1]), gr.Dropdown(choices=names, value=names[7])

    vae_map, ae_map = latent_maps(lab)
    with gr.Blocks(title="VAE vs GAN Lab") as demo:
        gr.Markdown(INTRO)
        for notice in lab.notices:
            gr.Markdown(f"⚠️ {notice}")
        details = gr.State(None)
        with gr.Tab("Generate — blurry vs sharp"):
            gr.Markdown(GENERATE_HELP)
            with gr.Row():
                g_dataset = gr.Radio(datasets, value="MNIST", label="Dataset")
                g_label = gr.Dropdown(["any", *CLASS_NAMES["MNIST"]], value="any", label="Class",
                                      allow_custom_value=True)  # the API takes garment names too
                g_count = gr.Slider(1, MAX_COUNT, value=16, step=1, label="How many")
                with gr.Row():
                    g_seed = gr.Number(0, precision=0, minimum=0, label="Seed")
                    g_dice = gr.Button("🎲", scale=0, min_width=60)
            g_button = gr.Button("Generate", variant="primary")
            with gr.Row():
                with gr.Column():
                    g_vae = gr.Image(label="VAE samples", format="png", interactive=False, elem_id="generate-vae")
                    g_vae_readout = gr.Markdown()
                with gr.Column():
                    g_gan = gr.Image(label="GAN samples", format="png", interactive=False, elem_id="generate-gan")
                    g_gan_readout = gr.Markdown()
            with gr.Accordion("All figures (JSON, as the /generate API returns them)", open=False):
                g_stats = gr.JSON(label="Readouts", elem_id="generate-stats", max_height=300)
        with gr.Tab("Reconstruct — through the VAE"):
            gr.Markdown(RECONSTRUCT_HELP)
            with gr.Row():
                with gr.Column():
                    r_upload = gr.Image(type="filepath", label="Upload a digit (photo, scan, PNG)",
                                        sources=["upload", "clipboard"], format="png",
                                        elem_id="reconstruct-upload")
                    r_upload_button = gr.Button("Reconstruct the upload", variant="primary")
                with gr.Column():
                    r_sketch = gr.Sketchpad(label="…or draw one", type="numpy", canvas_size=(280, 280),
                                            format="png",
                                            brush=gr.Brush(default_size=14, colors=["#000000"], color_mode="fixed"))
                    r_sketch_button = gr.Button("Reconstruct the drawing", variant="primary")
            with gr.Row():
                r_dataset = gr.Radio(datasets, value="MNIST", label="VAE trained on")
                r_noise = gr.Slider(0, 1, value=0, step=0.05, label="Noise added to the input")
            with gr.Row():
                r_input = gr.Image(label="What the model sees (28×28)", format="png", interactive=False,
                                   elem_id="reconstruct-input")
                r_recon = gr.Image(label="VAE reconstruction", format="png", interactive=False,
                                   elem_id="reconstruct-output")
                r_error = gr.Image(label="Error map", format="png", interactive=False)
            r_result = gr.JSON(label="Result", elem_id="reconstruct-result")
            r_steps = gr.Gallery(label="Preprocessing, step by step", columns=5, height=220, format="png")
        with gr.Tab("Latent space"):
            gr.Markdown(LATENT_HELP)
            with gr.Row():
                l_vae_map = gr.Image(vae_map, label="2-D VAE: test digits by class", format="png", interactive=False)
                gr.Image(ae_map, label="2-D autoencoder (no KL term)", format="png", interactive=False)
            with gr.Row():
                l_n = gr.Slider(3, 30, value=15, step=1, label="Manifold grid size")
                l_grid_button = gr.Button("Decode the grid")
            l_grid = gr.Image(label="2-D VAE decoder over the prior", format="png", interactive=False)
            gr.Markdown("### Interpolation")
            with gr.Row():
                i_dataset = gr.Radio(datasets, value="MNIST", label="Dataset")
                i_a = gr.Dropdown(CLASS_NAMES["MNIST"], value="1", label="From class", allow_custom_value=True)
                i_seed_a = gr.Number(0, precision=0, minimum=0, label="seed")
                i_b = gr.Dropdown(CLASS_NAMES["MNIST"], value="7", label="To class", allow_custom_value=True)
                i_seed_b = gr.Number(1, precision=0, minimum=0, label="seed")
                i_steps = gr.Slider(2, 16, value=10, step=1, label="Steps")
            with gr.Accordion("…or interpolate the VAE between two uploads", open=False):
                with gr.Row():
                    i_image_a = gr.Image(type="filepath", label="From", format="png")
                    i_image_b = gr.Image(type="filepath", label="To", format="png")
            i_button = gr.Button("Interpolate", variant="primary")
            i_vae = gr.Image(label="Through the VAE's latent space", format="png", interactive=False)
            i_gan = gr.Image(label="Through the GAN's noise and class input", format="png", interactive=False)
            i_note = gr.Markdown()

        g_dataset.change(label_choices, g_dataset, g_label, api_name="generate_classes")
        g_dice.click(lambda: int.from_bytes(os.urandom(3), "big"), None, g_seed, api_name="random_seed")
        g_button.click(on_generate, [g_dataset, g_label, g_count, g_seed], [g_vae, g_gan, g_stats],
                       api_name="generate").then(
            lambda stats: (readout_text(stats, "vae"), readout_text(stats, "gan")), g_stats,
            [g_vae_readout, g_gan_readout], api_name="generate_readouts")
        r_upload_button.click(on_reconstruct, [r_upload, r_dataset, r_noise], [r_input, r_recon, r_result, details],
                              api_name="reconstruct").then(
            show_details, details, [r_error, r_steps, l_vae_map], api_name="reconstruct_details")
        r_sketch_button.click(on_reconstruct, [r_sketch, r_dataset, r_noise], [r_input, r_recon, r_result, details],
                              api_name="reconstruct_drawing").then(
            show_details, details, [r_error, r_steps, l_vae_map], api_name="reconstruct_drawing_details")
        l_grid_button.click(friendly(lambda n: manifold(lab, n)), l_n, l_grid, api_name="manifold")
        i_dataset.change(pair_choices, i_dataset, [i_a, i_b], api_name="interpolate_classes")
        i_button.click(on_interpolate, [i_dataset, i_a, i_seed_a, i_b, i_seed_b, i_steps, i_image_a, i_image_b],
                       [i_vae, i_gan, i_note], api_name="interpolate")
        demo.load(lambda n: manifold(lab, n), l_n, l_grid, api_name="manifold_on_load")
    return demo


def main() -> None:
    lab = load_lab()
    for name, loaded in lab.models.items():
        print(f"{name:26s} <- {loaded.origin}")
    for notice in lab.notices:
        print(f"NOTICE: {notice}")
    demo = build_demo(lab)
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")), css=CSS)


if __name__ == "__main__":
    main()
