"""What the arena shows: the frame's picture (D's heat map, real points, both models' samples), the charts
of losses and coverage, the coverage meter, and each frame in words."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from lab.arena.data import PLANE
from lab.arena.settings import ArenaSettings
from lab.arena.training import MAX_CPU_SECONDS, Frame
from lab.plots import PALETTE, series_chart

LOSS_SERIES = {"loss_d": "D loss", "loss_g": "G loss", "d_real": "D(real)", "d_fake": "D(fake)"}
COVERAGE_SERIES = {"gan_coverage": "GAN", "vae_coverage": "VAE"}


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
    """Mode coverage of GAN and VAE over G steps, on [0, 1]."""
    colours = {"GAN": GAN_COLOUR_ON_DARK, "VAE": VAE_COLOUR_ON_DARK}
    curves = series(history, COVERAGE_SERIES)
    return series_chart({name: (*xy, colours[name]) for name, xy in curves.items()},
                        "Mode coverage (1 = all)", "G step", "coverage", y_range=(0, 1), width=440,
                        height=184)


def meter_text(figures: dict) -> str:
    text = (f"### Coverage at step {figures['step']}: GAN **{figures['gan_coverage_text']}** · "
            f"VAE **{figures['vae_coverage_text']}**")
    if figures.get("stopped_early"):
        text += f"\n\nStopped early: a run may use {MAX_CPU_SECONDS:.0f} s of CPU time, so that everyone gets a turn."
    return text


def arena_outputs(frame: Frame, settings: ArenaSettings) -> tuple:
    """What `/arena` streams per frame: (image, losses chart, coverage chart, coverage meter, figures)."""
    figures = {**frame.figures, "settings": asdict(settings)}
    figures["description"] = frame_description(figures)
    return (render(frame), losses_chart(frame.history), coverage_chart(frame.history), meter_text(figures),
            figures)


def frame_description(figures: dict) -> str:
    """The frame's picture in one sentence, for a screen reader and the API (/arena's figures, "description")."""
    data = figures["settings"]["dataset"]
    text = (f"Step {figures['step']} on the {data} data: the GAN's samples (red crosses, left, over D's map) cover "
            f"{figures['gan_coverage_text']}, the VAE's (blue crosses, right) {figures['vae_coverage_text']}")
    if figures.get("d_real") is None or figures.get("d_fake") is None:  # step 0: nothing trained yet
        return text + "."
    return text + f"; D gives real points {figures['d_real']:.2f} and fakes {figures['d_fake']:.2f} on average."


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


def render(frame: Frame) -> Image.Image:
    """One image: the GAN panel (D(x) heat map, real points, GAN samples) beside the VAE panel."""
    font = ImageFont.load_default(size=18)
    title = 28
    image = Image.new("RGB", (2 * PANEL + 10, PANEL + title), "white")
    gan_panel = heat_map(frame.d_map) if frame.d_map is not None else Image.new("RGB", (PANEL, PANEL), "white")
    vae_panel = Image.new("RGB", (PANEL, PANEL), (248, 248, 248))
    for panel, samples, colour in [(gan_panel, frame.gan, GAN_COLOUR), (vae_panel, frame.vae, VAE_COLOUR)]:
        draw = ImageDraw.Draw(panel)
        draw_points(draw, frame.real, REAL_COLOUR, 1.5)
        draw_points(draw, samples, colour, 3.0, cross=True)
        draw.rectangle([0, 0, PANEL - 1, PANEL - 1], outline=(120, 120, 120))
    image.paste(gan_panel, (0, title))
    image.paste(vae_panel, (PANEL + 10, title))
    draw = ImageDraw.Draw(image)
    draw.text((4, 4), f"GAN  (step {frame.step})", fill=GAN_COLOUR, font=font)
    draw.text((PANEL + 14, 4), "VAE", fill=VAE_COLOUR, font=font)
    return image
