"""The Reconstruct tab's drawing pad: its brush draws strokes that survive the shrink to 28x28 as thick as MNIST's."""

import numpy as np
from PIL import Image, ImageDraw

from lab.preprocess import preprocess
from ui.reconstruct import BRUSH_RADIUS, CANVAS


def stroke_width(x: np.ndarray) -> float:
    """Mean ink per row over the middle rows of a 28x28 "1": the width of its stroke in pixels."""
    return float(x[8:20].sum(axis=1).mean())


def test_a_drawn_one_is_as_thick_as_mnist_ones(mnist_fixture):
    images, labels = mnist_fixture
    widths = [stroke_width(x[0].numpy()) for x in images[labels == 1]]
    low, high = np.percentile(widths, [5, 95])  # MNIST's 1s: about 2 to 4 pixels
    for tall in (0.55, 0.7, 0.85):  # a 1 drawn over this share of the canvas height
        canvas = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))  # as the pad exports it
        top = round(CANVAS * (1 - tall) / 2)
        ImageDraw.Draw(canvas).line([(CANVAS // 2, top), (CANVAS // 2, CANVAS - top)], fill=(0, 0, 0, 255),
                                    width=2 * BRUSH_RADIUS)
        width = stroke_width(preprocess(canvas).x[0, 0].numpy())
        assert low <= width <= high, (tall, width, low, high)
