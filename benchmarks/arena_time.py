"""CPU time of one arena run per preset, on one thread, as the app runs it (frames rendered too).

    python benchmarks/arena_time.py

Prints one line per preset, and one for the largest run the knobs allow: the steps it ran, the CPU
seconds of the run (time.process_time, this process only, so other work on the machine inflates it
little) and the wall-clock seconds.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lab.arena import MAX_BATCH, MAX_HIDDEN, MAX_UPDATES, PRESETS, ArenaSettings, arena_outputs, train  # noqa: E402

# the most expensive run the knobs allow: the widest nets, the largest batches, as many updates as allowed
WORST = ArenaSettings(hidden=MAX_HIDDEN, batch_size=MAX_BATCH, d_steps=1, steps=MAX_UPDATES // 3)


def main() -> None:
    list(train(PRESETS["healthy"].__class__(steps=20)))  # warm up: imports and first calls
    for name, settings in [*PRESETS.items(), ("largest custom run", WORST)]:
        cpu, wall = time.process_time(), time.perf_counter()
        for frame in train(settings):
            arena_outputs(frame, settings)  # the page's work per frame: image, curves, meter
        stopped = " (stopped early: its CPU time was spent)" if frame.figures["stopped_early"] else ""
        print(f"{name:20s} steps {frame.step:5d} of {settings.steps:5d}  cpu {time.process_time() - cpu:5.1f} s  "
              f"wall {time.perf_counter() - wall:5.1f} s{stopped}", flush=True)


if __name__ == "__main__":
    main()
