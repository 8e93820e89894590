"""Links to a view of the lab: the page's URL names a tab and its main settings, e.g.
`?tab=generate&dataset=fashion-mnist&label=Sneaker&count=16&seed=3`, so a lecturer can put each step of a lesson
behind one link (docs/lesson-plan.md). `parse_view` turns a URL's query into a checked `View` (a tab id and every
setting of that tab) with a note for each value it could not use; `view_link` writes the link of a view back.

A view is complete: a setting a link leaves out, or gets wrong, takes the page's default (`DEFAULTS`); and the
link of a view names every setting of its tab, so it opens the same view even after a default changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode, urlsplit, urlunsplit

from lab.arena import PRESETS, settings_from
from lab.generate import parse_count
from lab.inputs import or_list, parse_choice, parse_int, parse_label, parse_seed
from lab.time_machine import COLLAPSE_RUN, RUNS, n_epochs
from models.registry import CLASS_NAMES, DATASETS

# The tabs' ids, as the page's gr.Tab(id=...) has them, in page order (ui/links.py checks them against the page).
TABS = ("learn", "generate", "reconstruct", "latent", "kl", "anomalies", "use-cases", "arena", "time-machine",
        "mode-collapse", "quiz", "room", "models")
FIRST_TAB = TABS[0]
# The settings a link can give each tab, in the order a link lists them; the tabs not named take none.
SETTINGS = {
    "generate": ("dataset", "label", "count", "seed"),
    "arena": ("preset", "seed"),
    "time-machine": ("model", "epoch"),
    "mode-collapse": ("epoch",),
    "quiz": ("dataset", "seed"),
}
# What each tab shows when a page opens (ui/*.py); None: it depends on another setting (`_defaults`).
DEFAULTS = {
    "generate": {"dataset": "MNIST", "label": "any", "count": 16, "seed": 0},
    "arena": {"preset": "healthy", "seed": None},  # the preset's own seed
    "time-machine": {"model": "gan-mnist", "epoch": 1},
    "mode-collapse": {"epoch": None},  # the collapsing run's last epoch
    "quiz": {"dataset": "MNIST", "seed": 0},
}
PARAM_TAB = "tab"
PARAM_PRESENTER = "presenter"  # read by ui/presenter.py; `view_link` writes it
PAGE_SEED_LIMIT = 2**53  # the largest whole numbers a browser's number box holds exactly are below this
IGNORED = {PARAM_PRESENTER, "view"}  # parameters of others (presenter mode, Gradio's ?view=api): no note


@dataclass
class View:
    """What a link opens: a tab id, every setting of that tab (`SETTINGS`), and the notes on what the link got
    wrong (empty for a good link)."""

    tab: str = FIRST_TAB
    settings: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ names in links

def dataset_slug(title: str) -> str:
    """A data set in links: its name in weights/ ("fashion-mnist" for the page's "Fashion-MNIST")."""
    return DATASETS[title]


def parse_dataset_slug(value) -> str:
    """A data set named in a link, by its name in weights/ ("fashion-mnist") or its title ("Fashion-MNIST"),
    in any case -> its title on the page."""
    text = str(value).strip().lower()
    for title, slug in DATASETS.items():
        if text in (slug, title.lower()):
            return title
    raise ValueError(f"Unknown dataset {value!r}: choose {or_list(DATASETS.values())}.")


def preset_slug(name: str) -> str:
    """An arena preset in links: its name in lower case with hyphens for spaces ("mode-collapse", "frozen-d")."""
    return name.lower().replace(" ", "-")


def parse_preset(value) -> str:
    """An arena preset named in a link ("frozen-d", "frozen D", "Frozen_D") -> its name in lab.arena.PRESETS."""
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    for name in PRESETS:
        if text == preset_slug(name):
            return name
    raise ValueError(f"Unknown arena preset {value!r}: choose {or_list(preset_slug(p) for p in PRESETS)}.")


def parse_arena_seed(value, preset: str) -> int:
    """The arena's seed, checked by the arena's own settings check (ArenaSettings.checked)."""
    seed = parse_int(value, "The seed", 0)
    try:
        replace(PRESETS[preset], seed=seed).checked()
    except ValueError as err:
        raise ValueError(f"The arena's {err}.") from None
    return seed


def parse_page_seed(value) -> int:
    """A seed for the Generate or Quiz tab (lab.inputs.parse_seed), below 2**53: the page's number box holds no
    larger whole number exactly, so a larger seed would silently become another."""
    seed = parse_seed(value)
    if seed >= PAGE_SEED_LIMIT:
        raise ValueError(f"The seed in a link must be a whole number from 0 to {PAGE_SEED_LIMIT - 1}, got {value!r}.")
    return seed


def run_epochs(lab) -> dict[str, int]:
    """The epochs of each run a link can open: the time machine's runs and the collapsing GAN (absent when its
    folder is missing), from their history.json."""
    epochs = {run: n_epochs(lab, run) for run in RUNS}
    try:
        epochs[COLLAPSE_RUN] = n_epochs(lab, COLLAPSE_RUN)
    except (FileNotFoundError, ValueError):  # the Mode collapse tab says so itself
        pass
    return epochs


# ----------------------------------------------------------------------------------------------- link -> view

def _defaults(tab: str, settings: dict, epochs: Mapping[str, int]) -> dict:
    """The page's default for each setting of `tab` not in `settings`, given those that are."""
    found = dict(DEFAULTS.get(tab, {}))
    found.update(settings)
    if tab == "arena" and found["seed"] is None:
        found["seed"] = PRESETS[found["preset"]].seed
    if tab == "mode-collapse" and found["epoch"] is None:
        found["epoch"] = epochs.get(COLLAPSE_RUN, 1)
    return found


def _parse_setting(tab: str, name: str, value, chosen: dict, epochs: Mapping[str, int]):
    """One setting of a link, checked with the tab's own parser; `chosen` holds the tab's settings parsed so far
    (the class depends on the data set, the epoch on the run, the arena's seed on the preset)."""
    if name == "dataset":
        return parse_dataset_slug(value)
    if name == "label":
        dataset = chosen["dataset"]
        index = parse_label(dataset, value)
        return "any" if index is None else CLASS_NAMES[dataset][index]
    if name == "count":
        return parse_count(value)
    if name == "seed":
        return parse_arena_seed(value, chosen["preset"]) if tab == "arena" else parse_page_seed(value)
    if name == "preset":
        return parse_preset(value)
    if name == "model":
        return parse_choice(str(value).strip().lower(), RUNS, "model")
    if name == "epoch":
        run = chosen["model"] if tab == "time-machine" else COLLAPSE_RUN
        if run not in epochs:
            raise ValueError(f"The run {run} is not on this page, so it has no epochs to open.")
        return parse_int(value, "The epoch", 1, epochs[run])
    raise ValueError(f"no parser for the setting {name!r}")  # SETTINGS names a setting this function lacks


def names_a_view(query: Mapping[str, str]) -> bool:
    """Whether a URL query says anything about a view: a plain address (or one with only presenter mode or
    Gradio's own parameters) leaves the page as it opens, tab and settings alike."""
    return any(name not in IGNORED and not name.startswith("__") for name in query)


def parse_view(query: Mapping[str, str], epochs: Mapping[str, int]) -> View:
    """The view a page's URL query asks for (`query`: its parameters, e.g. a gr.Request's query_params), with
    `epochs` from `run_epochs`. An unknown tab opens the first tab; a bad value of a setting gives that setting
    its default; a parameter the tab does not take is ignored; each of these adds a note saying so. Never
    raises on what a URL holds."""
    notes = []
    tab = FIRST_TAB
    if PARAM_TAB in query:
        try:
            tab = parse_choice(str(query[PARAM_TAB]).strip().lower(), TABS, "tab")
        except ValueError as err:
            return View(FIRST_TAB, {}, [f"{err} The page opened on the {FIRST_TAB} tab, without the link's other "
                                        f"settings."])
    names = SETTINGS.get(tab, ())
    chosen: dict = {}
    for name in names:  # in SETTINGS order, so that a setting's parser sees those it depends on
        default = _defaults(tab, chosen, epochs)[name]
        if name not in query:
            chosen[name] = default
            continue
        try:
            chosen[name] = _parse_setting(tab, name, query[name], _defaults(tab, chosen, epochs), epochs)
        except ValueError as err:
            notes.append(f"{err} Using {shown(name, default)} instead.")
            chosen[name] = default
    for name in query:
        if name != PARAM_TAB and name not in names and name not in IGNORED and not name.startswith("__"):
            notes.append(f"The {tab} tab takes no setting {name!r} in a link: ignored.")
    return View(tab, chosen, notes)


def shown(name: str, value) -> str:
    """A setting and its value in a note: "dataset mnist", "preset healthy", "epoch 1"."""
    return f"{name} {_link_value(name, value)}"


# ----------------------------------------------------------------------------------------------- view -> link

def _link_value(name: str, value) -> str:
    """A setting's value as a link writes it."""
    if name == "dataset":
        return dataset_slug(value)
    if name == "preset":
        return preset_slug(value)
    return str(value)


def view_query(view: View, presenter: bool = False) -> str:
    """The query string of a view's link, without the "?": the tab, then its settings in SETTINGS order,
    then `presenter=1` in presenter mode."""
    params = [(PARAM_TAB, view.tab)]
    params += [(name, _link_value(name, view.settings[name])) for name in SETTINGS.get(view.tab, ())]
    if presenter:
        params.append((PARAM_PRESENTER, "1"))
    return urlencode(params)


def view_link(page: str, view: View, presenter: bool = False) -> str:
    """The link that opens `view` on the page at address `page` (e.g. "http://127.0.0.1:7860/")."""
    return f"{page}?{view_query(view, presenter)}"


def page_address(url: str, headers: Mapping[str, str] | None = None) -> str:
    """The address of the page an event came from, from that event's request: its URL (e.g.
    "http://127.0.0.1:7860/gradio_api/queue/join?tab=kl") up to Gradio's API path, without the query. Behind a
    proxy (Hugging Face Spaces) the host and scheme come from the x-forwarded-host and x-forwarded-proto
    headers, as Gradio's own root URL does."""
    headers = {key.lower(): value for key, value in (headers or {}).items()}
    parts = urlsplit(str(url))
    path = parts.path.split("/gradio_api/", 1)[0].rstrip("/") + "/"
    scheme, host = parts.scheme, parts.netloc
    if headers.get("x-forwarded-host"):
        host = headers["x-forwarded-host"].split(",")[0].strip()
        scheme = "https" if headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https" else "http"
    return urlunsplit((scheme, host, path, "", ""))


def arena_view_settings(preset: str, knobs) -> tuple[dict, str]:
    """The arena's settings for a link from what its tab shows: the preset and the knobs in /arena's order
    (dataset, lr G, lr D, D steps, noise size, hidden width, batch size, G loss, seed, steps, freeze D).
    A "custom" page whose knobs are a preset's with another seed is that preset with that seed; other custom
    knobs are not in links, so the link keeps only the seed, and the second value says so ("" otherwise)."""
    if preset in PRESETS:
        return {"preset": preset, "seed": PRESETS[preset].seed}, ""
    try:
        settings = settings_from("custom", *knobs)  # the arena's own reading of its knobs
    except ValueError:
        settings = None
    for name, base in PRESETS.items():
        if settings is not None and replace(base, seed=settings.seed) == settings:
            return {"preset": name, "seed": settings.seed}, ""
    default = DEFAULTS["arena"]["preset"]
    seed = settings.seed if settings is not None else PRESETS[default].seed
    return ({"preset": default, "seed": seed},
            f"Links keep the arena's preset and seed only: this one opens the {preset_slug(default)} preset with "
            f"seed {seed}, not your other knob settings.")
