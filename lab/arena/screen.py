"""`python -m lab.arena.screen`: the arena's objectives side by side on the same settings and seeds, measured
as the page measures them (coverage and JS divergence over the second half of the run, and at its end). It is
how the objective presets (lab/arena/settings.py, OBJECTIVE_PRESETS) were chosen; docs/training-notes.md
("Arena", objectives) keeps its output.

    python -m lab.arena.screen --base "mode collapse" --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import replace

from lab.arena.objectives import G_LOSSES
from lab.arena.settings import PRESETS
from lab.arena.training import run


def second_half(history: list[dict], key: str) -> float:
    """The mean of a figure over the frames of the run's second half."""
    values = [frame[key] for frame in history[len(history) // 2:]]
    return statistics.fmean(values)


def screen(base: str, objectives: list[str], seeds: list[int], steps: int | None = None) -> list[dict]:
    """One row per objective: the GAN's coverage and JS divergence (second half of the run, and last frame) for
    each seed, with the preset `base`'s other settings."""
    rows = []
    for objective in objectives:
        for seed in seeds:
            settings = replace(PRESETS[base], g_loss=objective, seed=seed, **({"steps": steps} if steps else {}))
            last = run(settings)
            rows.append({"objective": objective, "seed": seed,
                         "coverage_end": last.figures["gan_coverage"],
                         "coverage_second_half": round(second_half(last.history, "gan_coverage"), 3),
                         "js_end": last.figures["gan_js"],
                         "js_second_half": round(second_half(last.history, "gan_js"), 3),
                         "steps": last.figures["step"]})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m lab.arena.screen", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="mode collapse", choices=list(PRESETS), help="the preset whose settings "
                                                                                      "every objective gets")
    parser.add_argument("--objectives", nargs="+", default=G_LOSSES, choices=G_LOSSES)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, help="instead of the preset's steps")
    args = parser.parse_args(argv)
    rows = screen(args.base, args.objectives, args.seeds, args.steps)
    print(f"{'objective':16s} {'seed':>4s} {'coverage (2nd half)':>20s} {'coverage (end)':>15s} "
          f"{'JS (2nd half)':>14s} {'JS (end)':>9s}")
    for r in rows:
        print(f"{r['objective']:16s} {r['seed']:4d} {r['coverage_second_half']:20.3f} {r['coverage_end']:15.3f} "
              f"{r['js_second_half']:14.3f} {r['js_end']:9.3f}")
    return rows


if __name__ == "__main__":
    main()
