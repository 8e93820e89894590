"""Every chart on the page, drawn with PIL, with large type for a projector: overlaid histograms (log x
axis) with marked values, ROC curves with marked points, grouped bar charts and curves over training steps
or epochs (`series_chart`). Each returns an RGB uint8 array.

One family, PIL, rather than gr.LinePlot/gr.BarPlot beside it: the histograms need a log axis and vertical
marks that Gradio's plots cannot draw; the picture is the same through the API as on the page; the text
size is ours (TEXT_PX; the browser test checks that the page shows it at 16 px or more), and no Gradio
label badge sits over the title, which is drawn in the image."""

import math
import threading

import numpy as np
from PIL import Image, ImageDraw, ImageFont

BACKGROUND, AXES, TEXT = (14, 14, 20), (150, 150, 160), (235, 235, 240)  # AXES: 7:1 on BACKGROUND
TEXT_PX, TITLE_PX = 18, 22  # every label, and the title: a chart shown at 89 % of its size still has 16-px text
MARGIN = {"left": 70, "right": 20, "top": 44, "bottom": 56}


_fonts = threading.local()  # a FreeType face is not to be shared between threads: one set per thread


def font(size: int = TEXT_PX) -> ImageFont.ImageFont:
    """Pillow's default font at `size` pixels, loaded once per size and thread (FreeType then keeps its glyphs:
    an arena click's two charts drew in 46 ms instead of 85 ms, docs/benchmarks.md "arena")."""
    loaded = _fonts.__dict__.setdefault("by_size", {})
    if size not in loaded:
        loaded[size] = ImageFont.load_default(size=size)
    return loaded[size]


def _canvas(width: int, height: int, title: str, top: int = MARGIN["top"], bottom: int = MARGIN["bottom"]):
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN["left"], 10), title, fill=TEXT, font=font(TITLE_PX))
    box = (MARGIN["left"], top, width - MARGIN["right"], height - bottom)
    draw.rectangle(box, outline=AXES)
    return image, draw, box


def histogram_chart(series: dict[str, tuple[np.ndarray, tuple]], marks: list[tuple[float, str, tuple]],
                    title: str, bins: int = 60, width: int = 640, height: int = 360) -> np.ndarray:
    """Overlaid outline histograms (share of each set per bin) on a log x axis; `marks`: (value, label,
    colour) drawn as vertical lines."""
    values = np.concatenate([v for v, _ in series.values()] + [np.array([m[0] for m in marks])])
    low, high = math.log10(max(values.min(), 1e-3) * 0.9), math.log10(values.max() * 1.1)
    edges = np.linspace(low, high, bins + 1)
    shares = {name: np.histogram(np.log10(np.maximum(v, 1e-3)), edges)[0] / len(v) for name, (v, _) in series.items()}
    top = max(s.max() for s in shares.values()) * 1.1
    rows = _legend_rows(list(series), width - 20)
    image, draw, (x0, y0, x1, y1) = _canvas(width, height, title, top=MARGIN["top"] + 24 * len(rows))

    def px(log_value):
        return x0 + (log_value - low) / (high - low) * (x1 - x0)

    shapes = shapes_of(series)
    for name, (_, colour) in series.items():
        points = []
        for i, share in enumerate(shares[name]):
            y = y1 - share / top * (y1 - y0)
            points += [(px(edges[i]), y), (px(edges[i + 1]), y)]
        draw.line([(px(edges[0]), y1), *points, (px(edges[-1]), y1)], fill=colour, width=3)
        peak = int(shares[name].argmax())  # each outline's marker on its highest bin
        marker(draw, px((edges[peak] + edges[peak + 1]) / 2), y1 - shares[name][peak] / top * (y1 - y0),
               shapes[name], colour, r=6)
    right = -math.inf  # the right end of the last label: a label that would overlap it gets only its tick
    for decade in range(math.floor(low), math.ceil(high) + 1):
        for m in (1, 2, 5):
            v = math.log10(m) + decade
            if low <= v <= high:
                draw.line([(px(v), y1), (px(v), y1 + 6)], fill=AXES, width=2)
                text = f"{m * 10 ** decade:g}"
                half = font(TEXT_PX).getlength(text) / 2
                if px(v) - half > right + 8:
                    draw.text((px(v), y1 + 8), text, fill=TEXT, font=font(TEXT_PX), anchor="ma")
                    right = px(v) + half
    for value, label, colour in marks:
        x = px(math.log10(max(value, 1e-3)))
        draw.line([(x, y0), (x, y1)], fill=colour, width=3)
        draw.text((min(x + 4, x1 - 120), y0 + 4 + 22 * marks.index((value, label, colour))), label,
                  fill=colour, font=font(TEXT_PX))
    draw.text((x0, y1 + 32), "share per bin · higher = less like the training data",
              fill=AXES, font=font(TEXT_PX))
    _legend_band(draw, 10, y0, rows, {name: colour for name, (_, colour) in series.items()}, shapes)
    return np.asarray(image)


def line_chart(curves: dict[str, tuple[np.ndarray, np.ndarray, tuple]], points: list[tuple[float, float, tuple]],
               title: str, x_label: str, y_label: str, width: int = 480, height: int = 360) -> np.ndarray:
    """Curves on [0, 1] x [0, 1] (ROC) with the chance diagonal and marked points."""
    rows = _legend_rows(list(curves), width - 20)
    image, draw, (x0, y0, x1, y1) = _canvas(width, height, title, top=MARGIN["top"] + 24 * len(rows))

    def px(x, y):
        return x0 + x * (x1 - x0), y1 - y * (y1 - y0)

    draw.line([px(0, 0), px(1, 1)], fill=AXES, width=1)
    shapes = shapes_of(curves)
    for name, (xs, ys, colour) in curves.items():
        line = [px(x, y) for x, y in zip(xs, ys, strict=True)]
        draw.line(line, fill=colour, width=3)
        curve_markers(draw, line, shapes[name], colour)
    for x, y, colour in points:
        cx, cy = px(x, y)
        draw.ellipse([cx - 7, cy - 7, cx + 7, cy + 7], outline=(255, 255, 255), width=3, fill=colour)
    for t in (0, 0.5, 1):
        draw.text((px(t, 0)[0] - 10, y1 + 6), f"{t:g}", fill=TEXT, font=font(TEXT_PX))
        draw.text((x0 - 30, px(0, t)[1] - 10), f"{t:g}", fill=TEXT, font=font(TEXT_PX))
    draw.text((x0 + 40, y1 + 28), x_label, fill=AXES, font=font(TEXT_PX))
    draw.text((x0 + 8, y0 + 6), y_label, fill=AXES, font=font(TEXT_PX))
    _legend_band(draw, 10, y0, rows, {name: colour for name, (_, _, colour) in curves.items()}, shapes)
    return np.asarray(image)


# Okabe & Ito's palette, told apart by the common colour-vision deficiencies, lightened to read on BACKGROUND
PALETTE = [(230, 159, 0), (86, 180, 233), (0, 170, 125), (240, 228, 66), (204, 121, 167), (213, 94, 0),
           (120, 160, 255)]
MARK_COLOUR = (255, 255, 255)
# Each curve of a chart also has its own marker shape (in the legend too), so that colour is never the only
# way to tell the curves apart (WCAG 1.4.1; docs/accessibility.md). Markers stay at most MAX_MARKERS per curve.
SHAPES = ["circle", "square", "triangle", "diamond", "cross"]
MAX_MARKERS = 12


def shapes_of(names) -> dict[str, str]:
    """Each curve's marker shape, in the curves' order."""
    return {name: SHAPES[i % len(SHAPES)] for i, name in enumerate(names)}


def curve_markers(draw, points: list[tuple[float, float]], shape: str, colour) -> None:
    """At most MAX_MARKERS markers spread evenly along the curve through `points` (by length), its end included."""
    if not points:
        return
    xy = np.asarray(points, dtype=float)
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    if along[-1] == 0:
        marker(draw, *xy[-1], shape, colour)
        return
    for d in np.linspace(along[-1], 0, MAX_MARKERS):
        marker(draw, np.interp(d, along, xy[:, 0]), np.interp(d, along, xy[:, 1]), shape, colour)


def marker(draw, cx: float, cy: float, shape: str, colour, r: float = 5) -> None:
    """One marker of `shape` (one of SHAPES), centred on (cx, cy)."""
    if shape == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    elif shape == "square":
        draw.rectangle([cx - r, cy - r, cx + r, cy + r], fill=colour)
    elif shape == "triangle":
        draw.polygon([(cx, cy - r - 1), (cx + r + 1, cy + r), (cx - r - 1, cy + r)], fill=colour)
    elif shape == "diamond":
        draw.polygon([(cx, cy - r - 1), (cx + r + 1, cy), (cx, cy + r + 1), (cx - r - 1, cy)], fill=colour)
    else:
        draw.line([(cx - r, cy - r), (cx + r, cy + r)], fill=colour, width=3)
        draw.line([(cx - r, cy + r), (cx + r, cy - r)], fill=colour, width=3)


def _ticks(low: float, high: float, n: int = 4) -> list[float]:
    """Round tick values in [low, high]: steps of 1, 2 or 5 times a power of ten, about `n` of them."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / n
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def series_chart(series: dict[str, tuple[list[float], list[float], tuple]], title: str, x_label: str,
                 y_label: str, y_range: tuple[float, float] | None = None, mark: tuple[float, str] | None = None,
                 width: int = 560, height: int = 300) -> np.ndarray:
    """Curves `{name: (xs, ys, colour)}` over a shared x axis (steps, epochs), with a legend, round ticks
    and, if given, `mark` = (x, label) drawn as a white vertical line (e.g. the epoch on show). Empty
    series are left out; with no points at all the axes say so."""
    drawn = {name: (np.asarray(xs, float), np.asarray(ys, float), colour)
             for name, (xs, ys, colour) in series.items() if len(xs)}
    rows = _legend_rows(list(drawn), width - 20)
    image, draw, (x0, y0, x1, y1) = _canvas(width, height, title, top=MARGIN["top"] + 24 * max(1, len(rows)))
    if not drawn:
        draw.text((x0 + 12, (y0 + y1) / 2 - 10), "no data yet", fill=AXES, font=font(TEXT_PX))
        return np.asarray(image)
    xs_all = np.concatenate([xs for xs, _, _ in drawn.values()] + ([np.array([mark[0]])] if mark else []))
    ys_all = np.concatenate([ys[np.isfinite(ys)] for _, ys, _ in drawn.values()] + [np.zeros(0)])
    x_low, x_high = float(xs_all.min()), float(xs_all.max())
    if x_high == x_low:
        x_high = x_low + 1
    if y_range is None:
        y_low, y_high = (float(ys_all.min()), float(ys_all.max())) if len(ys_all) else (0.0, 1.0)
        pad = (y_high - y_low) * 0.05 or 0.5
        y_low, y_high = y_low - pad, y_high + pad
    else:
        y_low, y_high = y_range

    def px(x, y):
        return (x0 + (x - x_low) / (x_high - x_low) * (x1 - x0),
                y1 - (min(max(y, y_low), y_high) - y_low) / (y_high - y_low) * (y1 - y0))

    for t in _ticks(y_low, y_high, max(3, min(5, int((y1 - y0) // 30)))):
        y = px(x_low, t)[1]
        draw.line([(x0 - 5, y), (x0, y)], fill=AXES, width=2)
        draw.text((x0 - 8, y), f"{t:g}", fill=TEXT, font=font(TEXT_PX), anchor="rm")
    for t in _ticks(x_low, x_high, 5):
        x = px(t, y_low)[0]
        draw.line([(x, y1), (x, y1 + 5)], fill=AXES, width=2)
        draw.text((x, y1 + 7), f"{t:g}", fill=TEXT, font=font(TEXT_PX), anchor="mt")
    draw.text(((x0 + x1) / 2, y1 + 30), x_label, fill=TEXT, font=font(TEXT_PX), anchor="mt")
    if MARGIN["left"] + font(TITLE_PX).getlength(title) + 24 + font(TEXT_PX).getlength(y_label) < x1:
        draw.text((x1, 14), y_label, fill=TEXT, font=font(TEXT_PX), anchor="ra")  # else the title names it
    if mark is not None:
        x = px(mark[0], y_low)[0]
        draw.line([(x, y0), (x, y1)], fill=MARK_COLOUR, width=2)
        draw.text((min(x + 5, x1 - 5), y0 + 4), mark[1], fill=MARK_COLOUR, font=font(TEXT_PX),
                  anchor="la" if x + 5 < x1 - 140 else "ra")
    shapes = shapes_of(drawn)
    for name, (xs, ys, colour) in drawn.items():
        points = [px(x, y) for x, y in zip(xs, ys, strict=True) if np.isfinite(y)]
        if len(points) > 1:
            draw.line(points, fill=colour, width=3)
        curve_markers(draw, points, shapes[name], colour)
    _legend_band(draw, 10, y0, rows, {name: colour for name, (_, _, colour) in drawn.items()}, shapes)
    return np.asarray(image)


def _legend_band(draw, x0: float, y0: float, rows: list[list[str]], colours: dict[str, tuple],
                 shapes: dict[str, str] | None = None) -> None:
    """The legend in `rows` (from `_legend_rows`), in the band between the title and the plot's top `y0`: each
    name after its colour, as a square or as its curve's marker (`shapes`)."""
    for r, row in enumerate(rows):
        x, y = x0, y0 - 24 * (len(rows) - r) - 6
        for name in row:
            if shapes:
                marker(draw, x + 7, y + 11, shapes[name], colours[name], r=6)
            else:
                draw.rectangle([x, y + 4, x + 14, y + 18], fill=colours[name])
            draw.text((x + 20, y), name, fill=TEXT, font=font(TEXT_PX))
            x += 20 + font(TEXT_PX).getlength(name) + 18


def _legend_rows(names: list[str], width: float) -> list[list[str]]:
    """The legend's entries in rows that fit `width` pixels (a swatch, the name, a gap each)."""
    rows, x = [[]], 0.0
    for name in names:
        step = 20 + font(TEXT_PX).getlength(name) + 18
        if rows[-1] and x + step - 18 > width:
            rows.append([])
            x = 0.0
        rows[-1].append(name)
        x += step
    return [row for row in rows if row]


def bar_chart(series: dict[str, tuple[list[float], tuple]], labels: list[str], title: str,
              width: int = 560, height: int = 300, top: float | None = None) -> np.ndarray:
    """Grouped bars of shares: for each label, one bar per series (e.g. share of decodes per class, per model).
    `top`: the axis' top (default: a little above the tallest bar); the legend only when there are two series
    or more (one series is named by the title)."""
    rows = _legend_rows(list(series), width - 20) if len(series) > 1 else []
    image, draw, (x0, y0, x1, y1) = _canvas(width, height, title, top=MARGIN["top"] + 24 * len(rows), bottom=34)
    top = top or max(max(v) for v, _ in series.values()) * 1.15 or 1.0
    group = (x1 - x0) / len(labels)
    bar = group * 0.8 / len(series)
    for j, (_, (values, colour)) in enumerate(series.items()):
        for i, value in enumerate(values):
            left = x0 + i * group + group * 0.1 + j * bar
            draw.rectangle([left, y1 - value / top * (y1 - y0), left + bar - 1, y1], fill=colour)
    for i, label in enumerate(labels):
        draw.text((x0 + (i + 0.5) * group, y1 + 6), label, fill=TEXT, font=font(TEXT_PX), anchor="mt")
    for t in _ticks(0, top, max(2, min(4, int((y1 - y0) // 30)))):
        y = y1 - t / top * (y1 - y0)
        draw.line([(x0 - 5, y), (x0, y)], fill=AXES, width=2)
        draw.text((x0 - 8, y), f"{t:.0%}", fill=TEXT, font=font(TEXT_PX), anchor="rm")
    _legend_band(draw, 10, y0, rows, {name: colour for name, (_, colour) in series.items()})
    return np.asarray(image)


def tally_chart(choices: list[str], counts: list[int], right: str | None, title: str, width: int = 640,
                row: int = 58) -> np.ndarray:
    """A room's answers: one horizontal bar per choice with its count and share written beside it, the choice's
    text above its bar (long answers wrap), and the right one marked with a tick and the words "right answer",
    drawn in PALETTE[2] with a white outline, so neither colour nor order alone carries it."""
    total = max(sum(counts), 1)
    lines = [_wrap(f"{chr(65 + i)}. {choice}", width - 40) for i, choice in enumerate(choices)]
    heights = [row + 22 * (len(text) - 1) for text in lines]
    image = Image.new("RGB", (width, 44 + sum(heights) + 8), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((16, 10), title, fill=TEXT, font=font(TITLE_PX))
    y = 44
    bar_right = width - 250  # room for "200 · 100 %" and the tick and "right answer" after the longest bar
    for text, count, choice, height in zip(lines, counts, choices, heights, strict=True):
        is_right = choice == right
        for k, line in enumerate(text):
            draw.text((16, y + 22 * k), line, fill=TEXT, font=font(TEXT_PX))
        top = y + 22 * len(text) + 2
        length = (bar_right - 16) * count / total
        colour = PALETTE[2] if is_right else AXES
        draw.rectangle([16, top, 16 + max(length, 2), top + 22], fill=colour,
                       outline=MARK_COLOUR if is_right else None, width=2)
        label = f"{count} · {count / total:.0%}"
        x = 16 + max(length, 2) + 10
        draw.text((x, top + 1), label, fill=TEXT, font=font(TEXT_PX))
        if is_right:  # a drawn tick (the default font has no ✓) and the words
            x += font().getlength(label) + 14
            draw.line([(x, top + 11), (x + 6, top + 18), (x + 16, top + 3)], fill=PALETTE[2], width=4)
            draw.text((x + 24, top + 1), "right answer", fill=TEXT, font=font(TEXT_PX))
        y += height
    return np.asarray(image)


def _wrap(text: str, width: float) -> list[str]:
    """`text` in lines that fit `width` pixels at TEXT_PX."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font().getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + [current] if current else lines
