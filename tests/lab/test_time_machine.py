"""The time machine and the mode-collapse view on the shipped runs' files (history.json, epoch grids,
metrics.json), read through a Lab whose models are only folders."""

import json
import math
from pathlib import Path

import pytest

from lab.loading import Lab, Loaded
from lab.time_machine import (
    COLLAPSE_RUN,
    RUNS,
    average_lag,
    chart,
    curves,
    entropy,
    load_history,
    mode_collapse,
    parse_epoch,
    run_kind,
    time_machine,
)

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"


@pytest.fixture(scope="module")
def folders_lab():
    return Lab({name: Loaded(None, WEIGHTS / name, "test") for name in RUNS})


@pytest.mark.parametrize("run", RUNS)
def test_every_shipped_run_has_a_history_and_a_grid_per_epoch(run):
    history = load_history(WEIGHTS / run)
    n = len(history["epochs"])
    assert n >= 10
    assert sorted(p.name for p in (WEIGHTS / run / "epochs").glob("epoch_*.png"))[-1] == f"epoch_{n:03d}.png"
    assert run_kind(history) == ("gan" if run.startswith("gan") else "vae")


def test_load_history_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="history.json is missing"):
        load_history(tmp_path)
    (tmp_path / "history.json").write_text(json.dumps({"epochs": []}))
    with pytest.raises(ValueError, match="records no epochs"):
        load_history(tmp_path)


def test_parse_epoch():
    assert parse_epoch(3, 20) == 3 and parse_epoch(3.0, 20) == 3 and parse_epoch("20", 20) == 20
    for bad in (0, 21, 2.5, "x", None):
        with pytest.raises(ValueError, match="The epoch must be a whole number from 1 to 20, got "):
            parse_epoch(bad, 20)


def test_curves_and_the_chart_with_the_epochs_line():
    history = {"epochs": [{"epoch": 1, "loss_d": 0.2, "loss_g": 3.0}, {"epoch": 2, "loss_d": 0.4, "loss_g": 2.0}]}
    found = curves(history, [("loss_d", "D loss"), ("loss_g", "G loss"), ("absent", "absent")])
    assert found == {"D loss": ([1.0, 2.0], [0.2, 0.4]), "G loss": ([1.0, 2.0], [3.0, 2.0])}  # absent: left out
    # step records, when asked for and present, replace the per-epoch means
    history["steps"] = [{"step": 100, "epoch": 0.5, "loss_d": 0.1, "loss_g": 4.0}]
    assert curves(history, [("loss_d", "D loss")], steps=True) == {"D loss": ([0.5], [0.1])}
    image = chart(history, 0, epoch=2)
    assert image.shape == (200, 460, 3)
    white = (image == 255).all(axis=2)  # the epoch's line: white, the full height of the plot, at x = 2 (the right)
    assert white[:, 420:].sum(axis=0).max() > 60 and white[:, 100:400].sum(axis=0).max() < 40


def test_the_weight_average_lag_is_beta_to_the_g_steps():
    history = {"command": "python -m training.train_gan --ema 0.99 --epochs 4",
               "steps": [{"step": 100, "epoch": 0.5}, {"step": 400, "epoch": 2.0}], "epochs": [{}] * 4}
    assert average_lag(history, 1) == {"ema_beta": 0.99, "g_steps": 200, "random_start_share": round(0.99 ** 200, 4)}
    assert average_lag({**history, "command": "python -m training.train_gan"}, 1) is None  # no average
    assert average_lag({"command": "--ema 0.99", "epochs": [{}]}, 1) is None  # no step records to count steps


def test_time_machine_on_the_shipped_vae(folders_lab):
    grid, first, second, figures = time_machine(folders_lab, "vae-mnist", 5)
    history = load_history(WEIGHTS / "vae-mnist")
    assert grid.size[0] > 200 and first.shape == second.shape == (200, 460, 3)
    reconstruction = curves(history, [("test_reconstruction", "reconstruction (test)")])["reconstruction (test)"]
    assert len(reconstruction[1]) == len(history["epochs"])
    assert reconstruction[1][4] == history["epochs"][4]["test_reconstruction"]
    assert figures["epoch"]["epoch"] == 5 and figures["final_model_evaluation"]["class_coverage"] == 10
    assert "weight_average" not in figures  # a VAE has no weight average


def test_time_machine_on_the_shipped_gan(folders_lab):
    last = len(folders_lab.json("gan-mnist", "history.json")["epochs"])
    _, first, second, figures = time_machine(folders_lab, "gan-mnist", last)
    history = load_history(WEIGHTS / "gan-mnist")
    accuracy = curves(history, [("conditional_accuracy", "conditional accuracy")])["conditional accuracy"][1]
    assert accuracy[-1] == figures["epoch"]["conditional_accuracy"] > 0.9
    assert figures["final_model_evaluation"]["conditional_accuracy"] > 0.98
    # the shipped GAN's grids are its weight average: at epoch 1 it still holds most of the random start
    first_epoch = time_machine(folders_lab, "gan-mnist", 1)[3]
    assert first_epoch["weight_average"]["random_start_share"] > 0.5 > figures["weight_average"]["random_start_share"]
    # and the classifier reads far fewer of its samples as asked than at the end (gan-mnist: 52 % against 99.8 %)
    assert first_epoch["epoch"]["conditional_accuracy"] < figures["epoch"]["conditional_accuracy"] - 0.3
    # the grid in words (its alt text on the page), with the figures that say why it looks like noise
    share = first_epoch["weight_average"]["random_start_share"]
    assert first_epoch["description"] == (
        f"A grid of 100 samples of gan-mnist from the same noise vectors, at epoch 1 of {last}; the class accuracy "
        f"recorded at this epoch: {first_epoch['epoch']['conditional_accuracy'] * 100:.1f} %; the weight average "
        f"still holds {share * 100:.0f} % of the random start.")
    assert figures["description"].endswith(f"at epoch {last} of {last}; the class accuracy recorded at this "
                                           f"epoch: {accuracy[-1] * 100:.1f} %.")  # the average has caught up
    with pytest.raises(ValueError, match="Unknown run 'gan-cifar': choose vae-mnist, gan-mnist, "):
        time_machine(folders_lab, "gan-cifar", 1)
    with pytest.raises(ValueError, match=f"from 1 to {last}"):
        time_machine(folders_lab, "gan-mnist", last + 1)


def test_entropy():
    assert entropy([0.1] * 10) == pytest.approx(math.log(10))
    assert entropy([1.0] + [0.0] * 9) == 0


def test_the_shipped_collapse_run_collapses(folders_lab):
    history = load_history(WEIGHTS / COLLAPSE_RUN)
    last = history["epochs"][-1]
    assert sum(last["class_histogram"]) == pytest.approx(1, abs=0.01)
    assert last["class_coverage"] <= 4 or last["class_entropy"] < 0.5 * math.log(10)
    assert entropy(last["class_histogram"]) == pytest.approx(last["class_entropy"], abs=0.01)
    assert (WEIGHTS / COLLAPSE_RUN / "model.safetensors").stat().st_size <= 2_000_000

    n = len(history["epochs"])
    collapsed, healthy, collapse_hist, healthy_hist, figures = mode_collapse(folders_lab, n)
    assert collapsed.size == healthy.size and collapse_hist.shape == healthy_hist.shape == (190, 300, 3)
    assert figures["collapse"]["class_histogram"] == last["class_histogram"]  # the bars drawn
    assert figures["healthy"]["class_coverage"] == 10 and figures["collapse"]["class_coverage"] <= 4 or \
        figures["collapse"]["class_entropy"] < 0.5 * math.log(10)
    assert min(figures["healthy"]["class_histogram"]) > 0.09  # the conditional GAN with uniform labels: all ten
    said = figures["descriptions"]  # both grids in words (their alt texts on the page)
    top = max(range(10), key=lambda d: last["class_histogram"][d])
    assert said["collapse"].startswith(f"The collapsing GAN's samples at epoch {n}: the classifier reads "
                                       f"{last['class_histogram'][top] * 100:.0f} % of them as {top}, and ")
    assert said["healthy"].endswith("10 of 10 digits make up at least 5 % each).")


def test_the_shipped_collapse_generator_still_collapses():
    import torch

    from models import load_model
    from models.metrics import class_coverage

    G, classifier = load_model(WEIGHTS / COLLAPSE_RUN), load_model(WEIGHTS / "classifier-mnist")
    assert G.num_classes == 1 and G.config.batchnorm is False
    images = G.sample(500, generator=torch.Generator().manual_seed(1))
    assert class_coverage(classifier.predict(images)) <= 4
    assert "mode collapse" in (WEIGHTS / COLLAPSE_RUN / "README.md").read_text()
