"""The live arena: a small GAN and a small VAE trained side by side on 2-D toy data, one module per concern:

- `data`: the toy data sets and the coverage meter;
- `nets`: the MLPs and the 2-D VAE;
- `objectives`: the GAN's losses;
- `settings`: a run's knobs, their limits and the presets;
- `training`: a run, frame by frame, and the guards that share the CPU between visitors;
- `views`: the picture, the charts, the meter and the words for each frame.

The names the tab (ui/arena.py), the links and the benchmarks use are importable from `lab.arena` itself.
"""

from lab.arena.data import MODE_STD, PLANE, TOY_DATASETS, Coverage, coverage, mode_centres, toy_data
from lab.arena.nets import ToyVAE, mlp
from lab.arena.objectives import G_LOSSES, d_loss, g_loss
from lab.arena.settings import (
    HEALTHY,
    MAX_BATCH,
    MAX_D_STEPS,
    MAX_HIDDEN,
    MAX_NOISE,
    MAX_STEPS,
    MAX_UPDATES,
    PRESET_STORY,
    PRESETS,
    ArenaSettings,
    settings_from,
)
from lab.arena.training import (
    MAX_CPU_SECONDS,
    REDUCED_MOTION_STRIDE,
    Frame,
    ReducedMotion,
    RunGuard,
    d_map,
    run,
    thinned,
    train,
)
from lab.arena.views import (
    COVERAGE_SERIES,
    DEFAULT_LAYERS,
    GAN_COLOUR,
    HEAT_FAKE,
    HEAT_REAL,
    LAYERS,
    LOSS_SERIES,
    REAL_COLOUR,
    VAE_COLOUR,
    arena_outputs,
    coverage_chart,
    draw_points,
    frame_description,
    heat_map,
    history_csv,
    losses_chart,
    meter_text,
    render,
    series,
)

__all__ = [
    "MODE_STD", "PLANE", "TOY_DATASETS", "Coverage", "coverage", "mode_centres", "toy_data", "ToyVAE", "mlp",
    "G_LOSSES", "d_loss", "g_loss", "HEALTHY", "MAX_BATCH", "MAX_D_STEPS", "MAX_HIDDEN", "MAX_NOISE", "MAX_STEPS",
    "MAX_UPDATES", "PRESET_STORY", "PRESETS", "ArenaSettings", "settings_from", "MAX_CPU_SECONDS",
    "REDUCED_MOTION_STRIDE", "Frame", "ReducedMotion", "RunGuard", "d_map", "run", "thinned", "train",
    "COVERAGE_SERIES", "DEFAULT_LAYERS", "LAYERS", "GAN_COLOUR", "HEAT_FAKE", "HEAT_REAL", "LOSS_SERIES",
    "REAL_COLOUR", "VAE_COLOUR",
    "arena_outputs", "coverage_chart", "draw_points", "frame_description", "heat_map", "history_csv", "losses_chart",
    "meter_text", "render", "series",
]
