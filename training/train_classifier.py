"""Train the small CNN classifier that measures the generative models.

    python -m training.train_classifier --dataset mnist --data-root ../shared/data --out weights/classifier-mnist
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from models.classifier import Classifier, ClassifierConfig
from training.common import Checkpointer, History, base_parser, batches, epoch_generator, setup
from training.data import load_split, to_float
from training.finish import finish


def random_shift(x: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    """Shift each image by up to `max_shift` pixels in x and y (zeros shifted in): the
    classifier must judge off-centre drawings and generated digits too."""
    B = x.shape[0]
    padded = F.pad(x, [max_shift] * 4)  # (B, 1, 28 + 2s, 28 + 2s)
    dx, dy = torch.randint(0, 2 * max_shift + 1, (2, B), generator=generator)
    rows = (dy[:, None] + torch.arange(28))[:, :, None]  # (B, 28, 1)
    cols = (dx[:, None] + torch.arange(28))[:, None, :]  # (B, 1, 28)
    return padded[torch.arange(B)[:, None, None], 0, rows, cols].unsqueeze(1)  # (B, 1, 28, 28)


def train_step(model: Classifier, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """One gradient step on the cross-entropy of the labels; returns the loss."""
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss


@torch.no_grad()
def accuracy(model: Classifier, x: torch.Tensor, y: torch.Tensor, batch_size: int = 1000) -> float:
    model.eval()
    correct = sum((model(x[i:i + batch_size]).argmax(1) == y[i:i + batch_size]).sum().item()
                  for i in range(0, len(x), batch_size))
    return correct / len(x)


def build_parser() -> argparse.ArgumentParser:
    """This script's flags (`python -m benchmarks train_speed` parses a model card's command with it)."""
    p = base_parser(__doc__.splitlines()[0], epochs=8, batch_size=128, lr=2e-3)
    p.add_argument("--channels", type=int, default=16, help="width of the first conv layer")
    p.add_argument("--max-shift", type=int, default=2, help="random shift augmentation in pixels")
    return p


def main(argv: list[str] | None = None) -> Path:
    args = build_parser().parse_args(argv)
    device = setup(args)
    out = Path(args.out)

    # (1) data: whole splits as tensors
    x_train, y_train = load_split(args.dataset, args.data_root, train=True)
    x_test, y_test = load_split(args.dataset, args.data_root, train=False)
    if args.dry_run:
        x_train, y_train, x_test, y_test = x_train[:512], y_train[:512], x_test[:256], y_test[:256]
        args.epochs = 1
    x_train, x_test = to_float(x_train).to(device), to_float(x_test).to(device)
    y_train, y_test = y_train.to(device), y_test.to(device)

    # (2) model, optimizer, one-cycle learning rate, resumable state
    model = Classifier(ClassifierConfig(channels=args.channels, dataset=args.dataset)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = max(1, len(x_train) // args.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch)
    ckpt = Checkpointer(args)
    state = ckpt.load()
    start = 0
    if state:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        torch.set_rng_state(state["rng"])  # dropout draws from the global generator
        start = state["epoch"]
    history = History(state and state["history"])

    for epoch in range(start, args.epochs):
        # (3) one epoch of cross-entropy on shifted images
        model.train()
        g = epoch_generator(args.seed, epoch)
        total, seen = 0.0, 0
        for idx in tqdm(batches(len(x_train), args.batch_size, g), total=steps_per_epoch,
                        desc=f"epoch {epoch + 1}/{args.epochs}", leave=False):
            x = random_shift(x_train[idx], args.max_shift, g) if args.max_shift else x_train[idx]
            loss = train_step(model, opt, x, y_train[idx])
            sched.step()
            total += loss.item() * len(idx)
            seen += len(idx)
            if args.dry_run and seen >= 4 * args.batch_size:
                break
        # (4) test accuracy, history, checkpoint
        history.add({"epoch": epoch + 1, "train_loss": round(total / seen, 4),
                     "test_accuracy": round(accuracy(model, x_test, y_test), 4)}, seen)
        ckpt.save({"epoch": epoch + 1, "model": model.state_dict(), "opt": opt.state_dict(),
                   "sched": sched.state_dict(), "rng": torch.get_rng_state(), "history": history.state()})
        history.restart_clock()

    # (5) write the weights folder
    model.eval().cpu()
    model.save_pretrained(out)
    return finish(out, args, history, {"test_accuracy": accuracy(model, x_test.cpu(), y_test.cpu())})


if __name__ == "__main__":
    main()
