"""Deterministic autoencoder with a 2-D code: the VAE without the KL term.

It shares `Encoder` / `Decoder` with `models/vae.py`, so side by side with the
2-D VAE it shows what the KL term enforces: without it the codes spread out
and leave holes, and decoding a point from N(0, I) may give nothing like a digit.
"""


from dataclasses import dataclass

import torch
import torch.nn as nn
from huggingface_hub import PyTorchModelHubMixin

from models.vae import Decoder, Encoder


@dataclass
class AutoencoderConfig:
    model_type: str = "autoencoder"  # which class loads a saved folder (read by models.load_model)
    latent_dim: int = 2  # size of the code z
    channels: int = 32  # conv width at 14x14; the 7x7 layer uses 2x
    hidden_dim: int = 256  # fully connected layer between the conv features and z
    dataset: str = "mnist"  # the data set it was trained on
    binarized: bool = True  # trained on dynamically binarized pixels


class Autoencoder(nn.Module, PyTorchModelHubMixin, library_name="vae-vs-gan-lab",
                  tags=["mnist", "autoencoder", "vae-vs-gan-lab"]):
    """x -> encode -> z -> decode -> Bernoulli means; trained on reconstruction alone."""


    def __init__(self, config: AutoencoderConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config.channels, config.hidden_dim, config.latent_dim)
        self.decoder = Decoder(config.channels, config.hidden_dim, config.latent_dim)

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code z, `(B, latent_dim)`."""
        return self.encoder(x)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel logits `(B, 1, 28, 28)`, for the loss."""
        return self.decoder(z)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel means in [0, 1], `(B, 1, 28, 28)`."""
        return torch.sigmoid(self.decoder(z))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction logits `(B, 1, 28, 28)`."""
        return self.decode_logits(self.encode(x))

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode z ~ N(0, I), as the VAE would. Nothing trained the codes to fill that
        prior, so these are often not digits: the point of showing it beside the VAE."""
        device = next(self.parameters()).device
        where = generator.device if generator is not None else device  # as VAE.sample
        z = torch.randn(n, self.latent_dim, generator=generator, device=where).to(device)
        return self.decode(z)
