"""Tab "Arena": a small GAN and a small VAE trained live, side by side, on 2-D toy data."""

import tempfile
from dataclasses import replace
from types import SimpleNamespace

import gradio as gr

from lab.arena import (
    DEFAULT_LAYERS,
    G_LOSSES,
    LAYERS,
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
    history_csv,
    settings_from,
    thinned,
    train,
)
from lab.arena.data import DRAWN, DrawnData, read_drawing
from lab.arena.training import ACTIONS, MAX_CLICK_STEPS, ArenaRun
from lab.loading import Lab
from ui.access import ALT_TEXT, describe_from
from ui.common import Drawing, ResultImage, ready_to_draw
from ui.presenter import explain

DRAW_CANVAS = 300  # the pad's side in pixels: the whole plane, [-2.5, 2.5]^2
STEP_CONCURRENCY = 2  # step-mode clicks computing at once, app-wide (each well under a second)
STATE_SECONDS = 1800  # a session's step-mode networks are freed this long after its last click (or its tab closes)
ARENA_CONCURRENCY = 1  # arena runs at once, app-wide; the rest wait in the queue (`python -m benchmarks arena queue`)

HELP = """**Why does a GAN need a discriminator?** Left, the GAN: its discriminator D colours the plane
**blue** where it says "real" and **yellow** where it says "fake"; black dots are real data, **red crosses**
G's samples, which only ever move towards blue. Right: a **VAE** (blue crosses), same data, same seed, no
opponent.

**Step by step.** **D step** updates only D: the colours change, the crosses stay. **G step** updates only G (and
the VAE once): the crosses move along their **violet arrows**, minus the gradient of G's loss at each point.
**Run from here** continues the same networks; **Reset** starts over with the knobs. The **meshes** are G's
image of a regular grid of noise (folds are where modes get lost) and the VAE decoder's; **VAE z-space**
shows where the encoder puts real points, q(z|x) as ellipses, against N(0, I)'s circles."""


OBJECTIVES = r"""D's output is $l$; for the first two, $D(x) = \sigma(l)$, the probability that $x$ is real.

| objective | D minimizes | G minimizes | source |
|---|---|---|---|
| non-saturating | $-\log D(x) - \log(1 - D(G(z)))$ | $-\log D(G(z))$ | Goodfellow et al. 2014, sec. 3 |
| minimax | the same | $\log(1 - D(G(z)))$: flat once D rejects every fake | Goodfellow et al. 2014, eq. 1 |
| least squares | $\tfrac12 (l(x) - 1)^2 + \tfrac12 l(G(z))^2$ | $\tfrac12 (l(G(z)) - 1)^2$ | LSGAN, Mao et al. \
2017, eq. 2 |
| Wasserstein-GP | $l(G(z)) - l(x) + 10\,(\lVert\nabla l(\hat x)\rVert - 1)^2$ | $-l(G(z))$ | WGAN-GP, \
Gulrajani et al. 2017, alg. 1 |

$\hat x$ is a random point between a real point and a fake. For the last two the heat map shows D's score
clipped to [0, 1] (least squares) or $\sigma(l - c)$, $c$ midway between the critic's mean scores of real and
fake points (Wasserstein: its scale means nothing)."""
LATEX = [{"left": "$", "right": "$", "display": False}]

# Runs in the browser when the page loads: whether the visitor asked their system for less motion.
REDUCED_MOTION_JS = "() => [window.matchMedia('(prefers-reduced-motion: reduce)').matches]"


def build(lab: Lab) -> SimpleNamespace:
    guard, reduced = RunGuard(), ReducedMotion()

    def fresh(preset, *knob_values, drawn: DrawnData | None = None) -> ArenaRun:
        """New networks for the preset's settings (the knobs', for "custom"); with the Data knob on DRAWN, the
        preset's settings on the visitor's drawing."""
        try:
            settings = settings_from(preset, *knob_values)
            if knob_values[0] == DRAWN:
                settings = replace(settings, dataset=DRAWN)
            return ArenaRun(settings, drawn=drawn)
        except ValueError as err:
            raise gr.Error(str(err)) from err

    def on_train(preset, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps,
                 freeze_d, chosen=None, drawn=None, request: gr.Request = None):
        run_state = fresh(preset, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps,
                          freeze_d, drawn=drawn)  # kept in the session: step mode and "Run from here" go on from it
        settings = run_state.settings
        session = request.session_hash if request is not None else None
        if not guard.acquire(session):
            raise gr.Error("This browser already has a run going: wait for it to finish or press Stop.")
        frames = train(settings, state=run_state)
        if session in reduced:  # the same run, one picture in REDUCED_MOTION_STRIDE
            frames = thinned(frames, REDUCED_MOTION_STRIDE)
        try:
            for frame in frames:
                yield (*arena_outputs(frame, settings, chosen), run_state)
        finally:
            guard.release(session)

    def pick_preset(name, current):
        """The preset's story and knobs; a drawing chosen as the data stays the data."""
        if name not in PRESETS:
            return [gr.update()] * 12
        s = PRESETS[name]
        return (PRESET_STORY[name], current if current == DRAWN else s.dataset, s.lr_g, s.lr_d, s.d_steps,
                s.noise_dim, s.hidden, s.batch_size,
                s.g_loss, s.seed, s.steps, s.freeze_d)

    first = "healthy"
    s0 = PRESETS[first]
    with gr.Tab("Arena", id="arena", elem_id="tab-arena") as tab:
        explain(HELP, "Explanation: the colours and dots")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                with gr.Row():
                    preset = gr.Dropdown([*PRESETS, "custom"], value=first, label="Preset (sets the knobs below)",
                                         elem_id="arena-preset", scale=3)
                    dataset = gr.Dropdown([*TOY_DATASETS, DRAWN], value=s0.dataset, label="Data",
                                          elem_id="arena-dataset", scale=3)
                    train_button = gr.Button("Train", variant="primary", elem_id="arena-train", scale=1,
                                             min_width=90)
                    stop_button = gr.Button("Stop", elem_id="arena-stop", scale=1, min_width=90)
                image = ResultImage(label="GAN (left) and VAE (right), live", format="png",
                                 alt_text=ALT_TEXT["arena-image"], interactive=False,
                                 height=330, show_label=False, elem_id="arena-image")
                with gr.Row(elem_id="arena-step-row"):
                    d_button = gr.Button("D step", elem_id="arena-d-step", min_width=80)
                    g_button = gr.Button("G step", elem_id="arena-g-step", min_width=80)
                    both_button = gr.Button("Step (D then G)", elem_id="arena-step", min_width=120)
                    x10_button = gr.Button("×10", elem_id="arena-x10", min_width=60)
                    x100_button = gr.Button("×100", elem_id="arena-x100", min_width=60)
                    continue_button = gr.Button("Run from here", elem_id="arena-continue", min_width=110)
                    reset_button = gr.Button("Reset", elem_id="arena-reset", min_width=70)
            with gr.Column(scale=2):
                story = gr.Markdown(PRESET_STORY[first], elem_id="arena-story")
                meter = gr.Markdown("Press **Train** to start.", elem_id="arena-meter")
                losses = ResultImage(label="GAN: losses and D's verdicts", format="png",
                                  alt_text=ALT_TEXT["arena-losses"], interactive=False,
                                  show_label=False, height=200, elem_id="arena-losses")
                cover = ResultImage(label="Mode coverage of GAN and VAE", format="png",
                                 alt_text=ALT_TEXT["arena-coverage"], interactive=False,
                                 show_label=False, height=184, elem_id="arena-coverage")
                layers = gr.CheckboxGroup(LAYERS, value=DEFAULT_LAYERS, label="Layers on the picture",
                                          elem_id="arena-layers")
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
        with gr.Accordion("Draw your own data", open=False, elem_id="arena-draw"):
            with gr.Row():
                pad = Drawing(label="Paint where the data should be (the square is the plane)", type="numpy",
                              canvas_size=(DRAW_CANVAS, DRAW_CANVAS), format="png", elem_id="arena-pad",
                              brush=gr.Brush(default_size=10, colors=["#000000"], color_mode="fixed"))
                with gr.Column():
                    use_button = gr.Button("Use my drawing as the data", variant="primary", elem_id="arena-use-drawing")
                    clear_pad = gr.Button("Clear the pad", variant="secondary", elem_id="arena-pad-clear")
                    drawing_note = gr.Markdown("A ring, a letter, a few blobs: the arena samples its points from what "
                                               "you paint.", elem_id="arena-drawing-note")
        with gr.Row(elem_classes=["presenter-hide"]):
            export_button = gr.Button("Export the run's figures (CSV)", elem_id="arena-export", scale=1)
            export_file = gr.File(label="The figures, one row per frame (the picture: its download button)",
                                  elem_id="arena-export-file", scale=3)
        with gr.Accordion("The four objectives: equations and sources", open=False):
            gr.Markdown(OBJECTIVES, latex_delimiters=LATEX)
        with gr.Accordion("All figures of the latest frame (JSON)", open=False):
            figures = gr.JSON(label="Figures", max_height=300, elem_id="arena-figures")
        # the API's step-mode endpoint: its action and count (the buttons above send theirs without these)
        api_action = gr.Radio(list(ACTIONS), value="D then G", label="Step", visible=False)
        api_n = gr.Number(1, precision=0, label="Steps", visible=False)
        api_step = gr.Button("Step (API)", visible=False)
        state = gr.State(None, time_to_live=STATE_SECONDS)  # the session's ArenaRun (lab/arena/training.py)
        chosen_layers = gr.State(DEFAULT_LAYERS)  # the layers ticked: the endpoints read them here, not as inputs
        drawn_state = gr.State(None, time_to_live=STATE_SECONDS)  # the visitor's drawing as data (DrawnData)

    knobs = [dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps, freeze_d]
    outputs = [image, losses, cover, meter, figures]

    def on_reset(preset, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps, freeze_d,
                 chosen=None, drawn=None):
        """`/arena_reset`: new networks from the preset (or the knobs, for "custom"): the frame at step 0."""
        run_state = fresh(preset, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps,
                          freeze_d, drawn=drawn)
        return (*arena_outputs(run_state.frame(), run_state.settings, chosen), run_state)

    def stepped(run_state, start, action, n, chosen):
        """`n` times `action` on the session's networks; with none yet, on new ones from `start()`, whose frame at
        step 0 goes first into their history."""
        if run_state is None:
            run_state = start()
            run_state.frame()
        return (*arena_outputs(run_state.step(action, n), run_state.settings, chosen), run_state)

    def stepper(action: str, n: int):
        def on_click(run_state, chosen, drawn, preset, *knob_values):  # the first click starts from the knobs
            return stepped(run_state, lambda: fresh(preset, *knob_values, drawn=drawn), action, n, chosen)
        return on_click

    def on_api_step(run_state, action, n, chosen):
        """`/arena_step`: `n` times `action` on this session's networks (the healthy preset's, if none yet)."""
        try:
            return stepped(run_state, lambda: ArenaRun(PRESETS[first]), action, n, chosen)
        except ValueError as err:
            raise gr.Error(str(err)) from err

    def on_continue(run_state, chosen, drawn, preset, *knob_values, request: gr.Request = None):
        """Run from here: the session's networks, streamed as a run for its own settings' steps."""
        run_state = run_state or fresh(preset, *knob_values, drawn=drawn)
        session = request.session_hash if request is not None else None
        if not guard.acquire(session):
            raise gr.Error("This browser already has a run going: wait for it to finish or press Stop.")
        try:
            for frame in train(run_state.settings, state=run_state):
                yield (*arena_outputs(frame, run_state.settings, chosen), run_state)
        finally:
            guard.release(session)

    def on_layers(run_state, chosen):
        """The layers ticked, and the latest frame redrawn with them (nothing trains)."""
        if run_state is None or run_state.last_frame is None:
            return (*[gr.skip()] * len(outputs), chosen)
        return (*arena_outputs(run_state.last_frame, run_state.settings, chosen), chosen)

    layers.change(on_layers, [state, layers], [*outputs, chosen_layers], api_visibility="private",
                  concurrency_limit=STEP_CONCURRENCY, concurrency_id="arena-step")
    def on_export(run_state):
        """The session's figures as a CSV file to download."""
        try:
            text = history_csv(run_state.history if run_state is not None else [])
        except ValueError as err:
            raise gr.Error(str(err)) from err
        with tempfile.NamedTemporaryFile("w", suffix=".csv", prefix="arena-figures-", delete=False,
                                         encoding="utf-8") as f:
            f.write(text)
        return f.name

    export_button.click(on_export, state, export_file, api_visibility="private")
    def use_drawing(value):
        """The pad's painting as the data: the Data knob on it, the preset custom; the next Train, Reset or step
        uses it."""
        try:
            drawn = read_drawing(value)
        except ValueError as err:
            raise gr.Error(str(err)) from err
        note = (f"**Your drawing is the data:** {int(drawn.cells.sum())} painted cells of {drawn.cells.size}. Press "
                "**Train**, **Reset** or a step button; a preset keeps it as the data.")
        return drawn, DRAWN, note

    use_button.click(use_drawing, pad, [drawn_state, dataset, drawing_note], api_visibility="private")
    ready_to_draw(pad, tab, clear_pad)  # the brush is ready when the tab opens and after clearing
    step_inputs = [state, chosen_layers, drawn_state, preset, *knobs]
    for button, action, n in [(d_button, "D", 1), (g_button, "G", 1), (both_button, "D then G", 1),
                              (x10_button, "D then G", 10), (x100_button, "D then G", MAX_CLICK_STEPS)]:
        button.click(stepper(action, n), step_inputs, [*outputs, state], concurrency_limit=STEP_CONCURRENCY,
                     concurrency_id="arena-step", api_visibility="private")
    api_step.click(on_api_step, [state, api_action, api_n, chosen_layers], [*outputs, state], api_name="arena_step",
                   concurrency_limit=STEP_CONCURRENCY, concurrency_id="arena-step")
    reset_button.click(on_reset, [preset, *knobs, chosen_layers, drawn_state], [*outputs, state],
                       api_name="arena_reset",
                       concurrency_limit=STEP_CONCURRENCY, concurrency_id="arena-step")
    continue_event = continue_button.click(on_continue, step_inputs, [*outputs, state], api_visibility="private",
                                           concurrency_limit=ARENA_CONCURRENCY, concurrency_id="arena")
    preset.change(pick_preset, [preset, dataset], [story, *knobs], api_visibility="private")
    for knob in knobs:
        knob.input(lambda: ("custom", "**Custom settings.**"), None, [preset, story], api_visibility="private")
    run_event = train_button.click(on_train, [preset, *knobs, chosen_layers, drawn_state], [*outputs, state],
                                   api_name="arena", concurrency_limit=ARENA_CONCURRENCY,
                                   concurrency_id="arena")
    stop_button.click(None, None, None, cancels=[run_event, continue_event])
    describe_from(figures, image, "arena-image")  # with each frame's figures
    return SimpleNamespace(preset=preset, story=story, knobs=knobs, train=train_button, stop=stop_button, image=image,
                           layers=layers, state=state, step_buttons=[d_button, g_button, both_button, x10_button,
                                                                     x100_button, continue_button, reset_button],
                           losses=losses, cover=cover, meter=meter, figures=figures, guard=guard, reduced=reduced)


def wire(demo: gr.Blocks, arena: SimpleNamespace) -> None:
    """When the page loads, tell the server whether this browser prefers reduced motion (`arena.reduced`)."""

    def remember(reduce, request: gr.Request):
        arena.reduced.remember(request.session_hash if request is not None else None, bool(reduce))

    # the browser sets the hidden checkbox; its change tells the server (a load event's `js` does not reach `fn`)
    motion = gr.Checkbox(False, visible=False, label="Reduced motion", elem_id="arena-reduced-motion")
    demo.load(None, None, motion, js=REDUCED_MOTION_JS, queue=False, api_visibility="private")
    motion.change(remember, motion, None, queue=False, api_visibility="private")
