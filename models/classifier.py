"""A small CNN digit / garment classifier.

It is the lab's measuring stick: the "recognisability" meter in the app, the
class accuracy of reconstructions and conditional samples, and the feature space
in which the Fréchet distance between generated and real images is computed.
"""


from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin


@dataclass
class ClassifierConfig:
    model_type: str = "classifier"  # which class loads a saved folder (read by models.load_model)
    num_classes: int = 10  # digits 0-9, or the 10 Fashion-MNIST garments
    channels: int = 32  # width of the first conv layer; later layers use 2x and 4x
    feature_dim: int = 128  # penultimate layer: the feature space for the Fréchet distance
    dropout: float = 0.3  # dropout before the last layer, during training only
    dataset: str = "mnist"  # the data set it was trained on


class Classifier(nn.Module, PyTorchModelHubMixin, library_name="vae-vs-gan-lab",
                 tags=["mnist", "image-classification", "vae-vs-gan-lab"]):
    """`(B, 1, 28, 28)` images in [0, 1] -> `(B, num_classes)` logits."""


    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.conv = nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1), nn.ReLU(),  # (B, c, 28, 28)
            nn.MaxPool2d(2),  # (B, c, 14, 14)
            nn.Conv2d(c, 2 * c, 3, padding=1), nn.ReLU(),  # (B, 2c, 14, 14)
            nn.MaxPool2d(2),  # (B, 2c, 7, 7)
            nn.Conv2d(2 * c, 4 * c, 3, padding=1), nn.ReLU(),  # (B, 4c, 7, 7)
            nn.MaxPool2d(2, ceil_mode=True),  # (B, 4c, 4, 4)
        )
        self.fc = nn.Linear(4 * c * 4 * 4, config.feature_dim)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.feature_dim, config.num_classes)

    @property
    def num_classes(self) -> int:
        return self.config.num_classes

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations `(B, feature_dim)`, used for the Fréchet distance."""
        h = self.conv(x).flatten(1)  # (B, 4c * 16)
        return F.relu(self.fc(h))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))

    @torch.no_grad()
    def predict_proba(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities `(B, num_classes)`."""
        return F.softmax(self(x), dim=1)

    @torch.no_grad()
    def predict(self, x: torch.Tensor) -> torch.Tensor:
        """Most likely class `(B,)`."""
        return self(x).argmax(dim=1)
