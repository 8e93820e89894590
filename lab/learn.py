"""The lesson page: its text, and the comparison table's figures read from the shipped files
(`metrics.json`, `history.json`, `kl_figures.json`, `anomaly_scores.npz`), never typed in."""

import re

from lab.anomaly import anomaly_summary
from lab.invert import DEFAULT_STEPS, STARTS
from lab.loading import Lab

GENERATIVE = r"""### Generative vs discriminative
A **discriminative** model learns $P(y \mid x)$: given an image, which class? Our classifier is one: it
is the measuring stick for every figure in this app. A **generative** model learns $P(x)$, what the
images themselves look like, so it can make new ones: the VAE here learns $P(x)$; the GAN learns
$P(x \mid y)$, images of a class you ask for."""

VAE_LINES = r"""### The VAE in three lines
1. Encoder: $x \mapsto \mu(x),\ \sigma(x)$, the mean and standard deviation of
   $q(z \mid x) = \mathcal{N}(\mu, \sigma^2)$
2. Reparameterisation: $z = \mu + \sigma \odot \varepsilon,\quad \varepsilon \sim \mathcal{N}(0, I)$, so
   gradients flow through the sampling
3. Loss = reconstruction + KL term:
   $$\mathcal{L}(x) = -\mathbb{E}_{q(z \mid x)}[\log p(x \mid z)]
   + \mathrm{KL}\big(q(z \mid x)\,\|\,\mathcal{N}(0, I)\big)$$"""

GAN_LINES = r"""### The GAN's two-player game
$$\min_G \max_D\ \mathbb{E}_{x \sim p_\text{data}}[\log D(x)]
+ \mathbb{E}_{z \sim \mathcal{N}(0, I)}[\log(1 - D(G(z)))]$$
The discriminator $D$ learns to tell real images from the generator's; the generator $G$ learns to fool it."""


def _history(lab: Lab, name: str) -> list[dict]:
    return lab.json(name, "history.json")["epochs"]


def loss_path(values: list[float]) -> str:
    """How a per-epoch loss went, in words: its ends, and the epoch where it turned if it turned in between
    (its highest or lowest point, whichever lies inside), e.g. "rose 1.39 → 1.81 (epoch 4), then fell to 1.21"."""
    first, last = values[0], values[-1]
    inside = range(1, len(values) - 1)
    top, bottom = max(inside, key=values.__getitem__, default=0), min(inside, key=values.__getitem__, default=0)
    if inside and values[top] > max(first, last):
        return f"rose {first:.2f} → {values[top]:.2f} (epoch {top + 1}), then fell to {last:.2f}"
    if inside and values[bottom] < min(first, last):
        return f"fell {first:.2f} → {values[bottom]:.2f} (epoch {bottom + 1}), then rose to {last:.2f}"
    return f"{'rose' if last >= first else 'fell'} {first:.2f} → {last:.2f}"


def comparison_rows(lab: Lab) -> list[dict]:
    """The lesson's table: per row the claim, the VAE's and the GAN's measured figure, and the tab id
    that shows it. Every number is read from a shipped file."""
    vae, gan = lab.json("vae-mnist", "metrics.json"), lab.json("gan-mnist", "metrics.json")
    vae_epochs, gan_epochs = _history(lab, "vae-mnist"), _history(lab, "gan-mnist")
    elbo = [e["test_neg_elbo"] for e in vae_epochs]
    improved = sum(b < a for a, b in zip(elbo, elbo[1:], strict=False))
    kl_vae, kl_ae = lab.json("vae2d-mnist", "kl_figures.json"), lab.json("ae2d-mnist", "kl_figures.json")
    anomaly = anomaly_summary(lab)
    sr_l1, sr_gan = lab.json("sr-l1-mnist", "metrics.json"), lab.json("sr-gan-mnist", "metrics.json")
    return [
        {"row": "Stability",
         "claim": "VAE: stable, one loss to minimise · GAN: a two-player game, no loss that tracks quality",
         "vae": f"test −ELBO fell from {elbo[0]:.1f} to {elbo[-1]:.1f} nats, lower in {improved} of "
                f"{len(elbo) - 1} epochs",
         "gan": f"discriminator loss {loss_path([e['loss_d'] for e in gan_epochs])}, while class accuracy rose "
                f"{gan_epochs[0]['conditional_accuracy']:.0%} → {gan_epochs[-1]['conditional_accuracy']:.1%}",
         "tab": "time-machine", "tab_name": "Time machine"},
        {"row": "Output quality",
         "claim": "VAE: blurry · GAN: sharp",
         "vae": f"sharpness {vae['sharpness_ratio']:.2f} × real, Fréchet distance {vae['frechet_distance']:.1f}",
         "gan": f"sharpness {gan['sharpness_ratio']:.2f} × real, Fréchet distance {gan['frechet_distance']:.1f} "
                f"(real vs real {gan['real_frechet_distance']:.1f})",
         "tab": "generate", "tab_name": "Generate"},
        {"row": "Latent space",
         "claim": "VAE: structured, fills the prior · GAN: no encoder",
         "vae": f"2-D codes' KL to N(0, I) {kl_vae['aggregate_kl']:.2f} nats (no KL term: "
                f"{kl_ae['aggregate_kl']:.0f}); N(0, I) draws reach {kl_vae['prior_decodes']['class_coverage']} of 10 "
                f"classes (no KL term: {kl_ae['prior_decodes']['class_coverage']})",
         "gan": f"finding a digit's code is a search: {DEFAULT_STEPS} Adam steps × {10 * STARTS} candidates",
         "tab": "kl", "tab_name": "KL & encoder"},
        {"row": "Use case",
         "claim": "VAE: encoding + generation · GAN: pure generation",
         "vae": f"flags Fashion-MNIST as not-digits with AUROC {anomaly['auroc_fashion']:.4f}; denoising "
                f"measured live by PSNR",
         "gan": f"generates the class asked for {gan['conditional_accuracy']:.1%} of the time; cannot score or "
                f"encode an image. With a discriminator, ×4 super-resolution is as sharp as real "
                f"({sr_gan['sharpness_ratio']:.2f} ×; L1 alone {sr_l1['sharpness_ratio']:.2f} ×) and reads as the "
                f"true digit {sr_gan['class_kept']:.1%} of the time",
         "tab": "anomalies", "tab_name": "Anomalies & denoising",
         "also": "use-cases", "also_name": "Use cases"},
    ]


def table_markdown(rows: list[dict]) -> str:
    lines = ["| | the lecture says | VAE, measured here | GAN, measured here |", "|---|---|---|---|"]
    lines += [f"| **{r['row']}** | {r['claim']} | {r['vae']} | {r['gan']} |" for r in rows]
    return "\n".join(lines)


def kl_answer(lab: Lab) -> str:
    vae, ae = lab.json("vae2d-mnist", "kl_figures.json"), lab.json("ae2d-mnist", "kl_figures.json")
    return (f"**What does KL divergence enforce in VAEs?** It pulls every digit's code distribution "
            f"q(z|x) towards the prior N(0, I), so the codes of all the training images together fill that "
            f"prior: no class sits far out, neighbouring codes decode to similar digits, and sampling "
            f"z ~ N(0, I) gives every kind of digit. Measured on the 2-D models: a Gaussian fitted to the VAE's "
            f"codes is {vae['aggregate_kl']:.2f} nats (KL) from N(0, I); without the KL term "
            f"{ae['aggregate_kl']:.0f} nats, and N(0, I) draws decode to only "
            f"{ae['prior_decodes']['class_coverage']} of 10 classes (VAE: {vae['prior_decodes']['class_coverage']}). "
            f"The autoencoder's random decodes are *more* often recognised ({ae['prior_decodes']['recognised']:.0%} "
            f"vs {vae['prior_decodes']['recognised']:.0%}): N(0, I) only reaches the dense patch of its codes near "
            f"the origin, where the 2s and 6s sit, and misses the rest of its spread-out space.")


DISCRIMINATOR_ANSWER = """**Why do GANs need a discriminator?** The generator turns noise into an image, but
nothing tells it which image a given noise vector *should* make: there is no target to compare with and no
likelihood to compute. The discriminator is a second network trained to tell real images from generated
ones; its judgement is the generator's only teacher, and the generator improves by fooling it. Watch the two
play against each other live in the **Arena** tab."""


# (title, models to train in this order, models to evaluate afterwards, what to look at)
EXERCISES = [
    ("Train a VAE on MNIST and visualise its latent space",
     ["classifier-mnist", "vae-mnist", "vae2d-mnist"], ["vae2d-mnist"],
     "The classifier measures everything else, so it comes first. Evaluating the 2-D model writes one code "
     "per test digit (`latent_map.npz`); restart the app and open **Latent space** and **KL & encoder**: "
     "do the codes fill the gray 2σ circle? Does every region of the decoded grid look like a digit? The "
     "32-d model's samples after each epoch are in `weights/vae-mnist/epochs/`; `python -m training.kl_figures` "
     "refreshes the KL tab's figures (it needs `ae2d-mnist` too: README, Train and evaluate)."),
    ("Train a simple GAN on Fashion-MNIST",
     ["classifier-fashion-mnist", "gan-fashion-mnist"], ["gan-fashion-mnist"],
     "Look at `weights/gan-fashion-mnist/epochs/` (one grid per epoch) and `history.json` (`loss_d`, `loss_g`, "
     "`d_real`, `d_fake`, `conditional_accuracy`): the losses do not fall like the VAE's, yet the grids improve."),
    ("Make a GAN generate digits from noise",
     ["classifier-mnist", "gan-mnist"], ["gan-mnist"],
     "Open **Generate**, pick MNIST and a class: the GAN's sharpness and recognisability beside the VAE's. "
     "The evaluation writes the figures the table above reads."),
]


def shipped_command(lab: Lab, name: str, filename: str) -> str:
    """The command that made a shipped model's `history.json` (training) or `metrics.json` (evaluation),
    without --checkpoint-dir, which only says where that machine kept its resumable checkpoints."""
    return re.sub(r" --checkpoint-dir \S+", "", lab.json(name, filename)["command"])


def exercises_markdown(lab: Lab) -> str:
    parts = ["### Practice: reproduce the shipped models\nThe exact commands that made them (`--data-root` "
             "is a folder with `MNIST/raw` or `FashionMNIST/raw`; torchvision downloads the data there when missing)."]
    for i, (title, train, evaluate, look) in enumerate(EXERCISES, 1):
        commands = [shipped_command(lab, n, "history.json") for n in train]
        commands += [shipped_command(lab, n, "metrics.json") for n in evaluate]
        block = "\n".join(commands)
        parts.append(f"**{i}. {title}**\n\n```bash\n{block}\n```\n{look}")
    return "\n\n".join(parts)


# The lesson plan's short version on the Learn tab; the whole plan, with what to point at in each result, is
# docs/lesson-plan.md, one step here per step there (tests/test_readme.py checks that they agree and that every
# link opens its view). (minutes, step, the link to its view, what to ask the room before showing it)
LESSON_STEPS = [
    (5, "Generative vs discriminative", "?tab=learn", "what would a model have to know to draw a new digit?"),
    (7, "Output quality", "?tab=generate&dataset=mnist&label=7&count=16&seed=0",
     "two models drew these 7s from noise: which grid is the VAE's?"),
    (5, "Real, VAE or GAN?", "?tab=quiz&dataset=mnist&seed=42", "everyone presses New round: hands up, which is it?"),
    (8, "Stability", "?tab=time-machine&model=vae-mnist&epoch=1",
     "if a network's loss goes up while it trains, is it getting worse?"),
    (8, "Why GANs need a discriminator", "?tab=arena&preset=healthy&seed=0",
     "the generator has no target image: what tells it where the data is?"),
    (5, "Mode collapse", "?tab=arena&preset=mode-collapse&seed=0",
     "can a GAN fool its critic while drawing only a couple of kinds of thing?"),
    (8, "Latent space: what KL enforces", "?tab=kl", "without the KL term, what do random codes decode to?"),
    (5, "Use case", "?tab=anomalies", "a digit model sees a shoe: can it tell? Can a GAN?"),
    (4, "The three exercises", "?tab=learn", "before you train: what will your first epochs look like?"),
]


def lesson_plan_markdown() -> str:
    """The Learn tab's short lesson plan: one line per step, its link, and the question to ask first."""
    total = sum(minutes for minutes, *_ in LESSON_STEPS)
    lines = [f"About {total} minutes; each link opens the step's tab and settings in a new browser tab (add "
             f"`&presenter=1` for the projector). The whole plan, with what to point at in each result, is "
             f"`docs/lesson-plan.md` in the lab's repository.", ""]
    lines += [f"{i}. **[{step}]({link})** ({minutes} min). Ask first: {ask}"
              for i, (minutes, step, link, ask) in enumerate(LESSON_STEPS, 1)]
    return "\n".join(lines)
