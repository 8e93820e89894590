"""ui/time_machine.py's explanations: a figure they quote is the shipped run's own (history.json), so that a
retrained model cannot leave the page describing the one before it."""

import re
from pathlib import Path

from lab.time_machine import load_history
from ui.time_machine import GAN_NOTE

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"


def test_the_gan_note_quotes_the_shipped_fashion_gans_verdict_on_real_images():
    quoted = float(re.search(r"its D\(x\) stays near\s+(\d\.\d+) to the end", GAN_NOTE).group(1))
    epochs = load_history(WEIGHTS / "gan-fashion-mnist")["epochs"]
    late = [epoch["d_real"] for epoch in epochs[4:]]  # from the 5th epoch to the last: "stays near ... to the end"
    assert len(late) >= 10
    assert all(abs(d_real - quoted) <= 0.01 for d_real in late), (quoted, late)
