"""The arena's plain functions: toy data, the coverage meter on hand-made samples, settings, the run
guard, frames, and each preset's named behaviour on its measured figures."""

from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from lab.arena import (
    COVERAGE_SERIES,
    GAN_COLOUR,
    HEAT_FAKE,
    HEAT_REAL,
    LOSS_SERIES,
    MAX_STEPS,
    MODE_STD,
    PRESETS,
    REAL_COLOUR,
    TOY_DATASETS,
    VAE_COLOUR,
    ArenaSettings,
    Frame,
    ReducedMotion,
    RunGuard,
    arena_outputs,
    coverage,
    draw_points,
    heat_map,
    mode_centres,
    render,
    run,
    series,
    settings_from,
    thinned,
    toy_data,
    train,
)
from lab.arena.data import reference_points
from lab.arena.screen import screen
from tests.colour import CVD, contrast, smallest_difference


@pytest.mark.parametrize("dataset", TOY_DATASETS)
def test_toy_data_shape_range_and_seed(dataset):
    a = toy_data(dataset, 500, np.random.default_rng(0))
    b = toy_data(dataset, 500, np.random.default_rng(0))
    assert a.shape == (500, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert np.abs(a).max() < 3.0  # inside the plane the arena draws


def test_modes_sit_on_their_centres():
    assert mode_centres("ring of 8 Gaussians").shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(mode_centres("ring of 8 Gaussians"), axis=1), 2.0)
    assert mode_centres("5x5 grid of Gaussians").shape == (25, 2)
    assert mode_centres("two moons") is None and mode_centres("single Gaussian") is None
    points = toy_data("ring of 8 Gaussians", 4000, np.random.default_rng(1))
    assert coverage(points, "ring of 8 Gaussians").modes == 8
    assert coverage(points, "ring of 8 Gaussians").on_data > 0.98  # 3 std holds 98.9 % of a 2-D Gaussian


def test_toy_data_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown data set 'spiral'"):
        toy_data("spiral", 10, np.random.default_rng(0))


def test_coverage_counts_modes_with_a_quarter_of_their_fair_share():
    centres = mode_centres("ring of 8 Gaussians")
    all_modes = np.repeat(centres, 125, axis=0)  # 1000 samples, 125 per mode
    assert coverage(all_modes, "ring of 8 Gaussians").text == "8 of 8 modes"
    one_mode = np.repeat(centres[:1], 1000, axis=0)
    result = coverage(one_mode, "ring of 8 Gaussians")
    assert (result.modes, result.score, result.on_data) == (1, 0.125, 1.0)
    # three modes well fed, a fourth with 31 of 1000 (fair share 125, a quarter is 31.25): not covered
    mixed = np.concatenate([np.repeat(centres[:3], 323, axis=0), np.repeat(centres[3:4], 31, axis=0)])
    assert coverage(mixed, "ring of 8 Gaussians").modes == 3
    off = centres[:1] + [[0.0, 4 * MODE_STD["ring of 8 Gaussians"]]]  # 4 std away: no hit
    assert coverage(np.repeat(off, 100, axis=0), "ring of 8 Gaussians").modes == 0
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        coverage(np.zeros((5, 3)), "ring of 8 Gaussians")


@pytest.mark.parametrize("dataset", ["two moons", "single Gaussian"])
def test_distance_coverage_of_moons_and_a_gaussian(dataset):
    fresh = toy_data(dataset, 1000, np.random.default_rng(7))
    assert 0.85 <= coverage(fresh, dataset).score <= 0.95  # a perfect generator scores about 0.9
    ref, radius = reference_points(dataset)
    assert ref.shape == (1000, 2) and 0 < radius < 0.5
    # every sample on one real point covers only that point's neighbourhood
    assert coverage(np.repeat(fresh[:1], 1000, axis=0), dataset).score < 0.1
    assert coverage(fresh, dataset).text.endswith("% of the data")


def test_settings_from_knobs_and_presets():
    knobs = ("two moons", 2e-3, 1e-3, 2, 4.0, 32, 64, "minimax", 5, 300, True)
    s = settings_from("custom", *knobs)
    assert (s.dataset, s.d_steps, s.noise_dim, s.g_loss, s.steps, s.freeze_d) == ("two moons", 2, 4, "minimax",
                                                                                   300, True)
    assert settings_from("mode collapse", *knobs) == PRESETS["mode collapse"]  # a preset ignores the knobs
    with pytest.raises(ValueError, match="steps must be a whole number from 1 to 3000"):
        settings_from("custom", *knobs[:-2], MAX_STEPS + 1, True)
    with pytest.raises(ValueError, match="lr G must be between"):
        settings_from("custom", "two moons", 5.0, *knobs[2:])
    with pytest.raises(ValueError, match="unknown preset 'best'"):
        settings_from("best", *knobs)
    with pytest.raises(ValueError, match="batch size must be a whole number, got 12.5"):
        settings_from("custom", *knobs[:6], 12.5, *knobs[7:])
    with pytest.raises(ValueError, match="lr D must be a number, got True"):  # lab/inputs.py's parser
        settings_from("custom", "two moons", 2e-3, True, *knobs[3:])
    for value in ("no", 1, None):
        with pytest.raises(ValueError, match=f"freeze D must be true or false, got {value!r}"):
            settings_from("custom", *knobs[:-1], value)


def test_run_guard_allows_one_run_per_session():
    guard = RunGuard()
    assert guard.acquire("a") and guard.acquire("b")
    assert not guard.acquire("a")
    guard.release("a")
    assert guard.acquire("a")


def test_frames_and_outputs():
    settings = ArenaSettings(steps=60, every=20, batch_size=32, hidden=16)
    frames = list(train(settings, show=200))
    assert [f.step for f in frames] == [0, 20, 40, 60]
    last = frames[-1]
    assert last.gan.shape == (200, 2) and last.vae.shape == (200, 2) and last.real.shape == (200, 2)
    assert last.d_map.shape == (64, 64) and 0 <= last.d_map.min() <= last.d_map.max() <= 1
    assert len(last.history) == 4 and last.history[-1] is not last.history[0]
    assert frames[1].figures["loss_d"] > 0 and frames[1].figures["g_grad_norm"] > 0
    image, losses, cover, meter, figures = arena_outputs(last, settings)
    assert image.size == (650, 348)
    assert losses.shape == (200, 440, 3) and cover.shape == (184, 440, 3)  # charts drawn by lab.plots
    curves = series(last.history, LOSS_SERIES, skip_start=True)  # what the losses chart draws
    assert list(curves) == ["D loss", "G loss", "D(real)", "D(fake)"] and curves["D loss"][0] == [20, 40, 60]
    assert curves["D(real)"][1] == [f["d_real"] for f in last.history[1:]]
    coverage = series(last.history, COVERAGE_SERIES)
    assert coverage["GAN"][0] == [0, 20, 40, 60] and all(0 <= v <= 1 for v in coverage["VAE"][1])
    assert "Coverage at step 60" in meter and figures["settings"]["steps"] == 60
    assert figures["description"] == (  # the picture in words: its alt text on the page
        f"Step 60 on the {settings.dataset} data: the GAN's samples (red crosses, left, over D's map) cover "
        f"{figures['gan_coverage_text']}, the VAE's (blue crosses, right) {figures['vae_coverage_text']}; D gives "
        f"real points {figures['d_real']:.2f} and fakes {figures['d_fake']:.2f} on average.")
    assert arena_outputs(frames[0], settings)[4]["description"].endswith("modes.")  # step 0: no verdicts yet
    # the same seed gives the same run
    again = run(settings)
    np.testing.assert_array_equal(again.gan[:200], last.gan)


def test_a_run_stops_when_its_cpu_time_is_spent(monkeypatch):
    import lab.arena.training

    monkeypatch.setattr(lab.arena.training, "MAX_CPU_SECONDS", 0.0)
    frames = list(train(ArenaSettings(steps=300, every=100, hidden=8, batch_size=8)))
    assert [f.step for f in frames] == [0, 100]
    assert frames[-1].figures["stopped_early"] and frames[-1].figures["cpu_seconds"] >= 0
    assert "Stopped early" in arena_outputs(frames[-1], ArenaSettings())[3]
    with pytest.raises(ValueError, match=r"steps x \(D steps per G step \+ 2\) must be at most 9000"):
        ArenaSettings(steps=3000, d_steps=2).checked()


def test_render_draws_the_real_points_and_both_models():
    frame = run(ArenaSettings(steps=1, every=1, hidden=8, batch_size=8))
    pixels = np.asarray(render(frame))
    red = (pixels[..., 0] > 180) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    blue = (pixels[..., 2] > 150) & (pixels[..., 0] < 80)
    assert red[:, :320].sum() > 50 and blue[:, 330:].sum() > 50


def test_the_heat_map_and_the_points_stay_apart_for_colour_blind_eyes():
    values = np.array([[1.0, 0.5, 0.0]])  # D says real, undecided, fake
    heat = np.asarray(heat_map(values).resize((3, 1), Image.NEAREST))
    assert tuple(heat[0, 0]) == HEAT_REAL and tuple(heat[0, 1]) == (255, 255, 255) and tuple(heat[0, 2]) == HEAT_FAKE
    for name, matrix in [("normal vision", None), *CVD.items()]:
        assert smallest_difference([HEAT_REAL, HEAT_FAKE], matrix) >= 20, name  # "real" and "fake" regions
    for ground in (HEAT_REAL, HEAT_FAKE, (255, 255, 255)):  # the GAN panel's points on all of it: >= 3:1
        assert min(contrast(colour, ground) for colour in (REAL_COLOUR, GAN_COLOUR)) >= 3
    assert min(contrast(colour, (248, 248, 248)) for colour in (REAL_COLOUR, VAE_COLOUR)) >= 3  # the VAE panel


def test_real_points_are_dots_and_samples_are_crosses():
    point = np.zeros((1, 2))  # the centre of the plane
    dot, cross = Image.new("RGB", (320, 320), "white"), Image.new("RGB", (320, 320), "white")
    draw_points(ImageDraw.Draw(dot), point, (0, 0, 0), 3.0)
    draw_points(ImageDraw.Draw(cross), point, (0, 0, 0), 3.0, cross=True)
    dot, cross = np.asarray(dot)[..., 0] < 128, np.asarray(cross)[..., 0] < 128
    # the plane's centre is pixel 159.5: a dot fills the top of its circle, a cross leaves it empty ...
    assert dot[156, 158:161].all() and not cross[156, 158:161].any()
    # ... and a cross's arms reach the corners of its square, which a dot leaves empty
    for rows, cols in [(slice(155, 157), slice(155, 158)), (slice(162, 164), slice(155, 158))]:
        assert cross[rows, cols].any() and not dot[rows, cols].any()


def test_reduced_motion_shows_the_first_last_and_every_fifth_frame():
    frames = list(range(11))
    assert list(thinned(iter(frames), 5)) == [0, 5, 10]
    assert list(thinned(iter(range(4)), 5)) == [0, 3]  # 300 steps, a frame every 100: the first and the last
    assert list(thinned(iter([7]), 5)) == [7] and list(thinned(iter([]), 5)) == []
    reduced = ReducedMotion(limit=2)
    reduced.remember("a", True)
    reduced.remember("b", False)
    reduced.remember(None, True)  # no session (an API call): nothing to remember
    assert "a" in reduced and "b" not in reduced and None not in reduced
    reduced.remember("b", True)
    reduced.remember("c", True)  # over the limit: the oldest is forgotten
    assert "a" not in reduced and "b" in reduced and "c" in reduced
    reduced.remember("b", False)
    assert "b" not in reduced


def test_a_reduced_run_ends_where_the_full_one_does():
    settings = ArenaSettings(steps=40, every=10, hidden=8, batch_size=8)
    full, reduced = list(train(settings)), list(thinned(train(settings), 5))
    assert [f.step for f in reduced] == [0, 40]
    np.testing.assert_array_equal(reduced[-1].gan, full[-1].gan)  # the same run, fewer pictures
    assert isinstance(reduced[-1], Frame)


# --- each preset's named behaviour, on its measured figures ------------------------------------------
# The full runs take 10-30 s of CPU each, so they are marked slow; the fast checks run the first
# steps of the same preset, where each behaviour already shows.

def history_of(name, steps=None):
    settings = PRESETS[name] if steps is None else replace(PRESETS[name], steps=steps)
    return run(settings).history


def centroid_jumps(history):
    c = np.array([f["gan_centroid"] for f in history[1:]])
    return np.linalg.norm(np.diff(c, axis=0), axis=1)


def check_vae_covers_everything_with_spread(history):
    last = history[-1]
    assert last["vae_coverage"] == 1.0  # all 8 modes
    assert last["vae_on_data"] < 0.8  # many VAE samples sit between the modes: its blur


@pytest.fixture(scope="module")
def healthy_fast():
    return history_of("healthy", steps=600)


def test_healthy_fast(healthy_fast):
    last = healthy_fast[-1]
    assert last["gan_coverage"] >= 5 / 8
    assert 0.3 < last["d_real"] < 0.7 and 0.3 < last["d_fake"] < 0.7  # D cannot tell: near 0.5
    assert centroid_jumps(healthy_fast[-3:]).max() < 0.5


def test_mode_collapse_fast():
    history = history_of("mode collapse", steps=300)
    assert all(f["gan_coverage"] <= 3 / 8 for f in history[2:])
    assert history[-1]["gan_on_data"] > 0.5  # the samples that exist sit on real modes


def test_oscillation_fast(healthy_fast):
    history = history_of("oscillation", steps=500)
    assert np.median(centroid_jumps(history)) > 3 * np.median(centroid_jumps(healthy_fast))


def test_vanishing_gradient_fast():
    history = history_of("vanishing gradient", steps=200)
    last = history[-1]
    assert last["d_fake"] < 0.01 and last["d_real"] > 0.99  # D rejects every fake
    assert last["g_grad_norm"] < 1e-3 and last["gan_displacement"] < 0.01  # so G gets no gradient and stays
    assert last["gan_coverage"] == 0
    # the same D with the non-saturating loss: G's gradient does not vanish
    rescued = run(replace(PRESETS["vanishing gradient"], steps=100, g_loss="non-saturating")).history[-1]
    assert rescued["g_grad_norm"] > 100 * last["g_grad_norm"]


def test_frozen_d_fast():
    history = history_of("frozen D", steps=300)
    assert all(f["gan_coverage"] == 0 and f["gan_on_data"] == 0 for f in history[1:])
    d_real = [f["d_real"] for f in history[1:]]
    assert max(d_real) - min(d_real) < 0.02  # D's verdict on real data never changes: it does not learn
    assert history[-1]["d_fake"] > 0.95  # G fools the frozen D completely, far from any data


def test_wasserstein_vs_collapse_fast():
    """The mode-collapse run with only the loss changed covers most modes, already at half its steps (where the
    collapse covers at most 3, test_mode_collapse_fast). GAN training is chaotic, so one run's count differs with
    the CPU's arithmetic: seed 0 at step 600 covers 6 of 8 on an Intel Xeon and none on an AMD EPYC, where its G
    has not yet left its start. So two of three seeds must, stopping once two have: `python -m lab.arena.screen
    --base "mode collapse" --objectives Wasserstein-GP --seeds 0 1 2 --steps 600` gives 0, 8 and 8 of 8 on the AMD
    EPYC. The whole preset is test_wasserstein_vs_collapse_full."""
    assert PRESETS["Wasserstein vs collapse"] == replace(PRESETS["mode collapse"], g_loss="Wasserstein-GP")
    rows = []
    for seed in (1, 2, 0):
        rows += screen("mode collapse", ["Wasserstein-GP"], [seed], steps=600)
        covered = [r["coverage_end"] >= 5 / 8 and r["js_end"] < 0.4 for r in rows]
        if sum(covered) == 2 or covered.count(False) == 2:  # two of three decided either way
            break
    assert sum(covered) == 2, rows


@pytest.mark.slow
def test_wasserstein_vs_collapse_full():
    """The whole preset: 8 of 8 modes at its end here, 5 of 8 on an earlier machine; the bar is the fewest
    measured on any machine, well above the collapse's 3."""
    history = history_of("Wasserstein vs collapse")
    assert history[-1]["gan_coverage"] >= 5 / 8 and history[-1]["gan_js"] < 0.4


@pytest.mark.slow
def test_wasserstein_covers_more_modes_than_the_collapse_on_every_seed():
    """`python -m lab.arena.screen --steps 1200 --seeds 0 ... 7`, as a test: on every seed the Wasserstein loss
    ends with more modes than the non-saturating loss; on most seeds 7 or 8 of 8 against 2 or 3."""
    rows = screen("mode collapse", ["Wasserstein-GP", "non-saturating"], list(range(8)))
    wasserstein = [r["coverage_end"] for r in rows if r["objective"] == "Wasserstein-GP"]
    collapse = [r["coverage_end"] for r in rows if r["objective"] == "non-saturating"]
    assert all(w > c for w, c in zip(wasserstein, collapse, strict=True)), (wasserstein, collapse)
    assert sorted(wasserstein)[len(wasserstein) // 2] >= 7 / 8 and sorted(collapse)[len(collapse) // 2] <= 3 / 8


@pytest.mark.slow
def test_healthy_full():
    history = history_of("healthy")
    assert history[-1]["gan_coverage"] == 1.0
    assert history[-1]["gan_on_data"] > history[-1]["vae_on_data"]  # sharper than the VAE
    check_vae_covers_everything_with_spread(history)


@pytest.mark.slow
def test_mode_collapse_full():
    history = history_of("mode collapse")
    second_half = history[len(history) // 2:]
    assert all(f["gan_coverage"] <= 3 / 8 for f in second_half)
    loss_d = [f["loss_d"] for f in second_half]
    assert np.std(loss_d) < 0.05 and min(loss_d) > 0.3  # calm losses: nothing in them says "collapse"
    check_vae_covers_everything_with_spread(history)


@pytest.mark.slow
def test_oscillation_full():
    history = history_of("oscillation")
    healthy = history_of("healthy")
    assert np.median(centroid_jumps(history)) > 3 * np.median(centroid_jumps(healthy))
    check_vae_covers_everything_with_spread(history)


@pytest.mark.slow
def test_vanishing_gradient_full():
    history = history_of("vanishing gradient")
    assert all(f["g_grad_norm"] < 1e-3 and f["gan_coverage"] == 0 for f in history[3:])
    check_vae_covers_everything_with_spread(history)


@pytest.mark.slow
def test_frozen_d_full():
    history = history_of("frozen D")
    assert all(f["gan_coverage"] == 0 for f in history[1:])
    check_vae_covers_everything_with_spread(history)


def test_objectives_on_known_logits():
    """lab/arena/objectives.py: the losses at known logits, and why the minimax G loss stalls against a
    confident D while the non-saturating one does not."""
    import math

    import torch

    from lab.arena.objectives import d_loss, g_loss

    zero = torch.zeros(4)
    assert d_loss(zero, zero).item() == pytest.approx(2 * math.log(2))  # D undecided: -log 1/2 twice
    assert g_loss(zero, "non-saturating").item() == pytest.approx(math.log(2))
    assert g_loss(zero, "minimax").item() == pytest.approx(-math.log(2))
    rejected = torch.full((4,), -8.0, requires_grad=True)  # D is sure every fake is fake: D(G(z)) ~ 3e-4
    grads = {kind: torch.autograd.grad(g_loss(rejected, kind), rejected)[0].abs().mean().item()
             for kind in ("minimax", "non-saturating")}
    assert grads["minimax"] < 1e-3 < 0.2 < grads["non-saturating"]  # sigmoid(-8) / 4 against (1 - sigmoid(-8)) / 4
    with pytest.raises(ValueError, match="G loss must be one of"):
        g_loss(zero, "wasserstein")


def test_a_d_step_leaves_g_alone_and_a_g_step_leaves_d_alone():
    from lab.arena.training import ArenaRun

    state = ArenaRun(ArenaSettings(hidden=8, batch_size=16))
    weights = {name: [p.detach().clone() for p in net.parameters()] for name, net in (("G", state.G), ("D", state.D))}

    def changed(name):
        return [not torch.equal(a, b) for a, b in zip(weights[name], getattr(state, name).parameters(), strict=True)]

    state.d_step()
    assert not any(changed("G")) and all(changed("D"))
    weights["D"] = [p.detach().clone() for p in state.D.parameters()]
    state.g_step()
    assert all(changed("G")) and not any(changed("D"))
    assert (state.d_updates, state.g_steps) == (1, 1)


def test_clicks_of_one_browser_at_once_take_turns():
    """Two events of one session (D step and G step clicked at once) on the same ArenaRun: without its lock this
    crashed the process (a segmentation fault); with it every step counts, and a saved copy gets its own lock."""
    import io
    import threading

    from lab.arena.training import ArenaRun

    state = ArenaRun(ArenaSettings(hidden=8, batch_size=16, d_steps=2))
    state.frame()
    errors = []

    def click(action):
        try:
            for _ in range(40):
                state.step(action, 1)
        except Exception as err:  # noqa: BLE001 - any error fails the test below
            errors.append(repr(err))

    threads = [threading.Thread(target=click, args=(action,)) for action in ("D", "G", "D then G")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and (state.d_updates, state.g_steps) == (40 + 2 * 40, 40 + 40)
    saved = io.BytesIO()  # as benchmarks/arena.py measures a session's state
    torch.save(state, saved)
    twin = torch.load(io.BytesIO(saved.getvalue()), weights_only=False)
    assert twin.lock is not state.lock and twin.g_steps == 80
    twin.step("G", 1)


def test_stepping_reproduces_a_run():
    """advance(n) takes the steps a run takes: the same figures and samples as `run` for the same settings."""
    from lab.arena.training import ArenaRun

    settings = ArenaSettings(hidden=8, batch_size=16, steps=30, every=30, d_steps=2)
    state = ArenaRun(settings)
    state.frame()
    state.advance(30)
    stepped, whole = state.frame(), run(settings)
    np.testing.assert_array_equal(stepped.gan, whole.gan)
    assert stepped.figures["loss_d"] == whole.figures["loss_d"] and stepped.step == whole.step == 30


def test_arrows_are_minus_the_g_loss_gradient_at_each_fake():
    """On a known tiny D, D(x) = sigmoid(w . x + b) with l = w . x + b: the non-saturating loss -log sigmoid(l) has
    gradient -sigmoid(-l) w at x, so the arrow is sigmoid(-l) w; the minimax loss log(1 - sigmoid(l)) gives
    sigmoid(l) w, the same direction but vanishing where D rejects the point (l very negative)."""
    from lab.arena.probes import g_arrows

    torch.manual_seed(0)
    G = torch.nn.Linear(2, 2)
    D = torch.nn.Linear(2, 1)
    with torch.no_grad():
        D.weight.copy_(torch.tensor([[1.0, -2.0]]))
        D.bias.fill_(0.5)
    z = torch.randn(5, 2)
    fake, arrows = g_arrows(G, D, z, "non-saturating")
    logit = torch.from_numpy(fake) @ D.weight[0].detach() + 0.5
    expected = torch.sigmoid(-logit)[:, None] * D.weight.detach()
    np.testing.assert_allclose(arrows, expected.numpy(), rtol=1e-5)
    _, minimax = g_arrows(G, D, z, "minimax")
    np.testing.assert_allclose(minimax, (torch.sigmoid(logit)[:, None] * D.weight.detach()).numpy(), rtol=1e-5)


def test_the_mesh_is_g_applied_to_the_noise_grid():
    from lab.arena.probes import g_mesh, vae_mesh, vae_posteriors, z_grid

    torch.manual_seed(0)
    G = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    grid = z_grid(3, lines=5)
    assert grid.shape == (5, 5, 3) and grid[0, 0, :2].tolist() == [-2.0, -2.0] and grid[..., 2].abs().max() == 0
    assert grid[1, 4, :2].tolist() == [2.0, -1.0]  # row i: z_2 = y_i, column j: z_1 = x_j
    mesh = g_mesh(G, 3, lines=5)
    np.testing.assert_allclose(mesh, G(grid.reshape(-1, 3)).detach().reshape(5, 5, 2).numpy(), rtol=1e-6)
    from lab.arena.nets import ToyVAE
    vae = ToyVAE(8)
    mu, std = vae_posteriors(vae, np.zeros((4, 2), dtype=np.float32))
    assert mu.shape == std.shape == (4, 2) and (std > 0).all()
    assert vae_mesh(vae, lines=5).shape == (5, 5, 2)


def test_divergence_is_small_for_the_same_data_and_large_for_disjoint():
    from lab.arena.divergence import divergences, histogram, js, kl

    rng = np.random.default_rng(0)
    a, b = toy_data("ring of 8 Gaussians", 1000, rng), toy_data("ring of 8 Gaussians", 1000, rng)
    same = divergences(a, b)
    assert same["js"] < 0.02 and same["kl"] < 0.1
    left = rng.normal([-2, 0], 0.1, (1000, 2))
    right = rng.normal([2, 0], 0.1, (1000, 2))
    apart = divergences(left, right)
    assert apart["js"] > 0.6 and apart["kl"] > 3  # log 2 = 0.693 is the most JS can be
    p = histogram(a)
    assert p.shape == (20, 20) and p.sum() == pytest.approx(1) and (p > 0).all()
    assert js(p, p) == 0 and kl(p, p) == 0
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        histogram(np.zeros((3, 3)))


def test_least_squares_and_wasserstein_objectives_on_known_values():
    from lab.arena.objectives import d_loss, g_loss, gradient_penalty, verdict

    real, fake = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 2.0])
    # LSGAN (Mao et al. 2017, eq. 2, a = 0, b = c = 1): ((0 + 1) / 2) / 2 + ((0 + 4) / 2) / 2
    assert d_loss(real, fake, "least squares").item() == pytest.approx(0.25 + 1.0)
    assert g_loss(fake, "least squares").item() == pytest.approx((1 + 1) / 2 / 2)
    # WGAN-GP (Gulrajani et al. 2017): the critic's gap, G's -mean score
    assert d_loss(real, fake, "Wasserstein-GP").item() == pytest.approx(1.0 - 0.5)
    assert g_loss(fake, "Wasserstein-GP").item() == pytest.approx(-1.0)
    # a linear critic l(x) = w . x has gradient w everywhere: the penalty is (|w| - 1)^2 = (5 - 1)^2
    critic = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[3.0, 4.0]]))
    points = torch.randn(6, 2, generator=torch.Generator().manual_seed(0))
    eps = torch.rand(6, 1, generator=torch.Generator().manual_seed(1))
    assert gradient_penalty(critic, points, points.flip(0), eps).item() == pytest.approx(16.0)
    assert verdict(torch.tensor([-1.0, 0.5, 3.0]), "least squares").tolist() == [0.0, 0.5, 1.0]
    assert verdict(torch.tensor([2.0]), "Wasserstein-GP", centre=2.0).item() == pytest.approx(0.5)


@pytest.mark.parametrize("objective", ["least squares", "Wasserstein-GP"])
def test_a_run_trains_with_each_new_objective(objective):
    from lab.arena.training import ArenaRun

    state = ArenaRun(ArenaSettings(g_loss=objective, hidden=8, batch_size=16, d_steps=2))
    before = state.frame()
    state.advance(20)
    after = state.frame()
    assert np.isfinite(after.figures["loss_d"]) and np.isfinite(after.figures["loss_g"])
    assert 0 <= after.figures["d_real"] <= 1 and 0 <= after.d_map.min() <= after.d_map.max() <= 1
    assert not np.array_equal(before.gan, after.gan)


def test_history_csv_has_a_row_per_frame():
    import csv
    import io

    from lab.arena.views import CSV_COLUMNS, history_csv

    history = [{"step": 0, "loss_d": None, "gan_coverage": 0.125, "gan_js": 0.6},
               {"step": 100, "loss_d": 1.2, "gan_coverage": 0.5, "gan_js": 0.3, "settings": {"ignored": 1}}]
    rows = list(csv.DictReader(io.StringIO(history_csv(history))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 2
    assert (rows[0]["loss_d"], rows[1]["loss_d"], rows[1]["gan_js"]) == ("", "1.2", "0.3")
    with pytest.raises(ValueError, match="No figures yet"):
        history_csv([])


def test_a_drawing_becomes_data_inside_its_painted_area():
    from lab.arena.data import DRAWN, DrawnData, read_drawing
    from lab.arena.training import ArenaRun

    canvas = np.zeros((300, 300, 4), dtype=np.uint8)  # strokes on a transparent canvas, as the pad sends them
    canvas[30:60, 30:270, 3] = 255  # a bar across the top: y from 2.5 - 60/300*5 = 1.5 to 2.0
    drawn = read_drawing(canvas)
    points = drawn.sample(2000, np.random.default_rng(0))
    assert points[:, 1].min() >= 1.5 - 0.09 and points[:, 1].max() <= 2.0 + 0.09  # within a cell of the bar
    assert points[:, 0].min() >= -2.0 - 0.09 and points[:, 0].max() <= 2.0 + 0.09
    assert coverage(drawn.reference[0], drawn).score > 0.85  # its own points cover it, as real data does
    for blank in (np.zeros((300, 300, 4), dtype=np.uint8), None):
        with pytest.raises(ValueError, match="The pad is empty"):
            read_drawing(blank)
    with pytest.raises(ValueError, match="covers only 3 of the 4096 cells"):
        DrawnData(np.eye(64, dtype=bool) & (np.arange(64) < 3)[:, None])
    with pytest.raises(ValueError, match="Draw the data first"):
        ArenaRun(ArenaSettings(dataset=DRAWN))
    state = ArenaRun(ArenaSettings(dataset=DRAWN, hidden=8, batch_size=16), drawn=drawn)
    state.advance(5)
    assert state.frame().figures["gan_coverage_text"].endswith("% of the data")


def test_render_draws_the_layers_asked_for():
    from lab.arena.views import DEFAULT_LAYERS, LAYERS

    frame = run(ArenaSettings(steps=20, every=20, hidden=8, batch_size=16))
    plain, every = np.asarray(render(frame)), np.asarray(render(frame, LAYERS))
    assert plain.shape == every.shape and not np.array_equal(plain, every)  # arrows, meshes and the z-space
    assert np.array_equal(plain, np.asarray(render(frame, DEFAULT_LAYERS)))
    bare = np.asarray(render(frame, []))
    assert (bare[40:, 5:300] == 255).mean() > 0.95  # no layer: an empty white GAN panel
    with pytest.raises(ValueError, match="unknown layers"):
        render(frame, ["contours"])
