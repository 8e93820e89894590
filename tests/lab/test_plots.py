"""The charts' colours (lab/plots.py) and the maps' (lab/latent.py): every text and line colour keeps WCAG's 4.5:1
contrast on the dark ground it is drawn on (legend text is drawn in its series' colour), and a chart draws its
title in TEXT."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from lab import latent, plots
from tests.colour import contrast


@pytest.mark.parametrize("colour", [plots.TEXT, plots.AXES, plots.MARK_COLOUR, *plots.PALETTE])
def test_chart_text_and_series_colours_read_on_the_dark_ground(colour):
    assert contrast(colour, plots.BACKGROUND) >= 4.5


@pytest.mark.parametrize("colour", [latent.TEXT, *latent.PALETTE])
def test_latent_map_labels_and_class_colours_read_on_the_dark_ground(colour):
    ground = tuple(int(v) for v in latent.latent_map(np.zeros((0, 2)), np.zeros(0, dtype=int), size=64,
                                                     half_width=1.0)[2, 2])  # a corner: the map's ground
    assert contrast(colour, ground) >= 4.5


def test_a_chart_draws_its_title_in_the_text_colour():
    image = plots.series_chart({"GAN": ([0, 1, 2], [0.0, 0.5, 1.0], plots.PALETTE[0])}, "Title", "step", "value",
                               width=300, height=190)
    title_rows = image[8:34, plots.MARGIN["left"]:plots.MARGIN["left"] + 60]
    assert (np.abs(title_rows.astype(int) - plots.TEXT).sum(-1) < 40).any()


def test_each_curve_has_its_own_marker_shape_so_colour_is_not_the_only_cue():
    assert list(plots.shapes_of(["D loss", "G loss", "D(real)", "D(fake)"]).values()) == \
        ["circle", "square", "triangle", "diamond"]
    masks = []
    for shape in plots.SHAPES:
        image = Image.new("RGB", (20, 20))
        plots.marker(ImageDraw.Draw(image), 10, 10, shape, (255, 255, 255), r=6)
        masks.append(np.asarray(image)[..., 0] > 128)
    for i in range(len(masks)):
        for j in range(i + 1, len(masks)):
            assert (masks[i] != masks[j]).sum() >= 10, (plots.SHAPES[i], plots.SHAPES[j])


def test_markers_spread_along_a_curve_and_mark_its_end():
    image = Image.new("RGB", (200, 20))
    plots.curve_markers(ImageDraw.Draw(image), [(10, 10), (190, 10)], "square", (255, 255, 255))
    lit = np.asarray(image)[10, :, 0] > 128
    starts = np.flatnonzero(lit[1:] & ~lit[:-1]) + 1  # where each square begins
    assert len(starts) + lit[0] == plots.MAX_MARKERS
    assert lit[190] and lit[10]  # both ends
