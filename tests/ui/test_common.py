"""ui/common.py: the one place that maps exceptions to gr.Error, and the upload components' raw paths."""

import logging
from pathlib import Path

import gradio as gr
import pytest
from gradio.utils import get_upload_folder

from lab.preprocess import PreprocessError
from ui.common import friendly, uploaded


def test_bad_input_keeps_its_message():
    @friendly
    def parse(value):
        raise PreprocessError(f"No ink found in {value}.")

    with pytest.raises(gr.Error) as caught:
        parse("x.png")
    assert caught.value.message == "No ink found in x.png."


@pytest.mark.parametrize("error", [RuntimeError("shape '[-1, 64, 7, 7]' is invalid for input of size 5"),
                                   KeyError("vae-mnist")])
def test_model_errors_are_logged_with_their_traceback_and_shown_short(error, caplog):
    @friendly
    def decode(z):
        raise error

    with caplog.at_level(logging.ERROR, logger="lab"), pytest.raises(gr.Error) as caught:
        decode(1)
    name = type(error).__name__
    assert caught.value.message == (f"Something went wrong inside the app ({name}); it is in the server log. "
                                    "Try again, or other settings.")
    record = caplog.records[-1]
    assert record.getMessage() == "decode failed" and record.exc_info[0] is type(error)
    assert "Traceback" in caplog.text and str(error.args[0]) in caplog.text


def test_gr_errors_pass_through_and_results_are_returned():
    assert friendly(lambda a, b: a + b)(2, 3) == 5
    with pytest.raises(gr.Error, match="as is"):
        friendly(lambda: (_ for _ in ()).throw(gr.Error("as is")))()


def test_handlers_run_on_the_few_compute_threads_with_the_callers_context():
    import contextvars
    import threading

    from ui.common import COMPUTE_PREFIX, COMPUTE_THREADS

    request = contextvars.ContextVar("request")  # as Gradio's LocalContext carries the event and its progress bar
    seen, gate = [], threading.Barrier(COMPUTE_THREADS)

    @friendly
    def handler(i):
        gate.wait(timeout=10)  # the pool's threads are all busy at once: the callers share them
        seen.append((threading.current_thread().name, request.get()))
        return i * i

    results = {}

    def caller(i):
        request.set(f"event {i}")
        results[i] = handler(i)

    callers = [threading.Thread(target=caller, args=(i,)) for i in range(3 * COMPUTE_THREADS)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    assert results == {i: i * i for i in range(3 * COMPUTE_THREADS)}
    names = {name for name, _ in seen}
    assert len(names) == COMPUTE_THREADS and all(n.startswith(COMPUTE_PREFIX) for n in names)
    assert sorted(event for _, event in seen) == sorted(f"event {i}" for i in range(3 * COMPUTE_THREADS))


def test_a_handler_calling_a_handler_runs_it_in_place():
    import threading

    inner = friendly(lambda: threading.current_thread().name)
    outer = friendly(lambda: (threading.current_thread().name, inner()))
    here, there = outer()
    assert here == there


def test_only_uploaded_files_are_opened(tmp_path):
    inside = f"{get_upload_folder()}/abc/digit.png"
    assert uploaded(inside) == inside
    with pytest.raises(gr.Error, match="not a path on the server"):
        uploaded("/etc/passwd")


def test_old_cached_files_are_deleted_while_requests_add_new_ones(tmp_path):
    import threading

    from ui.common import delete_old_files

    with gr.Blocks() as demo:
        image = gr.Image()
    old = [tmp_path / f"old{i}.png" for i in range(2000)]
    for path in old:
        path.write_bytes(b"x")
    kept, fresh = tmp_path / "initial-value.png", tmp_path / "fresh.png"
    kept.write_bytes(b"x")
    image.keep_in_cache.add(str(kept))
    image.temp_files.update(str(p) for p in [*old, kept])
    stop = threading.Event()

    def requests_adding_files():  # what request threads do to the same set, a few thousand times a second (not
        i = 0                     # millions: a set grown that large makes every copy of it slow)
        while not stop.wait(0.0002):
            image.temp_files.add(str(tmp_path / f"new{i}.png"))
            i += 1

    adder = threading.Thread(target=requests_adding_files)
    adder.start()
    try:
        deleted = delete_old_files(demo, age=-1)  # everything counts as old
    finally:
        stop.set()
        adder.join()
    assert deleted == 2000 and not any(p.exists() for p in old)
    assert kept.exists() and str(kept) in image.temp_files
    fresh.write_bytes(b"x")
    image.temp_files.add(str(fresh))
    assert delete_old_files(demo, age=3600) == 0 and fresh.exists()


def test_a_result_picture_is_written_once_whole_and_reused(tmp_path):
    """ui.common.save_result: the file Gradio serves for a picture appears whole (renamed into place), and an
    identical picture from a second request reuses it instead of rewriting it under a download."""
    import numpy as np
    from PIL import Image

    from ui.common import ResultImage, save_result

    picture = Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8))
    first = save_result(picture, str(tmp_path), "png")
    written = Path(first).stat().st_mtime_ns
    again = save_result(picture.copy(), str(tmp_path), "png")
    assert again == first and Path(first).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.rglob("*.part"))  # no half-written file left
    assert Path(first).stat().st_size == len(Path(again).read_bytes()) and Path(first).stat().st_mtime_ns >= written
    other = save_result(Image.fromarray(np.zeros((8, 8), np.uint8)), str(tmp_path), "png")
    assert other != first
    image = ResultImage(format="png")
    assert image.get_block_name() == "image" and image.postprocess(np.zeros((4, 4), np.uint8)).path.endswith(".png")
