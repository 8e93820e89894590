"""Tab "Latent space": the 2-D codes of the test digits, the decoded manifold, interpolations."""

from types import SimpleNamespace

import gradio as gr

from lab import examples as ex
from lab.inputs import parse_dataset
from lab.latent import interpolate, latent_maps, manifold
from lab.loading import Lab
from models.registry import CLASS_NAMES, DATASETS
from ui.access import ALT_TEXT
from ui.common import ImageUpload, ResultImage, bring_into_view, clear_on_failure, examples, friendly
from ui.presenter import explain

HELP = """**Latent space.** Here the code is only 2 numbers, so we can draw it. Each dot is one MNIST
test digit placed at its code, coloured by its true class; gray circles mark 1 and 2 standard
deviations of the prior N(0, I). The VAE's KL term pulls the codes into that round cloud, so any point
near the centre decodes to something digit-like (the grid below decodes points spaced by equal
probability under the prior). The plain **autoencoder** has no KL term: its codes spread out freely,
leave gaps, and a random point may decode to nothing. Your last reconstructed digit is the white ring,
placed by this 2-D VAE's encoder (`vae2d-mnist`, not the 32-number VAE that reconstructed it).
**Interpolation** walks a straight line between two codes: the VAE's path morphs smoothly; the GAN
walks its noise and class input at once. A GAN has no encoder, so it cannot place your picture."""


def build(lab: Lab) -> SimpleNamespace:
    """Returns `vae_map`, which the Reconstruct tab marks with the user's digit."""

    @friendly
    def on_interpolate(dataset, label_a, seed_a, label_b, seed_b, steps, image_a, image_b):
        return interpolate(lab, dataset, label_a, seed_a, label_b, seed_b, steps, image_a, image_b)

    def pair_choices(dataset):
        names = CLASS_NAMES[parse_dataset(dataset)]
        return gr.Dropdown(choices=names, value=names[1]), gr.Dropdown(choices=names, value=names[7])

    vae_image, ae_image = latent_maps(lab)
    with gr.Tab("Latent space", id="latent", elem_id="tab-latent"):
        explain(HELP, "Explanation: what the maps and the walks show")
        with gr.Row():
            grid_size = gr.Slider(3, 30, value=15, step=1, label="Manifold grid size", elem_classes=["presenter-hide"])
            grid_button = gr.Button("Decode the grid", elem_id="latent-decode")
        with gr.Row(elem_id="latent-result"):
            vae_map = ResultImage(vae_image, label="2-D VAE (vae2d-mnist): test digits by class; ring: your digit",
                               format="png",
                               alt_text=ALT_TEXT["latent-vae-map"], interactive=False, elem_id="latent-vae-map")
            ResultImage(ae_image, label="2-D autoencoder (no KL term)", format="png",
                     alt_text=ALT_TEXT["latent-ae-map"], interactive=False,
                     elem_id="latent-ae-map")
            grid = ResultImage(label="2-D VAE decoder over the prior", format="png",
                            alt_text=ALT_TEXT["latent-grid"], interactive=False,
                            elem_id="latent-grid")
        gr.Markdown("### Interpolation")
        with gr.Row():
            dataset = gr.Radio(list(DATASETS), value="MNIST", label="Dataset")
            label_a = gr.Dropdown(CLASS_NAMES["MNIST"], value="1", label="From class", allow_custom_value=True)
            seed_a = gr.Number(0, precision=0, minimum=0, label="seed", elem_classes=["presenter-hide"])
            label_b = gr.Dropdown(CLASS_NAMES["MNIST"], value="7", label="To class", allow_custom_value=True)
            seed_b = gr.Number(1, precision=0, minimum=0, label="seed", elem_classes=["presenter-hide"])
            steps = gr.Slider(2, 16, value=10, step=1, label="Steps")
        with gr.Accordion("…or interpolate the VAE between two uploads", open=False):
            with gr.Row():
                image_a = ImageUpload(type="filepath", label="From", format="png")
                image_b = ImageUpload(type="filepath", label="To", format="png")
            examples([[a.dataset, a.path, b.path] for a, b in ex.INTERPOLATE], [dataset, image_a, image_b],
                     "Example pairs: a 1 to a 7, a (simulated) photo of a 3 to a drawn 4, trousers to an ankle boot",
                     "interpolate-examples")
        button = gr.Button("Interpolate", variant="primary")
        with gr.Column(elem_id="latent-walks"):
            vae_path = ResultImage(label="Through the VAE's latent space", format="png",
                                alt_text=ALT_TEXT["latent-vae-walk"], interactive=False)
            gan_path = ResultImage(label="Through the GAN's noise and class input", format="png",
                                alt_text=ALT_TEXT["latent-gan-walk"], interactive=False)
            note = gr.Markdown()

    decoded = grid_button.click(friendly(lambda n: manifold(lab, n)), grid_size, grid, api_name="manifold")
    clear_on_failure(decoded, [grid])
    dataset.change(friendly(pair_choices), dataset, [label_a, label_b], api_name="interpolate_classes",
                   api_visibility="undocumented")
    walked = button.click(on_interpolate, [dataset, label_a, seed_a, label_b, seed_b, steps, image_a, image_b],
                          [vae_path, gan_path, note], api_name="interpolate")
    clear_on_failure(walked, [vae_path, gan_path, note])
    bring_into_view(walked, "latent-walks")
    return SimpleNamespace(vae_map=vae_map, grid_size=grid_size, grid=grid, seeds=[seed_a, seed_b])
