"""Tab "Time machine": a shipped training run epoch by epoch, its fixed-seed samples beside its curves."""

import math
from types import SimpleNamespace

import gradio as gr

from lab.loading import Lab
from lab.time_machine import LAG_SHOWN, RUNS, load_history, n_epochs, run_folder, run_kind, time_machine
from ui.access import ALT_TEXT, describe_from
from ui.common import ResultImage, friendly
from ui.presenter import explain

HELP = """**Training time machine.** After every epoch of training, each shipped model drew the same 100
noise vectors. Slide through the epochs to watch them sharpen; the white line on the curves marks the epoch."""

GAN_NOTE = """**How to read GAN losses.** They do not fall like a classifier's loss: D and G play against
each other, so when one improves the other's loss goes up. **D(x) ≈ D(G(z)) ≈ 0.5** is the equilibrium:
D cannot tell real from fake. A **D loss near 0** (D(x) → 1, D(G(z)) → 0) means D has won; G's
gradients then vanish and it stops learning. A G loss that keeps climbing is the same story from
G's side. Per-epoch means hide the wobble within an epoch, so the GAN charts show the losses averaged over
every 100 steps. The MNIST GAN was trained with the hinge loss and the Fashion GAN with the non-saturating
one, so their losses are on different scales; D(x) and D(G(z)) compare directly. Both losses also hold a
class term (their D also names the class, and G is scored on it). The Fashion GAN's D loss also holds a penalty
(R1) on how steeply D's verdict changes around real images: it keeps D from winning, so its D(x) stays near
0.62 to the end. Whether the samples get
better you judge from the grid and the **conditional accuracy** (the share of samples the classifier assigns
to the class G was asked for), not from the losses."""

VAE_NOTE = """**How to read VAE losses.** The VAE minimizes one number, −ELBO = reconstruction + KL, so its
curves fall like a classifier's. **Reconstruction** (nats) is how badly the decoder redraws an image from
its code; **KL** is how far the codes stray from the prior N(0, I), the price of a latent space you
can sample from. Test ≈ train means no overfitting. (The autoencoder has no KL term: its KL is 0.)"""


def lag_note(figures: dict) -> str:
    """Why a GAN's early grids look like noise, when its grids show a weight average that still holds much of
    the random start (figures["weight_average"], from `lab.time_machine.average_lag`); "" otherwise."""
    lag = figures.get("weight_average")
    if not lag or lag["random_start_share"] < LAG_SHOWN:
        return ""
    accuracy = figures["epoch"].get("conditional_accuracy")
    read = f" The classifier reads {accuracy:.0%} of them as the digit asked for." if accuracy is not None else ""
    return (f"**Why the early grids look like noise.** This one is drawn by the *average* of G's weights over training "
            f"(each step keeps {lag['ema_beta']:g} of the average and adds {1 - lag['ema_beta']:.3g} of G; the "
            f"average is what ships, because it is steadier). After {lag['g_steps']} G steps, the random starting "
            f"weights are still **{lag['random_start_share']:.0%}** of it ({lag['ema_beta']:g}^{lag['g_steps']}), "
            f"so it lags behind G itself.{read} Slide on: the share halves about every "
            f"{round(0.6931 / -math.log(lag['ema_beta']))} steps.\n\n")


def build(lab: Lab) -> SimpleNamespace:
    def show(run, epoch):
        grid, first, second, figures = time_machine(lab, run, epoch)
        kind = run_kind(load_history(run_folder(lab, run)))
        return grid, first, second, figures, lag_note(figures) + (GAN_NOTE if kind == "gan" else VAE_NOTE)

    def pick_run(run, epoch):
        n = n_epochs(lab, run)
        return gr.Slider(maximum=n, value=min(int(epoch), n), label=f"Epoch (1–{n})")

    first_run = "gan-mnist"
    first_n = n_epochs(lab, first_run)
    # The slider's own bound is the longest run's, so that /time_machine reaches every epoch of every run (the
    # server checks a value against the bound it was built with); the page narrows it to the run on show.
    most = max(n_epochs(lab, name) for name in RUNS)
    with gr.Tab("Time machine", id="time-machine", elem_id="tab-time-machine") as tab:
        explain(HELP, "Explanation: the same noise, epoch by epoch")
        grid0, first0, second0, figures0 = time_machine(lab, first_run, 1)
        with gr.Row(equal_height=False):  # the grid beside its controls and curves: all of it above the fold
            grid = ResultImage(grid0, label="The same 100 noise vectors at this epoch", format="png",
                            alt_text=ALT_TEXT["time-machine-grid"],
                            interactive=False, height=340, elem_id="time-machine-grid")
            with gr.Column():
                with gr.Row():
                    run = gr.Dropdown(RUNS, value=first_run, label="Training run", elem_id="time-machine-run")
                    epoch = gr.Slider(1, most, value=1, step=1, label=f"Epoch (1–{first_n})",
                                      elem_id="time-machine-epoch")
                first = ResultImage(first0, label="Chart 1", format="png",
                                 alt_text=ALT_TEXT["time-machine-chart-1"], interactive=False, show_label=False,
                                 height=200, elem_id="time-machine-chart-1")
                second = ResultImage(second0, label="Chart 2", format="png",
                                  alt_text=ALT_TEXT["time-machine-chart-2"], interactive=False, show_label=False,
                                  height=200, elem_id="time-machine-chart-2")
        note = gr.Markdown(lag_note(figures0) + GAN_NOTE, elem_id="time-machine-note")
        with gr.Accordion("This epoch's figures and the finished model's evaluation (JSON)", open=False):
            figures = gr.JSON(figures0, label="Figures", max_height=300)

    outputs = [grid, first, second, figures, note]
    epoch.release(friendly(show), [run, epoch], outputs, api_name="time_machine")
    # on the user's change only: a link (ui/links.py) sets the run, its epoch and what they show together
    run.input(pick_run, [run, epoch], epoch, api_name="time_machine_epochs",
              api_visibility="undocumented").then(
        friendly(show), [run, epoch], outputs, api_visibility="private")
    tab.select(pick_run, [run, epoch], epoch, api_visibility="private", queue=False)
    describe_from(figures, grid, "time-machine-grid")  # whatever showed the epoch: a slider, a run, a link
    return SimpleNamespace(run=run, epoch=epoch, grid=grid, first=first, second=second, figures=figures, note=note,
                           outputs=outputs, show=show, pick_run=pick_run)
