import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from lab.preprocess import PreprocessError, centre_by_mass, fit_box, preprocess


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
    ("/no/such/file.png", "Could not read"),
    (np.zeros((2, 2), dtype=np.uint8), "only 2x2 pixels"),
    (42, "Unsupported input"),
])
def test_bad_input_gives_a_clear_message(value, message):
    with pytest.raises(PreprocessError, match=message):
        preprocess(value)


def test_not_an_image_file(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    with pytest.raises(PreprocessError, match="Could not read 'notes.png'"):
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
