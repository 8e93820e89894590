"""The example pictures a visitor can click instead of bringing a file: which ones each tab offers.
The files are in examples/ (examples/README.md says where each comes from; examples/make_examples.py makes them)."""

from dataclasses import dataclass
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"


@dataclass(frozen=True)
class Example:
    file: str  # in examples/
    dataset: str  # the data set it belongs with ("MNIST" or "Fashion-MNIST"), as models.registry.DATASETS names it
    label: str | None  # its true class; None for a picture from neither data set (the house)
    kind: str  # what it is, in a word: "test digit", "photo", "drawing", "garment", "not a digit"

    @property
    def path(self) -> str:
        return str(EXAMPLES_DIR / self.file)

    @property
    def description(self) -> str:
        """What the picture shows, in words (a screen reader reads it for the example's thumbnail)."""
        if self.label is None:
            return "a house drawn in ink, not a digit"
        if self.kind == "garment":
            return f"a Fashion-MNIST test image of a {self.label.lower()}"
        return {"test digit": f"an MNIST test digit, a {self.label}",
                "photo": f"a photo of a handwritten {self.label} on paper",
                "drawing": f"a {self.label} drawn on a transparent canvas"}[self.kind]


DIGITS = [Example(f"mnist_test{i}_{label}.png", "MNIST", label, "test digit")
          for i, label in [(0, "7"), (1, "2"), (2, "1"), (3, "0"), (4, "4"), (7, "9")]]
PHOTO = Example("photo_mnist_test18_3.jpg", "MNIST", "3", "photo")  # simulated: see examples/README.md
DRAWING = Example("drawing_mnist_test6_4.png", "MNIST", "4", "drawing")  # black strokes on a transparent canvas
HOUSE = Example("house.png", "MNIST", None, "not a digit")
GARMENTS = [Example("fashion_test1_trouser.png", "Fashion-MNIST", "Trouser", "garment"),
            Example("fashion_test6_sneaker.png", "Fashion-MNIST", "Sneaker", "garment"),
            Example("fashion_test0_ankle-boot.png", "Fashion-MNIST", "Ankle boot", "garment")]

# file name -> what it shows (ui/access.py names the example thumbnails with it)
DESCRIPTIONS = {example.file: example.description for example in [*DIGITS, PHOTO, DRAWING, HOUSE, *GARMENTS]}

# Per tab: the examples it offers, in the order shown
RECONSTRUCT = [*DIGITS[:4], PHOTO, DRAWING, HOUSE, *GARMENTS[:2]]  # with their data set
INVERT = [*DIGITS[:4], PHOTO, DRAWING]  # MNIST only: the GAN searched is the MNIST one
ANOMALY = [DIGITS[0], DIGITS[1], PHOTO, DRAWING, HOUSE, GARMENTS[2]]  # scored by the MNIST VAE
DENOISE = [*DIGITS[:3], PHOTO, GARMENTS[0], GARMENTS[1]]  # with their data set
USE_CASES = [*DIGITS, PHOTO]  # MNIST only: the use-case models are MNIST ones; test digits show the truth
INTERPOLATE = [(DIGITS[2], DIGITS[0]), (PHOTO, DRAWING), (GARMENTS[0], GARMENTS[2])]  # (from, to), one data set each
