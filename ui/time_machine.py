"""Tab "Time machine": a shipped training run epoch by epoch, its fixed-seed samples beside its curves."""

from types import SimpleNamespace

import gradio as gr

from lab.loading import Lab
from lab.time_machine import CHARTS, MARK, RUNS, load_history, n_epochs, run_folder, run_kind, time_machine
from ui.common import friendly
from ui.presenter import explain

HELP = """**Training time machine.** After every epoch of training, each shipped model drew the same 100
noise vectors. Slide through the epochs to watch them sharpen; the ▶ line on the curves marks the epoch."""

GAN_NOTE = """**How to read GAN losses.** They do not fall like a classifier's loss: D and G play against
each other, so when one improves the other's loss goes up. **D(x) ≈ D(G(z)) ≈ 0.5** is the equilibrium:
D cannot tell real from fake. A **D loss near 0** (D(x) → 1, D(G(z)) → 0) means D has won; G's
gradients then vanish and it stops learning. A G loss that keeps climbing is the same story from
G's side. Per-epoch means hide the wobble within an epoch, so the GAN charts show the losses averaged over
every 100 steps. The MNIST GAN was trained with the hinge loss and the Fashion GAN with the non-saturating
one, so their losses are on different scales; D(x) and D(G(z)) compare directly. Both losses also hold a
class term (their D also names the class, and G is scored on it). Whether the samples get
better you judge from the grid and the **conditional accuracy** (the share of samples the classifier assigns
to the class G was asked for), not from the losses."""

VAE_NOTE = """**How to read VAE losses.** The VAE minimizes one number, −ELBO = reconstruction + KL, so its
curves fall like a classifier's. **Reconstruction** (nats) is how badly the decoder redraws an image from
its code; **KL** is how far the codes stray from the prior N(0, I), the price of a latent space you
can sample from. Test ≈ train means no overfitting. (The autoencoder has no KL term: its KL is 0.)"""


def build(lab: Lab) -> SimpleNamespace:
    def show(run, epoch):
        grid, first, second, figures = time_machine(lab, run, epoch)
        kind = run_kind(load_history(run_folder(lab, run)))
        (title_1, y_1, _), (title_2, y_2, _) = CHARTS[kind]
        return (grid, gr.LinePlot(value=first, title=title_1, y_title=y_1),
                gr.LinePlot(value=second, title=title_2, y_title=y_2), figures,
                GAN_NOTE if kind == "gan" else VAE_NOTE)

    def pick_run(run, epoch):
        n = n_epochs(lab, run)
        return gr.Slider(maximum=n, value=min(int(epoch), n), label=f"Epoch (1–{n})")

    first_run = "gan-mnist"
    first_n = n_epochs(lab, first_run)
    with gr.Tab("Time machine", id="time-machine", elem_id="tab-time-machine"):
        explain(HELP, "Explanation: the same noise, epoch by epoch")
        with gr.Row():
            run = gr.Dropdown(RUNS, value=first_run, label="Training run", elem_id="time-machine-run")
            epoch = gr.Slider(1, first_n, value=1, step=1, label=f"Epoch (1–{first_n})",
                              elem_id="time-machine-epoch")
        grid0, first0, second0, figures0 = time_machine(lab, first_run, 1)
        with gr.Row(equal_height=False):
            grid = gr.Image(grid0, label="The same 100 noise vectors at this epoch", format="png",
                            interactive=False, height=360, elem_id="time-machine-grid")
            with gr.Column():
                first = gr.LinePlot(first0, x="x", y="value", color="series", x_title="epoch",
                                    title=CHARTS["gan"][0][0], y_title=CHARTS["gan"][0][1], height=175,
                                    elem_id="time-machine-chart-1")
                second = gr.LinePlot(second0, x="x", y="value", color="series", x_title="epoch",
                                     title=CHARTS["gan"][1][0], y_title=CHARTS["gan"][1][1], height=175,
                                     elem_id="time-machine-chart-2")
        note = gr.Markdown(GAN_NOTE, elem_id="time-machine-note")
        with gr.Accordion("This epoch's figures and the finished model's evaluation (JSON)", open=False):
            figures = gr.JSON(figures0, label="Figures", max_height=300)

    outputs = [grid, first, second, figures, note]
    epoch.release(friendly(show), [run, epoch], outputs, api_name="time_machine")
    run.change(pick_run, [run, epoch], epoch, api_name="time_machine_epochs").then(
        friendly(show), [run, epoch], outputs, api_visibility="private")
    return SimpleNamespace(run=run, epoch=epoch, grid=grid, first=first, second=second, figures=figures,
                           mark=MARK)
