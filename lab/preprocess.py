"""Make any picture of a digit look like an MNIST digit, the way MNIST itself was made.

MNIST digits are bright ink on black, cropped to the ink, scaled to fit a 20x20
box keeping their aspect ratio, and centred by centre of mass in a 28x28 frame
(LeCun et al., http://yann.lecun.com/exdb/mnist/). `preprocess` does the same to
an upload or a drawing and keeps a picture of every step.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

MAX_UPLOAD_MB = 20  # app.py launch(max_file_size=...): bigger uploads are refused before they reach the app
MAX_PIXELS = 50_000_000  # bigger pictures are refused before decoding (a 48-megapixel phone photo fits)
WORK_SIZE = 560  # larger inputs are shrunk to this many pixels on their long side first
UNEVEN_PAPER = 0.12  # spread of the paper's brightness along the border that calls for a shadow correction
INK_THRESHOLD = 0.2  # ink darker than this share of the strongest stroke counts as background


class PreprocessError(ValueError):
    """The input cannot be turned into a digit; the message says why, for the page."""


@dataclass
class Preprocessed:
    x: torch.Tensor  # (1, 1, 28, 28) in [0, 1]: what the model sees
    steps: list[tuple[np.ndarray, str]] = field(default_factory=list)  # (picture, caption) per step


def load_image(value) -> Image.Image:
    """Accept a file path, PNG/JPEG bytes, a PIL image, a numpy array or a Gradio sketchpad/editor
    value (a dict with `composite`, `background`, `layers`, each any of these)."""
    if isinstance(value, dict):
        value = _flatten_editor_value(value)
    if value is None:
        raise PreprocessError("No image yet: upload a picture of a digit or draw one.")
    if isinstance(value, (str, Path)):
        path = Path(value)
        if not path.is_file():
            raise PreprocessError(f"The picture {path.name!r} did not arrive on the server: upload it again.")
        if path.stat().st_size == 0:
            raise PreprocessError(f"{path.name!r} is empty (0 bytes): upload the picture again.")
        return decode(path, repr(path.name))
    if isinstance(value, bytes):
        return decode(io.BytesIO(value), "The drawing")
    if isinstance(value, np.ndarray):
        if value.ndim not in (2, 3) or value.size == 0:
            raise PreprocessError(f"Expected a 2-D picture, got an array of shape {value.shape}.")
        check_pixels(value.shape[1], value.shape[0], "The picture")
        if value.dtype != np.uint8:
            value = np.clip(value * (255.0 if value.max() <= 1.0 else 1.0), 0, 255).astype(np.uint8)
        return Image.fromarray(value.squeeze(-1) if value.ndim == 3 and value.shape[-1] == 1 else value)
    if isinstance(value, Image.Image):
        check_pixels(*value.size, "The picture")
        return value
    raise PreprocessError(f"Unsupported input of type {type(value).__name__}: send an image file.")


def check_pixels(width: int, height: int, name: str) -> None:
    if width * height > MAX_PIXELS:
        raise PreprocessError(f"{name} is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); the "
                              f"limit is {MAX_PIXELS / 1e6:.0f} megapixels. Shrink it, or use a smaller photo.")


def decode(source, name: str) -> Image.Image:
    """Decode an image file, refusing one over MAX_PIXELS before its pixels are decoded: Image.open
    reads only the header, .load() decodes. (PIL itself warns with DecompressionBombWarning from
    89 megapixels and refuses from 179 with DecompressionBombError.)"""
    try:
        opened = Image.open(source)
    except Image.DecompressionBombError as err:
        raise PreprocessError(f"{name} declares over {2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels; the limit is "
                              f"{MAX_PIXELS / 1e6:.0f} megapixels. Shrink it, or use a smaller photo.") from err
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise PreprocessError(f"{name} is not a picture this app can read: it may be damaged, or another kind of "
                              f"file renamed. Upload a PNG, JPEG, GIF, BMP or WebP image.") from err
    with opened:
        check_pixels(*opened.size, name)
        opened.draft(opened.mode, (WORK_SIZE, WORK_SIZE))  # JPEG: decode at a reduced scale, >= WORK_SIZE
        try:
            opened.load()
            image = ImageOps.exif_transpose(opened)  # phone photos carry their rotation in EXIF
        except Exception as err:  # noqa: BLE001 - a damaged file can fail inside any decoder, with any error
            raise PreprocessError(f"{name} is damaged and could not be decoded ({type(err).__name__}: {err}). "
                                  "Save or export it again and upload the new file.") from err
    return to_8bit(image)


def to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and float grayscale (PIL modes I;16, I, F) scaled to 8 bits: PIL's own conversion clips at 255."""
    if image.mode not in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        return image
    a = np.asarray(image, dtype=np.float64)
    top = 1.0 if a.max() <= 1.0 else 255.0 if a.max() <= 255 else 65535.0
    return Image.fromarray((np.clip(a / top, 0.0, 1.0) * 255 + 0.5).astype(np.uint8))


def _flatten_editor_value(value: dict):
    """The sketchpad's composite, or its layers stacked on the background when there is none."""
    if value.get("composite") is not None:
        return value["composite"]
    parts = [p for p in [value.get("background"), *(value.get("layers") or [])] if p is not None]
    if not parts:
        return None
    images = [load_image(p).convert("RGBA") for p in parts]
    canvas = Image.new("RGBA", images[0].size, (0, 0, 0, 0))
    for image in images:
        canvas.alpha_composite(image.resize(canvas.size))
    return canvas


def ink_map(image: Image.Image) -> np.ndarray:
    """Float `(H, W)` in [0, 1]: 1 where there is ink, 0 on the paper, whatever the input's
    colours (dark on light, light on dark, strokes on a transparent canvas)."""
    image = image.copy()
    image.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.LANCZOS)
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
    gray = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    alpha = rgba[..., 3]
    if alpha.min() < 0.99:
        if (alpha > 0.5).mean() < 0.5:
            ink = alpha  # strokes on a transparent canvas: whatever is painted is ink
            return _stretch(ink, background=0.0)
        paper = float(np.median(gray[alpha > 0.5]))  # a mostly opaque picture: mostly paper
        gray = gray * alpha + paper * (1.0 - alpha)  # fill its transparent parts with the paper's colour
    border = _border(gray)
    ink = 1.0 - gray if np.median(border) > 0.5 else gray  # make the ink bright, the paper dark
    edge = _border(ink)
    if np.percentile(edge, 90) - np.percentile(edge, 10) > UNEVEN_PAPER:
        ink = np.clip(ink - _paper_level(ink), 0.0, 1.0)  # a shadow or light gradient across a photo
        return _stretch(ink, background=0.0)
    return _stretch(ink, background=float(np.median(edge)))


def _paper_level(ink: np.ndarray) -> np.ndarray:
    """The paper's brightness at every pixel of a photo: a median over windows much wider than
    a pen stroke, so strokes drop out and slow light gradients remain."""
    h, w = ink.shape
    small = Image.fromarray(ink.astype(np.float32)).resize((max(1, w * 32 // max(h, w)), max(1, h * 32 // max(h, w))),
                                                          Image.Resampling.BILINEAR)
    small_u8 = Image.fromarray((np.asarray(small) * 255).astype(np.uint8)).filter(ImageFilter.MedianFilter(9))
    level = small_u8.resize((w, h), Image.Resampling.BILINEAR)
    return np.asarray(level, dtype=np.float32) / 255.0


def _border(a: np.ndarray) -> np.ndarray:
    w = max(1, min(a.shape) // 20)
    return np.concatenate([a[:w].ravel(), a[-w:].ravel(), a[:, :w].ravel(), a[:, -w:].ravel()])


def _stretch(ink: np.ndarray, background: float) -> np.ndarray:
    """Map the paper to 0 and the strongest strokes to 1; drop faint noise."""
    top = float(np.percentile(ink, 99.7))
    if top - background < 0.1:
        raise PreprocessError("No ink found: the picture looks blank. Draw or upload a digit.")
    ink = np.clip((ink - background) / (top - background), 0.0, 1.0)
    ink[ink < INK_THRESHOLD] = 0.0
    return ink


def crop_to_ink(ink: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(ink > 0)
    if len(rows) == 0:
        raise PreprocessError("No ink found: the picture looks blank. Draw or upload a digit.")
    return ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def fit_box(crop: np.ndarray, box: int = 20) -> np.ndarray:
    """Scale so the longer side is `box` pixels, keeping the aspect ratio (antialiased)."""
    h, w = crop.shape
    scale = box / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    t = torch.from_numpy(np.ascontiguousarray(crop)).float()[None, None]  # (1, 1, h, w)
    resized = F.interpolate(t, size=size, mode="bilinear", antialias=True, align_corners=False)
    return resized[0, 0].clamp(0, 1).numpy()


def centre_by_mass(digit: np.ndarray, size: int = 28) -> np.ndarray:
    """Paste `digit` into a `size` x `size` frame so its centre of mass is the frame's centre."""
    h, w = digit.shape
    total = digit.sum()
    rows, cols = np.arange(h), np.arange(w)
    com_y = (digit.sum(1) * rows).sum() / total
    com_x = (digit.sum(0) * cols).sum() / total
    centre = (size - 1) / 2
    top = int(np.clip(round(centre - com_y), 0, size - h))
    left = int(np.clip(round(centre - com_x), 0, size - w))
    frame = np.zeros((size, size), dtype=np.float32)
    frame[top:top + h, left:left + w] = digit
    return frame


def preprocess(value, box: int = 20) -> Preprocessed:
    """Upload or drawing -> `(1, 1, 28, 28)` MNIST-style input, with a picture of each step.
    `box`: the size the ink is fitted into (20 for MNIST digits; Fashion-MNIST fills all 28)."""
    image = load_image(value)
    if image.width < 4 or image.height < 4:
        raise PreprocessError(f"The picture is only {image.width}x{image.height} pixels; use a bigger one.")
    ink = ink_map(image)
    crop = crop_to_ink(ink)
    fitted = fit_box(crop, box)
    frame = centre_by_mass(fitted)
    shown = image.copy()
    shown.thumbnail((256, 256))
    steps = [
        (np.asarray(shown.convert("RGB")), "1 · your picture"),
        (_u8(ink), "2 · ink made bright, paper dark"),
        (_u8(crop), "3 · cropped to the ink"),
        (_u8(fitted), f"4 · fitted into a {box}×{box} box"),
        (_u8(frame), "5 · centred by mass in 28×28: what the model sees"),
    ]
    return Preprocessed(x=torch.from_numpy(frame)[None, None], steps=steps)


def _u8(a: np.ndarray) -> np.ndarray:
    return (np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8)
