"""The arena, the time machine and the mode-collapse view through a real client on the launched app."""

import json

import pytest
from PIL import Image


def as_dict(value):
    return json.loads(value) if isinstance(value, str) else value


def chart_size(path) -> tuple[int, int]:
    """A chart as the client receives it: a PNG file drawn by lab/plots.py."""
    with Image.open(path) as chart:
        return chart.size


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
    assert chart_size(losses) == (440, 200) and chart_size(cover) == (440, 184)
    assert 0 <= figures["gan_coverage"] <= 1 and figures["loss_d"] > 0  # the figures the charts draw
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


def test_step_mode_one_update_at_a_time(client):
    """/arena_reset then /arena_step on one client (one session): a D step changes D's verdicts but not G's samples,
    a G step moves the samples, and x10 takes ten more steps on the same networks."""
    from gradio_client.exceptions import AppError

    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert [p["parameter_name"] for p in endpoints["/arena_step"]["parameters"]] == ["action", "n"]
    reset = ("healthy", "ring of 8 Gaussians", 2e-3, 2e-3, 1, 2, 64, 128, "non-saturating", 0, 1500, False)
    *_, start = client.predict(*reset, api_name="/arena_reset")
    start = as_dict(start)
    assert start["step"] == 0 and start["g_arrow_mean"] > 0
    *_, after_d = client.predict("D", 1, api_name="/arena_step")
    after_d = as_dict(after_d)
    assert after_d["step"] == 0 and after_d["gan_centroid"] == start["gan_centroid"]  # the fakes stay
    assert after_d["d_updates"] == 1 and after_d["d_real"] is not None and after_d["loss_g"] is None
    *_, after_g = client.predict("G", 1, api_name="/arena_step")
    after_g = as_dict(after_g)
    assert after_g["step"] == 1 and after_g["gan_centroid"] != start["gan_centroid"]  # the fakes moved
    image, losses, cover, meter, figures = client.predict("D then G", 10, api_name="/arena_step")
    figures = as_dict(figures)
    assert figures["step"] == 11 and 0 <= figures["gan_js"] <= 0.7 and Image.open(image).size == (650, 348)
    assert "Coverage at step 11" in meter
    with pytest.raises(AppError, match="Steps per click must be a whole number from 1 to 100"):
        client.predict("D", 500, api_name="/arena_step")


def test_time_machine(client):
    grid, first, second, figures, note = client.predict("vae-mnist", 10, api_name="/time_machine")
    assert Image.open(grid).size[0] > 200
    figures = as_dict(figures)
    assert figures["epoch"]["epoch"] == 10 and "test_kl" in figures["epoch"]
    assert chart_size(first) == chart_size(second) == (460, 200)
    assert "How to read VAE losses" in note and "weight_average" not in figures
    _, first, _, figures, note = client.predict("gan-mnist", 3, api_name="/time_machine")
    assert "D(x) ≈ D(G(z)) ≈ 0.5" in note
    lag = as_dict(figures)["weight_average"]  # the shipped GAN's grids are its weight average (--ema 0.999)
    assert lag["ema_beta"] == 0.999 and lag["random_start_share"] == pytest.approx(0.999 ** lag["g_steps"], abs=1e-4)
    assert f"still **{lag['random_start_share']:.0%}** of it" in note
    # every epoch of every run through the API (vae-mnist has 44), and a clear message past a run's last one
    assert as_dict(client.predict("vae-mnist", 44, api_name="/time_machine")[3])["epoch"]["epoch"] == 44
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="The epoch must be a whole number from 1 to 32"):
        client.predict("gan-mnist", 40, api_name="/time_machine")


def test_mode_collapse(client):
    collapsed, healthy, collapse_hist, healthy_hist, figures, text = client.predict(1, api_name="/mode_collapse")
    assert Image.open(collapsed).size == Image.open(healthy).size
    figures = as_dict(figures)
    assert figures["epoch"] == 1
    assert chart_size(collapse_hist) == chart_size(healthy_hist) == (300, 190)
    assert sum(figures["collapse"]["class_histogram"]) == pytest.approx(1, abs=0.01)
    assert figures["healthy"]["class_coverage"] == 10
    assert "Epoch 1" in text
