"""The rounds a room can play, and the default lesson's sequence of them.

Three kinds:
- "image": "Real, VAE or GAN?" on one image of a data set from a given source. Each room draws its own image
  (lab/room/game.py, `Rooms.picture`: a quiz seed, lab/quiz.py, that a hash of the room's code picks), so a
  student cannot look the answer up on the Quiz tab; every phone in the room and the projector see the same
  picture. The answers are a human evaluation of the models (lab/room/game.py, `judge_table`).
- "concept": a question of the lesson, with choices, the right one and an explanation that cites a measured
  figure of the shipped models (their metrics.json, read when the round is revealed).
- "predict": the room predicts what a live demo will show; the presenter then opens the demo (`demo`, a link
  to a view of the page, lab/links.py) on the projector. The right answer is the figure the demo shows, read
  from the shipped files or checked by the arena's preset tests (tests/lab/test_arena.py).

A round's choices are shown in order (lettered A, B, ... on the phones); `answer` is one of them, and the
concept rounds' answers sit at different letters, so that "always A" is not a strategy. Explanations are
Markdown with "{name}" slots filled by `explain` from the shipped figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.inputs import or_list
from lab.loading import Lab
from lab.quiz import SOURCES
from lab.time_machine import COLLAPSE_RUN, load_history, run_folder
from models.registry import CLASS_NAMES, DATASETS


@dataclass(frozen=True)
class Round:
    id: str  # in sequences and links: lower case, hyphens
    kind: str  # "image", "concept" or "predict"
    title: str  # a few words, for the sequence picker and the CSV
    prompt: str = "Where does this image come from?"  # the question, as the room reads it
    choices: tuple[str, ...] = SOURCES
    answer: str | None = None  # the right choice; None: the measured figure decides (`answer_of`)
    explanation: str = ""  # Markdown, shown at Reveal, with {slots} from `figures`
    dataset: str | None = None  # image rounds: the data set's title ("MNIST")
    demo: str | None = None  # predict rounds: the query of the view that shows the answer ("?tab=arena&...")


def image_round(dataset: str, source: str) -> Round:
    """A "Real, VAE or GAN?" round whose image comes from `source` ("Real", "VAE" or "GAN")."""
    return Round(id=f"image-{DATASETS[dataset]}-{source.lower()}", kind="image",
                 title=f"Real, VAE or GAN? {dataset} ({source})", answer=source, dataset=dataset)


CONCEPTS = [
    Round(id="why-discriminator", kind="concept", title="Why a GAN needs a discriminator",
          prompt="Why does a GAN need its discriminator?",
          choices=("It squeezes each image into a short code",
                   "It tells the generator which way to move its fakes to look real",
                   "It labels the digits for the generator",
                   "It only makes training faster"),
          answer="It tells the generator which way to move its fakes to look real",
          explanation="The generator never sees a real image: its only signal is the discriminator's verdict "
                      "and its gradient. With the discriminator frozen (the arena's *frozen D* preset), the "
                      "generator follows random verdicts away from the data and covers none of its 8 modes."),
    Round(id="why-blurry", kind="concept", title="Why VAE samples are blurry",
          prompt="Why are a VAE's samples blurry?",
          choices=("The network is too small to draw edges",
                   "Its images are saved as JPEG",
                   "When unsure, its pixel loss is smallest for the average of the possible images",
                   "The KL term adds noise to the pixels"),
          answer="When unsure, its pixel loss is smallest for the average of the possible images",
          explanation="Its reconstruction loss scores each pixel on its own, so where several strokes are "
                      "possible the best guess is their average: a soft, grey edge. Measured sharpness, 1.0 = as "
                      "sharp as real digits: **VAE {vae_sharpness}**, **GAN {gan_sharpness}** (metrics.json of "
                      "vae-mnist and gan-mnist)."),
    Round(id="kl-term", kind="concept", title="What the KL term enforces",
          prompt="What does the KL term of a VAE's loss enforce?",
          choices=("Sharper images",
                   "The right class for each image",
                   "That the discriminator is fooled",
                   "The codes of all images together look like random noise N(0, I)"),
          answer="The codes of all images together look like random noise N(0, I)",
          explanation="The KL term pulls every image's code towards a standard normal, so any random z you draw "
                      "lands where the decoder has learned to draw something. That is why a VAE can sample new "
                      "images at all: the MNIST VAE's samples cover **{vae_classes} of 10** classes (metrics.json). "
                      "The KL & encoder tab shows codes with and without it."),
    Round(id="mode-collapse", kind="concept", title="What mode collapse is",
          prompt="What is mode collapse?",
          choices=("The discriminator's loss falls to zero",
                   "The generator makes only a few kinds of image, whatever noise it gets",
                   "The VAE forgets some classes",
                   "Training crashes with an error"),
          answer="The generator makes only a few kinds of image, whatever noise it gets",
          explanation="The generator finds a few outputs that fool the discriminator and makes those for every "
                      "z. In the lab's collapsing MNIST run, **{collapse_share}** of the last epoch's samples are "
                      "one digit, **{collapse_class}** (Mode collapse tab). The losses do not warn you: the "
                      "coverage does."),
    Round(id="likelihood", kind="concept", title="Which model can score an image's likelihood",
          prompt="Which model can tell you how likely an image is?",
          choices=("The VAE", "The GAN", "Both", "Neither"),
          answer="The VAE",
          explanation="The VAE's loss is a bound on log p(x): the MNIST VAE gives the test digits **{vae_nll} "
                      "nats** each (IWAE estimate, metrics.json), and the Anomalies tab ranks images by it. A GAN "
                      "has no encoder and no likelihood: it can only make images."),
]

PREDICTIONS = [
    Round(id="predict-epoch-1", kind="predict", title="Predict: the GAN after one epoch",
          prompt="After its first epoch of training, how often does the classifier read the MNIST GAN's samples "
                 "as the digit they were asked for?",
          choices=("Under 20 % (noise)", "20 to 60 %", "60 to 95 %", "Over 95 %"),
          answer=None,  # from the run's history: `predict_answer`
          explanation="After epoch 1 the classifier reads **{epoch1_accuracy}** of the samples as asked; after "
                      "the last, epoch {last_epoch}, **{last_accuracy}** (history.json of gan-mnist). Blobs become "
                      "digits within two epochs.",
          demo="?tab=time-machine&model=gan-mnist&epoch=1"),
    Round(id="predict-mode-collapse", kind="predict", title="Predict: the arena's mode-collapse preset",
          prompt="The arena's D trains 5 times per G step, and faster. How many of the ring's 8 modes will the "
                 "GAN cover in the end?",
          choices=("All 8", "4 to 7", "1 to 3", "None"),
          answer="1 to 3",  # tests/lab/test_arena.py checks the preset covers at most 3 through its second half
          explanation="G piles its samples on a couple of modes that fool D, and the losses stay level: watch the "
                      "coverage meter, not the losses. The VAE beside it covers all 8.",
          demo="?tab=arena&preset=mode-collapse"),
    Round(id="predict-frozen-d", kind="predict", title="Predict: a GAN whose D never learns",
          prompt="The arena's D is frozen: it never learns. Will G still find the data?",
          choices=("Yes, just more slowly", "Yes, as fast as before", "No, it drifts away from the data"),
          answer="No, it drifts away from the data",  # tests/lab/test_arena.py: coverage 0 all run
          explanation="G follows the frozen D's random verdicts off the plane: coverage stays 0 all run while "
                      "D(fake) rises. Without a learning discriminator, G has no idea where the data is.",
          demo="?tab=arena&preset=frozen-d"),
]

IMAGES = [image_round(dataset, source) for dataset in DATASETS for source in SOURCES]
ROUNDS: dict[str, Round] = {r.id: r for r in CONCEPTS + PREDICTIONS + IMAGES}
# The shipped lesson: a concept, the room judging images, predicting demos, then the rest of the concepts.
LESSON = ("why-discriminator", "image-mnist-gan", "image-mnist-real", "why-blurry", "image-mnist-vae",
          "predict-epoch-1", "kl-term", "predict-mode-collapse", "mode-collapse", "likelihood",
          "image-fashion-mnist-gan", "image-fashion-mnist-real")
MAX_ROUNDS = 40


def parse_sequence(ids) -> list[str]:
    """A room's rounds: a list of round ids (or one comma-separated string), each known, at most MAX_ROUNDS;
    empty or None: the shipped lesson."""
    if ids is None or ids == "" or ids == []:
        return list(LESSON)
    if isinstance(ids, str):
        ids = ids.split(",")
    if not isinstance(ids, list | tuple):
        raise ValueError(f"Name the rounds as a list of round ids, or one comma-separated string; got {ids!r:.40}.")
    ids = [str(i).strip() for i in ids if str(i).strip()]
    unknown = [i for i in ids if i not in ROUNDS]
    if unknown:
        raise ValueError(f"Unknown round {unknown[0]!r}: choose from {or_list(ROUNDS)}.")
    if not 1 <= len(ids) <= MAX_ROUNDS:
        raise ValueError(f"A room plays 1 to {MAX_ROUNDS} rounds; got {len(ids)}.")
    return ids


def figures(lab: Lab) -> dict[str, str]:
    """The measured figures the explanations cite, read from the shipped files once and kept."""
    key = ("room", "figures")
    if key not in lab.files:
        vae, gan = lab.json("vae-mnist", "metrics.json"), lab.json("gan-mnist", "metrics.json")
        epochs = load_history(run_folder(lab, "gan-mnist"))["epochs"]
        shares = load_history(run_folder(lab, COLLAPSE_RUN))["epochs"][-1]["class_histogram"]
        top = max(range(len(shares)), key=shares.__getitem__)
        lab.files[key] = {
            "vae_sharpness": f"{vae['sharpness_ratio']:.2f}", "gan_sharpness": f"{gan['sharpness_ratio']:.2f}",
            "vae_classes": str(vae.get("class_coverage", "?")), "vae_nll": f"{vae['test_nll_iwae']:.1f}",
            "epoch1_accuracy": f"{epochs[0]['conditional_accuracy']:.0%}",
            "last_epoch": str(epochs[-1]["epoch"]), "last_accuracy": f"{epochs[-1]['conditional_accuracy']:.1%}",
            "collapse_share": f"{shares[top]:.0%}", "collapse_class": CLASS_NAMES["MNIST"][top],
        }
    return lab.files[key]


def answer_of(lab: Lab, r: Round) -> str:
    """The right choice of a round: given (an image round's source, a concept's answer), or for the epoch
    prediction the band its measured accuracy falls in."""
    if r.answer is not None:
        return r.answer
    accuracy = load_history(run_folder(lab, "gan-mnist"))["epochs"][0]["conditional_accuracy"]
    bands = [(0.2, 0), (0.6, 1), (0.95, 2), (1.01, 3)]
    return r.choices[next(i for limit, i in bands if accuracy < limit)]


def explain(lab: Lab, r: Round) -> str:
    return r.explanation.format(**figures(lab))
