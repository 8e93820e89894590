"""Measure training throughput (images/second) of each model on this machine.

    python -m training.benchmark --threads 2 --batch-sizes 64 128 256
    python -m training.benchmark --models vae-decode vae-decode-nchw --batch-sizes 1000

Uses random data, so it needs no data set. Numbers quoted in the README and
model cards come from this command.
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from models.autoencoder import Autoencoder, AutoencoderConfig
from models.classifier import Classifier, ClassifierConfig
from models.gan import Discriminator, GANConfig, Generator
from models.vae import VAE, VAEConfig, negative_elbo


def vae_step(model, opt, x, y):
    logits, mu, logvar = model(x)
    loss = negative_elbo(logits, x, mu, logvar)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


@torch.no_grad()
def decode_step(model, opt, x, y):  # inference only: the bulk of the IWAE evaluation's cost
    model.decode_logits(torch.randn(x.shape[0], model.latent_dim))


def ae_step(model, opt, x, y):
    loss = F.binary_cross_entropy_with_logits(model(x), x)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def classifier_step(model, opt, x, y):
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def make_gan(config: GANConfig):
    G, D = Generator(config), Discriminator(config)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def step(_model, _opt, x, y):
        z = torch.randn(x.shape[0], config.latent_dim)
        fake = G(z, y)
        real_logit, fake_logit = D(x * 2 - 1, y), D(fake.detach(), y)
        loss_d = F.softplus(-real_logit).mean() + F.softplus(fake_logit).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        loss_g = F.softplus(-D(fake, y)).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()

    return G, None, step


def build(name: str, width: int, hidden_dim: int = 256):
    if name in ("vae", "vae-nchw"):  # "vae" as train_vae runs it (channels_last), "vae-nchw" without
        m = VAE(VAEConfig(channels=width, hidden_dim=hidden_dim))
        m = m.to(memory_format=torch.channels_last) if name == "vae" else m
        return m, torch.optim.Adam(m.parameters()), vae_step
    if name in ("vae-decode", "vae-decode-nchw"):  # decodes/second, as training.evaluate runs them or not
        m = VAE(VAEConfig(channels=width, hidden_dim=hidden_dim))
        m = m.eval().to(memory_format=torch.channels_last) if name == "vae-decode" else m.eval()
        return m, None, decode_step
    if name == "ae2d":
        m = Autoencoder(AutoencoderConfig(channels=width))
        return m, torch.optim.Adam(m.parameters()), ae_step
    if name == "classifier":
        m = Classifier(ClassifierConfig(channels=width))
        return m, torch.optim.Adam(m.parameters()), classifier_step
    if name == "gan":
        return make_gan(GANConfig(channels=width))
    raise ValueError(name)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", default=["classifier", "vae", "gan"])
    p.add_argument("--widths", nargs="+", type=int, default=[32])
    p.add_argument("--batch-sizes", nargs="+", type=int, default=[128])
    p.add_argument("--hidden-dim", type=int, default=256, help="VAE fully connected width (vae-mnist: 512)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=4.0, help="time per measurement")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name in args.models:
        for width in args.widths:
            for bs in args.batch_sizes:
                model, opt, step = build(name, width, args.hidden_dim)
                x = torch.rand(bs, 1, 28, 28).bernoulli()
                x = x.contiguous(memory_format=torch.channels_last) if name == "vae" else x
                y = torch.randint(0, 10, (bs,))
                for _ in range(3):  # warm-up
                    step(model, opt, x, y)
                n, t0 = 0, time.perf_counter()
                while time.perf_counter() - t0 < args.seconds:
                    step(model, opt, x, y)
                    n += bs
                rate = n / (time.perf_counter() - t0)
                print(f"{name:15s} width={width:3d} batch={bs:4d} threads={args.threads}: "
                      f"{rate:8.0f} img/s", flush=True)


if __name__ == "__main__":
    main()
