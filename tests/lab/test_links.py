"""lab/links.py: a URL's query as a checked view of the lab (a tab and its settings), with a note for each value
it cannot use, and the link written back from a view."""

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from lab.arena import PRESETS
from lab.links import (
    DEFAULTS,
    SETTINGS,
    TABS,
    View,
    arena_view_settings,
    names_a_view,
    page_address,
    parse_view,
    run_epochs,
    shown,
    view_link,
    view_query,
)
from lab.loading import Lab, Loaded
from lab.time_machine import COLLAPSE_RUN, RUNS

WEIGHTS = Path(__file__).resolve().parents[2] / "weights"
# as the shipped history.json files have them (test_run_epochs_are_the_shipped_runs checks)
EPOCHS = {"vae-mnist": 44, "gan-mnist": 32, "vae-fashion-mnist": 20, "gan-fashion-mnist": 16, "vae2d-mnist": 10,
          "ae2d-mnist": 10, COLLAPSE_RUN: 8}


def test_run_epochs_are_the_shipped_runs():
    lab = Lab({name: Loaded(None, WEIGHTS / name, "test") for name in RUNS})
    assert run_epochs(lab) == EPOCHS


@pytest.mark.parametrize("query, tab, settings", [
    ({}, "learn", {}),
    ({"tab": "kl"}, "kl", {}),
    ({"tab": " Time-Machine "}, "time-machine", {"model": "gan-mnist", "epoch": 1}),
    ({"tab": "generate", "dataset": "fashion-mnist", "label": "7", "seed": "3"}, "generate",  # 7: the Sneaker
     {"dataset": "Fashion-MNIST", "label": "Sneaker", "count": 16, "seed": 3}),
    ({"tab": "generate", "dataset": "Fashion-MNIST", "label": "ankle boot", "count": "64"}, "generate",
     {"dataset": "Fashion-MNIST", "label": "Ankle boot", "count": 64, "seed": 0}),
    ({"tab": "generate", "label": "7"}, "generate", {"dataset": "MNIST", "label": "7", "count": 16, "seed": 0}),
    ({"tab": "arena", "preset": "mode-collapse", "seed": "1"}, "arena", {"preset": "mode collapse", "seed": 1}),
    ({"tab": "arena", "preset": "Frozen D"}, "arena", {"preset": "frozen D", "seed": 0}),
    ({"tab": "arena", "preset": "frozen-d", "seed": "0"}, "arena", {"preset": "frozen D", "seed": 0}),
    ({"tab": "arena"}, "arena", {"preset": "healthy", "seed": 0}),
    ({"tab": "time-machine", "model": "vae-mnist", "epoch": "44"}, "time-machine", {"model": "vae-mnist", "epoch": 44}),
    ({"tab": "mode-collapse"}, "mode-collapse", {"epoch": 8}),
    ({"tab": "mode-collapse", "epoch": "4"}, "mode-collapse", {"epoch": 4}),
    ({"tab": "quiz", "dataset": "mnist", "seed": "42"}, "quiz", {"dataset": "MNIST", "seed": 42}),
])
def test_a_good_link_opens_its_tab_with_its_settings_and_no_note(query, tab, settings):
    assert parse_view(query, EPOCHS) == View(tab, settings, [])


def test_presenter_mode_and_gradios_own_parameters_are_not_noted():
    view = parse_view({"tab": "kl", "presenter": "1", "view": "api", "__theme": "dark"}, EPOCHS)
    assert view == View("kl", {}, [])


# (query, the setting it gets wrong, the default the page shows instead, the note's start)
BAD = [
    ({"tab": "generate", "dataset": "cifar"}, "dataset", "MNIST",
     "Unknown dataset 'cifar': choose mnist or fashion-mnist."),
    ({"tab": "generate", "label": "Sneaker"}, "label", "any", "Unknown class 'Sneaker' for MNIST"),
    ({"tab": "generate", "count": "0"}, "count", 16, "How many must be a whole number from 1 to 64, got '0'."),
    ({"tab": "generate", "count": "lots"}, "count", 16, "How many must be a whole number from 1 to 64"),
    ({"tab": "generate", "seed": "-1"}, "seed", 0, "The seed must be a whole number from 0 up, got '-1'."),
    ({"tab": "generate", "seed": "2.5"}, "seed", 0, "The seed must be a whole number"),
    ({"tab": "generate", "seed": str(2**53)}, "seed", 0, "The seed in a link must be a whole number from 0 to"),
    ({"tab": "generate", "seed": ""}, "seed", 0, "The seed must be a whole number from 0 up, got ''."),
    ({"tab": "arena", "preset": "chaos"}, "preset", "healthy", "Unknown arena preset 'chaos': choose healthy, "
                                                               "mode-collapse, oscillation, vanishing-gradient, "
                                                               "frozen-d or wasserstein-vs-collapse."),
    ({"tab": "arena", "seed": str(2**31)}, "seed", 0, "The arena's seed must be a whole number from 0 to 2147483647"),
    ({"tab": "time-machine", "model": "gan-cifar"}, "model", "gan-mnist",
     "Unknown model 'gan-cifar': choose vae-mnist"),
    ({"tab": "time-machine", "epoch": "40"}, "epoch", 1, "The epoch must be a whole number from 1 to 32, got '40'."),
    ({"tab": "time-machine", "model": "vae2d-mnist", "epoch": "11"}, "epoch", 1, "The epoch must be a whole number "
                                                                                 "from 1 to 10, got '11'."),
    ({"tab": "mode-collapse", "epoch": "9"}, "epoch", 8, "The epoch must be a whole number from 1 to 8, got '9'."),
    ({"tab": "quiz", "dataset": "svhn"}, "dataset", "MNIST", "Unknown dataset 'svhn'"),
    ({"tab": "quiz", "seed": "nan"}, "seed", 0, "The seed must be a whole number from 0 up, got 'nan'."),
]


@pytest.mark.parametrize("query, name, default, note", BAD)
def test_each_bad_value_gives_its_note_and_its_default(query, name, default, note):
    view = parse_view(query, EPOCHS)
    assert view.tab == query["tab"]
    assert view.settings[name] == default
    assert len(view.notes) == 1 and view.notes[0].startswith(note), view.notes
    assert view.notes[0].endswith(f" Using {shown(name, default)} instead.")  # e.g. "... Using seed 0 instead."


ODD = ["", " ", "-0", "1e999", "nan", "None", "%00", "0x10", "\u0667", "７", "1" * 400, "generate&seed=1", "[]"]


@pytest.mark.parametrize("value", ODD)
def test_no_value_in_a_url_makes_the_parser_raise(value):
    for tab, names in SETTINGS.items():
        for name in names:
            view = parse_view({"tab": tab, name: value}, EPOCHS)
            assert view.tab == tab and set(view.settings) == set(names)
    assert parse_view({"tab": value}, EPOCHS).tab in TABS


def test_the_other_settings_of_a_bad_link_are_kept():
    view = parse_view({"tab": "generate", "dataset": "fashion-mnist", "label": "Sneaker", "count": "99",
                       "seed": "5"}, EPOCHS)
    assert view.settings == {"dataset": "Fashion-MNIST", "label": "Sneaker", "count": 16, "seed": 5}
    assert view.notes == ["How many must be a whole number from 1 to 64, got '99'. Using count 16 instead."]


def test_a_setting_checks_against_the_default_of_the_one_it_depends_on():
    """A bad data set falls back to MNIST, and the class is then checked against MNIST's classes."""
    view = parse_view({"tab": "generate", "dataset": "cifar", "label": "Sneaker"}, EPOCHS)
    assert view.settings["dataset"] == "MNIST" and view.settings["label"] == "any"
    assert len(view.notes) == 2


def test_an_unknown_tab_opens_the_first_tab_with_one_note():
    view = parse_view({"tab": "gallery", "dataset": "mnist", "seed": "3"}, EPOCHS)
    assert view == View("learn", {}, [
        "Unknown tab 'gallery': choose learn, generate, reconstruct, latent, kl, anomalies, use-cases, arena, "
        "time-machine, mode-collapse, quiz, room or models. The page opened on the learn tab, without the link's other "
        "settings."])


def test_a_setting_the_tab_does_not_take_is_ignored_with_a_note():
    view = parse_view({"tab": "kl", "seed": "3", "colour": "red"}, EPOCHS)
    assert view == View("kl", {}, ["The kl tab takes no setting 'seed' in a link: ignored.",
                                   "The kl tab takes no setting 'colour' in a link: ignored."])


def test_a_missing_collapse_run_is_a_note_not_an_error():
    epochs = {run: n for run, n in EPOCHS.items() if run != COLLAPSE_RUN}
    assert parse_view({"tab": "mode-collapse"}, epochs) == View("mode-collapse", {"epoch": 1}, [])
    view = parse_view({"tab": "mode-collapse", "epoch": "3"}, epochs)
    assert view.settings == {"epoch": 1} and "gan-collapse-mnist is not on this page" in view.notes[0]


def test_every_tab_with_settings_has_their_defaults():
    assert set(SETTINGS) <= set(TABS) and set(DEFAULTS) == set(SETTINGS)
    for tab, names in SETTINGS.items():
        assert tuple(DEFAULTS[tab]) == names
        assert parse_view({"tab": tab}, EPOCHS).notes == []


# ------------------------------------------------------------------------------------------------- the link

def test_a_link_names_the_tab_then_its_settings_in_order():
    view = View("generate", {"dataset": "Fashion-MNIST", "label": "T-shirt/top", "count": 8, "seed": 3})
    assert view_link("http://127.0.0.1:7860/", view) == (
        "http://127.0.0.1:7860/?tab=generate&dataset=fashion-mnist&label=T-shirt%2Ftop&count=8&seed=3")
    assert view_query(View("arena", {"preset": "vanishing gradient", "seed": 0}), presenter=True) == (
        "tab=arena&preset=vanishing-gradient&seed=0&presenter=1")
    assert view_query(View("kl")) == "tab=kl"


VIEWS = [
    View("learn"), View("reconstruct"), View("latent"), View("kl"), View("anomalies"), View("models"),
    View("generate", {"dataset": "MNIST", "label": "any", "count": 16, "seed": 0}),
    View("generate", {"dataset": "Fashion-MNIST", "label": "Ankle boot", "count": 1, "seed": 2**53 - 1}),
    View("generate", {"dataset": "Fashion-MNIST", "label": "T-shirt/top", "count": 64, "seed": 7}),
    *(View("arena", {"preset": name, "seed": seed}) for name in PRESETS for seed in (0, 5)),
    *(View("time-machine", {"model": run, "epoch": n}) for run, n in EPOCHS.items() if run in RUNS),
    View("mode-collapse", {"epoch": 1}),
    View("quiz", {"dataset": "Fashion-MNIST", "seed": 42}),
]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: view_query(v))
@pytest.mark.parametrize("presenter", [False, True])
def test_a_views_link_opens_the_same_view(view, presenter):
    link = view_link("https://owner-lab.hf.space/", view, presenter=presenter)
    parts = urlsplit(link)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    assert parse_view(query, EPOCHS) == view
    assert (query.get("presenter") == "1") is presenter
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://owner-lab.hf.space/"


@pytest.mark.parametrize("url, headers, page", [
    ("http://127.0.0.1:7860/gradio_api/queue/join?tab=kl", {}, "http://127.0.0.1:7860/"),
    ("http://127.0.0.1:7860/gradio_api/run/predict", None, "http://127.0.0.1:7860/"),
    ("http://example.org/lab/gradio_api/queue/join", {}, "http://example.org/lab/"),  # mounted under /lab
    ("http://10.0.0.5:7860/gradio_api/queue/join",
     {"X-Forwarded-Host": "owner-lab.hf.space, proxy", "X-Forwarded-Proto": "https"}, "https://owner-lab.hf.space/"),
])
def test_the_page_address_comes_from_the_events_request(url, headers, page):
    assert page_address(url, headers) == page


# ----------------------------------------------------------------------------------------- the arena's knobs

def knobs(settings) -> list:
    return [settings.dataset, settings.lr_g, settings.lr_d, settings.d_steps, settings.noise_dim, settings.hidden,
            settings.batch_size, settings.g_loss, settings.seed, settings.steps, settings.freeze_d]


def test_the_arenas_link_keeps_a_preset_and_a_seed():
    from dataclasses import replace

    assert arena_view_settings("oscillation", knobs(PRESETS["healthy"])) == (
        {"preset": "oscillation", "seed": 0}, "")  # a named preset's knobs are its own
    reseeded = replace(PRESETS["mode collapse"], seed=4)
    assert arena_view_settings("custom", knobs(reseeded)) == ({"preset": "mode collapse", "seed": 4}, "")
    own = replace(PRESETS["healthy"], lr_g=5e-3, seed=9)
    settings, warning = arena_view_settings("custom", knobs(own))
    assert settings == {"preset": "healthy", "seed": 9}
    assert warning.startswith("Links keep the arena's preset and seed only: this one opens the healthy preset "
                              "with seed 9")


def test_only_a_query_that_names_a_view_changes_the_page():
    assert not names_a_view({}) and not names_a_view({"presenter": "1", "view": "api", "__theme": "dark"})
    assert names_a_view({"tab": "kl"}) and names_a_view({"seed": "3"})  # a setting alone: its note shows
