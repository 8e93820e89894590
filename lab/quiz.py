"""Tab "Quiz": one image per round, the student guesses where it came from.

A round is fixed by its seed: the seed picks the source (a real test image, a VAE sample or a GAN
sample) and the image, so the same seed shows the whole room the same picture. The page keeps only
`state` per browser session: the score, the streak and the current round's seed and data set. The
answer is never sent with the round; `answer` derives it again from the seed on the server.

After a guess, three measured readouts explain the giveaway:
- sharpness: the image's Laplacian variance over that of real test images (1.0 = as sharp as real),
  beside the range of real training images (their 5th to 95th percentile);
- the classifier's confidence in its top class;
- the distance to the nearest training image, in a 32-d PCA projection of the pixels of all 60,000
  training images (`lab/quiz_data/`, written by `python -m training.quiz_reference`), beside the same
  distance for real test images: a copy would sit much closer than any real test image does.
The readouts are measured by models/quiz.py.
"""

import numpy as np
import torch

from lab.generate import real_sharpness
from lab.images import to_uint8, upscale
from lab.inputs import parse_choice, parse_dataset, parse_seed
from lab.loading import Lab
from models.metrics import CONFIDENT
from models.quiz import COPY_PERCENTILE, DATA, measure, read_quiz_files
from models.registry import CLASS_NAMES, model_name

SOURCES = ("Real", "VAE", "GAN")
SCALE = 8  # 28x28 -> 224x224 on the page, nearest neighbour


def new_state() -> dict:
    """A browser session's quiz: nothing answered yet, no round running."""
    return {"score": 0, "answered": 0, "streak": 0, "best_streak": 0, "round": None}


def parse_guess(guess) -> str:
    return parse_choice(guess, SOURCES, "guess", ignore_case=True)


def quiz_files(lab: Lab, dataset: str) -> dict[str, np.ndarray]:
    """The shipped real test images and the nearest-neighbour reference of `dataset`, read once and kept."""
    key = ("quiz", dataset)
    if key not in lab.files:
        lab.files[key] = read_quiz_files(DATA, dataset)
    return lab.files[key]


@torch.inference_mode()
def new_round(lab: Lab, seed, dataset) -> tuple[torch.Tensor, str]:
    """The round's image `(1, 1, 28, 28)` in [0, 1] and its hidden answer ("Real", "VAE" or "GAN"),
    both fixed by `seed` alone (and the data set)."""
    dataset, seed = parse_dataset(dataset), parse_seed(seed)
    g = torch.Generator().manual_seed(seed)
    source = SOURCES[int(torch.randint(len(SOURCES), (1,), generator=g))]
    if source == "Real":
        images = quiz_files(lab, dataset)["real_images"]  # uint8 (N, 28, 28)
        i = int(torch.randint(len(images), (1,), generator=g))
        x = torch.from_numpy(images[i]).float().div(255.0).view(1, 1, 28, 28)
    elif source == "VAE":
        x = lab.model(model_name("vae", dataset)).sample(1, generator=g)
    else:
        x = lab.model(model_name("gan", dataset)).sample(1, generator=g)  # a uniformly random class
    return x, source


def measure_images(lab: Lab, dataset: str, images: torch.Tensor) -> dict[str, np.ndarray]:
    """`models.quiz.measure` of a batch `(B, 1, 28, 28)` in [0, 1] with the data set's loaded classifier and files."""
    return measure(lab.model(model_name("classifier", dataset)), quiz_files(lab, dataset),
                   real_sharpness(lab, dataset), images)


def readouts(lab: Lab, dataset: str, image: torch.Tensor) -> dict:
    """`measure_images` for one image, as plain numbers for the page and the API."""
    m = measure_images(lab, dataset, image)
    low, high = quiz_files(lab, dataset)["reference_sharpness_band"] / real_sharpness(lab, dataset)
    return {"sharpness": round(float(m["sharpness"][0]), 3),
            "real_sharpness_range": [round(float(low), 3), round(float(high), 3)],
            "classifier_class": CLASS_NAMES[dataset][int(m["predicted"][0])],
            "classifier_confidence": round(float(m["confidence"][0]), 3),
            "nearest_training_distance": round(float(m["nearest_distance"][0]), 3),
            "nearest_training_percentile": round(float(m["nearest_percentile"][0]), 1),
            "looks_real": bool(m["looks_real"][0])}


def start_round(lab: Lab, state: dict | None, seed, dataset) -> tuple[np.ndarray, str, int, dict]:
    """`/quiz_round`: the picture, a prompt that does not depend on the answer, the next seed, the new state."""
    dataset, seed = parse_dataset(dataset), parse_seed(seed)
    image, _ = new_round(lab, seed, dataset)  # the answer stays on the server: `answer` derives it again
    state = dict(state or new_state(), round={"seed": seed, "dataset": dataset})
    prompt = (f"**Round {state['answered'] + 1}** · {dataset} · seed {seed}  \n"
              f"Where does this image come from: **Real, VAE or GAN?**")
    return upscale(to_uint8(image[0, 0]), SCALE), prompt, seed + 1, state


def answer(lab: Lab, state: dict | None, guess) -> tuple[dict, dict]:
    """`/quiz_answer`: score the guess against the running round; the new state and what was measured."""
    guess = parse_guess(guess)
    state = dict(state or new_state())
    if state["round"] is None:
        raise ValueError("No round is running: press New round first.")
    seed, dataset = state["round"]["seed"], state["round"]["dataset"]
    image, source = new_round(lab, seed, dataset)
    correct = guess == source
    streak = state["streak"] + 1 if correct else 0
    state.update(score=state["score"] + correct, answered=state["answered"] + 1, streak=streak,
                 best_streak=max(state["best_streak"], streak), round=None)  # one guess per round
    return state, {"seed": seed, "dataset": dataset, "guess": guess, "answer": source, "correct": correct,
                   "readouts": readouts(lab, dataset, image)}


def percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def score_text(state: dict | None) -> str:
    state = state or new_state()
    return (f"**Score {state['score']} / {state['answered']}** · streak {state['streak']}"
            f" · best streak {state['best_streak']}")


def explanation_text(result: dict) -> str:
    """The verdict and the giveaway, each claim next to its measured figure."""
    source = result["answer"]
    name = {"Real": "a **real** test image", "VAE": "a **VAE** sample", "GAN": "a **GAN** sample"}[source]
    head = f"### Right! It is {name}." if result["correct"] else \
        f"### Not this time: it is {name} (you said {result['guess']})."
    return f"{head}\n{giveaway_text(result['readouts'], source)}"


def giveaway_text(r: dict, source: str) -> str:
    """What gives an image of `source` away (or not), from its `readouts`: a line per measured figure, then why
    (the Quiz tab's verdict and the Room tab's image rounds at Reveal)."""
    low, high = r["real_sharpness_range"]
    if r["sharpness"] < low:
        sharp = "blurrier than 95 % of real images"
    elif r["sharpness"] > high:
        sharp = "sharper than 95 % of real images (specks and noise count as edges too)"
    else:
        sharp = "in the range of real images"
    confident = "confident" if r["classifier_confidence"] >= CONFIDENT else "unsure"
    close = r["nearest_training_percentile"]
    if close <= COPY_PERCENTILE:
        copy = f"closer than {100 - COPY_PERCENTILE:.0f} % of real test images are: it may be a copy"
    else:
        copy = f"{close:.0f} % of real test images sit closer: not a copy"
    lines = [
        f"- **Sharpness** {r['sharpness']:.2f} × real ({low:.2f}–{high:.2f} for 90 % of real images): {sharp}.",
        f"- **Classifier** says {r['classifier_class']} with {percent(r['classifier_confidence'])} ({confident}; "
        f"{percent(CONFIDENT)} counts as confident).",
        f"- **Nearest training image** at distance {r['nearest_training_distance']:.2f}: {copy}.",
        f"- **Realness readout** (confident and sharp like real): "
        f"{'looks real' if r['looks_real'] else 'does not look real'}.",
    ]
    if source == "VAE":
        why = ("The VAE paints the average of what it is unsure about, so its strokes are soft."
               if r["sharpness"] < low else "This VAE sample is unusually crisp; its shape gives it away, if anything.")
    elif source == "GAN" and r["looks_real"]:
        why = ("This GAN sample fooled the readout: the GAN is rewarded only for images a critic cannot tell "
               "from real ones. Look for strokes that break off or shapes no one would draw.")
    elif source == "GAN":
        caught = [f"the classifier is unsure ({percent(r['classifier_confidence'])})"] if confident == "unsure" else []
        caught += [f"it is {sharp.split(' (')[0]}"] if not low <= r["sharpness"] <= high else []
        caught = caught or ["a figure sits just outside the real range"]  # at the edge, hidden by rounding
        why = f"The readout caught this GAN sample: {' and '.join(caught)}."
    else:
        why = "The models never trained on this image; real images can be messy too."
    return "\n".join(lines) + f"\n\n{why}"
