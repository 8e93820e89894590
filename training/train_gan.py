"""Train the class-conditional DCGAN.

    python -m training.train_gan --dataset mnist --data-root ../shared/data --out weights/gan-mnist

Only the generator goes into the weights folder; the discriminator lives in the
checkpoint (and in `<out>-discriminator/` with --save-discriminator). With --ema the shipped
generator is the exponential moving average of G's weights (Yazıcı et al. 2019, arXiv:1806.04498),
its batch-norm statistics recomputed for the averaged weights; the per-epoch grids and accuracies
show that averaged generator. history.json holds per-epoch means and, under "steps", the losses
averaged over every --log-every G steps. With --aux-weight the discriminator also has a class head
(AC-GAN, Odena et al. 2017): it learns to name real images' classes, and G is also scored on it.

--unconditional, --d-steps and --lr-d make the deliberately unstable run that shows mode
collapse (weights/gan-collapse-mnist, see its model card); it then records, per epoch, the
class histogram of 1,000 samples by the shipped classifier.
"""

from __future__ import annotations

import argparse
import copy
import math
from functools import partial
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm import tqdm

from models.gan import UPSAMPLE, Discriminator, DiscriminatorConfig, GANConfig, Generator
from models.metrics import class_coverage, class_histogram, predict
from training.common import (
    Checkpointer,
    History,
    base_parser,
    batches,
    epoch_classifier,
    epoch_generator,
    noise_generator,
    positive_int,
    save_grid,
    setup,
)
from training.data import load_split, to_float
from training.finish import finish


@torch.no_grad()
def conditional_accuracy(G: Generator, classifier, n: int = 1000, seed: int = 0) -> float:
    """Share of `n` conditional samples that the classifier assigns to the asked class."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % G.num_classes
    was_training = G.training
    G.eval()
    images = G.sample(n, labels=labels, generator=g)
    G.train(was_training)
    return (classifier.predict(images.cpu()) == labels).float().mean().item()


@torch.no_grad()
def update_average(average: Generator, G: Generator, decay: float) -> None:
    """average <- decay * average + (1 - decay) * G, parameter by parameter."""
    for p_avg, p in zip(average.parameters(), G.parameters(), strict=True):
        p_avg.lerp_(p, 1 - decay)


@torch.no_grad()
def recompute_batchnorm(G: Generator, batches: int, batch_size: int, generator: torch.Generator) -> None:
    """Batch-norm running statistics for G's current weights: the mean over `batches` batches of fresh
    noise and balanced labels (averaged weights never ran forward, so their own statistics are stale)."""
    norms = [m for m in G.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average over the batches below
    device = next(G.parameters()).device
    G.train()
    for _ in range(batches):
        z = torch.randn(batch_size, G.latent_dim, generator=generator, device=generator.device).to(device)
        G(z, (torch.arange(batch_size, device=device) % G.num_classes))
    for m in norms:
        m.momentum = 0.1
    G.eval()


LOSSES = ("bce", "hinge")


def d_loss(real_logit: torch.Tensor, fake_logit: torch.Tensor, loss: str = "bce") -> torch.Tensor:
    """D's loss on its logits for real and fake pairs.
    bce: maximize log D(x|y) + log(1 - D(G(z|y)|y)) (Goodfellow et al. 2014, eq. 1), as BCE with logits:
    softplus(-l) = -log sigmoid(l), softplus(l) = -log(1 - sigmoid(l)).
    hinge: E[max(0, 1 - l_real)] + E[max(0, 1 + l_fake)] (Lim & Ye 2017, arXiv:1705.02894; the loss of
    SN-GAN, Miyato et al. 2018, arXiv:1802.05957): D stops pushing a pair once its logit is past the margin of 1."""
    if loss == "hinge":
        return F.relu(1 - real_logit).mean() + F.relu(1 + fake_logit).mean()
    return F.softplus(-real_logit).mean() + F.softplus(fake_logit).mean()


def g_loss(fake_logit: torch.Tensor, loss: str = "bce") -> torch.Tensor:
    """G's loss on D's logits for its samples. bce: maximize log D(G(z|y)|y), the non-saturating loss
    (Goodfellow et al. 2014, sec. 3). hinge: -E[l_fake] (Lim & Ye 2017; SN-GAN, as above)."""
    if loss == "hinge":
        return -fake_logit.mean()
    return F.softplus(-fake_logit).mean()


AUGMENTS = ("translation", "cutout")  # --diffaugment's policies


def diff_augment(x: torch.Tensor, policy: tuple[str, ...], generator: torch.Generator) -> torch.Tensor:
    """DiffAugment (Zhao et al. 2020, arXiv:2006.10738): the same kind of random, differentiable change to every
    image D sees, real and fake, in D's step and in G's, so D cannot memorise the training set and G is not
    taught to make the changes. `x`: `(B, 1, H, W)` in [-1, 1]; what is moved in or cut out is background (-1).
    translation: each image shifted by up to 1/8 of its side; cutout: a square of half its side blanked."""
    B, _, H, W = x.shape
    where = generator.device
    if "translation" in policy:
        s = H // 8
        padded = F.pad(x, (s, s, s, s), value=-1.0)  # (B, 1, H + 2s, W + 2s)
        dy = torch.randint(0, 2 * s + 1, (B, 1, 1), generator=generator, device=where).to(x.device)
        dx = torch.randint(0, 2 * s + 1, (B, 1, 1), generator=generator, device=where).to(x.device)
        rows = torch.arange(H, device=x.device).view(1, H, 1) + dy  # (B, H, 1)
        cols = torch.arange(W, device=x.device).view(1, 1, W) + dx  # (B, 1, W)
        x = padded[torch.arange(B, device=x.device).view(B, 1, 1), 0, rows, cols].unsqueeze(1)  # (B, 1, H, W)
    if "cutout" in policy:
        half = H // 4  # a square of side H/2 around a random centre
        cy = torch.randint(0, H, (B, 1, 1), generator=generator, device=where).to(x.device)
        cx = torch.randint(0, W, (B, 1, 1), generator=generator, device=where).to(x.device)
        rows = (torch.arange(H, device=x.device).view(1, H, 1) - cy).abs() < half  # (B, H, 1)
        cols = (torch.arange(W, device=x.device).view(1, 1, W) - cx).abs() < half  # (B, 1, W)
        x = torch.where((rows & cols).unsqueeze(1), torch.full_like(x, -1.0), x)  # (B, 1, H, W)
    return x


def d_step(D: Discriminator, opt_d: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
           fake: torch.Tensor, loss: str = "bce", aux_weight: float = 0.0,
           augment=None, y_fake: torch.Tensor | None = None,
           r1: float = 0.0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One D update; returns (loss_d, real_logit, fake_logit). `fake` is detached: this step leaves G alone.
    aux_weight > 0: plus that weight times the cross-entropy of D's class head on the real images.
    augment: None, or a function applied to both batches before D sees them (diff_augment).
    y_fake: the labels `fake` was made for, when they are not the real batch's `y` (--mode-seeking).
    r1 > 0: plus r1_penalty(x, real_logit) times that weight (this step's share of --r1, from r1_weight)."""
    augment = augment or (lambda images: images)
    y_fake = y if y_fake is None else y_fake
    if r1:
        x = x.detach().requires_grad_(True)  # the penalty needs D's gradient with respect to the real images
    (real_logit, real_class), (fake_logit, _) = D.judge(augment(x), y), D.judge(augment(fake.detach()), y_fake)
    loss_d = d_loss(real_logit, fake_logit, loss)
    if aux_weight:  # AC-GAN's class log-likelihood L_C (Odena et al. 2017, sec. 3), here on real images only
        loss_d = loss_d + aux_weight * F.cross_entropy(real_class, y)
    if r1:
        loss_d = loss_d + r1 * r1_penalty(x, real_logit)
    opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    opt_d.step()
    return loss_d, real_logit, fake_logit


def g_step(D: Discriminator, opt_g: torch.optim.Optimizer, fake: torch.Tensor, y: torch.Tensor,
           loss: str = "bce", aux_weight: float = 0.0, augment=None, mode_seeking: float = 0.0,
           z: torch.Tensor | None = None) -> torch.Tensor:
    """One G update through D's verdict on `fake`; returns loss_g (D's gradients are cleared before its
    next update). aux_weight > 0: plus that weight times the cross-entropy of D's class head on `fake`,
    so G learns to make samples that name the class they were asked for. augment: as in d_step.
    mode_seeking > 0: plus that weight times mode_seeking_term(fake, z) (pairs made by paired_labels)."""
    fake_logit, fake_class = D.judge(augment(fake) if augment else fake, y)
    loss_g = g_loss(fake_logit, loss)
    if aux_weight:
        loss_g = loss_g + aux_weight * F.cross_entropy(fake_class, y)
    if mode_seeking:
        loss_g = loss_g + mode_seeking * mode_seeking_term(fake, z)
    opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    opt_g.step()
    return loss_g


def r1_penalty(x: torch.Tensor, real_logit: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al. 2018, arXiv:1801.04406, eq. 9) without its weight: (1/2) E_x[||grad_x D(x)||^2] over
    the real batch x, D(x) the logit. D is asked to be flat around real images, so it cannot sharpen its verdict
    on them without end and pull ahead of G. `x` must have required grad before D saw it (d_step sees to that)."""
    grad, = torch.autograd.grad(real_logit.sum(), x, create_graph=True)  # (B, 1, 28, 28)
    return grad.pow(2).flatten(1).sum(1).mean() / 2


def r1_weight(step: int, gamma: float, every: int) -> float:
    """This D step's weight of r1_penalty: gamma * every on one step in `every`, 0 on the others (lazy
    regularisation, Karras et al. 2020, arXiv:1912.04958, sec. 3.1: the same penalty on average, at less cost)."""
    return gamma * every if gamma and step % every == 0 else 0.0


def paired_labels(y: torch.Tensor) -> torch.Tensor:
    """The labels to generate for under --mode-seeking: image i + B // 2 is asked for image i's class, so each
    pair (i, i + B // 2) is one class made from two noise vectors (an odd last image keeps its own label)."""
    half = len(y) // 2
    paired = y.clone()
    paired[half:2 * half] = y[:half]
    return paired


def mode_seeking_term(fake: torch.Tensor, z: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """MSGAN's mode-seeking term (Mao et al. 2019, arXiv:1903.05628, eq. 3), as a loss for G to minimise:
    1 / (d_I(G(c, z1), G(c, z2)) / d_z(z1, z2) + eps), with d the mean absolute difference over the pairs
    (i, i + B // 2) of paired_labels. Two noise vectors for one class should give images as far apart as the
    vectors are, so G cannot answer every z of a class with the same few images."""
    half = len(fake) // 2
    d_image = (fake[:half] - fake[half:2 * half]).abs().mean()
    d_noise = (z[:half] - z[half:2 * half]).abs().mean()
    return 1 / (d_image / d_noise + eps)


def lr_factor(step: int, total: int, schedule: str) -> float:
    """Multiplier of the peak learning rate: constant, or a linear decay to 0 over the run."""
    return 1.0 if schedule == "none" else max(0.0, 1.0 - step / total)


@torch.no_grad()
def class_record(G: Generator, classifier, n: int = 1000, seed: int = 0) -> dict:
    """What the classifier calls `n` fixed-seed samples: the share per class, how many classes
    hold at least half their fair share, and the histogram's entropy (log 10 = 2.303 is uniform)."""
    was_training = G.training
    G.eval()
    images = G.sample(n, generator=torch.Generator().manual_seed(seed))
    G.train(was_training)
    predicted = predict(classifier, images.cpu())
    shares = class_histogram(predicted)
    entropy = max(0.0, -sum(p * math.log(p) for p in shares if p > 0))  # max: no "-0.0" for one class
    return {"class_histogram": [round(p, 4) for p in shares], "class_coverage": class_coverage(predicted),
            "class_entropy": round(entropy, 4)}


def discriminator_for(config: GANConfig, args: argparse.Namespace) -> Discriminator:
    """The discriminator this script's flags build beside a generator of `config` (--aux-weight's class head,
    --d-conv3, --mbstd, --mbstd-group); `python -m benchmarks train_speed` builds the same from a recorded command."""
    return Discriminator(DiscriminatorConfig.for_generator(config, d_classifier=args.aux_weight > 0,
                                                           d_conv3=args.d_conv3, mbstd=args.mbstd,
                                                           mbstd_group=args.mbstd_group))


def optimizers(G: Generator, D: Discriminator, args: argparse.Namespace) -> tuple[torch.optim.Adam, torch.optim.Adam]:
    """G's and D's Adam: --lr and --lr-d, beta1 = --adam-beta1 (0.5 as in Radford et al. 2016, section 4, whose lr
    of 2e-4 is --lr's default; 0 as in BigGAN and StyleGAN2), beta2 = 0.999. `python -m benchmarks train_speed`
    builds the same from a recorded command."""
    betas = (args.adam_beta1, 0.999)
    return (torch.optim.Adam(G.parameters(), lr=args.lr, betas=betas),
            torch.optim.Adam(D.parameters(), lr=args.lr_d or args.lr, betas=betas))


def build_parser() -> argparse.ArgumentParser:
    """This script's flags (`python -m benchmarks train_speed` parses a model card's command with it)."""
    p = base_parser(__doc__.splitlines()[0], epochs=20, batch_size=128, lr=2e-4)
    p.add_argument("--latent-dim", type=int, default=64)
    p.add_argument("--channels", type=int, default=32, help="conv width at 14x14")
    p.add_argument("--classifier", default=None,
                   help="classifier folder for the per-epoch accuracy (default weights/classifier-<dataset>)")
    p.add_argument("--save-discriminator", action="store_true")
    # The defaults are the first design (DCGAN's), so older recorded commands, such as the collapse run's, still
    # reproduce their models. A measured search (issue 11) favours --upsample deconv-conv3 --ema 0.999
    # --lr-decay linear --aux-weight 1 and a peak --lr of 8e-4, four times the default, for a 16-epoch run (the
    # docs/training-notes.md has every run's figures; the shipped commands are in the README's "Train and evaluate").
    p.add_argument("--upsample", choices=UPSAMPLE, default="deconv",
                   help="generator upsampling (models/gan.py): deconv, or deconv-conv3 (a 3x3 conv after each)")
    p.add_argument("--class-norm", action="store_true",
                   help="G's batch norms take their scale and shift from the label (conditional batch norm)")
    p.add_argument("--ema", type=float, default=0.0,
                   help="decay of a moving average of G's weights that ships instead of G, e.g. 0.999 (0: off)")
    p.add_argument("--lr-decay", choices=["linear", "none"], default="none",
                   help="linear: both learning rates fall linearly to 0 over the run")
    p.add_argument("--log-every", type=positive_int, default=100,
                   help="history.json 'steps': the losses averaged over this many G updates")
    p.add_argument("--unconditional", action="store_true",
                   help="one class only: G gets no label and D judges images alone (the collapse run)")
    p.add_argument("--no-batchnorm", action="store_true",
                   help="no batch norm in G or D (Radford et al. 2016, sec. 3: batch norm keeps G from collapsing)")
    p.add_argument("--d-steps", type=positive_int, default=1, help="D updates (one batch each) per G update")
    p.add_argument("--adam-beta1", type=float, default=0.5,
                   help="Adam's beta1 for G and D, how much of the last steps' direction each step keeps: 0.5 as "
                        "in DCGAN, 0 as in BigGAN and StyleGAN2")
    p.add_argument("--train-size", type=positive_int, default=None,
                   help="train on the first N training images only (shorter epochs: more grids per minute)")
    p.add_argument("--lr-d", type=float, default=None, help="D's learning rate (default: --lr)")
    p.add_argument("--loss", choices=LOSSES, default="bce",
                   help="bce: the non-saturating GAN loss; hinge: the hinge loss of SN-GAN and BigGAN")
    p.add_argument("--aux-weight", type=float, default=0.0,
                   help="weight of an AC-GAN class term: D also learns to name real images' classes and G to "
                        "make samples D names as asked (0: off)")
    p.add_argument("--diffaugment", default="",
                   help=f"DiffAugment policies for what D sees, comma-separated from {', '.join(AUGMENTS)} "
                        "(empty: none)")
    p.add_argument("--mode-seeking", type=float, default=0.0,
                   help="weight of MSGAN's mode-seeking term: two noise vectors of one class should give images "
                        "as different as the vectors, e.g. 1 (0: off)")
    p.add_argument("--r1", type=float, default=0.0,
                   help="weight gamma of the R1 penalty: (gamma / 2) times the mean squared norm of D's gradient at "
                        "real images, so D stays flat around them, e.g. 0.1 (0: off)")
    p.add_argument("--r1-every", type=positive_int, default=4,
                   help="with --r1: apply it on one D step in this many, weighted that much more (lazy)")
    p.add_argument("--d-conv3", action="store_true", help="a deeper D: a 3x3 conv after each strided conv")
    p.add_argument("--mbstd", action="store_true",
                   help="D also sees the batch's spread (a minibatch-standard-deviation channel)")
    p.add_argument("--mbstd-group", type=int, default=0,
                   help="with --mbstd: measure the spread within groups of this many images, e.g. 4 (0: the "
                        "whole batch)")
    return p


def main(argv: list[str] | None = None) -> Path:
    p = build_parser()
    args = p.parse_args(argv)
    if not 0 <= args.ema < 1:
        p.error(f"--ema must be at least 0 and below 1, got {args.ema}")
    if args.aux_weight < 0 or (args.aux_weight and args.unconditional):
        p.error(f"--aux-weight must be at least 0, and 0 for an unconditional GAN, got {args.aux_weight}")
    if args.mode_seeking < 0:
        p.error(f"--mode-seeking must be at least 0, got {args.mode_seeking}")
    if args.r1 < 0:
        p.error(f"--r1 must be at least 0, got {args.r1}")
    if not 0 <= args.adam_beta1 < 1:
        p.error(f"--adam-beta1 must be at least 0 and below 1, got {args.adam_beta1}")
    if args.class_norm and (args.no_batchnorm or args.unconditional):
        p.error("--class-norm needs batch norm and labels; it cannot go with --no-batchnorm or --unconditional")
    if args.mbstd_group < 0 or (args.mbstd_group and not args.mbstd):
        p.error(f"--mbstd-group must be at least 0, and goes with --mbstd; got {args.mbstd_group}")
    policy = tuple(filter(None, args.diffaugment.split(",")))
    if any(name not in AUGMENTS for name in policy):
        p.error(f"--diffaugment takes {', '.join(AUGMENTS)}, comma-separated; got {args.diffaugment!r}")
    device = setup(args)
    out = Path(args.out)

    # (0) data in [-1, 1], the range of the generator's tanh
    x_train, y_train = load_split(args.dataset, args.data_root, train=True)
    if args.train_size:
        x_train, y_train = x_train[:args.train_size], y_train[:args.train_size]
    if args.dry_run:
        x_train, y_train, args.epochs = x_train[:512], y_train[:512], 1
    x_train = (to_float(x_train) * 2 - 1).to(device)
    # unconditional: every image gets label 0 of a single class, so G's embedding is a constant
    # and D's projection term a learned bias: a plain DCGAN with the same modules
    y_train = torch.zeros_like(y_train) if args.unconditional else y_train
    y_train = y_train.to(device)

    config = GANConfig(latent_dim=args.latent_dim, channels=args.channels, dataset=args.dataset,
                       num_classes=1 if args.unconditional else 10, batchnorm=not args.no_batchnorm,
                       upsample=args.upsample, class_norm=args.class_norm)
    G = Generator(config).to(device)
    D = discriminator_for(config, args).to(device)
    # channels_last lets oneDNN pick faster conv kernels on the CPU, as in train_vae
    # (compare: python -m benchmarks train_speed --models gan-mnist --layout nchw, then --layout channels_last)
    G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
    x_train = x_train.contiguous(memory_format=torch.channels_last)
    G_avg = copy.deepcopy(G) if args.ema else None
    opt_g, opt_d = optimizers(G, D, args)
    ckpt = Checkpointer(args)
    state = ckpt.load()
    start = 0
    if state:
        G.load_state_dict(state["G"])
        D.load_state_dict(state["D"])
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        if G_avg is not None:
            G_avg.load_state_dict(state["G_avg"])
        torch.set_rng_state(state["rng"])
        start = state["epoch"]
    history = History(state and state["history"])
    shipped = G_avg if G_avg is not None else G  # the generator the grids, accuracies and weights show

    clf_path, classifier = epoch_classifier(args.classifier, args.dataset)
    # fixed noise for the per-epoch grid: row r, column c is class c (unconditional: all label 0)
    g0 = torch.Generator().manual_seed(0)
    z_grid = torch.randn(100, args.latent_dim, generator=g0).to(device)
    y_grid = (torch.arange(100) % config.num_classes).to(device)
    steps_per_epoch = max(1, len(x_train) // args.batch_size)
    total_steps = args.epochs * steps_per_epoch
    window = {"loss_d": 0.0, "loss_g": 0.0, "d_real": 0.0, "d_fake": 0.0}  # the last --log-every G steps
    g_steps = state.get("g_steps", 0) if state else 0  # G updates so far
    window_g = 0

    for epoch in range(start, args.epochs):
        G.train()
        D.train()
        g = epoch_generator(args.seed, epoch)  # shuffling, on the CPU
        g_noise = noise_generator(g, device)  # z, on the device
        g_augment = noise_generator(g, device)  # DiffAugment's shifts and cut-outs
        augment = partial(diff_augment, policy=policy, generator=g_augment) if policy else None
        sums = {"loss_d": 0.0, "loss_g": 0.0, "d_real": 0.0, "d_fake": 0.0}
        n_steps = seen = 0
        for idx in tqdm(batches(len(x_train), args.batch_size, g), total=steps_per_epoch,
                        desc=f"epoch {epoch + 1}/{args.epochs}", leave=False):
            step = epoch * steps_per_epoch + n_steps
            for opt, peak in ((opt_g, args.lr), (opt_d, args.lr_d or args.lr)):
                for group in opt.param_groups:
                    group["lr"] = peak * lr_factor(step, total_steps, args.lr_decay)
            x, y = x_train[idx], y_train[idx]
            z = torch.randn(len(idx), args.latent_dim, generator=g_noise, device=device)
            y_fake = paired_labels(y) if args.mode_seeking else y
            fake = G(z, y_fake)
            # (1) update D on real x and the detached fake
            loss_d, real_logit, fake_logit = d_step(D, opt_d, x, y, fake, args.loss, args.aux_weight, augment,
                                                    y_fake=y_fake, r1=r1_weight(step, args.r1, args.r1_every))
            n_steps += 1
            seen += len(idx)
            if n_steps % args.d_steps:
                continue  # --d-steps N: N batches of D updates, then one G update
            # (2) update G through D's verdict on the same fake
            loss_g = g_step(D, opt_g, fake, y_fake, args.loss, args.aux_weight, augment, args.mode_seeking, z)
            if G_avg is not None:
                update_average(G_avg, G, args.ema)
            # D's verdicts as probabilities, sigmoid(logit), whichever the loss (hinge: 0.73 at the margin)
            values = {"loss_d": loss_d.item(), "loss_g": loss_g.item(),
                      "d_real": torch.sigmoid(real_logit).mean().item(),
                      "d_fake": torch.sigmoid(fake_logit).mean().item()}
            for k, v in values.items():
                sums[k] += v
                window[k] += v
            g_steps += 1
            window_g += 1
            if window_g == args.log_every:
                history.add_step({"step": g_steps, "epoch": round(epoch + n_steps / steps_per_epoch, 3),
                                  **{k: round(v / args.log_every, 4) for k, v in window.items()}})
                window = dict.fromkeys(window, 0.0)
                window_g = 0
            if args.dry_run and n_steps >= 4:
                break
        # (3) per-epoch record: losses, D's average verdicts, class accuracy, a fixed-z grid, a checkpoint
        n_g = max(1, n_steps // args.d_steps)
        record = {"epoch": epoch + 1, **{k: round(v / n_g, 4) for k, v in sums.items()}}
        if G_avg is not None:  # a fixed noise stream: the statistics do not depend on where a run resumed
            recompute_batchnorm(G_avg, 50, 256, torch.Generator().manual_seed(args.seed))
        if classifier is not None and args.unconditional:
            record.update(class_record(shipped, classifier))
        elif classifier is not None:
            record["conditional_accuracy"] = round(conditional_accuracy(shipped, classifier), 4)
        with torch.no_grad():
            shipped.eval()
            save_grid((shipped(z_grid, y_grid) + 1) / 2, out / "epochs" / f"epoch_{epoch + 1:03d}.png", nrow=10)
        history.add(record, seen)
        ckpt.save({"epoch": epoch + 1, "G": G.state_dict(), "D": D.state_dict(), "opt_g": opt_g.state_dict(),
                   "opt_d": opt_d.state_dict(), "rng": torch.get_rng_state(), "history": history.state(),
                   "g_steps": g_steps, **({"G_avg": G_avg.state_dict()} if G_avg is not None else {})})
        history.restart_clock()

    # (4) write the weights folder (generator only); `python -m training.evaluate` adds metrics.json
    shipped.eval().cpu().to(memory_format=torch.contiguous_format)  # safetensors stores plain layouts
    shipped.save_pretrained(out)
    if args.save_discriminator:
        D.eval().cpu().to(memory_format=torch.contiguous_format).save_pretrained(Path(f"{out}-discriminator"))
    keep = ("conditional_accuracy", "class_coverage", "class_entropy", "class_histogram")
    metrics = {k: v for k, v in history.epochs[-1].items() if k in keep}
    if args.unconditional:
        metrics["notes"] = [
            f"Deliberately unstable, to show mode collapse: no labels, "
            f"{'no batch norm' if args.no_batchnorm else 'batch norm'}, learning rate {args.lr:g} for G and "
            f"{args.lr_d or args.lr:g} for D, {args.d_steps} D step(s) per G step; the first {len(x_train)} "
            f"training images, so an epoch is {steps_per_epoch} batches.",
            "class_coverage (classes with at least half their fair share), class_entropy (nats; log 10 = 2.303 "
            f"for ten equal classes) and class_histogram: 1,000 samples of the last epoch read by {clf_path}; "
            "every epoch's are in history.json (with the run's minutes and threads).",
        ]
    return finish(out, args, history, metrics)


if __name__ == "__main__":
    main()
