import io
import struct
import zlib

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from lab.preprocess import MAX_PIXELS, PreprocessError, centre_by_mass, fit_box, preprocess


def ink_box(x: torch.Tensor):
    rows, cols = np.nonzero(x[0, 0].numpy() > 0)
    return rows.min(), rows.max(), cols.min(), cols.max()


def centre_of_mass(x: torch.Tensor):
    a = x[0, 0].numpy()
    rows, cols = np.indices(a.shape)
    return (a * rows).sum() / a.sum(), (a * cols).sum() / a.sum()


def check_mnist_like(result):
    x = result.x
    assert x.shape == (1, 1, 28, 28) and x.dtype == torch.float32
    assert x.min() >= 0 and x.max() <= 1 and x.max() > 0.9
    top, bottom, left, right = ink_box(x)
    assert max(bottom - top + 1, right - left + 1) == 20  # the longer side fills the 20x20 box
    com_y, com_x = centre_of_mass(x)
    assert abs(com_y - 13.5) <= 0.501 and abs(com_x - 13.5) <= 0.501  # centred by mass (whole-pixel shift)
    assert x[0, 0, 0].sum() == 0 and x[0, 0, :, 0].sum() == 0  # paper stays black
    assert [caption[:1] for _, caption in result.steps] == ["1", "2", "3", "4", "5"]


def test_dark_ink_on_light_paper_photo_4000x3000_off_centre():
    image = Image.new("RGB", (4000, 3000), (228, 222, 210))  # off-white paper
    draw = ImageDraw.Draw(image)
    draw.ellipse([2800, 300, 3500, 1400], outline=(25, 25, 40), width=110)  # an off-centre "0"
    result = preprocess(image)
    check_mnist_like(result)
    top, bottom, left, right = ink_box(result.x)
    assert bottom - top + 1 == 20 and right - left + 1 < 20  # taller than wide: aspect kept
    assert result.x[0, 0, 14, 14] == 0  # the hole of the 0 stays dark


def test_transparent_canvas_with_strokes(tmp_path):
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(60, 40), (80, 250)], fill=(0, 0, 0, 255), width=18)  # black ink, clear paper
    path = tmp_path / "digit.png"
    image.save(path)
    check_mnist_like(preprocess(str(path)))


def test_light_ink_on_dark_and_grayscale_and_rgba_inputs():
    gray = np.zeros((100, 80), dtype=np.uint8)
    gray[20:80, 30:40] = 255  # already MNIST-like
    check_mnist_like(preprocess(gray))
    rgba = np.full((100, 80, 4), 255, dtype=np.uint8)
    rgba[20:80, 30:40, :3] = 0  # black ink on opaque white
    check_mnist_like(preprocess(rgba))
    assert torch.allclose(preprocess(gray).x, preprocess(rgba).x, atol=1e-6)


def test_sketchpad_values():
    layer = np.zeros((200, 200, 4), dtype=np.uint8)
    layer[40:160, 95:110] = (0, 0, 0, 255)
    background = np.full((200, 200, 4), 255, dtype=np.uint8)
    composite = background.copy()
    composite[40:160, 95:110] = (0, 0, 0, 255)
    from_composite = preprocess({"background": background, "layers": [layer], "composite": composite})
    check_mnist_like(from_composite)
    from_layers = preprocess({"background": background, "layers": [layer], "composite": None})
    assert torch.allclose(from_layers.x, from_composite.x, atol=1e-6)


@pytest.mark.parametrize("value, message", [
    (None, "No image yet"),
    ({"background": None, "layers": [], "composite": None}, "No image yet"),
    (np.full((50, 50), 255, dtype=np.uint8), "No ink found"),
    (np.full((60, 60, 4), 200, dtype=np.uint8), "No ink found"),
    ("/no/such/file.png", "'file.png' did not arrive on the server: upload it again"),
    (np.zeros((2, 2), dtype=np.uint8), "only 2x2 pixels"),
    (42, "Unsupported input"),
])
def test_bad_input_gives_a_clear_message(value, message):
    with pytest.raises(PreprocessError, match=message):
        preprocess(value)


def test_not_an_image_file(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    with pytest.raises(PreprocessError, match="'notes.png' is not a picture this app can read"):
        preprocess(str(path))


def test_fit_box_and_centre_by_mass_known_values():
    crop = np.ones((40, 10), dtype=np.float32)
    fitted = fit_box(crop)
    assert fitted.shape == (20, 5)
    assert np.allclose(fitted, 1.0, atol=1e-5)
    frame = centre_by_mass(fitted)
    assert frame.sum() == pytest.approx(100.0, rel=1e-4)
    rows, cols = np.nonzero(frame)
    assert (rows.min(), rows.max()) == (4, 23)  # 20 rows centred in 28
    assert (cols.min(), cols.max()) == (12, 16)


def test_photo_with_a_shadow_across_the_paper():
    width, height = 1200, 900
    shade = np.linspace(250, 120, width, dtype=np.float32)[None, :].repeat(height, 0)  # light left, dark right
    photo = shade.copy()
    photo[200:700, 820:880] = 30  # a "1" in the shadowed half
    result = preprocess(np.stack([photo.astype(np.uint8)] * 3, axis=-1))
    check_mnist_like(result)
    top, bottom, left, right = ink_box(result.x)
    assert right - left + 1 <= 5  # only the stroke survives, not the dark half of the paper


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` x `height` pixels but holds almost no data (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def truncated_png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()[:2000]


@pytest.mark.parametrize("name, content, message", [
    ("random.png", np.random.default_rng(0).bytes(3000), "'random.png' is not a picture this app can read"),
    ("empty.png", b"", r"'empty.png' is empty \(0 bytes\)"),
    ("notes.png", b"not a picture, just text\n" * 20, "'notes.png' is not a picture this app can read"),
    ("huge.png", png_declaring(30000, 30000), "'huge.png' declares over 179 megapixels; the limit is 50 megapixels"),
    ("big.png", png_declaring(9000, 8000), "'big.png' is 9000×8000 pixels .72 megapixels.; the limit is 50"),
    ("cut.png", truncated_png(), "'cut.png' is damaged and could not be decoded .OSError: image file is truncated"),
])
def test_bad_files_are_refused_with_what_is_wrong_and_what_to_do(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PreprocessError, match=message) as caught:
        preprocess(str(path))
    assert any(advice in str(caught.value) for advice in ("Upload", "upload", "Shrink", "Save or export"))


def test_pixel_limit_is_checked_before_decoding(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    path.write_bytes(png_declaring(9000, 8000))
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("decoded a picture over the limit"))
    with pytest.raises(PreprocessError, match="the limit is 50 megapixels"):
        preprocess(str(path))
    assert MAX_PIXELS == 50_000_000


def mnist_digit(mnist_fixture, i: int, scale: int = 10) -> np.ndarray:
    """Test digit i as uint8 (28 * scale, 28 * scale), white ink on black."""
    digit = (mnist_fixture[0][i, 0].numpy() * 255).astype(np.uint8)
    return np.asarray(Image.fromarray(digit).resize((28 * scale, 28 * scale), Image.Resampling.BILINEAR))


@pytest.mark.parametrize("ink", [0, 255], ids=["dark-ink", "light-ink"])
def test_strokes_on_a_transparent_canvas_read_as_the_same_digit(tmp_path, mnist_fixture, ink):
    """A drawing app's export: the ink is only in the alpha channel, whatever colour the strokes are."""
    digit = mnist_digit(mnist_fixture, 3)
    rgba = np.zeros(digit.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = ink
    rgba[..., 3] = digit
    path = tmp_path / "drawing.png"
    Image.fromarray(rgba, "RGBA").save(path)
    assert Image.open(path).mode == "RGBA"
    from_transparent = preprocess(str(path))
    from_opaque = preprocess(digit)  # the same digit, white on black, no alpha
    check_mnist_like(from_transparent)
    assert torch.allclose(from_transparent.x, from_opaque.x, atol=0.02)


def test_mostly_opaque_light_ink_on_dark_paper_with_transparent_margins():
    """Transparent parts of a mostly opaque picture take the paper's colour, not white."""
    rgba = np.zeros((200, 200, 4), dtype=np.uint8)
    rgba[20:180, 20:180, 3] = 255  # dark opaque paper, transparent 20-pixel margins
    rgba[40:160, 95:110, :3] = 255  # a light "1"
    result = preprocess(rgba)
    check_mnist_like(result)
    top, bottom, left, right = ink_box(result.x)
    assert right - left + 1 <= 4  # only the stroke is ink, not the margins


def test_drawing_value_with_undecoded_parts(tmp_path):
    """The sketchpad hands over file paths or PNG bytes (ui/common.py Drawing); they are decoded here."""
    layer = np.zeros((200, 200, 4), dtype=np.uint8)
    layer[40:160, 95:110] = (0, 0, 0, 255)
    buffer = io.BytesIO()
    Image.fromarray(layer, "RGBA").save(buffer, "PNG")
    from_bytes = preprocess({"background": None, "layers": [buffer.getvalue()], "composite": None})
    check_mnist_like(from_bytes)
    (tmp_path / "composite.png").write_bytes(buffer.getvalue())
    from_path = preprocess({"background": None, "layers": [], "composite": str(tmp_path / "composite.png")})
    assert torch.equal(from_bytes.x, from_path.x)
    with pytest.raises(PreprocessError, match="The drawing is not a picture this app can read"):
        preprocess({"background": None, "layers": [], "composite": b"garbage"})


def test_16_bit_grayscale_keeps_its_gray_levels(tmp_path, mnist_fixture):
    digit = mnist_digit(mnist_fixture, 5)
    path = tmp_path / "deep.png"
    Image.fromarray(digit.astype(np.uint16) * 257).save(path)  # PIL reads it back as mode I;16
    assert Image.open(path).mode.startswith("I")
    assert torch.allclose(preprocess(str(path)).x, preprocess(digit).x, atol=1e-6)
