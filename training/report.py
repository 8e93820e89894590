"""Print the README's table of shipped models from their `metrics.json` and `history.json`.

    python -m training.report            # the table, as pasted into README.md

Every figure comes from `python -m training.evaluate` (metrics) or the training run (history).
"""

import argparse
import json
from pathlib import Path

COLUMNS = {
    "vae": ["test_nll_iwae", "test_nll_iwae_refined", "reconstruction_accuracy", "frechet_distance",
            "precision", "recall", "sharpness_ratio", "class_coverage"],
    "gan": ["conditional_accuracy", "frechet_distance", "real_frechet_distance", "precision", "recall",
            "real_precision", "real_recall", "sharpness_ratio", "class_coverage"],  # coverage: unconditional only
    "autoencoder": ["reconstruction_accuracy", "reconstruction_bce", "frechet_distance", "precision", "recall",
                    "sharpness_ratio"],
    "classifier": ["test_accuracy"],
    "pix2pix": ["class_kept", "bicubic_class_kept", "other_valid", "sharpness_ratio", "bicubic_sharpness_ratio",
                "frechet_distance", "real_frechet_distance", "draws_differ"],
}


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def label(key: str, metrics: dict) -> str:
    """A figure's name, with the settings it was measured with where they matter."""
    if key == "test_nll_iwae" and "iwae_k" in metrics:
        return f"{key} (k={metrics['iwae_k']})"
    if key == "test_nll_iwae_refined" and "refine_steps" in metrics:
        return f"{key} ({metrics['refine_steps']} steps, k={metrics.get('refine_k', metrics.get('iwae_k'))})"
    return key


def table(weights: Path) -> str:
    rows = ["| model | figures (test split) | training |", "|---|---|---|"]
    for folder in sorted(p for p in weights.iterdir() if (p / "config.json").is_file()):
        kind = _read(folder / "config.json")["model_type"]
        metrics, history = _read(folder / "metrics.json"), _read(folder / "history.json")
        figures = ", ".join(f"{label(k, metrics)} {metrics[k]}" for k in COLUMNS[kind] if k in metrics)
        training = (f"{history['train_minutes']} min, {len(history['epochs'])} epochs, "
                    f"{history['images_per_second']} img/s, {history['threads']} thread(s)") if history else ""
        rows.append(f"| `{folder.name}` | {figures} | {training} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> str:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", default="weights")
    args = p.parse_args(argv)
    text = table(Path(args.weights))
    print(text)
    return text


if __name__ == "__main__":
    main()
