"""Train a convolutional VAE (or, with --autoencoder, the same network without the KL term).

    python -m training.train_vae --dataset mnist --data-root ../shared/data --out weights/vae-mnist
    python -m training.train_vae --latent-dim 2 --data-root ../shared/data --out weights/vae2d-mnist
    python -m training.train_vae --latent-dim 2 --autoencoder --data-root ../shared/data --out weights/ae2d-mnist

MNIST is dynamically binarized (each pixel redrawn as a coin flip with its intensity
every time it is seen), so the Bernoulli likelihood is a true likelihood and the
test NLL compares with the literature. Fashion-MNIST keeps its gray levels as
Bernoulli targets (cross-entropy), as is common; its "NLL" is not a likelihood.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch
from tqdm import tqdm

from models.autoencoder import Autoencoder, AutoencoderConfig
from models.vae import VAE, VAEConfig, bernoulli_nll, kl_divergence
from training.common import (
    Checkpointer,
    History,
    base_parser,
    batches,
    epoch_generator,
    noise_generator,
    save_grid,
    setup,
)
from training.data import binarize, load_split, to_float
from training.finish import finish


def lr_at(step: int, total: int, warmup: int) -> float:
    """Linear warm-up, then cosine decay to 1 % of the peak: a multiplier for the peak lr."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * progress))


def loss_terms(model, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-image reconstruction term -log p(x|z) and KL term, each `(B,)` (KL is 0 for the AE)."""
    if isinstance(model, Autoencoder):
        return bernoulli_nll(model(x), x), torch.zeros(x.shape[0], device=x.device)
    logits, mu, logvar = model(x)
    return bernoulli_nll(logits, x), kl_divergence(mu, logvar)


def train_step(model, opt: torch.optim.Optimizer, x: torch.Tensor, beta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One gradient step on loss = -ELBO = E_q[-log p(x|z)] + beta * KL(q(z|x) || p(z))
    (Kingma & Welling 2014, eq. 3; beta warms up to 1: Sønderby et al. 2016; the AE has no KL).
    Returns the per-image terms `(B,)`."""
    rec, kl = loss_terms(model, x)
    loss = (rec + beta * kl).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return rec, kl


@torch.no_grad()
def test_loss(model, x_test: torch.Tensor, binarized: bool, batch_size: int = 1000) -> dict:
    """Mean reconstruction and KL terms on the test split (one fixed binarization)."""
    model.eval()
    g = torch.Generator(device=x_test.device).manual_seed(1234)
    rec = kl = 0.0
    for i in range(0, len(x_test), batch_size):
        x = x_test[i:i + batch_size]
        x = binarize(x, g) if binarized else x
        r, k = loss_terms(model, x)
        rec, kl = rec + r.sum().item(), kl + k.sum().item()
    n = len(x_test)
    return {"test_reconstruction": round(rec / n, 3), "test_kl": round(kl / n, 3),
            "test_neg_elbo": round((rec + kl) / n, 3)}


def build_parser() -> argparse.ArgumentParser:
    """This script's flags (`python -m benchmarks train_speed` parses a model card's command with it)."""
    p = base_parser(__doc__.splitlines()[0], epochs=40, batch_size=128, lr=1.5e-3)
    p.add_argument("--latent-dim", type=int, default=32)
    p.add_argument("--channels", type=int, default=32, help="conv width at 14x14")
    p.add_argument("--hidden-dim", type=int, default=256)
    p.add_argument("--kl-warmup", type=float, default=3.0,
                   help="epochs over which the KL weight beta rises from 0 to 1 (VAE only)")
    p.add_argument("--autoencoder", action="store_true", help="train the deterministic autoencoder (no KL)")
    return p


def main(argv: list[str] | None = None) -> Path:
    args = build_parser().parse_args(argv)
    device = setup(args)
    out = Path(args.out)
    binarized = args.dataset == "mnist"

    # (1) data: whole splits as float tensors in [0, 1]
    x_train = to_float(load_split(args.dataset, args.data_root, train=True)[0])
    x_test = to_float(load_split(args.dataset, args.data_root, train=False)[0])
    if args.dry_run:
        x_train, x_test, args.epochs = x_train[:512], x_test[:256], 1
    x_train, x_test = x_train.to(device), x_test.to(device)

    # (2) model and optimizer, resumed from the last checkpoint when there is one
    common = dict(latent_dim=args.latent_dim, channels=args.channels, hidden_dim=args.hidden_dim,
                  dataset=args.dataset, binarized=binarized)
    model = (Autoencoder(AutoencoderConfig(**common)) if args.autoencoder
             else VAE(VAEConfig(**common))).to(device)
    # channels_last lets oneDNN pick faster conv kernels on the CPU
    # (compare: python -m benchmarks train_speed --models vae-mnist --layout nchw, then --layout channels_last)
    model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = max(1, len(x_train) // args.batch_size)
    total_steps = args.epochs * steps_per_epoch
    ckpt = Checkpointer(args)
    state = ckpt.load()
    start = 0
    if state:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        torch.set_rng_state(state["rng"])
        start = state["epoch"]
    history = History(state and state["history"])
    z_grid = torch.randn(64, args.latent_dim, generator=torch.Generator().manual_seed(0)).to(device)

    for epoch in range(start, args.epochs):
        model.train()
        g = epoch_generator(args.seed, epoch)  # shuffling, on the CPU
        g_noise = noise_generator(g, device)  # binarization, on the device
        sums = {"rec": 0.0, "kl": 0.0}
        seen = 0
        for i, idx in enumerate(tqdm(batches(len(x_train), args.batch_size, g), total=steps_per_epoch,
                                     desc=f"epoch {epoch + 1}/{args.epochs}", leave=False)):
            step = epoch * steps_per_epoch + i
            for group in opt.param_groups:
                group["lr"] = args.lr * lr_at(step, total_steps, warmup=steps_per_epoch // 2)
            x = x_train[idx]
            x = (binarize(x, g_noise) if binarized else x).contiguous(memory_format=torch.channels_last)
            # (3) loss = -ELBO with the KL weight beta warming up to 1, and (4) a gradient step
            beta = min(1.0, step / (args.kl_warmup * steps_per_epoch)) if args.kl_warmup > 0 else 1.0
            rec, kl = train_step(model, opt, x, beta)
            sums["rec"] += rec.sum().item()
            sums["kl"] += kl.sum().item()
            seen += len(idx)
            if args.dry_run and seen >= 4 * args.batch_size:
                break
        # (5) per-epoch record: train and test loss terms, a fixed-z sample grid, a checkpoint
        record = {"epoch": epoch + 1, "train_reconstruction": round(sums["rec"] / seen, 3),
                  "train_kl": round(sums["kl"] / seen, 3), **test_loss(model, x_test, binarized)}
        if not args.autoencoder:
            record["beta"] = round(beta, 3)
        with torch.no_grad():
            model.eval()
            save_grid(model.decode(z_grid), out / "epochs" / f"epoch_{epoch + 1:03d}.png", nrow=8)
        history.add(record, seen)
        ckpt.save({"epoch": epoch + 1, "model": model.state_dict(), "opt": opt.state_dict(),
                   "rng": torch.get_rng_state(), "history": history.state()})
        history.restart_clock()

    # (6) write the weights folder; `python -m training.evaluate` adds metrics.json
    model.eval().cpu().to(memory_format=torch.contiguous_format)  # safetensors stores plain layouts
    model.save_pretrained(out)
    return finish(out, args, history, {k: v for k, v in history.epochs[-1].items() if k.startswith("test_")})


if __name__ == "__main__":
    main()
