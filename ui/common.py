"""What every tab shares: bad input and failures shown as a short message on the page, and the model work
on a few long-lived threads (`friendly`), no stale outputs beside that message (`clear_on_failure`), image
inputs that hand the app the file exactly as uploaded (`ImageUpload`, `Drawing`), so that lab/preprocess.py
decodes it and can say what is wrong with it, drawing pads with the brush in hand (`ready_to_draw`), example
pictures to click (`examples`), and a cache of uploads and results that stays bounded (`keep_cache_bounded`)."""

import contextvars
import functools
import logging
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import gradio as gr
import numpy as np
from gradio.utils import get_upload_folder, is_in_or_equal
from PIL import Image

log = logging.getLogger("lab")

BAD_INPUT = (ValueError, FileNotFoundError)  # raised with a message for the page (PreprocessError is a ValueError)
# Handlers run on these long-lived threads, not on whichever of Gradio's worker threads (up to 40, started and
# ended as traffic comes and goes) picks up the event: each thread that has run the models keeps about 5 MB for
# as long as it lives (most likely oneDNN's per-thread scratchpad). `python -m benchmarks memory per-thread
# --threads 30`: requests run by 30 live threads themselves +146 MB (4.9 MB a thread); the same requests handed
# to these 4 threads +27 MB (docs/benchmarks.md, memory). Four: on two cores, one computing and one waiting each.
COMPUTE_THREADS = 4
COMPUTE_PREFIX = "lab-compute"
_compute = ThreadPoolExecutor(max_workers=COMPUTE_THREADS, thread_name_prefix=COMPUTE_PREFIX)


def friendly(fn):
    """The one place that maps exceptions to `gr.Error`. Bad input: its own message. Anything else
    (a RuntimeError or KeyError from model code): logged with its traceback on the server, and a short
    message on the page. `fn` runs on one of the COMPUTE_THREADS threads, with the caller's context
    (Gradio's progress bar and request go along); the caller waits for it."""

    @functools.wraps(fn)
    def wrapper(*args):
        try:
            if threading.current_thread().name.startswith(COMPUTE_PREFIX):  # already on one: no deadlock
                return fn(*args)
            return _compute.submit(contextvars.copy_context().run, fn, *args).result()
        except gr.Error:
            raise
        except BAD_INPUT as err:
            raise gr.Error(str(err), print_exception=False) from err
        except Exception as err:
            log.exception("%s failed", getattr(fn, "__name__", "request"))
            raise gr.Error(f"Something went wrong inside the app ({type(err).__name__}); it is in the server log. "
                           "Try again, or other settings.", print_exception=False) from err

    return wrapper


def clear_on_failure(event, outputs: list) -> None:
    """When `event` fails, empty `outputs`, so no result of an earlier request stays beside the error."""
    event.failure(lambda: None if len(outputs) == 1 else [None] * len(outputs), None, outputs,
                  api_visibility="private", queue=False)


def bring_into_view(event, elem_id: str) -> None:
    """When `event` succeeds, scroll its result (the element `elem_id`) into the window, so that an action low
    on a tab shows its result on a projector without anyone scrolling. `block: "nearest"`: the page does not
    move when the result is already in view; again after 500 ms, once the result's pictures have loaded."""
    scroll = f"document.getElementById('{elem_id}')?.scrollIntoView({{block: 'nearest'}})"
    event.success(None, None, None, queue=False, api_visibility="private",
                  js=f"() => {{ {scroll}; setTimeout(() => {scroll}, 500); }}")


def uploaded(path: str) -> str:
    """`path`, if it is a file uploaded to this server: an API call could name any file on it."""
    if not is_in_or_equal(path, get_upload_folder()):
        raise gr.Error("Send the picture itself (gradio_client.handle_file), not a path on the server.")
    return path


class ResultImage(gr.Image):
    """gr.Image for a result picture, safe when two requests make the same picture at once. Gradio stores an
    array's PNG in its cache under a folder named by the PNG's hash and writes it in place (truncate, then
    write), so a second identical result (a class in presenter mode, all on seed 0) rewrites the file while the
    first is being downloaded: CI saw a client read 0 of 11,024 bytes. This writes the file once, under a
    temporary name renamed into place, and hands out the finished file after that, as Gradio already does for
    files it copies (gradio.processing_utils.save_file_to_cache)."""

    is_template = True  # the page and the API show it as a plain gr.Image

    def postprocess(self, value):
        if isinstance(value, np.ndarray):
            value = Image.fromarray(value)
        if isinstance(value, Image.Image):
            value = save_result(value, self.GRADIO_CACHE, self.format or "png")
        return super().postprocess(value)


def save_result(picture: Image.Image, cache_dir: str, format: str) -> str:
    """The picture's file in Gradio's cache (its folder named by the encoded bytes' hash, as Gradio names it),
    written atomically the first time and reused after that."""
    from gradio.processing_utils import encode_pil_to_bytes, hash_bytes

    data = encode_pil_to_bytes(picture, format)
    folder = Path(cache_dir) / hash_bytes(data)
    path = folder / f"image.{format}"
    if path.exists():
        os.utime(path)  # handed out again: Gradio's cache deletes files by age
        return str(path)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".image-{uuid.uuid4().hex}.part"
    partial.write_bytes(data)
    os.replace(partial, path)  # atomic: a reader sees no file or the whole file
    return str(path)


class ImageUpload(gr.Image):
    """gr.Image whose upload reaches the function as the path of the file as uploaded. (gr.Image opens
    the file first and converts it to RGB: a bad file fails before the app can say what is wrong,
    and a drawing's transparency is lost.) lab/preprocess.py `load_image` decodes it."""

    is_template = True  # the page and the API show it as a plain gr.Image

    def preprocess(self, payload):
        return None if payload is None else uploaded(payload.path)


class Drawing(gr.Sketchpad):
    """gr.Sketchpad whose value reaches the function undecoded: a dict of `background`, `layers` and
    `composite`, each a file path or PNG bytes (or None), decoded by lab/preprocess.py."""

    def get_block_name(self) -> str:  # the page and the API show it as gr.Sketchpad does: an ImageEditor
        return "imageeditor"

    def get_block_class(self) -> str:
        return "imageeditor"

    def preprocess(self, payload):
        if payload is None:
            return None
        if payload.id is not None:  # the page sends the canvas as blobs, kept by id
            blobs = self.blob_storage.pop(payload.id, None)
            if blobs is None:
                return None
            return {"background": blobs.background, "layers": list(blobs.layers), "composite": blobs.composite}
        path = lambda f: None if f is None else uploaded(f.path)  # noqa: E731
        return {"background": path(payload.background), "layers": [path(f) for f in payload.layers],
                "composite": path(payload.composite)}


# Gradio 6.31's drawing pad opens with no tool selected, and goes back to none when it is cleared (its frontend
# starts on its "image" tool, with no Python option to change that), so the mouse draws nothing until the small
# brush icon is found. This clicks that icon for the student, as soon as the pad is on the page; CLEAR first clicks
# the pad's own "Clear canvas" icon (setting the pad's value from Python instead reloads the whole editor).
SELECT_BRUSH = """(...args) => {
  const pick = (tries) => {
    const pad = document.querySelector('#ELEM_ID');
    const brush = pad && pad.querySelector('button[aria-label="Brush"]');
    if (brush && pad.querySelector('canvas')) brush.click();  // the canvas is there: the editor is ready
    else if (tries > 0) setTimeout(() => pick(tries - 1), 100);
  };
  CLEAR
  setTimeout(() => pick(50), 50);
  return args;
}"""
CLEAR = """document.querySelector('#ELEM_ID button[aria-label="Clear canvas"]')?.click();"""


def ready_to_draw(pad: gr.ImageEditor, tab: gr.Tab, clear: gr.Button) -> None:
    """Select `pad`'s brush when `tab` opens and after clearing, by the pad's own trash icon or by `clear`."""
    select = SELECT_BRUSH.replace("CLEAR", "").replace("ELEM_ID", pad.elem_id)
    tab.select(None, None, None, js=select, queue=False, api_visibility="private")
    pad.clear(None, None, None, js=select, queue=False, api_visibility="private")
    clear.click(None, None, None, js=SELECT_BRUSH.replace("CLEAR", CLEAR).replace("ELEM_ID", pad.elem_id),
                queue=False, api_visibility="private")


def examples(rows: list, inputs: list, label: str, elem_id: str, visible_columns: list[int] | None = None):
    """Example pictures (and settings) to click: they fill `inputs` as an upload would, for the same functions.
    `visible_columns`: the inputs whose values are shown (e.g. only the picture: a row of thumbnails that also
    sets the data set); all are filled."""
    return gr.Examples(rows, inputs=inputs, label=label, cache_examples=False, api_visibility="private",
                       examples_per_page=12, elem_id=elem_id, visible_columns=visible_columns)


def delete_old_files(demo: gr.Blocks, age: float) -> int:
    """Delete the uploads and results `demo` cached more than `age` seconds ago; returns how many.
    Gradio's own `delete_cache` does this too, but it loops over the live sets that request threads add
    to, and the first "Set changed size during iteration" stops it for good (seen in `python -m benchmarks memory
    soak`): this loops over copies."""
    keep = set().union(*(getattr(block, "keep_in_cache", set()) for block in demo.blocks.values()))
    now, deleted = time.time(), 0
    for files in demo.temp_file_sets:
        for path in list(files):  # a copy, taken atomically
            if path in keep:
                continue
            try:
                if now - os.lstat(path).st_ctime > age:
                    os.remove(path)
                    files.discard(path)
                    deleted += 1
            except FileNotFoundError:
                files.discard(path)
    return deleted


def keep_cache_bounded(demo: gr.Blocks, age: float) -> threading.Thread:
    """Every `age` / 6 seconds (at most 10 minutes), delete what `demo` cached more than `age` seconds ago."""

    def sweep():
        while True:
            time.sleep(min(600.0, age / 6))
            try:
                delete_old_files(demo, age)
            except OSError:  # e.g. a file that cannot be removed: try again next time
                log.exception("cache sweep failed")

    thread = threading.Thread(target=sweep, name="cache-sweep", daemon=True)
    thread.start()
    return thread
