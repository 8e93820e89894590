"""A live arena run: a small GAN and a small VAE trained side by side on the same 2-D data stream.

`train` is a generator: every `every` steps it yields a `Frame` with the figures measured so far (losses,
D's verdicts, G's gradient norm, how far G's samples moved, mode coverage of GAN and VAE) and samples to
draw. Everything runs on one CPU thread. Also here: the guards that keep runs fair between visitors
(`RunGuard`, `ReducedMotion`, `thinned`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from lab.arena.data import DRAWN, N_MEASURE, PLANE, DrawnData, coverage, reference_points, toy_data
from lab.arena.divergence import divergences
from lab.arena.nets import ToyVAE, mlp
from lab.arena.objectives import GP_WEIGHT, d_loss, g_loss, gradient_penalty, verdict
from lab.arena.probes import g_arrows, g_mesh, vae_mesh, vae_posteriors
from lab.arena.settings import ArenaSettings

N_PROBES = 64  # fakes with an arrow, and real points with their q(z|x), in step mode's pictures
MAX_CPU_SECONDS = 20.0  # a run stops at the first frame after this much CPU time (`python -m benchmarks arena time`)
VAE_LR = 1e-2  # the VAE's Adam learning rate, the same in every preset


@dataclass
class Frame:
    step: int
    real: np.ndarray  # (n, 2) real points to draw
    gan: np.ndarray  # (n, 2) GAN samples (the fixed-noise batch)
    vae: np.ndarray  # (n, 2) VAE samples
    d_map: np.ndarray | None  # (R, R) D(x) over the plane, row 0 at the top
    figures: dict  # this frame's measured figures (see `train`)
    history: list[dict] = field(default_factory=list)  # the figures of every frame so far
    probes: dict = field(default_factory=dict)  # what the step-mode layers draw (`ArenaRun.probes`)


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


def d_map(D: nn.Module, resolution: int = 64, kind: str = "non-saturating", centre: float = 0.0) -> np.ndarray:
    """D's verdict "how real" (objectives.verdict) `(resolution, resolution)` over the plane; row 0 is the top
    (y = +PLANE)."""
    xs = torch.linspace(-PLANE, PLANE, resolution)
    ys = torch.linspace(PLANE, -PLANE, resolution)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1).reshape(-1, 2)  # (R*R, 2)
    with torch.no_grad():
        return verdict(D(grid), kind, centre).reshape(resolution, resolution).numpy()


def train(settings: ArenaSettings, show: int = 500, state: ArenaRun | None = None) -> Iterator[Frame]:
    """Train a GAN and a VAE on the same data stream; yield a Frame at step 0 and every
    `settings.every` steps. `show` points of each kind go into a frame for drawing. With `state` (a session's
    ArenaRun), continue it for `settings.steps` more steps instead of starting a new run."""
    s = settings.checked()
    with one_thread():
        yield from _train(s, show, state)


ACTIONS = ("D", "G", "D then G")  # step mode: one D update, one G update (and the VAE's), or D's steps then G
MAX_CLICK_STEPS = 100  # the most steps one step-mode click takes


WINDOW = ("loss_d", "loss_g", "d_real", "d_fake", "g_grad_norm", "loss_vae")  # figures averaged between frames


class ArenaRun:
    """A run's networks, optimisers, random streams and figures so far: what `train` streams from, and what a
    browser session keeps between step-mode clicks (`d_step`, `g_step`, `step`). `advance(n)` is n steps as a run
    takes them; `frame()` measures the run as it stands.

    `lock`: one change at a time. Two clicks of one browser (D step, then G step at once) run as two events on
    the server's threads; on the same networks, optimisers and random streams at once they crashed the whole
    process (a segmentation fault, tests/lab/test_arena.py), so `step` and a run's steps take the lock."""

    def __init__(self, settings: ArenaSettings, show: int = 500, drawn: DrawnData | None = None):
        s = self.settings = settings.checked()
        if s.dataset == DRAWN and drawn is None:
            raise ValueError("Draw the data first: paint on the pad below the arena, then press "
                             "“Use my drawing as the data”.")
        self.data = drawn if s.dataset == DRAWN else s.dataset  # what toy_data and coverage read
        self.show = show
        torch.manual_seed(s.seed)
        self.rng = np.random.default_rng(s.seed)  # the data stream
        self.G, self.D, self.vae = mlp(s.noise_dim, s.hidden, 2), mlp(2, s.hidden, 1), ToyVAE(s.hidden)
        # Adam with beta1 = 0.5 for the GAN (Radford et al. 2016, section 4)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=s.lr_g, betas=(0.5, 0.999), foreach=True)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=s.lr_d, betas=(0.5, 0.999), foreach=True)
        self.opt_vae = torch.optim.Adam(self.vae.parameters(), lr=VAE_LR, foreach=True)
        self.noise = torch.Generator().manual_seed(s.seed + 1)  # G's noise while training
        self.z_fixed = torch.randn(N_MEASURE, s.noise_dim, generator=torch.Generator().manual_seed(s.seed + 2))
        self.real_show = toy_data(self.data, show, np.random.default_rng(s.seed + 3))
        self.z_arrows = torch.randn(N_PROBES, s.noise_dim, generator=torch.Generator().manual_seed(s.seed + 5))
        self.x_probes = toy_data(self.data, N_PROBES, np.random.default_rng(s.seed + 6))
        self.history: list[dict] = []
        self.window = dict.fromkeys(WINDOW, 0.0)
        self.n_window = 0  # G steps in the window
        self.g_steps = self.d_updates = 0
        self.previous: np.ndarray | None = None  # the fixed-noise samples at the last frame
        self.last: dict = {}  # the last D step's figures (loss_d, d_real, d_fake) and its fakes
        self.last_frame: Frame | None = None  # the latest frame, redrawn when the page's layers change
        self.lock = threading.Lock()

    def __getstate__(self) -> dict:  # a lock cannot be saved or copied: a copy gets its own
        return {k: v for k, v in self.__dict__.items() if k != "lock"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, lock=threading.Lock())

    def d_step(self) -> None:
        """(1) One D update on its objective's loss (lab/arena/objectives.py; for the BCE ones: maximize
        log D(x) + log(1 - D(G(z)))) on a fresh batch of real points and fakes, which go through D as one batch
        of 2B points. G's weights do not change."""
        s = self.settings
        x = torch.from_numpy(toy_data(self.data, s.batch_size, self.rng))
        fake = self.G(torch.randn(s.batch_size, s.noise_dim, generator=self.noise))
        real_out, fake_out = self.D(torch.cat([x, fake.detach()])).squeeze(1).split(s.batch_size)
        loss_d = d_loss(real_out, fake_out, s.g_loss)
        if s.g_loss == "Wasserstein-GP":
            eps = torch.rand(s.batch_size, 1, generator=self.noise)
            loss_d = loss_d + GP_WEIGHT * gradient_penalty(self.D, x, fake, eps)
        centre = (real_out.mean() + fake_out.mean()).item() / 2  # the critic's midpoint (objectives.verdict)
        if not s.freeze_d:
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
        self.d_updates += 1
        self.last = {"fake": fake, "loss_d": loss_d.item(), "centre": centre,
                     "d_real": verdict(real_out, s.g_loss, centre).mean().item(),
                     "d_fake": verdict(fake_out, s.g_loss, centre).mean().item()}

    def g_step(self, fake: torch.Tensor | None = None) -> None:
        """(2) One G update on D's verdict (non-saturating or minimax, lab/arena/objectives.py), on `fake` (in a
        run: the last D step's fakes) or on fresh ones; D's weights do not change. (3) Then one VAE update on
        its own batch of the same data stream, so the VAE has taken as many steps as G."""
        s = self.settings
        if fake is None:
            fake = self.G(torch.randn(s.batch_size, s.noise_dim, generator=self.noise))
        loss_g = g_loss(self.D(fake).squeeze(1), s.g_loss)
        self.opt_g.zero_grad(set_to_none=True)
        self.D.zero_grad(set_to_none=True)  # D's gradients from this loss are not used
        loss_g.backward()
        g_norm = grad_norm(self.G)
        self.opt_g.step()
        loss_vae = self.vae.loss(torch.from_numpy(toy_data(self.data, s.batch_size, self.rng)))
        self.opt_vae.zero_grad(set_to_none=True)
        loss_vae.backward()
        self.opt_vae.step()
        self.g_steps += 1
        figures = {"loss_g": loss_g.item(), "g_grad_norm": g_norm, "loss_vae": loss_vae.item(),
                   **{k: self.last.get(k, float("nan")) for k in ("loss_d", "d_real", "d_fake")}}
        for k in WINDOW:
            self.window[k] += figures[k]
        self.n_window += 1

    def step(self, action: str, n: int = 1) -> Frame:
        """A step-mode click: `n` (1 to MAX_CLICK_STEPS) times `action` (ACTIONS: "D", "G" or "D then G", the last
        as `advance`), on one CPU thread; returns the frame after it."""
        if action not in ACTIONS:
            raise ValueError(f"Unknown step {action!r}: choose {', '.join(ACTIONS)}.")
        if isinstance(n, bool) or not isinstance(n, int | float) or n != int(n) or not 1 <= n <= MAX_CLICK_STEPS:
            raise ValueError(f"Steps per click must be a whole number from 1 to {MAX_CLICK_STEPS}, got {n!r}.")
        with self.lock, one_thread():
            for _ in range(int(n)):
                if action == "D":
                    self.d_step()
                elif action == "G":
                    self.g_step()
                else:
                    self.advance(1)
            return self.frame()

    def advance(self, n: int = 1) -> None:
        """`n` steps as a run takes them: `d_steps` D updates, then G on the last D step's fakes, then the VAE."""
        for _ in range(n):
            for _ in range(self.settings.d_steps):
                self.d_step()
            self.g_step(self.last["fake"])

    def frame(self) -> Frame:
        """The run as it stands: samples to draw, D's map, and the figures averaged since the last frame."""
        s, n = self.settings, self.n_window
        with torch.no_grad():
            gan = self.G(self.z_fixed).numpy()
            vae_samples = self.vae.sample(N_MEASURE, torch.Generator().manual_seed(s.seed + 4)).numpy()
        gan_cov, vae_cov = coverage(gan, self.data), coverage(vae_samples, self.data)
        centroid = gan.mean(axis=0)
        window = {k: round(v / n, 4) if n else None for k, v in self.window.items()}
        if not n and "loss_d" in self.last:  # D steps only since the last frame: D's figures from the last one
            window.update({k: round(self.last[k], 4) for k in ("loss_d", "d_real", "d_fake")})
        figures = {"step": self.g_steps, "d_updates": self.d_updates, **window,
                   "gan_coverage": round(gan_cov.score, 3), "gan_coverage_text": gan_cov.text,
                   "vae_coverage": round(vae_cov.score, 3), "vae_coverage_text": vae_cov.text,
                   "gan_on_data": gan_cov.on_data, "vae_on_data": vae_cov.on_data,
                   # how far the fixed-noise samples moved since the last frame (mean distance)
                   "gan_displacement": None if self.previous is None else
                   round(float(np.linalg.norm(gan - self.previous, axis=1).mean()), 4),
                   "gan_centroid": [round(float(c), 3) for c in centroid],
                   "gan_spread": round(float(gan.std(axis=0).mean()), 3),
                   "vae_spread": round(float(vae_samples.std(axis=0).mean()), 3),
                   # JS and KL(real || model) between histograms of 1,000 fixed real points and the samples
                   **{f"{model}_{k}": v for model, samples in (("gan", gan), ("vae", vae_samples))
                      for k, v in divergences(reference_points(self.data)[0], samples).items()}}
        self.previous = gan
        self.history.append(figures)
        self.window, self.n_window = dict.fromkeys(WINDOW, 0.0), 0
        probes = self.probes()
        # the mean length of the arrows: how hard G's loss pushes its fakes (~0 when the gradient vanishes)
        figures["g_arrow_mean"] = round(float(np.linalg.norm(probes["arrows"], axis=1).mean()), 5)
        heat = d_map(self.D, kind=s.g_loss, centre=self.last.get("centre", 0.0))
        self.last_frame = Frame(self.g_steps, self.real_show, gan[:self.show], vae_samples[:self.show], heat,
                                figures, list(self.history), probes)
        return self.last_frame

    def probes(self) -> dict:
        """What step mode's layers draw (lab/arena/probes.py): a fixed sample of fakes and their arrows, G's and
        the VAE decoder's images of a z-grid, and fixed real points' q(z|x)."""
        points, arrows = g_arrows(self.G, self.D, self.z_arrows, self.settings.g_loss)
        mu, std = vae_posteriors(self.vae, self.x_probes)
        return {"fakes": points, "arrows": arrows, "g_mesh": g_mesh(self.G, self.settings.noise_dim),
                "vae_mesh": vae_mesh(self.vae), "vae_mu": mu, "vae_std": std, "vae_points": self.x_probes}


def _train(s: ArenaSettings, show: int, state: ArenaRun | None = None) -> Iterator[Frame]:
    state = state or ArenaRun(s, show)
    cpu = 0.0  # CPU time of this run's training and frames, not of the page's drawing between frames
    with state.lock:
        first = state.frame()
    yield first
    t0 = time.thread_time()
    for step in range(1, s.steps + 1):
        with state.lock:  # a step-mode click of the same browser waits for this step (and frame)
            state.advance(1)
            out = state.frame() if step % s.every == 0 or step == s.steps else None
        if out is not None:
            cpu += time.thread_time() - t0
            out.figures["cpu_seconds"] = round(cpu, 1)
            out.figures["stopped_early"] = cpu > MAX_CPU_SECONDS and step < s.steps
            yield out
            if out.figures["stopped_early"]:
                return
            t0 = time.thread_time()  # the CPU time of this thread, from here to the next frame


def run(settings: ArenaSettings) -> Frame:
    """The last frame of a whole run (for tests and scripts)."""
    frames = train(settings)
    last = next(frames)
    for last in frames:  # noqa: B007 - only the last frame is kept
        pass
    return last


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
