"""VAE vs GAN Lab: the Gradio app. It composes the page from one module per tab (`ui/`), each of
which lays out its tab and wires its events; the logic lives in `lab/` as plain functions.
Run `python app.py` (serves on 127.0.0.1:7860, or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT as on
Hugging Face Spaces)."""

import logging
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at import or launch
# Gradio's queue keeps every event's timings in memory (10,000 by default) and summarises all of them with
# pandas after each event: keep 1,000 and summarise every 100 events (`python -m benchmarks memory soak`
# measures memory)
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100")

from lab.memory import limit_fragmentation  # noqa: E402

# Before torch and Gradio start threads: two malloc arenas for all threads, buffers from 1 MB up unmapped when
# freed (lab/memory.py says why). python -m benchmarks memory soak --requests 2000 --clients 20 --cache-seconds 60:
# server RSS growth from before the first request +387 MB without, +102, +90, +92 MB with (docs/benchmarks.md, memory).
limit_fragmentation()

import gradio as gr  # noqa: E402
import torch  # noqa: E402

from lab.inputs import parse_int, parse_number  # noqa: E402
from lab.latent import manifold, model_latent_map  # noqa: E402
from lab.loading import Lab, StartupError, load_lab  # noqa: E402
from lab.preprocess import MAX_UPLOAD_MB  # noqa: E402
from lab.room import RoomLimits, Rooms, StoreError, open_store  # noqa: E402
from ui import access, links, presenter, room_page  # noqa: E402
from ui import anomaly as anomaly_tab  # noqa: E402
from ui import arena as arena_tab  # noqa: E402
from ui import generate as generate_tab  # noqa: E402
from ui import kl as kl_tab  # noqa: E402
from ui import latent as latent_tab  # noqa: E402
from ui import learn as learn_tab  # noqa: E402
from ui import mode_collapse as mode_collapse_tab  # noqa: E402
from ui import models as models_tab  # noqa: E402
from ui import quiz as quiz_tab  # noqa: E402
from ui import reconstruct as reconstruct_tab  # noqa: E402
from ui import room as room_tab  # noqa: E402
from ui import time_machine as time_machine_tab  # noqa: E402
from ui import use_cases as use_cases_tab  # noqa: E402
from ui.common import friendly, keep_cache_bounded  # noqa: E402

CSS = (
    "img { image-rendering: pixelated; }\n"  # keep upscaled 28x28 pixels square in the browser
    # a result picture's label on a line of its own above it and its buttons on that line too, so neither covers
    # the top row of a sample grid (Gradio floats both over the picture's top corners); a picture of fixed height
    # gives the label's line back (font x 1.5 + padding); uploads keep Gradio's layout
    ".block:not(:has(input[type=file])) > label[data-testid='block-label'].float:not(.sr-only) { position: static; }\n"
    ".block:not(:has(input[type=file])) > label[data-testid='block-label'].float:not(.sr-only) ~ .image-container "
    "{ height: calc(100% - var(--block-label-text-size) * 1.5 - 14px); }\n"
    ".block:not(:has(input[type=file])) > .image-container > .icon-button-wrapper.top-panel "
    "{ transform: translateY(-100%); }\n"
    + access.CSS
    + presenter.CSS
    + room_tab.CSS
)
# launch() settings, shared with the tests' app. show_error: a value the page never sends (a word for a slider,
# not a file for an image) gets Gradio's own message naming it; the app's own errors are gr.Error (ui/common.py).
# theme and head: ui/access.py (contrast, and repairs to Gradio's markup for screen readers).
LAUNCH = {"css": CSS, "theme": access.THEME, "head": access.HEAD, "max_file_size": f"{MAX_UPLOAD_MB}mb",
          "show_error": True}
CACHE_SECONDS = int(os.environ.get("LAB_CACHE_SECONDS", "3600"))  # uploads and results are deleted at this age
# torch's threads while Gradio runs events in parallel threads. `python -m benchmarks threads --workers 4
# --requests 36 --rounds 2` on the shared 2-core machine: 1 thread 2.38, 2.26 s; 2 threads 1.92, 2.53 s: no clear
# winner, so 1 (no oversubscription; the arena runs on one thread anyway). docs/benchmarks.md, threads.
TORCH_THREADS = 1
# Events of one kind that compute at once (Gradio's default: 1; the arena keeps its own limit of 1), one per core,
# each on TORCH_THREADS. `python -m benchmarks serving classroom` (40 students x 10 clicks), no other jobs on the
# machine:
# 1: 2.67 clicks/s, light clicks' p95 1.42x the floor's, /generate p95 26.2 s, 2 errors; 2: 2.87-3.7 clicks/s,
# 0.86-0.88x, 14.4-17.2 s, 0 errors (two runs); with the handlers on ui/common.py's compute threads: 2.61 clicks/s,
# 0.94x, 17.6 s, 0 errors.
# GRADIO_DEFAULT_CONCURRENCY_LIMIT overrides it (`serving classroom --env` measures other values). docs/benchmarks.md.
CONCURRENCY = 2


def serving_threads() -> int:
    """torch's thread count for serving: TORCH_THREADS, or LAB_TORCH_THREADS when set."""
    text = os.environ.get("LAB_TORCH_THREADS", str(TORCH_THREADS)).strip()
    if not text.isdigit() or int(text) < 1:
        raise StartupError(f"LAB_TORCH_THREADS must be a whole number of threads, at least 1; got {text!r}")
    return int(text)


def event_concurrency() -> int:
    """Events of one kind computing at once: CONCURRENCY, or GRADIO_DEFAULT_CONCURRENCY_LIMIT when set."""
    text = os.environ.get("GRADIO_DEFAULT_CONCURRENCY_LIMIT", str(CONCURRENCY)).strip()
    if not text.isdigit() or int(text) < 1:
        raise StartupError(f"GRADIO_DEFAULT_CONCURRENCY_LIMIT must be a whole number of events, at least 1; "
                           f"got {text!r}")
    return int(text)


INTRO = """# VAE vs GAN Lab
Two ways to teach a computer to make new images of handwritten digits (MNIST) and clothes
(Fashion-MNIST). A **variational autoencoder (VAE)** learns to squeeze every image into a few
numbers (its *latent code*) and back out again; a **generative adversarial network (GAN)** learns
by fooling a second network that tries to tell real images from fakes. The figures are measured
by a separate classifier network, never by the model itself, except two: **sharpness** is a pixel
statistic (edge strength), and the **anomaly percentile** comes from the VAE's own reconstruction error."""


def room_limits() -> RoomLimits:
    """Room mode's limits (lab/room/game.py), each replaced by its environment variable when set:
    LAB_ROOM_MAX_PEOPLE (phones in a room), LAB_ROOM_IDLE_HOURS (no activity before a room expires) and
    LAB_ROOM_MAX_OPEN (rooms open at once)."""
    default = RoomLimits()

    def read(variable: str, value, parse):
        text = os.environ.get(variable, "").strip()
        try:
            return parse(text) if text else value
        except ValueError as err:
            raise StartupError(str(err)) from None

    return RoomLimits(
        max_people=read("LAB_ROOM_MAX_PEOPLE", default.max_people, lambda t: parse_int(t, "LAB_ROOM_MAX_PEOPLE", 1)),
        idle_hours=read("LAB_ROOM_IDLE_HOURS", default.idle_hours,
                        lambda t: parse_number(t, "LAB_ROOM_IDLE_HOURS", positive=True, unit="hours")),
        max_open=read("LAB_ROOM_MAX_OPEN", default.max_open, lambda t: parse_int(t, "LAB_ROOM_MAX_OPEN", 1)))


def open_rooms(lab: Lab) -> Rooms:
    """Room mode's rooms, in the store LAB_ROOM_STORE names: unset, a SQLite file var/rooms.sqlite3; a
    redis://host:port/db URL for several replicas sharing their rooms (lab/room/store.py)."""
    return Rooms(lab, open_store(os.environ.get("LAB_ROOM_STORE")), limits=room_limits())


def launch_settings(rooms: Rooms) -> dict:
    """LAUNCH, plus the students' room page and its routes (ui/room_page.py) on the same server."""
    return {**LAUNCH, "app_kwargs": {"routes": room_page.routes(rooms)}}


def build_demo(lab: Lab, rooms: Rooms | None = None) -> gr.Blocks:
    rooms = rooms or open_rooms(lab)
    # Gradio deletes cached uploads and results at this age and at shutdown; keep_cache_bounded makes sure of it
    with gr.Blocks(title="VAE vs GAN Lab", delete_cache=(CACHE_SECONDS, CACHE_SECONDS)) as demo:
        gr.Markdown(INTRO, elem_id="intro")
        for notice in lab.notices:
            gr.Markdown(f"**Notice:** {notice}")
        switch = presenter.switch()
        link_note = links.note()  # what a link to a view got wrong, above the tabs; hidden for a good link
        with gr.Tabs() as tabs:
            learn_tab.build(lab, tabs)
            gen = generate_tab.build(lab)
            rec = reconstruct_tab.build(lab)
            lat = latent_tab.build(lab)
            kl = kl_tab.build(lab)
            anomaly_tab.build(lab)
            use_cases_tab.build(lab)
            arena = arena_tab.build(lab)
            time_machine = time_machine_tab.build(lab)
            mode_collapse = mode_collapse_tab.build(lab)
            quiz = quiz_tab.build(lab)
            room = room_tab.build(lab, rooms)
            models_tab.build(lab, rooms)

        # Cross-tab: after a reconstruction, its error map and steps, and the digit's ring on the latent map.
        def show_details(details):
            if not details:
                return None, None, model_latent_map(lab, "vae2d-mnist")
            return details["heatmap"], details["steps"], model_latent_map(lab, "vae2d-mnist", details["point"])

        for api_name, event in rec.done:
            event.success(friendly(show_details), rec.details, [rec.error, rec.steps, lat.vae_map],
                          api_name=f"{api_name}_details", api_visibility="undocumented")
        demo.load(friendly(lambda n: manifold(lab, n)), lat.grid_size, lat.grid, api_name="manifold_on_load",
                  api_visibility="undocumented")
        switched = presenter.wire(demo, switch, seeds=[gen.seed, kl.seed, *lat.seeds])  # fixed in presenter mode
        links.wire(demo, lab, tabs, link_note, switch, switched, gen=gen, arena=arena, time_machine=time_machine,
                   mode_collapse=mode_collapse, quiz=quiz)  # ?tab=...: the URL opens a view; a link on every tab
        arena_tab.wire(demo, arena)  # prefers-reduced-motion: fewer frames
        room_tab.wire(demo, room)  # a reload, or a restarted app, resumes this browser's room
    demo.queue(default_concurrency_limit=event_concurrency())
    keep_cache_bounded(demo, CACHE_SECONDS)
    return demo


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        torch.set_num_threads(serving_threads())
        event_concurrency()  # a bad setting is refused here, in one line
        lab = load_lab()
        rooms = open_rooms(lab)
    except (StartupError, StoreError) as err:  # one line naming the file and the fix, no traceback
        print(f"VAE vs GAN Lab {err}", file=sys.stderr)
        sys.exit(1)
    for name, loaded in lab.models.items():
        print(f"{name:26s} <- {loaded.origin}")
    for notice in lab.notices:
        print(f"NOTICE: {notice}")
    demo = build_demo(lab, rooms)
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")), **launch_settings(rooms))


if __name__ == "__main__":
    main()
