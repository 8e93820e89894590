"""What a training script does when its run ends: write `history.json`, `metrics.json` and the model card
beside the saved model and, with --push-to-hub, evaluate the folder (the app needs what that writes) and
upload it. It sits above training/common.py, training/evaluate.py and training/publish.py, which all
import common: so common imports none of them."""

from __future__ import annotations

import argparse
from pathlib import Path

from training import evaluate
from training.common import History, pick_device, write_json
from training.model_card import write_model_card
from training.publish import push_to_hub


def finish(out: Path, args: argparse.Namespace, history: History, metrics: dict) -> Path:
    """After training: write `history.json`, `metrics.json` (with its `provenance`, the weights' SHA-256 among
    it, as `training.evaluate` records it) and the model card beside the saved model; with --push-to-hub,
    evaluate the folder (the app needs what that writes) and upload it."""
    history.write(out, args)
    write_json(out / "metrics.json", {**metrics, "provenance": evaluate.provenance(out, pick_device(args.device))})
    write_model_card(out)
    if args.push_to_hub:
        if args.dry_run:
            print(f"--dry-run: not evaluated, so not pushed to {args.push_to_hub}", flush=True)
            return out
        evaluate.main([str(out), "--data-root", args.data_root, "--threads", str(args.threads)])
        push_to_hub(out, args.push_to_hub)
    return out
