"""Make the example pictures in examples/ (see examples/README.md for what each one is and where it comes from).

    python examples/make_examples.py                                   # from tests/fixtures/mnist_test_200.npz
    python examples/make_examples.py --fashion-root ../shared/data     # also the Fashion-MNIST test images

The MNIST digits, the simulated photo and the simulated canvas drawing come from the MNIST fixture
(real test digits); the house is drawn here with PIL; the garments are Fashion-MNIST test images, read
from a folder holding FashionMNIST/raw (torchvision's layout). Every picture is deterministic (fixed seeds).
"""

import argparse
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURE = ROOT / "tests" / "fixtures" / "mnist_test_200.npz"
MNIST_DIGITS = [0, 1, 2, 3, 4, 7]  # fixture positions (= MNIST test indices): a 7, 2, 1, 0, 4 and 9
PHOTO_DIGIT = 18  # an MNIST test 3
DRAWN_DIGIT = 6  # an MNIST test 4
GARMENTS = ["Trouser", "Sneaker", "Ankle boot"]  # the first of each class in this project's Fashion-MNIST test split


def save_mnist(images: np.ndarray, labels: np.ndarray) -> list[Path]:
    paths = []
    for i in MNIST_DIGITS:
        path = HERE / f"mnist_test{i}_{labels[i]}.png"
        Image.fromarray(images[i]).save(path)
        paths.append(path)
    return paths


def simulated_photo(digit: np.ndarray, seed: int = 0) -> bytes:
    """A real test digit as dark pen ink on paper, photographed badly: warm paper lit unevenly (a light
    gradient and a soft shadow), the page turned by a few degrees, sensor noise, and JPEG compression."""
    rng = np.random.default_rng(seed)
    ink = Image.fromarray(digit).resize((168, 168), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(1.2))
    page = Image.new("L", (320, 240), 0)
    page.paste(ink, (80, 36))
    page = page.rotate(-7, resample=Image.Resampling.BICUBIC)
    a = np.asarray(page, dtype=np.float32) / 255.0  # (240, 320) ink share
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.28 * (xx / w) - 0.12 * (yy / h)  # brighter at the top left
    light -= 0.18 * np.exp(-(((xx - 0.85 * w) / (0.25 * w)) ** 2 + ((yy - 0.9 * h) / (0.3 * h)) ** 2))  # shadow
    paper = np.array([236, 228, 208], dtype=np.float32)  # warm off-white
    pen = np.array([38, 40, 70], dtype=np.float32)  # blue-black ballpoint
    rgb = (paper * (1 - a[..., None]) + pen * a[..., None]) * light[..., None]
    rgb += rng.normal(0, 5, size=rgb.shape)  # sensor noise
    out = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(out, format="JPEG", quality=70)
    return out.getvalue()


def simulated_drawing(digit: np.ndarray) -> Image.Image:
    """A real test digit as a drawing pad exports it: black strokes on a transparent 280x280 canvas
    (the ink is the alpha channel, as a brush paints it), the digit filling most of the canvas."""
    alpha = Image.fromarray(digit).resize((224, 224), Image.Resampling.BICUBIC)
    alpha = alpha.point(lambda v: 255 if v > 96 else 0).filter(ImageFilter.GaussianBlur(1))  # solid brush strokes
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    strokes = Image.new("RGBA", (224, 224), (0, 0, 0, 255))
    strokes.putalpha(alpha)
    canvas.alpha_composite(strokes, (28, 28))
    return canvas


def house() -> Image.Image:
    """Not a digit: a house drawn in dark ink on white paper (walls, roof, door, window)."""
    image = Image.new("L", (280, 280), 255)
    draw = ImageDraw.Draw(image)
    ink = dict(fill=20, width=14)
    draw.line([(60, 130), (60, 240), (220, 240), (220, 130)], joint="curve", **ink)  # walls
    draw.line([(40, 140), (140, 45), (240, 140)], joint="curve", **ink)  # roof
    draw.line([(120, 240), (120, 180), (160, 180), (160, 240)], joint="curve", **ink)  # door
    draw.rectangle([80, 150, 105, 175], outline=20, width=8)  # window
    return image


def save_fashion(root: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from lab.loading import CLASS_NAMES
    from training.data import load_split

    images, labels = load_split("fashion-mnist", root, train=False, download=False)
    names = CLASS_NAMES["Fashion-MNIST"]
    paths = []
    for name in GARMENTS:
        i = int((labels == names.index(name)).nonzero()[0])
        path = HERE / f"fashion_test{i}_{name.lower().replace(' ', '-')}.png"
        Image.fromarray(images[i].numpy()).save(path, optimize=True)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fashion-root", type=Path, help="folder with FashionMNIST/raw (e.g. ../shared/data)")
    args = parser.parse_args()
    with np.load(FIXTURE) as data:
        images, labels = data["images"], data["labels"]
    paths = save_mnist(images, labels)
    photo = HERE / f"photo_mnist_test{PHOTO_DIGIT}_{labels[PHOTO_DIGIT]}.jpg"
    photo.write_bytes(simulated_photo(images[PHOTO_DIGIT]))
    drawing = HERE / f"drawing_mnist_test{DRAWN_DIGIT}_{labels[DRAWN_DIGIT]}.png"
    simulated_drawing(images[DRAWN_DIGIT]).save(drawing, optimize=True)
    house().save(HERE / "house.png", optimize=True)
    paths += [photo, drawing, HERE / "house.png"]
    if args.fashion_root:
        paths += save_fashion(args.fashion_root)
    for path in paths:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
