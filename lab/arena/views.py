"""What the arena shows: the frame's picture (D's heat map, real points, both models' samples), the charts
of losses and coverage, the coverage meter, and each frame in words."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from lab.arena.data import PLANE
from lab.arena.settings import ArenaSettings
from lab.arena.training import MAX_CPU_SECONDS, Frame
from lab.plots import PALETTE, series_chart

LOSS_SERIES = {"loss_d": "D loss", "loss_g": "G loss", "d_real": "D(real)", "d_fake": "D(fake)"}
COVERAGE_SERIES = {"gan_coverage": "GAN", "vae_coverage": "VAE"}
DIVERGENCE_SERIES = {"gan_js": "GAN JS", "vae_js": "VAE JS"}


def series(history: list[dict], names: dict[str, str], skip_start: bool = False) -> dict[str, tuple[list, list]]:
    """`{series name: (G steps, values)}` of the history's keys `names`; `skip_start`: leave out step 0
    (no losses before the first step)."""
    records = [f for f in history if f["step"] > 0 or not skip_start]
    return {name: ([f["step"] for f in records], [f[key] for f in records]) for key, name in names.items()}


def losses_chart(history: list[dict]) -> np.ndarray:
    """The GAN's running losses and D's mean verdicts over G steps."""
    curves = series(history, LOSS_SERIES, skip_start=True)
    return series_chart({name: (*xy, PALETTE[i]) for i, (name, xy) in enumerate(curves.items())},
                        "GAN: losses and D's verdicts", "G step", "loss · probability", width=440,
                        height=200)


def coverage_chart(history: list[dict]) -> np.ndarray:
    """Mode coverage of GAN and VAE over G steps, and their JS divergence from the data (lab/arena/divergence.py):
    both on [0, 1], coverage up is good, JS down is good (log 2 = 0.69 is the most it can be)."""
    colours = {"GAN": GAN_COLOUR_ON_DARK, "VAE": VAE_COLOUR_ON_DARK, "GAN JS": PALETTE[2], "VAE JS": PALETTE[3]}
    curves = {**series(history, COVERAGE_SERIES),
              **series([f for f in history if "gan_js" in f], DIVERGENCE_SERIES)}
    return series_chart({name: (*xy, colours[name]) for name, xy in curves.items()},
                        "Coverage (1 = all) and JS divergence", "G step", "coverage · JS", y_range=(0, 1),
                        width=440, height=184)


CSV_COLUMNS = ["step", "d_updates", "loss_d", "loss_g", "d_real", "d_fake", "g_grad_norm", "loss_vae", "gan_coverage",
               "vae_coverage", "gan_js", "vae_js", "gan_kl", "vae_kl", "g_arrow_mean", "gan_displacement"]


def history_csv(history: list[dict]) -> str:
    """A run's figures, one row per frame (CSV_COLUMNS; empty where a frame has none, e.g. losses at step 0)."""
    if not history:
        raise ValueError("No figures yet: press Train, Reset or a step button first.")
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if f.get(k) is None else f[k]) for k in CSV_COLUMNS} for f in history)
    return out.getvalue()


def meter_text(figures: dict) -> str:
    text = (f"### Coverage at step {figures['step']}: GAN **{figures['gan_coverage_text']}** · "
            f"VAE **{figures['vae_coverage_text']}**")
    if figures.get("stopped_early"):
        text += f"\n\nStopped early: a run may use {MAX_CPU_SECONDS:.0f} s of CPU time, so that everyone gets a turn."
    return text


def arena_outputs(frame: Frame, settings: ArenaSettings, layers=None) -> tuple:
    """What `/arena` streams per frame and a step-mode click returns: (image, losses chart, coverage chart,
    coverage meter, figures). `layers`: which of LAYERS the image draws (None: DEFAULT_LAYERS)."""
    layers = DEFAULT_LAYERS if layers is None else list(layers)
    figures = {**frame.figures, "settings": asdict(settings), "layers": layers}
    figures["description"] = frame_description(figures)
    return (render(frame, layers), losses_chart(frame.history), coverage_chart(frame.history), meter_text(figures),
            figures)


def frame_description(figures: dict) -> str:
    """The frame's picture in one sentence, for a screen reader and the API (/arena's figures, "description")."""
    data = figures["settings"]["dataset"]
    text = (f"Step {figures['step']} on the {data} data: the GAN's samples (red crosses, left, over D's map) cover "
            f"{figures['gan_coverage_text']}, the VAE's (blue crosses, right) {figures['vae_coverage_text']}")
    if figures.get("d_real") is not None and figures.get("d_fake") is not None:  # none before the first step
        text += f"; D gives real points {figures['d_real']:.2f} and fakes {figures['d_fake']:.2f} on average"
    if "G's arrows" in figures.get("layers", ()) and figures.get("g_arrow_mean") is not None:
        text += (f"; violet arrows show where G's loss pushes 64 of its samples, {figures['g_arrow_mean']:.3f} "
                 f"on average")
    return text + "."


# ------------------------------------------------------------------------------------------- drawing

PANEL = 320  # pixels per panel side
REAL_COLOUR = (20, 20, 20)
GAN_COLOUR = (214, 39, 40)
VAE_COLOUR = (31, 90, 200)
GAN_COLOUR_ON_DARK, VAE_COLOUR_ON_DARK = PALETTE[5], PALETTE[1]  # the same hues, readable on the charts' dark ground


def to_pixels(points: np.ndarray) -> np.ndarray:
    """Plane coordinates -> panel pixels (x right, y up)."""
    px = (points[:, 0] + PLANE) / (2 * PLANE) * (PANEL - 1)
    py = (PLANE - points[:, 1]) / (2 * PLANE) * (PANEL - 1)
    return np.stack([px, py], axis=1)


# D(x)'s heat map: light blue where D says "real", light yellow where it says "fake", white at 0.5. Blue against
# yellow stays apart for the common colour-vision deficiencies (green against purple, used before, does not for
# red-green ones); both are light, so the points on them keep their contrast. tests/lab/test_arena.py checks it.
HEAT_REAL, HEAT_FAKE = (175, 215, 245), (250, 235, 150)  # red crosses on either: >= 3.3:1


def heat_map(values: np.ndarray) -> Image.Image:
    """D(x) in [0, 1] as colours: HEAT_REAL where D says "real", HEAT_FAKE where it says "fake", white at 0.5."""
    v = values[..., None]
    real, fake, white = np.array(HEAT_REAL), np.array(HEAT_FAKE), np.array([255, 255, 255])
    t = np.abs(v - 0.5) * 2  # 0 at 0.5, 1 at the extremes
    rgb = np.where(v >= 0.5, white + t * (real - white), white + t * (fake - white))
    return Image.fromarray(rgb.astype(np.uint8)).resize((PANEL, PANEL), Image.BILINEAR)


def draw_points(draw: ImageDraw.ImageDraw, points: np.ndarray, colour, radius: float = 2.0,
                cross: bool = False) -> None:
    """Dots, or crosses (`cross`: a model's samples, so that they differ from the real data by shape as well as
    colour); points beyond the plane are drawn on its edge, so a generator that runs away stays visible."""
    pixels = np.clip(np.nan_to_num(to_pixels(points), nan=0.0), radius, PANEL - 1 - radius)
    for x, y in pixels:
        if cross:
            draw.line([x - radius, y - radius, x + radius, y + radius], fill=colour, width=2)
            draw.line([x - radius, y + radius, x + radius, y - radius], fill=colour, width=2)
        else:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)


LAYERS = ["real points", "samples", "D's heat map", "G's arrows", "meshes",
          "VAE z-space"]
DEFAULT_LAYERS = LAYERS[:3]  # what a streamed run shows
ARROW_COLOUR = (60, 20, 110)  # dark violet: >= 7:1 on white, on either heat colour and beside the red crosses
MESH_COLOUR = (105, 105, 105)
ARROW_PX = 200.0  # pixels per unit of gradient: sizes compare across steps, so vanishing arrows look vanishing
ARROW_MAX_PX = 40.0


def draw_arrows(draw: ImageDraw.ImageDraw, points: np.ndarray, arrows: np.ndarray) -> None:
    """An arrow from each point along its vector, ARROW_PX pixels per unit (at most ARROW_MAX_PX), with a head."""
    start = to_pixels(points)
    vec = np.nan_to_num(arrows) * ARROW_PX * np.array([1.0, -1.0])  # pixels: y grows downwards
    length = np.linalg.norm(vec, axis=1, keepdims=True)
    vec = vec * np.minimum(1.0, ARROW_MAX_PX / np.maximum(length, 1e-9))
    for (x, y), (dx, dy) in zip(start, vec, strict=True):
        if abs(dx) + abs(dy) < 0.5:
            continue
        ex, ey = x + dx, y + dy
        draw.line([x, y, ex, ey], fill=ARROW_COLOUR, width=2)
        n = max(np.hypot(dx, dy), 1e-9)
        ux, uy = dx / n, dy / n
        head = min(6.0, 0.5 * n)
        draw.polygon([(ex, ey), (ex - head * ux + head * 0.5 * uy, ey - head * uy - head * 0.5 * ux),
                      (ex - head * ux - head * 0.5 * uy, ey - head * uy + head * 0.5 * ux)], fill=ARROW_COLOUR)


def draw_mesh(draw: ImageDraw.ImageDraw, mesh: np.ndarray) -> None:
    """The image of a grid `(L, L, 2)`: each row and each column joined in order."""
    pixels = np.clip(np.nan_to_num(to_pixels(mesh.reshape(-1, 2)), nan=0.0), -PANEL, 2 * PANEL).reshape(mesh.shape)
    for line in [*pixels, *pixels.transpose(1, 0, 2)]:
        draw.line([tuple(p) for p in line], fill=MESH_COLOUR, width=1)


def z_space_panel(mu: np.ndarray, std: np.ndarray) -> Image.Image:
    """The VAE's latent space on the same [-PLANE, PLANE] square: N(0, I)'s 1 and 2 standard-deviation circles and,
    for fixed real points, the means of q(z|x) (dots) with 1-standard-deviation ellipses. The KL term pulls the
    dots into the circles and the ellipses towards the unit circle's size."""
    panel = Image.new("RGB", (PANEL, PANEL), (248, 248, 248))
    draw = ImageDraw.Draw(panel)
    centre, unit = to_pixels(np.zeros((1, 2)))[0], (PANEL - 1) / (2 * PLANE)
    for r in (1, 2):
        draw.ellipse([centre[0] - r * unit, centre[1] - r * unit, centre[0] + r * unit, centre[1] + r * unit],
                     outline=MESH_COLOUR, width=1)
    for (x, y), (sx, sy) in zip(to_pixels(mu[:, :2]), std[:, :2] * unit, strict=True):
        draw.ellipse([x - sx, y - sy, x + sx, y + sy], outline=(150, 175, 225), width=1)
    draw_points(draw, mu[:, :2], VAE_COLOUR, 2.5)
    return panel


def render(frame: Frame, layers: list[str] | tuple[str, ...] = DEFAULT_LAYERS) -> Image.Image:
    """One image: the GAN panel (D's heat map, real points, GAN samples, G's arrows and mesh) beside the VAE panel
    (real points, VAE samples, the decoder's mesh; or, with "VAE z-space", its latent space). `layers`: which
    of LAYERS to draw."""
    unknown = set(layers) - set(LAYERS)
    if unknown:
        raise ValueError(f"unknown layers {sorted(unknown)}: choose from {', '.join(LAYERS)}")
    font = ImageFont.load_default(size=18)
    title = 28
    image = Image.new("RGB", (2 * PANEL + 10, PANEL + title), "white")
    heat = "D's heat map" in layers and frame.d_map is not None
    gan_panel = heat_map(frame.d_map) if heat else Image.new("RGB", (PANEL, PANEL), "white")
    vae_panel = Image.new("RGB", (PANEL, PANEL), (248, 248, 248))
    probes, z_space = frame.probes, "VAE z-space" in layers and "vae_mu" in frame.probes
    for panel, samples, colour, mesh in [(gan_panel, frame.gan, GAN_COLOUR, "g_mesh"),
                                         (vae_panel, frame.vae, VAE_COLOUR, "vae_mesh")]:
        draw = ImageDraw.Draw(panel)
        if "meshes" in layers and mesh in probes:
            draw_mesh(draw, probes[mesh])
        if "real points" in layers:
            draw_points(draw, frame.real, REAL_COLOUR, 1.5)
        if "samples" in layers:
            draw_points(draw, samples, colour, 3.0, cross=True)
        if panel is gan_panel and "G's arrows" in layers and "arrows" in probes:
            draw_arrows(draw, probes["fakes"], probes["arrows"])
        draw.rectangle([0, 0, PANEL - 1, PANEL - 1], outline=(120, 120, 120))
    if z_space:
        vae_panel = z_space_panel(probes["vae_mu"], probes["vae_std"])
        ImageDraw.Draw(vae_panel).rectangle([0, 0, PANEL - 1, PANEL - 1], outline=(120, 120, 120))
    image.paste(gan_panel, (0, title))
    image.paste(vae_panel, (PANEL + 10, title))
    draw = ImageDraw.Draw(image)
    draw.text((4, 4), f"GAN  (step {frame.step})", fill=GAN_COLOUR, font=font)
    draw.text((PANEL + 14, 4), "VAE: z-space, q(z|x) of real points" if z_space else "VAE", fill=VAE_COLOUR,
              font=font)
    return image
