"""The arena, the time machine and the mode-collapse view through a real client on the launched app."""

import json

import pytest
from PIL import Image


def as_dict(value):
    return json.loads(value) if isinstance(value, str) else value


def plot_rows(plot) -> list[dict]:
    """The rows of a gr.LinePlot / gr.BarPlot value as the client receives it."""
    plot = as_dict(plot)
    columns = plot["value"]["columns"] if "value" in plot else plot["columns"]
    data = plot["value"]["data"] if "value" in plot else plot["data"]
    return [dict(zip(columns, row, strict=True)) for row in data]


def test_endpoints_are_named(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    arena = [p["parameter_name"] for p in endpoints["/arena"]["parameters"]]
    assert arena == ["preset", "dataset", "lr_g", "lr_d", "d_steps", "noise_dim", "hidden", "batch_size", "g_loss",
                     "seed", "steps", "freeze_d"]
    assert [p["parameter_name"] for p in endpoints["/time_machine"]["parameters"]] == ["run", "epoch"]
    assert [p["parameter_name"] for p in endpoints["/mode_collapse"]["parameters"]] == ["epoch"]


def test_a_short_arena_run_streams_frames(client):
    args = ("custom", "ring of 8 Gaussians", 1e-3, 1e-3, 1, 2, 32, 64, "non-saturating", 3, 300, False)
    job = client.submit(*args, api_name="/arena")
    image, losses, cover, meter, figures = job.result(timeout=300)
    figures = as_dict(figures)
    assert figures["step"] == 300 and figures["settings"]["hidden"] == 32
    assert Image.open(image).size == (650, 348)
    rows = plot_rows(losses)
    assert {r["series"] for r in rows} == {"D loss", "G loss", "D(real)", "D(fake)"}
    assert max(r["step"] for r in rows) == 300
    assert {r["series"] for r in plot_rows(cover)} == {"GAN", "VAE"}
    assert "Coverage at step 300" in meter
    assert len(job.outputs()) == 4  # frames at steps 0, 100, 200, 300 were streamed


def test_arena_bad_knob_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    args = ("custom", "ring of 8 Gaussians", 1e-3, 1e-3, 1, 2, 32, 64, "non-saturating", 3, 99999, False)
    with pytest.raises(AppError, match="greater than maximum value 3000"):  # the slider's own bound
        client.predict(*args, api_name="/arena")
    args = ("custom", "ring of 8 Gaussians", 1e-3, 1e-3, 4, 2, 32, 64, "non-saturating", 3, 3000, False)
    with pytest.raises(AppError, match="must be at most 9000"):
        client.predict(*args, api_name="/arena")


def test_time_machine(client):
    grid, first, second, figures, note = client.predict("vae-mnist", 10, api_name="/time_machine")
    assert Image.open(grid).size[0] > 200
    figures = as_dict(figures)
    assert figures["epoch"]["epoch"] == 10 and "test_kl" in figures["epoch"]
    marks = [r for r in plot_rows(first) if r["series"] == "▶ this epoch"]
    assert [r["x"] for r in marks] == [10, 10]
    assert {r["series"] for r in plot_rows(second)} == {"KL (train)", "KL (test)", "▶ this epoch"}
    assert "How to read VAE losses" in note
    _, first, _, figures, note = client.predict("gan-mnist", 3, api_name="/time_machine")
    assert {"D loss", "G loss"} <= {r["series"] for r in plot_rows(first)}
    assert "D(x) ≈ D(G(z)) ≈ 0.5" in note


def test_mode_collapse(client):
    collapsed, healthy, collapse_hist, healthy_hist, figures, text = client.predict(1, api_name="/mode_collapse")
    assert Image.open(collapsed).size == Image.open(healthy).size
    figures = as_dict(figures)
    assert figures["epoch"] == 1
    rows = plot_rows(collapse_hist)
    assert [r["class"] for r in rows] == [str(d) for d in range(10)]
    assert sum(r["share"] for r in rows) == pytest.approx(1, abs=0.01)
    assert figures["healthy"]["class_coverage"] == 10
    assert "Epoch 1" in text
