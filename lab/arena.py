"""The live arena: a small GAN and a small VAE trained side by side on 2-D toy data.

Both see the same data stream and start from the same seed. `train` is a generator: every
`every` steps it yields a `Frame` with the figures measured so far (losses, D's verdicts, G's
gradient norm, how far G's samples moved, mode coverage of GAN and VAE) and samples to draw.
`render` draws a frame as one PIL image. Everything runs on one CPU thread.

Toy data sets (numpy): a ring of 8 Gaussians, a 5x5 grid of Gaussians, two moons, one Gaussian.

Mode coverage, for the data sets made of modes: a sample *hits* a mode when it lies within
3 standard deviations of its centre; a mode is *covered* when at least a quarter of its fair share
of the N samples hit it (N / K / 4 for K modes). A quarter, not a half: the VAE puts about half
its samples between the modes (its blur), and a mode it reaches should still count.
For two moons and the single Gaussian, which have no separate modes, coverage is the share of
1,000 fixed real points that have a generated sample closer than R, where R is the distance
within which 90 % of those real points find a point of a second real sample of 1,000 (so a
perfect generator scores about 0.9).
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFont

from lab.plots import PALETTE, series_chart

TOY_DATASETS = ["ring of 8 Gaussians", "5x5 grid of Gaussians", "two moons", "single Gaussian"]
G_LOSSES = ["non-saturating", "minimax"]
MAX_STEPS = 3000
MAX_UPDATES = 9000  # steps x (D steps + 2): the network updates of a run (D's, G's, the VAE's)
MAX_HIDDEN = 128
MAX_BATCH = 256
MAX_CPU_SECONDS = 20.0  # a run stops at the first frame after this much CPU time (`python -m benchmarks arena time`)
MAX_NOISE = 16
MAX_D_STEPS = 10
PLANE = 3.0  # the plane shown and measured: [-PLANE, PLANE]^2
N_MEASURE = 1000  # samples per coverage measurement
VAE_LR = 1e-2  # the VAE's Adam learning rate, the same in every preset


# ---------------------------------------------------------------------------------------------- data

@functools.cache
def mode_centres(dataset: str) -> np.ndarray | None:
    """Centres `(K, 2)` of a data set made of Gaussian modes; None for two moons / one Gaussian."""
    if dataset == "ring of 8 Gaussians":
        angles = 2 * np.pi * np.arange(8) / 8
        return 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    if dataset == "5x5 grid of Gaussians":
        grid = np.arange(-2, 3, dtype=np.float64)
        return np.stack(np.meshgrid(grid, grid, indexing="xy"), axis=-1).reshape(-1, 2)
    return None


MODE_STD = {"ring of 8 Gaussians": 0.1, "5x5 grid of Gaussians": 0.08}


def toy_data(dataset: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` points `(n, 2)` float32 from a toy data set, all inside [-2.5, 2.5]^2 but for rare tails."""
    if dataset not in TOY_DATASETS:
        raise ValueError(f"unknown data set {dataset!r}: choose one of {', '.join(TOY_DATASETS)}")
    centres = mode_centres(dataset)
    if centres is not None:
        which = rng.integers(0, len(centres), n)
        points = centres[which] + MODE_STD[dataset] * rng.standard_normal((n, 2))
    elif dataset == "two moons":
        # the two interleaved half circles of scikit-learn's make_moons, centred and scaled by 1.5
        t = np.pi * rng.random(n)
        upper = rng.random(n) < 0.5
        x = np.where(upper, np.cos(t), 1 - np.cos(t))
        y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
        points = 1.5 * (np.stack([x, y], axis=1) - [0.5, 0.25]) + 0.08 * rng.standard_normal((n, 2))
    else:  # single Gaussian
        points = np.array([0.5, -0.5]) + 0.5 * rng.standard_normal((n, 2))
    return points.astype(np.float32)


# ------------------------------------------------------------------------------------------ coverage

@dataclass
class Coverage:
    score: float  # 0..1: modes covered / K, or the share of the real data covered
    text: str  # for the page: "3 of 8 modes" or "42 % of the data"
    modes: int | None = None  # modes covered (data sets made of modes)
    on_data: float | None = None  # share of samples within 3 std of some mode


_reference_cache: dict[str, tuple[np.ndarray, float]] = {}


def reference_points(dataset: str) -> tuple[np.ndarray, float]:
    """Fixed real points `(1000, 2)` and the radius R of the distance-based coverage (see the module doc)."""
    if dataset not in _reference_cache:
        rng = np.random.default_rng(12345)
        ref, other = toy_data(dataset, N_MEASURE, rng), toy_data(dataset, N_MEASURE, rng)
        radius = float(np.quantile(nearest_distance(ref, other), 0.9))
        _reference_cache[dataset] = (ref, radius)
    return _reference_cache[dataset]


def nearest_distance(points: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each of `points` `(N, 2)`, the distance to the nearest of `others` `(M, 2)`."""
    d2 = ((points[:, None, :] - others[None, :, :]) ** 2).sum(-1)  # (N, M)
    return np.sqrt(d2.min(axis=1))


def coverage(samples: np.ndarray, dataset: str) -> Coverage:
    """How much of the data set `samples` `(N, 2)` cover (definitions in the module doc)."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"samples must have shape (N, 2) with N > 0, got {samples.shape}")
    samples = np.nan_to_num(samples, nan=1e6, posinf=1e6, neginf=-1e6)
    centres = mode_centres(dataset)
    if centres is not None:
        dist = np.sqrt(((samples[:, None, :] - centres[None]) ** 2).sum(-1))  # (N, K)
        nearest = dist.argmin(axis=1)
        hit = dist.min(axis=1) <= 3 * MODE_STD[dataset]
        counts = np.bincount(nearest[hit], minlength=len(centres))
        covered = int((counts >= 0.25 * len(samples) / len(centres)).sum())
        return Coverage(covered / len(centres), f"{covered} of {len(centres)} modes", covered, float(hit.mean()))
    ref, radius = reference_points(dataset)
    share = float((nearest_distance(ref, samples) <= radius).mean())
    return Coverage(share, f"{100 * share:.0f} % of the data")


# ---------------------------------------------------------------------------------------------- models

def mlp(n_in: int, hidden: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, n_out))


class ToyVAE(nn.Module):
    """A VAE for 2-D points: MLP encoder -> (mu, logvar) of a 2-D latent, MLP decoder -> the mean of a
    Gaussian over the point, with one learned log-variance per coordinate (so samples have spread)."""

    def __init__(self, hidden: int, latent_dim: int = 2):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = mlp(2, hidden, 2 * latent_dim)
        self.decoder = mlp(latent_dim, hidden, 2)
        self.x_logvar = nn.Parameter(torch.full((2,), -2.0))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x).chunk(2, dim=1)  # (B, latent_dim) each
        return mu, logvar

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Negative ELBO per point (Kingma & Welling 2014, eq. 10), Gaussian decoder and prior."""
        mu, logvar = self.encode(x)
        x_mu = self.decoder(self.reparameterize(mu, logvar))
        # -log N(x; x_mu, exp(x_logvar)) up to the constant log(2 pi)
        nll = 0.5 * (self.x_logvar + (x - x_mu) ** 2 / self.x_logvar.exp()).sum(1)
        kl = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)
        return (nll + kl).mean()

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """`n` points `(n, 2)`: z from the prior, then x from the decoder's Gaussian."""
        z = torch.randn(n, self.latent_dim, generator=generator)
        eps = torch.randn(n, 2, generator=generator)
        return self.decoder(z) + torch.exp(0.5 * self.x_logvar) * eps


# ---------------------------------------------------------------------------------------------- runs

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
        if self.dataset not in TOY_DATASETS:
            raise ValueError(f"unknown data set {self.dataset!r}: choose one of {', '.join(TOY_DATASETS)}")
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
    "frozen D": "**Frozen D.** D never learns, so its colours say nothing about the data. G follows them "
                "anyway, away from the data: without a learning discriminator G has no idea where the data is.",
}


@dataclass
class Frame:
    step: int
    real: np.ndarray  # (n, 2) real points to draw
    gan: np.ndarray  # (n, 2) GAN samples (the fixed-noise batch)
    vae: np.ndarray  # (n, 2) VAE samples
    d_map: np.ndarray | None  # (R, R) D(x) over the plane, row 0 at the top
    figures: dict  # this frame's measured figures (see `train`)
    history: list[dict] = field(default_factory=list)  # the figures of every frame so far


_threads_lock = threading.Lock()
_threads_users = 0


@contextlib.contextmanager
def one_thread():
    """Run torch on one CPU thread while any arena run is going; restore the setting after the last."""
    global _threads_users
    with _threads_lock:
        if _threads_users == 0:
            one_thread.saved = torch.get_num_threads()
            torch.set_num_threads(1)
        _threads_users += 1
    try:
        yield
    finally:
        with _threads_lock:
            _threads_users -= 1
            if _threads_users == 0:
                torch.set_num_threads(one_thread.saved)


def grad_norm(module: nn.Module) -> float:
    """The norm of all of a module's gradients together."""
    return float(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in module.parameters()])))


def d_map(D: nn.Module, resolution: int = 64) -> np.ndarray:
    """D(x) `(resolution, resolution)` over the plane; row 0 is the top (y = +PLANE)."""
    xs = torch.linspace(-PLANE, PLANE, resolution)
    ys = torch.linspace(PLANE, -PLANE, resolution)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1).reshape(-1, 2)  # (R*R, 2)
    with torch.no_grad():
        return torch.sigmoid(D(grid)).reshape(resolution, resolution).numpy()


def train(settings: ArenaSettings, show: int = 500) -> Iterator[Frame]:
    """Train a GAN and a VAE on the same data stream; yield a Frame at step 0 and every
    `settings.every` steps. `show` points of each kind go into a frame for drawing."""
    s = settings.checked()
    with one_thread():
        yield from _train(s, show)


def _train(s: ArenaSettings, show: int) -> Iterator[Frame]:
    torch.manual_seed(s.seed)
    rng = np.random.default_rng(s.seed)
    G, D, vae = mlp(s.noise_dim, s.hidden, 2), mlp(2, s.hidden, 1), ToyVAE(s.hidden)
    # Adam with beta1 = 0.5 for the GAN (Radford et al. 2016, section 4)
    opt_g = torch.optim.Adam(G.parameters(), lr=s.lr_g, betas=(0.5, 0.999), foreach=True)
    opt_d = torch.optim.Adam(D.parameters(), lr=s.lr_d, betas=(0.5, 0.999), foreach=True)
    opt_vae = torch.optim.Adam(vae.parameters(), lr=VAE_LR, foreach=True)
    noise = torch.Generator().manual_seed(s.seed + 1)
    z_fixed = torch.randn(N_MEASURE, s.noise_dim, generator=torch.Generator().manual_seed(s.seed + 2))
    real_show = toy_data(s.dataset, show, np.random.default_rng(s.seed + 3))
    history: list[dict] = []
    window = {"loss_d": 0.0, "loss_g": 0.0, "d_real": 0.0, "d_fake": 0.0, "g_grad_norm": 0.0, "loss_vae": 0.0}
    previous = None

    def frame(step: int, n_window: int) -> Frame:
        nonlocal previous
        with torch.no_grad():
            gan = G(z_fixed).numpy()
            vae_samples = vae.sample(N_MEASURE, torch.Generator().manual_seed(s.seed + 4)).numpy()
        gan_cov, vae_cov = coverage(gan, s.dataset), coverage(vae_samples, s.dataset)
        centroid = gan.mean(axis=0)
        figures = {"step": step,
                   **{k: round(v / n_window, 4) if n_window else None for k, v in window.items()},
                   "gan_coverage": round(gan_cov.score, 3), "gan_coverage_text": gan_cov.text,
                   "vae_coverage": round(vae_cov.score, 3), "vae_coverage_text": vae_cov.text,
                   "gan_on_data": gan_cov.on_data, "vae_on_data": vae_cov.on_data,
                   # how far the fixed-noise samples moved since the last frame (mean distance)
                   "gan_displacement": None if previous is None else
                   round(float(np.linalg.norm(gan - previous, axis=1).mean()), 4),
                   "gan_centroid": [round(float(c), 3) for c in centroid],
                   "gan_spread": round(float(gan.std(axis=0).mean()), 3),
                   "vae_spread": round(float(vae_samples.std(axis=0).mean()), 3)}
        previous = gan
        history.append(figures)
        return Frame(step, real_show, gan[:show], vae_samples[:show], d_map(D), figures, list(history))

    cpu = 0.0  # CPU time of this run's training and frames, not of the page's drawing between frames
    yield frame(0, 0)
    t0 = time.thread_time()
    n_window = 0
    for step in range(1, s.steps + 1):
        # (1) D: maximize log D(x) + log(1 - D(G(z)))  (Goodfellow et al. 2014, eq. 1), as BCE with logits;
        #     real and fake go through D as one batch of 2B points
        for _ in range(s.d_steps):
            x = torch.from_numpy(toy_data(s.dataset, s.batch_size, rng))
            fake = G(torch.randn(s.batch_size, s.noise_dim, generator=noise))
            real_logit, fake_logit = D(torch.cat([x, fake.detach()])).squeeze(1).split(s.batch_size)
            loss_d = F.softplus(-real_logit).mean() + F.softplus(fake_logit).mean()
            if not s.freeze_d:
                opt_d.zero_grad(set_to_none=True)
                loss_d.backward()
                opt_d.step()
        # (2) G, on the last D step's fakes: non-saturating, maximize log D(G(z)) (ibid., section 3);
        #     minimax, minimize log(1 - D(G(z))), whose gradient vanishes when D rejects G's samples
        logit = D(fake).squeeze(1)
        loss_g = F.softplus(-logit).mean() if s.g_loss == "non-saturating" else -F.softplus(logit).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        g_norm = grad_norm(G)
        opt_g.step()
        # (3) VAE on its own batch of the same data stream
        loss_vae = vae.loss(torch.from_numpy(toy_data(s.dataset, s.batch_size, rng)))
        opt_vae.zero_grad(set_to_none=True)
        loss_vae.backward()
        opt_vae.step()

        for k, v in [("loss_d", loss_d.item()), ("loss_g", loss_g.item()),
                     ("d_real", torch.sigmoid(real_logit).mean().item()),
                     ("d_fake", torch.sigmoid(fake_logit).mean().item()),
                     ("g_grad_norm", g_norm), ("loss_vae", loss_vae.item())]:
            window[k] += v
        n_window += 1
        if step % s.every == 0 or step == s.steps:
            out = frame(step, n_window)
            cpu += time.thread_time() - t0
            out.figures["cpu_seconds"] = round(cpu, 1)
            out.figures["stopped_early"] = cpu > MAX_CPU_SECONDS and step < s.steps
            yield out
            if out.figures["stopped_early"]:
                return
            t0 = time.thread_time()  # the CPU time of this thread, from here to the next frame
            window = dict.fromkeys(window, 0.0)
            n_window = 0


def run(settings: ArenaSettings) -> Frame:
    """The last frame of a whole run (for tests and scripts)."""
    frames = train(settings)
    last = next(frames)
    for last in frames:  # noqa: B007 - only the last frame is kept
        pass
    return last


def settings_from(preset: str, dataset, lr_g, lr_d, d_steps, noise_dim, hidden, batch_size, g_loss, seed, steps,
                  freeze_d) -> ArenaSettings:
    """The `/arena` inputs as checked settings: a named preset's own settings (the knobs are then
    ignored), or, for preset "custom", the knobs."""
    if preset in PRESETS:
        return replace(PRESETS[preset])
    if preset != "custom":
        raise ValueError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}, custom")

    def whole(name, value):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValueError(f"{name} must be a whole number, got {value!r}")

    def number(name, value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number, got {value!r}")
        return float(value)

    return ArenaSettings(dataset=dataset, lr_g=number("lr G", lr_g), lr_d=number("lr D", lr_d),
                         d_steps=whole("D steps per G step", d_steps), noise_dim=whole("noise size", noise_dim),
                         hidden=whole("hidden width", hidden), batch_size=whole("batch size", batch_size),
                         g_loss=g_loss, seed=whole("seed", seed), steps=whole("steps", steps),
                         freeze_d=bool(freeze_d)).checked()


class RunGuard:
    """At most one run per browser session: `acquire(session)` is False while that session's run goes on."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running: set[str] = set()

    def acquire(self, session: str | None) -> bool:
        if session is None:
            return True
        with self._lock:
            if session in self._running:
                return False
            self._running.add(session)
            return True

    def release(self, session: str | None) -> None:
        with self._lock:
            self._running.discard(session)


class ReducedMotion:
    """The browser sessions whose visitor asked for less motion (the CSS media feature `prefers-reduced-motion:
    reduce`), so that their runs stream fewer frames. The newest `limit` sessions are remembered."""

    def __init__(self, limit: int = 10_000):
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, None] = OrderedDict()
        self.limit = limit

    def remember(self, session: str | None, reduce: bool) -> None:
        if session is None:
            return
        with self._lock:
            self._sessions.pop(session, None)
            if reduce:
                self._sessions[session] = None
                while len(self._sessions) > self.limit:
                    self._sessions.popitem(last=False)

    def __contains__(self, session: str | None) -> bool:
        with self._lock:
            return session in self._sessions


REDUCED_MOTION_STRIDE = 5  # with reduced motion: one frame in five is shown (the first and the last always)


def thinned(frames, stride: int):
    """Every `stride`-th of `frames`, and always the first and the last: the same run, fewer pictures."""
    held = None
    for i, frame in enumerate(frames):
        if i % stride == 0:
            held = None
            yield frame
        else:
            held = frame
    if held is not None:
        yield held


LOSS_SERIES = {"loss_d": "D loss", "loss_g": "G loss", "d_real": "D(real)", "d_fake": "D(fake)"}
COVERAGE_SERIES = {"gan_coverage": "GAN", "vae_coverage": "VAE"}


def series(history: list[dict], names: dict[str, str], skip_start: bool = False) -> dict[str, tuple[list, list]]:
    """`{series name: (G steps, values)}` of the history's keys `names`; `skip_start`: leave out step 0
    (no losses before the first step)."""
    records = [f for f in history if f["step"] > 0 or not skip_start]
    return {name: ([f["step"] for f in records], [f[key] for f in records]) for key, name in names.items()}


def losses_chart(history: list[dict]) -> np.ndarray:
    """The GAN's running losses and D's mean verdicts over G steps."""
    curves = series(history, LOSS_SERIES, skip_start=True)
    return series_chart({name: (*xy, PALETTE[i]) for i, (name, xy) in enumerate(curves.items())},
                        "GAN: losses and D's verdicts", "G step", "loss · probability", width=440,
                        height=200)


def coverage_chart(history: list[dict]) -> np.ndarray:
    """Mode coverage of GAN and VAE over G steps, on [0, 1]."""
    colours = {"GAN": GAN_COLOUR_ON_DARK, "VAE": VAE_COLOUR_ON_DARK}
    curves = series(history, COVERAGE_SERIES)
    return series_chart({name: (*xy, colours[name]) for name, xy in curves.items()},
                        "Mode coverage (1 = all)", "G step", "coverage", y_range=(0, 1), width=440,
                        height=184)


def meter_text(figures: dict) -> str:
    text = (f"### Coverage at step {figures['step']}: GAN **{figures['gan_coverage_text']}** · "
            f"VAE **{figures['vae_coverage_text']}**")
    if figures.get("stopped_early"):
        text += f"\n\nStopped early: a run may use {MAX_CPU_SECONDS:.0f} s of CPU time, so that everyone gets a turn."
    return text


def arena_outputs(frame: Frame, settings: ArenaSettings) -> tuple:
    """What `/arena` streams per frame: (image, losses chart, coverage chart, coverage meter, figures)."""
    figures = {**frame.figures, "settings": asdict(settings)}
    figures["description"] = frame_description(figures)
    return (render(frame), losses_chart(frame.history), coverage_chart(frame.history), meter_text(figures),
            figures)


def frame_description(figures: dict) -> str:
    """The frame's picture in one sentence, for a screen reader and the API (/arena's figures, "description")."""
    data = figures["settings"]["dataset"]
    text = (f"Step {figures['step']} on the {data} data: the GAN's samples (red crosses, left, over D's map) cover "
            f"{figures['gan_coverage_text']}, the VAE's (blue crosses, right) {figures['vae_coverage_text']}")
    if figures.get("d_real") is None or figures.get("d_fake") is None:  # step 0: nothing trained yet
        return text + "."
    return text + f"; D gives real points {figures['d_real']:.2f} and fakes {figures['d_fake']:.2f} on average."


# ------------------------------------------------------------------------------------------- drawing

PANEL = 320  # pixels per panel side
REAL_COLOUR = (20, 20, 20)
GAN_COLOUR = (214, 39, 40)
VAE_COLOUR = (31, 90, 200)
GAN_COLOUR_ON_DARK, VAE_COLOUR_ON_DARK = PALETTE[5], PALETTE[1]  # the same hues, readable on the charts' dark ground


def to_pixels(points: np.ndarray) -> np.ndarray:
    """Plane coordinates -> panel pixels (x right, y up)."""
    px = (points[:, 0] + PLANE) / (2 * PLANE) * (PANEL - 1)
    py = (PLANE - points[:, 1]) / (2 * PLANE) * (PANEL - 1)
    return np.stack([px, py], axis=1)


# D(x)'s heat map: light blue where D says "real", light yellow where it says "fake", white at 0.5. Blue against
# yellow stays apart for the common colour-vision deficiencies (green against purple, used before, does not for
# red-green ones); both are light, so the points on them keep their contrast. tests/lab/test_arena.py checks it.
HEAT_REAL, HEAT_FAKE = (175, 215, 245), (250, 235, 150)  # red crosses on either: >= 3.3:1


def heat_map(values: np.ndarray) -> Image.Image:
    """D(x) in [0, 1] as colours: HEAT_REAL where D says "real", HEAT_FAKE where it says "fake", white at 0.5."""
    v = values[..., None]
    real, fake, white = np.array(HEAT_REAL), np.array(HEAT_FAKE), np.array([255, 255, 255])
    t = np.abs(v - 0.5) * 2  # 0 at 0.5, 1 at the extremes
    rgb = np.where(v >= 0.5, white + t * (real - white), white + t * (fake - white))
    return Image.fromarray(rgb.astype(np.uint8)).resize((PANEL, PANEL), Image.BILINEAR)


def draw_points(draw: ImageDraw.ImageDraw, points: np.ndarray, colour, radius: float = 2.0,
                cross: bool = False) -> None:
    """Dots, or crosses (`cross`: a model's samples, so that they differ from the real data by shape as well as
    colour); points beyond the plane are drawn on its edge, so a generator that runs away stays visible."""
    pixels = np.clip(np.nan_to_num(to_pixels(points), nan=0.0), radius, PANEL - 1 - radius)
    for x, y in pixels:
        if cross:
            draw.line([x - radius, y - radius, x + radius, y + radius], fill=colour, width=2)
            draw.line([x - radius, y + radius, x + radius, y - radius], fill=colour, width=2)
        else:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)


def render(frame: Frame) -> Image.Image:
    """One image: the GAN panel (D(x) heat map, real points, GAN samples) beside the VAE panel."""
    font = ImageFont.load_default(size=18)
    title = 28
    image = Image.new("RGB", (2 * PANEL + 10, PANEL + title), "white")
    gan_panel = heat_map(frame.d_map) if frame.d_map is not None else Image.new("RGB", (PANEL, PANEL), "white")
    vae_panel = Image.new("RGB", (PANEL, PANEL), (248, 248, 248))
    for panel, samples, colour in [(gan_panel, frame.gan, GAN_COLOUR), (vae_panel, frame.vae, VAE_COLOUR)]:
        draw = ImageDraw.Draw(panel)
        draw_points(draw, frame.real, REAL_COLOUR, 1.5)
        draw_points(draw, samples, colour, 3.0, cross=True)
        draw.rectangle([0, 0, PANEL - 1, PANEL - 1], outline=(120, 120, 120))
    image.paste(gan_panel, (0, title))
    image.paste(vae_panel, (PANEL + 10, title))
    draw = ImageDraw.Draw(image)
    draw.text((4, 4), f"GAN  (step {frame.step})", fill=GAN_COLOUR, font=font)
    draw.text((PANEL + 14, 4), "VAE", fill=VAE_COLOUR, font=font)
    return image
