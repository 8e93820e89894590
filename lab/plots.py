"""Small charts drawn with PIL, with large type for a projector: overlaid histograms (log x axis) with
marked values, curves with marked points, and bar charts. Each returns an RGB uint8 array.

PIL rather than gr.LinePlot/gr.BarPlot: the histograms need a log axis, vertical marks for the threshold
and the user's picture on the same axes, and the same picture through the API as on the page."""

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

BACKGROUND, AXES, TEXT = (14, 14, 20), (120, 120, 130), (235, 235, 240)
MARGIN = {"left": 70, "right": 20, "top": 44, "bottom": 56}


def font(size: int = 18) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _canvas(width: int, height: int, title: str):
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN["left"], 10), title, fill=TEXT, font=font(20))
    box = (MARGIN["left"], MARGIN["top"], width - MARGIN["right"], height - MARGIN["bottom"])
    draw.rectangle(box, outline=AXES)
    return image, draw, box


def _legend(draw, box, entries: list[tuple[str, tuple]], top: int | None = None, left: bool = False) -> None:
    y = top if top is not None else box[1] + 8
    x = box[0] + 10 if left else box[2] - 250
    for name, colour in entries:
        draw.rectangle([x, y + 4, x + 14, y + 18], fill=colour)
        draw.text((x + 20, y), name, fill=TEXT, font=font(17))
        y += 24


def histogram_chart(series: dict[str, tuple[np.ndarray, tuple]], marks: list[tuple[float, str, tuple]],
                    title: str, bins: int = 60, width: int = 640, height: int = 360,
                    legend_left: bool = False) -> np.ndarray:
    """Overlaid outline histograms (share of each set per bin) on a log x axis; `marks`: (value, label,
    colour) drawn as vertical lines."""
    values = np.concatenate([v for v, _ in series.values()] + [np.array([m[0] for m in marks])])
    low, high = math.log10(max(values.min(), 1e-3) * 0.9), math.log10(values.max() * 1.1)
    edges = np.linspace(low, high, bins + 1)
    shares = {name: np.histogram(np.log10(np.maximum(v, 1e-3)), edges)[0] / len(v) for name, (v, _) in series.items()}
    top = max(s.max() for s in shares.values()) * 1.1
    image, draw, (x0, y0, x1, y1) = _canvas(width, height, title)

    def px(log_value):
        return x0 + (log_value - low) / (high - low) * (x1 - x0)

    for name, (_, colour) in series.items():
        points = []
        for i, share in enumerate(shares[name]):
            y = y1 - share / top * (y1 - y0)
            points += [(px(edges[i]), y), (px(edges[i + 1]), y)]
        draw.line([(px(edges[0]), y1), *points, (px(edges[-1]), y1)], fill=colour, width=3)
    for decade in range(math.floor(low), math.ceil(high) + 1):
        for m in (1, 2, 5):
            v = math.log10(m) + decade
            if low <= v <= high:
                draw.line([(px(v), y1), (px(v), y1 + 6)], fill=AXES, width=2)
                draw.text((px(v) - 14, y1 + 8), f"{m * 10 ** decade:g}", fill=TEXT, font=font(16))
    for value, label, colour in marks:
        x = px(math.log10(max(value, 1e-3)))
        draw.line([(x, y0), (x, y1)], fill=colour, width=3)
        draw.text((min(x + 4, x1 - 120), y0 + 4 + 22 * marks.index((value, label, colour))), label,
                  fill=colour, font=font(17))
    draw.text((x0, y1 + 32), "share of each set per bin; higher score = less like the training data",
              fill=AXES, font=font(15))
    _legend(draw, (x0, y0, x1, y1), [(name, colour) for name, (_, colour) in series.items()], top=y0 + 50,
            left=legend_left)
    return np.asarray(image)


def line_chart(curves: dict[str, tuple[np.ndarray, np.ndarray, tuple]], points: list[tuple[float, float, tuple]],
               title: str, x_label: str, y_label: str, width: int = 480, height: int = 360) -> np.ndarray:
    """Curves on [0, 1] x [0, 1] (ROC) with the chance diagonal and marked points."""
    image, draw, (x0, y0, x1, y1) = _canvas(width, height, title)

    def px(x, y):
        return x0 + x * (x1 - x0), y1 - y * (y1 - y0)

    draw.line([px(0, 0), px(1, 1)], fill=AXES, width=1)
    for xs, ys, colour in curves.values():
        draw.line([px(x, y) for x, y in zip(xs, ys, strict=True)], fill=colour, width=3)
    for x, y, colour in points:
        cx, cy = px(x, y)
        draw.ellipse([cx - 7, cy - 7, cx + 7, cy + 7], outline=(255, 255, 255), width=3, fill=colour)
    for t in (0, 0.5, 1):
        draw.text((px(t, 0)[0] - 10, y1 + 6), f"{t:g}", fill=TEXT, font=font(16))
        draw.text((x0 - 30, px(0, t)[1] - 10), f"{t:g}", fill=TEXT, font=font(16))
    draw.text((x0 + 40, y1 + 28), x_label, fill=AXES, font=font(16))
    draw.text((x0 + 8, y0 + 6), y_label, fill=AXES, font=font(16))
    _legend(draw, (x0, y0, x1, y1), [(name, colour) for name, (_, _, colour) in curves.items()], top=y1 - 60)
    return np.asarray(image)


def bar_chart(series: dict[str, tuple[list[float], tuple]], labels: list[str], title: str,
              width: int = 560, height: int = 300) -> np.ndarray:
    """Grouped bars: for each label, one bar per series (e.g. share of decodes per class, per model)."""
    image, draw, (x0, y0, x1, y1) = _canvas(width, height, title)
    top = max(max(v) for v, _ in series.values()) * 1.15 or 1.0
    group = (x1 - x0) / len(labels)
    bar = group * 0.8 / len(series)
    for j, (_, (values, colour)) in enumerate(series.items()):
        for i, value in enumerate(values):
            left = x0 + i * group + group * 0.1 + j * bar
            draw.rectangle([left, y1 - value / top * (y1 - y0), left + bar - 1, y1], fill=colour)
    for i, label in enumerate(labels):
        draw.text((x0 + (i + 0.5) * group - 5, y1 + 6), label, fill=TEXT, font=font(18))
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        if t <= top:
            y = y1 - t / top * (y1 - y0)
            draw.line([(x0 - 5, y), (x0, y)], fill=AXES, width=2)
            draw.text((x0 - 48, y - 10), f"{t:.0%}", fill=TEXT, font=font(15))
    _legend(draw, (x0, y0, x1, y1), [(name, colour) for name, (_, colour) in series.items()])
    return np.asarray(image)
