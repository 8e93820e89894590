"""The arena's settings: the knobs of a run, their limits, and the named presets with their stories."""

from __future__ import annotations

from dataclasses import dataclass, replace

from lab.arena.data import DRAWN, TOY_DATASETS
from lab.arena.objectives import G_LOSSES
from lab.inputs import parse_int, parse_number

MAX_STEPS = 3000
MAX_UPDATES = 9000  # steps x (D steps + 2): the network updates of a run (D's, G's, the VAE's)
MAX_HIDDEN = 128
MAX_BATCH = 256
MAX_NOISE = 16
MAX_D_STEPS = 10


@dataclass
class ArenaSettings:
    dataset: str = "ring of 8 Gaussians"
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    d_steps: int = 1  # D updates per G update
    noise_dim: int = 2  # size of G's noise z
    hidden: int = 64  # width of every hidden layer (G, D and VAE)
    batch_size: int = 128
    g_loss: str = "non-saturating"
    seed: int = 0
    steps: int = 2000  # G updates
    freeze_d: bool = False  # D keeps its random initial weights
    every: int = 100  # a frame every this many steps

    def checked(self) -> ArenaSettings:
        """The same settings, or a ValueError that says which knob is out of range."""
        if self.dataset not in (*TOY_DATASETS, DRAWN):
            raise ValueError(f"unknown data set {self.dataset!r}: choose one of {', '.join([*TOY_DATASETS, DRAWN])}")
        if self.g_loss not in G_LOSSES:
            raise ValueError(f"G loss must be one of {', '.join(G_LOSSES)}, got {self.g_loss!r}")
        for name, value, low, high in [("lr G", self.lr_g, 1e-6, 0.1), ("lr D", self.lr_d, 1e-6, 0.1)]:
            if not (isinstance(value, int | float) and low <= value <= high):
                raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value}")
        for name, value, low, high in [("D steps per G step", self.d_steps, 1, MAX_D_STEPS),
                                       ("noise size", self.noise_dim, 1, MAX_NOISE),
                                       ("hidden width", self.hidden, 4, MAX_HIDDEN),
                                       ("batch size", self.batch_size, 8, MAX_BATCH),
                                       ("steps", self.steps, 1, MAX_STEPS),
                                       ("seed", self.seed, 0, 2**31 - 1),
                                       ("frame every", self.every, 1, MAX_STEPS)]:
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value}")
        if self.steps * (self.d_steps + 2) > MAX_UPDATES:
            raise ValueError(f"steps x (D steps per G step + 2) must be at most {MAX_UPDATES} so that a run stays "
                             f"short, got {self.steps} x {self.d_steps + 2}: lower the steps or the D steps")
        return self


# Each preset's named behaviour is checked on its measured figures by tests/lab/test_arena.py.
HEALTHY = ArenaSettings(lr_g=2e-3, lr_d=2e-3, steps=1500)
PRESETS: dict[str, ArenaSettings] = {
    # Adam at 2e-3 on both sides, one D step per G step: the GAN spreads over all eight modes
    "healthy": HEALTHY,
    # D five times as often and 2.5x as fast as G: G settles on the two modes D likes least to
    # reject and stays there; the losses stay level, so they do not warn you
    "mode collapse": ArenaSettings(lr_g=1e-3, lr_d=5e-3, d_steps=5, batch_size=64, steps=1200),
    # G learns ten times as fast as D: G jumps to wherever D is fooled, D catches up, G jumps again
    "oscillation": ArenaSettings(lr_g=2e-3, lr_d=2e-4, steps=1500),
    # the original minimax G loss, log(1 - D(G(z))), against a D that quickly rejects every fake:
    # its gradient is D(G(z)) ~ 0, so G stops moving
    "vanishing gradient": ArenaSettings(g_loss="minimax", lr_g=1e-4, lr_d=1e-2, d_steps=3, batch_size=64,
                                        steps=1200),
    # D never learns: its random verdicts point G away from the data, and G follows them off the plane
    "frozen D": replace(HEALTHY, freeze_d=True),
}
# The mode-collapse run itself (same settings, seed and steps) with the Wasserstein loss and a gradient penalty:
# 7 or 8 of 8 modes at the end on each of seeds 0-7, where the non-saturating loss holds 2 to 4
# (`python -m lab.arena.screen --steps 1200 --seeds 0 1 2 3 4 5 6 7`, docs/training-notes.md)
PRESETS["Wasserstein vs collapse"] = replace(PRESETS["mode collapse"], g_loss="Wasserstein-GP")
PRESET_STORY = {
    "healthy": "**Healthy.** Both networks learn at the same pace; the GAN's red crosses spread over all eight "
               "modes, D's colours fade towards 0.5 (white) as it can no longer tell real from fake.",
    "mode collapse": "**Mode collapse.** D trains 5 times per G step and faster. G finds a couple of modes "
                     "that fool D and piles every sample there. The losses look calm: watch the coverage "
                     "meter, not the losses.",
    "oscillation": "**Oscillation.** G's learning rate is 10 times D's: G overshoots to wherever D is fooled, "
                   "D catches up, G jumps elsewhere. The red cloud keeps moving instead of settling.",
    "vanishing gradient": "**Vanishing gradient.** The original minimax G loss, log(1 − D(G(z))), against a "
                          "strong D: once D rejects every fake, the loss is flat and G's gradient is ~0, so G "
                          "stops moving. Switch the G loss to non-saturating to rescue it.",
    "Wasserstein vs collapse": "**Wasserstein vs collapse.** The mode-collapse settings (D trains 5 times per G "
                               "step, and faster), but D is a critic scored by the Wasserstein distance with a "
                               "gradient penalty: it cannot saturate, so its slope keeps pointing G to every mode. "
                               "It is the *mode collapse* run with only the loss changed: watch the coverage "
                               "meter climb to 7 or 8 of 8 where the collapsing run holds 2 to 4.",
    "frozen D": "**Frozen D.** D never learns, so its colours say nothing about the data. G follows them "
                "anyway, away from the data: without a learning discriminator G has no idea where the data is.",
}



def settings_from(preset: str, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps,
                  freeze_d) -> ArenaSettings:
    """The `/arena` inputs as checked settings: a named preset's own settings (the knobs are then
    ignored), or, for preset "custom", the knobs."""
    if preset in PRESETS:
        return replace(PRESETS[preset])
    if preset != "custom":
        raise ValueError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}, custom")
    if not isinstance(freeze_d, bool):  # bool("no") would freeze D: a checkbox's value is true or false
        raise ValueError(f"freeze D must be true or false, got {freeze_d!r}")
    # the types here (lab/inputs.py's parsers, no bounds), the ranges in .checked()
    return ArenaSettings(dataset=dataset, lr_g=parse_number(lr_g, "lr G"), lr_d=parse_number(lr_d, "lr D"),
                         d_steps=parse_int(d_steps, "D steps per G step", None),
                         noise_dim=parse_int(noise_dim, "noise size", None),
                         hidden=parse_int(hidden, "hidden width", None),
                         batch_size=parse_int(batch_size, "batch size", None), g_loss=g_loss,
                         seed=parse_int(seed, "seed", None), steps=parse_int(steps, "steps", None),
                         freeze_d=freeze_d).checked()
