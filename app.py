"""VAE vs GAN Lab: the Gradio app. It composes the page from one module per tab (`ui/`), each of
which lays out its tab and wires its events; the logic lives in `lab/` as plain functions.
Run `python app.py` (serves on 127.0.0.1:7860, or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT as on
Hugging Face Spaces)."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at import or launch

import gradio as gr  # noqa: E402

from lab.latent import manifold, model_latent_map  # noqa: E402
from lab.loading import Lab, load_lab  # noqa: E402
from ui import arena as arena_tab  # noqa: E402
from ui import generate as generate_tab  # noqa: E402
from ui import latent as latent_tab  # noqa: E402
from ui import mode_collapse as mode_collapse_tab  # noqa: E402
from ui import reconstruct as reconstruct_tab  # noqa: E402
from ui import time_machine as time_machine_tab  # noqa: E402

CSS = "img { image-rendering: pixelated; }"  # keep upscaled 28x28 pixels square in the browser

INTRO = """# VAE vs GAN Lab
Two ways to teach a computer to make new images of handwritten digits (MNIST) and clothes
(Fashion-MNIST). A **variational autoencoder (VAE)** learns to squeeze every image into a few
numbers (its *latent code*) and back out again; a **generative adversarial network (GAN)** learns
by fooling a second network that tries to tell real images from fakes. Every figure here is
measured by a separate classifier network, never by the model itself."""


def build_demo(lab: Lab) -> gr.Blocks:
    with gr.Blocks(title="VAE vs GAN Lab") as demo:
        gr.Markdown(INTRO)
        for notice in lab.notices:
            gr.Markdown(f"⚠️ {notice}")
        generate_tab.build(lab)
        rec = reconstruct_tab.build(lab)
        lat = latent_tab.build(lab)
        arena_tab.build(lab)
        time_machine_tab.build(lab)
        mode_collapse_tab.build(lab)

        # Cross-tab: after a reconstruction, its error map and steps, and the digit's ring on the latent map.
        def show_details(details):
            if not details:
                return None, None, model_latent_map(lab, "vae2d-mnist")
            return details["heatmap"], details["steps"], model_latent_map(lab, "vae2d-mnist", details["point"])

        for api_name, event in rec.done:
            event.then(show_details, rec.details, [rec.error, rec.steps, lat.vae_map], api_name=f"{api_name}_details")
        demo.load(lambda n: manifold(lab, n), lat.grid_size, lat.grid, api_name="manifold_on_load")
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
