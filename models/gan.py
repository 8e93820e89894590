"""Class-conditional DCGAN (Radford et al. 2016, arXiv:1511.06434; Mirza & Osindero 2014).

The generator turns noise z and a class label into a 28x28 image. The
discriminator scores (image, label) pairs with a projection head
(Miyato & Koyama 2018, arXiv:1802.05637): score = psi(h) + <embed(y), h>.
Only the generator is needed to sample; the discriminator ships separately.
"""


from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin


@dataclass
class GANConfig:
    model_type: str = "gan"  # which class loads a saved folder: "gan" (generator) or "gan-discriminator"
    latent_dim: int = 64  # size of the noise vector z
    num_classes: int = 10  # labels the generator is conditioned on
    channels: int = 32  # conv width at 14x14; the 7x7 layer uses 2x
    embed_dim: int = 16  # size of the learned label embedding fed to the generator
    dataset: str = "mnist"  # the data set it was trained on
    batchnorm: bool = True  # False: no batch norm in G or D (the deliberately unstable collapse run)
    upsample: str = "deconv"  # generator: "deconv", a 4x4 transposed conv per 2x upsampling (DCGAN);
    # "deconv-conv3", each followed by a 3x3 conv, which smooths the transposed convs' uneven overlap
    # (the checkerboard artefacts of Odena et al. 2016, https://distill.pub/2016/deconv-checkerboard/)
    class_norm: bool = False  # True: every batch norm in G takes its scale and shift from the label embedding
    # (conditional batch norm, de Vries et al. 2017, arXiv:1707.00683), so G sees the class at every resolution,
    # not only at its input; False: plain batch norm (the configs written before the option)
    temperature: float = 1.0  # sampling only: z ~ N(0, temperature^2 I) (the temperature of Kingma & Dhariwal
    # 2018, arXiv:1807.03039, sec. 5; BigGAN's truncation is the same dial turned below 1). Above 1 trades a
    # little precision for recall; set after training by `python -m training.temperature`, never used to train

    def __post_init__(self):
        if not 0 < self.temperature < float("inf"):
            raise ValueError(f"temperature must be a finite number above 0, got {self.temperature!r}")
        if self.upsample not in UPSAMPLE:
            raise ValueError(f"upsample must be one of {', '.join(UPSAMPLE)}, got {self.upsample!r}")
        if self.class_norm and not self.batchnorm:
            raise ValueError("class_norm needs batchnorm: it is a batch norm whose scale and shift follow the label")


@dataclass
class DiscriminatorConfig(GANConfig):
    """The generator's fields (the pair trains together), and what only the discriminator has."""

    model_type: str = "gan-discriminator"
    d_classifier: bool = False  # also a head that names an image's class, trained on real images; G is then
    # also trained to make its samples name their class (AC-GAN, Odena et al. 2017, arXiv:1610.09585)
    d_conv3: bool = False  # a 3x3 conv after each strided conv: a deeper D at the same resolutions
    mbstd: bool = False  # a minibatch-standard-deviation channel at 7x7 (Karras et al. 2018, arXiv:1710.10196,
    # sec. 3): D sees how varied the batch is, so a G that makes too little variety is easier to catch
    mbstd_group: int = 0  # with mbstd: the spread is measured within groups of this many images (Karras et al.
    # use 4), so each image's channel says how varied its own few neighbours are; 0: over the whole batch

    @classmethod
    def for_generator(cls, config: GANConfig, **discriminator_only) -> "DiscriminatorConfig":
        """The discriminator that trains beside a generator of `config`: the same sizes, data set and class count,
        and the fields only D has (`d_classifier`, `d_conv3`, `mbstd`, `mbstd_group`)."""
        return cls(**{**asdict(config), "model_type": "gan-discriminator"}, **discriminator_only)


UPSAMPLE = ("deconv", "deconv-conv3")


class ClassBatchNorm(nn.Module):
    """Batch norm whose scale and shift are linear in the label embedding e (de Vries et al. 2017; the generator of
    Miyato & Koyama 2018): BN(h) * (1 + W_g e) + W_b e. Both maps start at zero, so it starts as plain batch norm."""

    def __init__(self, norm: nn.modules.batchnorm._BatchNorm, embed_dim: int):
        super().__init__()
        if norm.affine:
            raise ValueError("ClassBatchNorm's scale and shift come from the label: give it a norm with affine=False")
        self.norm = norm  # BatchNorm1d for vectors, BatchNorm2d for images
        self.gain = nn.Linear(embed_dim, norm.num_features)
        self.bias = nn.Linear(embed_dim, norm.num_features)
        for m in (self.gain, self.bias):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, h: torch.Tensor, label_embedding: torch.Tensor) -> torch.Tensor:
        shape = (-1, h.shape[1]) + (1,) * (h.dim() - 2)  # (B, C, 1, 1) for images, (B, C) for vectors
        return self.norm(h) * (1 + self.gain(label_embedding).view(shape)) + self.bias(label_embedding).view(shape)


class Generator(nn.Module, PyTorchModelHubMixin, library_name="vae-vs-gan-lab",
                tags=["mnist", "gan", "dcgan", "conditional", "generative", "vae-vs-gan-lab"]):
    """(z, label) -> `(B, 1, 28, 28)`; `forward` gives tanh outputs in [-1, 1], `sample` [0, 1]."""


    def __init__(self, config: GANConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.embed = nn.Embedding(config.num_classes, config.embed_dim)
        bn = config.batchnorm  # without batch norm the layers keep their biases; Identity keeps the indices

        def norm(width: int, dims: int = 2) -> nn.Module:
            batch_norm = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d
            if config.class_norm:
                return ClassBatchNorm(batch_norm(width, affine=False), config.embed_dim)
            return batch_norm(width) if bn else nn.Identity()

        self.fc = nn.Sequential(
            nn.Linear(config.latent_dim + config.embed_dim, 2 * c * 7 * 7, bias=not bn),
            norm(2 * c * 7 * 7, dims=1), nn.ReLU(),
        )
        if config.upsample == "deconv":
            self.deconv = nn.Sequential(
                nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1, bias=not bn),  # (B, c, 14, 14)
                norm(c), nn.ReLU(),
                nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1),  # (B, 1, 28, 28)
                nn.Tanh(),
            )
        else:  # "deconv-conv3"
            self.deconv = nn.Sequential(
                nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1, bias=not bn),  # (B, c, 14, 14)
                norm(c), nn.ReLU(),
                nn.Conv2d(c, c, 3, padding=1, bias=not bn),  # (B, c, 14, 14)
                norm(c), nn.ReLU(),
                nn.ConvTranspose2d(c, c // 2, 4, stride=2, padding=1, bias=not bn),  # (B, c/2, 28, 28)
                norm(c // 2), nn.ReLU(),
                nn.Conv2d(c // 2, 1, 3, padding=1),  # (B, 1, 28, 28)
                nn.Tanh(),
            )

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    @property
    def num_classes(self) -> int:
        return self.config.num_classes

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.from_embedding(z, self.embed(labels))

    def from_embedding(self, z: torch.Tensor, label_embedding: torch.Tensor) -> torch.Tensor:
        """Generate from noise and a label embedding `(B, embed_dim)`; a mix of two labels'
        embeddings morphs one class into another. Output in [-1, 1]."""
        h = torch.cat([z, label_embedding], dim=1)  # (B, latent_dim + embed_dim)
        h = self.layers(self.fc, h, label_embedding).view(-1, 2 * self.config.channels, 7, 7)  # (B, 2c, 7, 7)
        return self.layers(self.deconv, h, label_embedding)

    @staticmethod
    def layers(stack: nn.Sequential, h: torch.Tensor, label_embedding: torch.Tensor) -> torch.Tensor:
        """Run `stack` on h; its class-conditional batch norms (class_norm) also get the label embedding."""
        for layer in stack:
            h = layer(h, label_embedding) if isinstance(layer, ClassBatchNorm) else layer(h)
        return h

    @torch.no_grad()
    def interpolate(self, z0: torch.Tensor, z1: torch.Tensor, label0: int, label1: int,
                    steps: int) -> torch.Tensor:
        """`steps` images `(steps, 1, 28, 28)` in [0, 1] on the straight line from (z0, label0)
        to (z1, label1): noise and label embedding mixed with the same weight t."""
        t = torch.linspace(0, 1, steps, device=z0.device)[:, None]  # (steps, 1)
        e0, e1 = self.embed.weight[label0], self.embed.weight[label1]
        z = (1 - t) * z0.reshape(1, -1) + t * z1.reshape(1, -1)  # (steps, latent_dim)
        return (self.from_embedding(z, (1 - t) * e0 + t * e1) + 1) / 2

    @torch.no_grad()
    def sample(self, n: int, labels: torch.Tensor | None = None,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """`n` images `(n, 1, 28, 28)` in [0, 1].

        `labels`: LongTensor `(n,)` of class indices, or None for uniformly random classes.
        `generator`: a `torch.Generator` for reproducible samples; noise and random labels are drawn on its
        device (the CPU without one), so a CPU generator gives the same images on any device.
        """
        device = next(self.parameters()).device
        where = generator.device if generator is not None else torch.device("cpu")
        if labels is None:
            labels = torch.randint(0, self.num_classes, (n,), generator=generator, device=where)
        labels = torch.as_tensor(labels)
        if labels.dtype != torch.long or labels.shape != (n,):
            raise ValueError(f"labels must be a LongTensor of shape ({n},), got "
                             f"{labels.dtype} {tuple(labels.shape)}")
        if n > 0 and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(f"labels must lie in 0..{self.num_classes - 1}")
        z = self.noise(n, generator)
        return (self(z.to(device), labels.to(device)) + 1) / 2

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """`n` noise vectors `(n, latent_dim)` as `sample` draws them: z ~ N(0, temperature^2 I), on the
        generator's device (the CPU without one)."""
        where = generator.device if generator is not None else torch.device("cpu")
        return self.config.temperature * torch.randn(n, self.latent_dim, generator=generator, device=where)


class Discriminator(nn.Module, PyTorchModelHubMixin, library_name="vae-vs-gan-lab",
                    tags=["mnist", "gan", "discriminator", "vae-vs-gan-lab"]):
    """(`(B, 1, 28, 28)` in [-1, 1], label) -> `(B,)` logits of "real"."""


    def __init__(self, config: DiscriminatorConfig):
        super().__init__()
        self.config = config
        c, bn = config.channels, config.batchnorm

        def conv3(width: int) -> list[nn.Module]:  # d_conv3's extra layer, same size in and out
            return [nn.Conv2d(width, width, 3, padding=1, bias=not bn),
                    nn.BatchNorm2d(width) if bn else nn.Identity(), nn.LeakyReLU(0.2)]

        self.conv = nn.Sequential(
            nn.Conv2d(1, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # (B, c, 14, 14)
            *(conv3(c) if config.d_conv3 else []),  # (B, c, 14, 14)
            nn.Conv2d(c, 2 * c, 4, stride=2, padding=1, bias=not bn),  # (B, 2c, 7, 7)
            nn.BatchNorm2d(2 * c) if bn else nn.Identity(), nn.LeakyReLU(0.2),
            *(conv3(2 * c) if config.d_conv3 else []),  # (B, 2c, 7, 7)
        )
        # mbstd: one more 7x7 channel, the batch's spread; then a 3x3 conv mixes it into the features
        self.mix = nn.Sequential(nn.Conv2d(2 * c + 1, 2 * c, 3, padding=1), nn.LeakyReLU(0.2)) if config.mbstd else None
        feat = 2 * c * 7 * 7
        self.psi = nn.Linear(feat, 1)
        self.embed = nn.Embedding(config.num_classes, feat)  # projection of the label
        nn.init.normal_(self.embed.weight, std=0.02)  # start as an unconditional D
        self.classify = nn.Linear(feat, config.num_classes) if config.d_classifier else None  # the AC-GAN head

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.judge(x, labels)[0]

    def judge(self, x: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """`(B,)` logits of "real", and `(B, num_classes)` class logits (None without `d_classifier`)."""
        h = self.conv(x)  # (B, 2c, 7, 7)
        if self.mix is not None:
            spread = minibatch_std(h, self.config.mbstd_group)  # (B, 1, 7, 7)
            h = self.mix(torch.cat([h, spread], dim=1))  # (B, 2c + 1, 7, 7) -> (B, 2c, 7, 7)
        h = h.flatten(1)  # (B, 2c * 49)
        logit = self.psi(h).squeeze(1) + (self.embed(labels) * h).sum(1)
        return logit, (self.classify(h) if self.classify is not None else None)


def minibatch_std(h: torch.Tensor, group: int = 0) -> torch.Tensor:
    """`(B, C, H, W)` -> `(B, 1, H, W)`: each feature's standard deviation over a group of images, averaged over
    features and positions into one number, repeated for every image of the group (Karras et al. 2018, sec. 3).
    `group` 0: one group, the whole batch. Otherwise image i joins group i mod (B // group), so every group has
    `group` images or a few more when B is not a multiple (a batch smaller than `group` is one group)."""
    if not group:
        spread = torch.sqrt(h.var(dim=0, unbiased=False) + 1e-8).mean()  # a scalar
        return spread.expand(h.shape[0], 1, *h.shape[2:])
    B = h.shape[0]
    member = torch.arange(B, device=h.device) % max(1, B // group)  # (B,) each image's group
    onehot = F.one_hot(member).T.to(h.dtype)  # (groups, B)
    flat = h.flatten(1)  # (B, C * H * W)
    count = onehot.sum(1, keepdim=True)  # (groups, 1)
    mean = onehot @ flat / count  # (groups, C * H * W)
    var = (onehot @ flat.square() / count - mean.square()).clamp_min(0)
    spread = torch.sqrt(var + 1e-8).mean(1)[member]  # (B,)
    return spread.view(B, 1, 1, 1).expand(B, 1, *h.shape[2:])
