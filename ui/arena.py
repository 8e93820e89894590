"""Tab "Arena": a small GAN and a small VAE trained live, side by side, on 2-D toy data."""

from types import SimpleNamespace

import gradio as gr

from lab.arena import (
    G_LOSSES,
    MAX_BATCH,
    MAX_D_STEPS,
    MAX_HIDDEN,
    MAX_NOISE,
    MAX_STEPS,
    PRESET_STORY,
    PRESETS,
    REDUCED_MOTION_STRIDE,
    TOY_DATASETS,
    ReducedMotion,
    RunGuard,
    arena_outputs,
    settings_from,
    thinned,
    train,
)
from lab.loading import Lab
from ui.access import ALT_TEXT, describe_from
from ui.presenter import explain

ARENA_CONCURRENCY = 1  # arena runs at once, app-wide; the rest wait in the queue (`python -m benchmarks arena queue`)

HELP = """**Why does a GAN need a discriminator?** Left, the GAN: its discriminator D colours the plane
**blue** where it says "real" and **yellow** where it says "fake"; black dots are real data, **red crosses**
G's samples, which only ever move towards blue. Right: a **VAE** (blue crosses), same data, same seed, no
opponent."""


OBJECTIVES = r"""D's output is $l$; for the first two, $D(x) = \sigma(l)$, the probability that $x$ is real.

| objective | D minimizes | G minimizes | source |
|---|---|---|---|
| non-saturating | $-\log D(x) - \log(1 - D(G(z)))$ | $-\log D(G(z))$ | Goodfellow et al. 2014, sec. 3 |
| minimax | the same | $\log(1 - D(G(z)))$: flat once D rejects every fake | Goodfellow et al. 2014, eq. 1 |
| least squares | $\tfrac12 (l(x) - 1)^2 + \tfrac12 l(G(z))^2$ | $\tfrac12 (l(G(z)) - 1)^2$ | LSGAN, Mao et al. 2017, eq. 2 |
| Wasserstein-GP | $l(G(z)) - l(x) + 10\,(\lVert\nabla l(\hat x)\rVert - 1)^2$ | $-l(G(z))$ | WGAN-GP, Gulrajani et al. 2017, alg. 1 |

$\hat x$ is a random point between a real point and a fake. For the last two the heat map shows D's score
clipped to [0, 1] (least squares) or $\sigma(l - c)$, $c$ midway between the critic's mean scores of real and
fake points (Wasserstein: its scale means nothing)."""
LATEX = [{"left": "$", "right": "$", "display": False}]

# Runs in the browser when the page loads: whether the visitor asked their system for less motion.
REDUCED_MOTION_JS = "() => [window.matchMedia('(prefers-reduced-motion: reduce)').matches]"


def build(lab: Lab) -> SimpleNamespace:
    guard, reduced = RunGuard(), ReducedMotion()

    def on_train(preset, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps,
                 freeze_d, request: gr.Request):
        try:
            settings = settings_from(preset, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss,
                                     seed, steps, freeze_d)
        except ValueError as err:
            raise gr.Error(str(err)) from err
        session = request.session_hash if request is not None else None
        if not guard.acquire(session):
            raise gr.Error("This browser already has a run going: wait for it to finish or press Stop.")
        frames = train(settings)
        if session in reduced:  # the same run, one picture in REDUCED_MOTION_STRIDE
            frames = thinned(frames, REDUCED_MOTION_STRIDE)
        try:
            for frame in frames:
                yield arena_outputs(frame, settings)
        finally:
            guard.release(session)

    def pick_preset(name):
        if name not in PRESETS:
            return [gr.update()] * 12
        s = PRESETS[name]
        return (PRESET_STORY[name], s.dataset, s.lr_g, s.lr_d, s.d_steps, s.noise_dim, s.hidden, s.batch_size,
                s.g_loss, s.seed, s.steps, s.freeze_d)

    first = "healthy"
    s0 = PRESETS[first]
    with gr.Tab("Arena", id="arena", elem_id="tab-arena"):
        explain(HELP, "Explanation: the colours and dots")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                with gr.Row():
                    preset = gr.Dropdown([*PRESETS, "custom"], value=first, label="Preset (sets the knobs below)",
                                         elem_id="arena-preset", scale=3)
                    dataset = gr.Dropdown(TOY_DATASETS, value=s0.dataset, label="Data", elem_id="arena-dataset",
                                          scale=3)
                    train_button = gr.Button("Train", variant="primary", elem_id="arena-train", scale=1,
                                             min_width=90)
                    stop_button = gr.Button("Stop", elem_id="arena-stop", scale=1, min_width=90)
                image = gr.Image(label="GAN (left) and VAE (right), live", format="png",
                                 alt_text=ALT_TEXT["arena-image"], interactive=False,
                                 height=330, show_label=False, elem_id="arena-image")
            with gr.Column(scale=2):
                story = gr.Markdown(PRESET_STORY[first], elem_id="arena-story")
                meter = gr.Markdown("Press **Train** to start.", elem_id="arena-meter")
                losses = gr.Image(label="GAN: losses and D's verdicts", format="png",
                                  alt_text=ALT_TEXT["arena-losses"], interactive=False,
                                  show_label=False, height=200, elem_id="arena-losses")
                cover = gr.Image(label="Mode coverage of GAN and VAE", format="png",
                                 alt_text=ALT_TEXT["arena-coverage"], interactive=False,
                                 show_label=False, height=184, elem_id="arena-coverage")
        with gr.Accordion("Knobs (moving one switches the preset to custom)", open=True,
                          elem_classes=["presenter-hide"]):
            with gr.Row():
                lr_g = gr.Number(s0.lr_g, label="G learning rate", minimum=1e-6, maximum=0.1)
                lr_d = gr.Number(s0.lr_d, label="D learning rate", minimum=1e-6, maximum=0.1)
                d_steps = gr.Slider(1, MAX_D_STEPS, value=s0.d_steps, step=1, label="D steps per G step")
                g_loss = gr.Radio(G_LOSSES, value=s0.g_loss, label="Objective (G's loss, and D's with it)")
                freeze_d = gr.Checkbox(s0.freeze_d, label="Freeze the discriminator (D never learns)")
            with gr.Row():
                noise_dim = gr.Slider(1, MAX_NOISE, value=s0.noise_dim, step=1, label="Noise size (z)")
                hidden = gr.Slider(4, MAX_HIDDEN, value=s0.hidden, step=4, label="Hidden width (every layer)")
                batch_size = gr.Slider(8, MAX_BATCH, value=s0.batch_size, step=8, label="Batch size")
                steps = gr.Slider(100, MAX_STEPS, value=s0.steps, step=100, label="Training steps (G updates)",
                                  elem_id="arena-steps")
                seed = gr.Number(s0.seed, precision=0, minimum=0, label="Seed")
        with gr.Accordion("The four objectives: equations and sources", open=False):
            gr.Markdown(OBJECTIVES, latex_delimiters=LATEX)
        with gr.Accordion("All figures of the latest frame (JSON)", open=False):
            figures = gr.JSON(label="Figures", max_height=300)

    knobs = [dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps, freeze_d]
    preset.change(pick_preset, preset, [story, *knobs], api_visibility="private")
    for knob in knobs:
        knob.input(lambda: ("custom", "**Custom settings.**"), None, [preset, story], api_visibility="private")
    run_event = train_button.click(on_train, [preset, *knobs], [image, losses, cover, meter, figures],
                                   api_name="arena", concurrency_limit=ARENA_CONCURRENCY,
                                   concurrency_id="arena")
    stop_button.click(None, None, None, cancels=[run_event])
    describe_from(figures, image, "arena-image")  # with each frame's figures
    return SimpleNamespace(preset=preset, story=story, knobs=knobs, train=train_button, stop=stop_button, image=image,
                           losses=losses, cover=cover, meter=meter, figures=figures, guard=guard, reduced=reduced)


def wire(demo: gr.Blocks, arena: SimpleNamespace) -> None:
    """When the page loads, tell the server whether this browser prefers reduced motion (`arena.reduced`)."""

    def remember(reduce, request: gr.Request):
        arena.reduced.remember(request.session_hash if request is not None else None, bool(reduce))

    # the browser sets the hidden checkbox; its change tells the server (a load event's `js` does not reach `fn`)
    motion = gr.Checkbox(False, visible=False, label="Reduced motion", elem_id="arena-reduced-motion")
    demo.load(None, None, motion, js=REDUCED_MOTION_JS, queue=False, api_visibility="private")
    motion.change(remember, motion, None, queue=False, api_visibility="private")
