"""Links to a view: the page's URL opens a tab with its main settings (`?tab=generate&dataset=fashion-mnist&label=
Sneaker&seed=3`; lab/links.py reads and writes them), and a "Link to this view" button at the foot of every tab
gives the link of what that tab shows, as text and, where the browser allows, on the clipboard.

`note()` makes the line above the tabs that says what a link got wrong (hidden for a good link); `wire` adds the
buttons and wires the URL to the tabs once the page is built."""

from dataclasses import replace
from types import SimpleNamespace

import gradio as gr

from lab.arena import PRESET_STORY, PRESETS
from lab.links import (
    PARAM_TAB,
    SETTINGS,
    TABS,
    View,
    arena_view_settings,
    names_a_view,
    page_address,
    parse_view,
    run_epochs,
    view_link,
)
from lab.loading import Lab
from models.registry import CLASS_NAMES

LABEL = "Link to this view"
# After the server has written the link into the box: put it on the clipboard too (the browser may refuse, e.g.
# on plain http from another machine; the box shows it either way).
COPY_JS = """(link) => {
  if (link && navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
}"""


def note() -> gr.Markdown:
    """The line above the tabs that lists what a link got wrong; hidden unless it did (`note_update`)."""
    return gr.Markdown("", visible=False, elem_id="link-note")


def note_update(notes: list[str]) -> gr.Markdown:
    """The note's update for a view's notes: hidden when there are none."""
    if not notes:
        return gr.Markdown("", visible=False)
    lines = "\n".join(f"- {n}" for n in notes)
    return gr.Markdown(f"**This link had settings the lab could not use:**\n{lines}", visible=True)


def arena_knobs(settings) -> list:
    """The arena's knobs for ArenaSettings, in ui/arena.py's order (that of /arena's inputs)."""
    return [settings.dataset, settings.lr_g, settings.lr_d, settings.d_steps, settings.noise_dim, settings.hidden,
            settings.batch_size, settings.g_loss, settings.seed, settings.steps, settings.freeze_d]


def tab_blocks(tabs: gr.Tabs) -> dict[str, gr.Tab]:
    """The page's tabs by id; a ValueError when they are not lab.links.TABS, so that a link's tab names stay the
    page's."""
    found = {tab.id: tab for tab in tabs.children if isinstance(tab, gr.Tab)}
    if tuple(found) != TABS:
        raise ValueError(f"lab/links.py TABS {TABS} are not the page's tab ids {tuple(found)}")
    return found


def wire(demo: gr.Blocks, lab: Lab, tabs: gr.Tabs, link_note: gr.Markdown, switch: gr.Checkbox,
         switched: gr.events.Dependency, gen: SimpleNamespace, arena: SimpleNamespace, time_machine: SimpleNamespace,
         mode_collapse: SimpleNamespace, quiz: SimpleNamespace) -> None:
    """Call inside `demo`, after the tabs: the URL opens its view when the page loads (into `tabs`, `link_note`
    and the settings of the tabs' namespaces), a link's seed outlasts presenter mode's reset (`switched`: the
    presenter switch's event), and each tab gets its "Link to this view" button."""
    epochs = run_epochs(lab)
    tm, mc = time_machine, mode_collapse
    mc_outputs = [mc.collapsed, mc.healthy, mc.collapse_hist, mc.healthy_hist, mc.figures, mc.text]
    outputs = [tabs, link_note, gen.dataset, gen.label, gen.count, gen.seed, arena.preset, arena.story, *arena.knobs,
               tm.run, tm.epoch, *tm.outputs, mc.epoch, *mc_outputs, quiz.dataset, quiz.seed]

    def view_updates(view: View) -> list:
        """What the page changes to show `view`: every output above, gr.skip() where the view leaves it be."""
        s, notes = view.settings, list(view.notes)
        skip = gr.skip()
        gen_part = arena_part = quiz_part = None
        tm_part = [skip] * (2 + len(tm.outputs))
        mc_part = [skip] * (1 + len(mc_outputs))
        if view.tab == "generate":
            gen_part = [s["dataset"], gr.Dropdown(choices=["any", *CLASS_NAMES[s["dataset"]]], value=s["label"]),
                        s["count"], s["seed"]]
        elif view.tab == "arena":
            base = PRESETS[s["preset"]]
            if s["seed"] == base.seed:
                arena_part = [s["preset"], PRESET_STORY[s["preset"]], *arena_knobs(base)]
            else:  # the preset's knobs with another seed: custom settings, as when the seed is typed in
                arena_part = ["custom", f"**Custom settings:** the {s['preset']} preset with seed {s['seed']}.",
                              *arena_knobs(replace(base, seed=s["seed"]))]
        elif view.tab == "time-machine":
            try:  # the slider for the run, and the run at that epoch (no event of the tab shows it by itself)
                tm_part = [s["model"], tm.pick_run(s["model"], s["epoch"]), *tm.show(s["model"], s["epoch"])]
            except (FileNotFoundError, ValueError) as err:
                notes.append(str(err))
        elif view.tab == "mode-collapse":
            try:
                mc_part = [s["epoch"], *mc.show(s["epoch"])]
            except (FileNotFoundError, ValueError) as err:
                notes.append(str(err))
        elif view.tab == "quiz":
            quiz_part = [s["dataset"], s["seed"]]
        return [gr.Tabs(selected=view.tab), note_update(notes), *(gen_part or [skip] * 4),
                *(arena_part or [skip] * (2 + len(arena.knobs))), *tm_part, *mc_part, *(quiz_part or [skip] * 2)]

    def open_view(request: gr.Request) -> list:
        query = dict(request.query_params)
        if not names_a_view(query):  # a plain address: leave the page be (a visitor may already have picked a tab)
            return [gr.skip()] * len(outputs)
        return view_updates(parse_view(query, epochs))

    def keep_seed(on: bool, request: gr.Request):
        """After presenter mode put the seeds back to their start values: a Generate link's seed is this page's."""
        view = parse_view(dict(request.query_params), epochs)
        return view.settings["seed"] if on and view.tab == "generate" else gr.skip()

    demo.load(open_view, None, outputs, queue=False, api_visibility="private")
    switched.then(keep_seed, switch, gen.seed, queue=False, api_visibility="private")

    # each tab: the components its link reads, and how their values become a link's settings
    reads = {
        "generate": ([gen.dataset, gen.label, gen.count, gen.seed], lambda d, lb, c, s: (
            {"dataset": d, "label": lb, "count": c, "seed": s}, "")),
        "arena": ([arena.preset, *arena.knobs], lambda preset, *knobs: arena_view_settings(preset, knobs)),
        "time-machine": ([tm.run, tm.epoch], lambda run, epoch: ({"model": run, "epoch": epoch}, "")),
        "mode-collapse": ([mc.epoch], lambda epoch: ({"epoch": epoch}, "")),
        "quiz": ([quiz.dataset, quiz.seed], lambda d, s: ({"dataset": d, "seed": s}, "")),
    }
    assert set(reads) == set(SETTINGS), "every tab with settings in links reads them here"

    def linker(tab_id: str):
        """The button's function for tab `tab_id`: the link of what the tab shows now (in presenter mode with
        `presenter=1`), and a warning for what the link cannot keep."""

        def make_link(request: gr.Request, on: bool, *values) -> str:
            settings, warning = reads[tab_id][1](*values) if tab_id in reads else ({}, "")
            view = parse_view({PARAM_TAB: tab_id, **settings}, epochs)  # the page's values, checked as a link's
            for text in [warning, *view.notes]:
                if text:
                    gr.Warning(text)
            return view_link(page_address(request.url, dict(request.headers)), view, presenter=bool(on))

        return make_link

    with tabs:  # re-enter the built tabs: the button and its box join the foot of each
        for tab_id, tab in tab_blocks(tabs).items():
            with tab, gr.Row(elem_classes=["view-link"]):
                button = gr.Button(LABEL, size="sm", scale=0, min_width=170, elem_id=f"link-{tab_id}")
                # editable, so that its text can be selected and copied where the clipboard is refused; no copy
                # button of its own (the button above copies; in Gradio 6.31 the textbox's copy button sits in its
                # <label>, which then labels the button instead of the box)
                box = gr.Textbox(label="This view's link", scale=4, elem_id=f"link-{tab_id}-text",
                                 placeholder=f"Press “{LABEL}” for the link to this tab with its settings")
            inputs = [switch, *reads.get(tab_id, ([],))[0]]
            button.click(linker(tab_id), inputs, box, queue=False, api_visibility="private").then(
                None, box, None, js=COPY_JS, api_visibility="private")
