"""The time machine and the mode-collapse view on the shipped runs' files (history.json, epoch grids,
metrics.json), read through a Lab whose models are only folders."""

import json
import math
from pathlib import Path

import pytest

from lab.loading import Lab, Loaded
from lab.time_machine import (
    COLLAPSE_RUN,
    MARK,
    RUNS,
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
        with pytest.raises(ValueError, match="epoch must be a whole number from 1 to 20"):
            parse_epoch(bad, 20)


def test_curves_mark_the_epoch_across_the_range():
    history = {"epochs": [{"epoch": 1, "loss_d": 0.2, "loss_g": 3.0}, {"epoch": 2, "loss_d": 0.4, "loss_g": 2.0}]}
    frame = curves(history, [("loss_d", "D loss"), ("loss_g", "G loss"), ("absent", "absent")], epoch=2)
    assert list(frame.columns) == ["x", "value", "series"]
    assert set(frame["series"]) == {"D loss", "G loss", MARK}
    mark = frame[frame["series"] == MARK]
    assert list(mark["x"]) == [2.0, 2.0] and list(mark["value"]) == [0.2, 3.0]
    # step records, when asked for and present, replace the per-epoch means
    history["steps"] = [{"step": 100, "epoch": 0.5, "loss_d": 0.1, "loss_g": 4.0}]
    assert list(curves(history, [("loss_d", "D loss")], steps=True)["x"]) == [0.5]


def test_time_machine_on_the_shipped_vae(folders_lab):
    grid, first, second, figures = time_machine(folders_lab, "vae-mnist", 5)
    history = load_history(WEIGHTS / "vae-mnist")
    assert grid.size[0] > 200
    reconstruction = first[first["series"] == "reconstruction (test)"]
    assert len(reconstruction) == len(history["epochs"])
    assert reconstruction["value"].iloc[4] == history["epochs"][4]["test_reconstruction"]
    assert set(second["series"]) == {"KL (train)", "KL (test)", MARK}
    assert figures["epoch"]["epoch"] == 5 and figures["final_model_evaluation"]["class_coverage"] == 10


def test_time_machine_on_the_shipped_gan(folders_lab):
    last = len(folders_lab.json("gan-mnist", "history.json")["epochs"])
    _, first, second, figures = time_machine(folders_lab, "gan-mnist", last)
    assert {"D loss", "G loss"} <= set(first["series"])
    accuracy = second[second["series"] == "conditional accuracy"]["value"]
    assert accuracy.iloc[-1] == figures["epoch"]["conditional_accuracy"] > 0.9
    assert figures["final_model_evaluation"]["conditional_accuracy"] > 0.98
    with pytest.raises(ValueError, match="unknown run 'gan-cifar'"):
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
    assert collapsed.size == healthy.size
    assert list(collapse_hist["class"]) == [str(d) for d in range(10)]
    assert list(collapse_hist["share"]) == last["class_histogram"]
    assert figures["healthy"]["class_coverage"] == 10 and figures["collapse"]["class_coverage"] <= 4 or \
        figures["collapse"]["class_entropy"] < 0.5 * math.log(10)
    assert healthy_hist["share"].min() > 0.09  # the conditional GAN with uniform labels covers all ten


def test_the_shipped_collapse_generator_still_collapses():
    import torch

    from models import load_model
    from models.metrics import class_coverage

    G, classifier = load_model(WEIGHTS / COLLAPSE_RUN), load_model(WEIGHTS / "classifier-mnist")
    assert G.num_classes == 1 and G.config.batchnorm is False
    images = G.sample(500, generator=torch.Generator().manual_seed(1))
    assert class_coverage(classifier.predict(images)) <= 4
    assert "mode collapse" in (WEIGHTS / COLLAPSE_RUN / "README.md").read_text()
