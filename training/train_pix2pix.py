"""Train a use-case model: x4 super-resolution or completion of the hidden lower half (models/pix2pix.py).

    python -m training.train_pix2pix --task super-resolution --objective l1 --out weights/sr-l1-mnist ...
    python -m training.train_pix2pix --task super-resolution --objective pix2pix --out weights/sr-gan-mnist ...

(the shipped models' whole commands are in the README's "Train and evaluate")

--objective l1 trains the U-Net with the L1 loss alone; --objective pix2pix adds the conditional PatchGAN
discriminator, the objective of pix2pix (Isola et al. 2017, arXiv:1611.07004, eq. 4):

    G* = arg min_G max_D  L_cGAN(G, D) + lambda * L_L1(G),   lambda = 100 (their sec. 4),
    L_cGAN = E[log D(x, y)] + E[log(1 - D(x, G(x, z)))],   L_L1 = E[|y - G(x, z)|_1]

with G trained on the non-saturating form, -log D(x, G(x, z)), and D's loss halved (their sec. 3.3).
--noise-dim feeds G a noise vector so that "try again" can draw another completion; --diversity-weight
adds the diversity-sensitive term of Yang et al. 2019 (arXiv:1901.09024, eq. 3), which pays G for making
two noise vectors give different outputs, since with a strong L1 term G learns to ignore its noise (as
pix2pix reports, sec. 3.1). Only the generator goes into the weights folder; D lives in the checkpoint.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from models.metrics import sharpness_ratio
from models.pix2pix import OBJECTIVES, TASKS, PatchDiscriminator, PatchDiscriminatorConfig, Pix2PixConfig, UNet, degrade
from training.common import (
    Checkpointer,
    History,
    base_parser,
    batches,
    epoch_classifier,
    epoch_generator,
    save_grid,
    setup,
)
from training.data import load_split, to_float
from training.finish import finish

L1_WEIGHT = 100.0  # pix2pix's lambda (Isola et al. 2017, sec. 4)


def l1_loss(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """L_L1 = E[|y - G(x, z)|], the mean absolute difference per pixel."""
    return (fake - real).abs().mean()


def d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """D's half of L_cGAN, over every patch's logit, halved as in pix2pix (sec. 3.3):
    -(log D(x, y) + log(1 - D(x, G(x)))) / 2, with -log sigmoid(l) = softplus(-l)."""
    return (F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()) / 2


def g_adversarial_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """G's non-saturating adversarial loss -log D(x, G(x, z)) over every patch (Goodfellow et al. 2014, sec. 3)."""
    return F.softplus(-fake_logits).mean()


def diversity_term(fake_a: torch.Tensor, fake_b: torch.Tensor, z_a: torch.Tensor, z_b: torch.Tensor,
                   tau: float = 1.0) -> torch.Tensor:
    """min(E|G(x, z_a) - G(x, z_b)| / E|z_a - z_b|, tau): how far apart two noise vectors put G's outputs
    (Yang et al. 2019, eq. 3, with the L1 distances as means); G's loss subtracts it, times its weight."""
    ratio = (fake_a - fake_b).abs().flatten(1).mean(1) / (z_a - z_b).abs().mean(1).clamp_min(1e-8)
    return ratio.clamp(max=tau).mean()


def g_loss(fake: torch.Tensor, real: torch.Tensor, fake_logits: torch.Tensor | None,
           l1_weight: float = L1_WEIGHT) -> torch.Tensor:
    """L1 alone (no logits), or pix2pix's L_cGAN + lambda * L_L1 for G."""
    if fake_logits is None:
        return l1_loss(fake, real)
    return g_adversarial_loss(fake_logits) + l1_weight * l1_loss(fake, real)


def build_parser() -> argparse.ArgumentParser:
    p = base_parser(__doc__.splitlines()[0], epochs=4, batch_size=64, lr=2e-4)
    p.add_argument("--task", choices=TASKS, required=True)
    p.add_argument("--objective", choices=OBJECTIVES, default="l1",
                   help="l1: the L1 loss alone; pix2pix: L1 plus a conditional PatchGAN discriminator")
    p.add_argument("--channels", type=int, default=16, help="U-Net width at 28x28")
    p.add_argument("--noise-dim", type=int, default=0, help="noise fed to G at the bottleneck (0: none)")
    p.add_argument("--l1-weight", type=float, default=L1_WEIGHT, help="lambda on L1 with --objective pix2pix")
    p.add_argument("--diversity-weight", type=float, default=0.0,
                   help="weight of the diversity-sensitive term (needs --noise-dim; 0: off)")
    p.add_argument("--diversity-tau", type=float, default=0.05,
                   help="the term's bound tau: past this ratio of output to noise distance, no more reward")
    p.add_argument("--classifier", default=None,
                   help="classifier folder for the per-epoch figures (default weights/classifier-<dataset>)")
    return p


@torch.no_grad()
def epoch_figures(G: UNet, classifier, x: torch.Tensor, y: torch.Tensor) -> dict:
    """On a fixed slice of the test set: the L1 error, the share the classifier reads as the true class, and
    the sharpness against the real images."""
    G.eval()
    out = torch.cat([G.restore(x[i:i + 500], generator=torch.Generator().manual_seed(i))
                     for i in range(0, len(x), 500)])
    G.train()
    figures = {"test_l1": round(l1_loss(out, x).item(), 4), "sharpness_ratio": round(sharpness_ratio(out, x), 3)}
    if classifier is not None:
        figures["class_kept"] = round((classifier.predict(out) == y).float().mean().item(), 4)
    return figures


def main(argv: list[str] | None = None) -> Path:
    p = build_parser()
    args = p.parse_args(argv)
    if args.diversity_weight and not args.noise_dim:
        p.error("--diversity-weight needs --noise-dim: without noise every draw is the same")
    if args.diversity_weight < 0 or args.diversity_tau <= 0:
        p.error("--diversity-weight must be at least 0 and --diversity-tau above 0")
    if args.objective == "l1" and (args.diversity_weight or args.l1_weight != L1_WEIGHT):
        p.error("--l1-weight and --diversity-weight belong to --objective pix2pix")
    device = setup(args)
    out = Path(args.out)

    # (0) data in [0, 1]; each batch's input is made from the clean images by `degrade`
    x_train, _ = load_split(args.dataset, args.data_root, train=True)
    x_test, y_test = load_split(args.dataset, args.data_root, train=False)
    x_test, y_test = to_float(x_test[:2000]), y_test[:2000]
    if args.dry_run:
        x_train, x_test, y_test, args.epochs = x_train[:256], x_test[:100], y_test[:100], 1
    # channels_last lets oneDNN pick faster conv kernels on the CPU (as in train_gan): 381 vs 313 images/s for
    # the 16-wide U-Net's L1 step on 2 threads, measured by a 10-step timing loop on random batches of 64
    x_train = to_float(x_train).to(device).contiguous(memory_format=torch.channels_last)

    config = Pix2PixConfig(task=args.task, objective=args.objective, channels=args.channels,
                           noise_dim=args.noise_dim, dataset=args.dataset)
    G = UNet(config).to(device, memory_format=torch.channels_last)
    adversarial = args.objective == "pix2pix"
    D = PatchDiscriminator(PatchDiscriminatorConfig(**{**vars(config), "model_type": "pix2pix-discriminator"})
                           ).to(device, memory_format=torch.channels_last) if adversarial else None
    # Adam with beta1 = 0.5 and lr 2e-4, pix2pix's settings (sec. 3.3), for both networks
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=args.lr, betas=(0.5, 0.999)) if adversarial else None
    ckpt = Checkpointer(args)
    state = ckpt.load()
    start = 0
    if state:
        G.load_state_dict(state["G"])
        opt_g.load_state_dict(state["opt_g"])
        if adversarial:
            D.load_state_dict(state["D"])
            opt_d.load_state_dict(state["opt_d"])
        torch.set_rng_state(state["rng"])
        start = state["epoch"]
    history = History(state and state["history"])

    _, classifier = epoch_classifier(args.classifier, args.dataset)
    steps_per_epoch = max(1, len(x_train) // args.batch_size)

    for epoch in range(start, args.epochs):
        G.train()
        g = epoch_generator(args.seed, epoch)  # shuffling and noise, on the CPU
        sums = {"loss_g": 0.0, "l1": 0.0, "loss_d": 0.0, "d_real": 0.0, "d_fake": 0.0}
        n_steps = seen = 0
        for idx in tqdm(batches(len(x_train), args.batch_size, g), total=steps_per_epoch,
                        desc=f"epoch {epoch + 1}/{args.epochs}", leave=False):
            real = x_train[idx]
            condition = degrade(real, args.task)  # (B, 2, 28, 28)
            z = torch.randn(len(idx), args.noise_dim, generator=g).to(device) if args.noise_dim else None
            fake = G(condition, z)
            if adversarial:
                # (1) update D on the real pair (condition, real) and the detached fake pair
                real_logits, fake_logits = D(condition, real), D(condition, fake.detach())
                loss_d = d_loss(real_logits, fake_logits)
                opt_d.zero_grad(set_to_none=True)
                loss_d.backward()
                opt_d.step()
                sums["loss_d"] += loss_d.item()
                sums["d_real"] += torch.sigmoid(real_logits).mean().item()
                sums["d_fake"] += torch.sigmoid(fake_logits).mean().item()
            # (2) update G: L1 to the truth, plus (pix2pix) D's verdict on the fake pair
            loss_g = g_loss(fake, real, D(condition, fake) if adversarial else None, args.l1_weight)
            if args.diversity_weight:
                z_b = torch.randn(len(idx), args.noise_dim, generator=g).to(device)
                loss_g = loss_g - args.diversity_weight * diversity_term(fake, G(condition, z_b), z, z_b,
                                                                         args.diversity_tau)
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            sums["loss_g"] += loss_g.item()
            sums["l1"] += l1_loss(fake.detach(), real).item()
            n_steps += 1
            seen += len(idx)
            if args.dry_run and n_steps >= 4:
                break
        # (3) per-epoch record: losses, D's average verdicts, test figures, a grid, a checkpoint
        keys = sums if adversarial else ("loss_g", "l1")
        record = {"epoch": epoch + 1, **{k: round(sums[k] / max(1, n_steps), 4) for k in keys},
                  **epoch_figures(G, classifier, x_test.to(device), y_test.to(device))}
        with torch.no_grad():
            G.eval()
            shown = x_test[:10].to(device)
            condition = degrade(shown, args.task)[:, :1]  # the input as the page shows it
            grid = torch.cat([condition, G.restore(shown, generator=torch.Generator().manual_seed(0)), shown])
            save_grid(grid, out / "epochs" / f"epoch_{epoch + 1:03d}.png", nrow=10)  # rows: input, output, truth
        history.add(record, seen)
        ckpt.save({"epoch": epoch + 1, "G": G.state_dict(), "opt_g": opt_g.state_dict(),
                   "rng": torch.get_rng_state(), "history": history.state(),
                   **({"D": D.state_dict(), "opt_d": opt_d.state_dict()} if adversarial else {})})
        history.restart_clock()

    # (4) write the weights folder (generator only); `python -m training.evaluate` adds the test-set figures
    G.eval().cpu().to(memory_format=torch.contiguous_format).save_pretrained(out)  # safetensors: plain layouts
    metrics = {k: v for k, v in history.epochs[-1].items() if k in ("test_l1", "sharpness_ratio", "class_kept")}
    return finish(out, args, history, metrics)


if __name__ == "__main__":
    main()
