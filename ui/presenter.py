"""Presenter mode, for a projector at 1280x720: large type, each tab's result on screen without scrolling,
the explanations folded into closed accordions, secondary controls hidden and the seeds fixed, so that the
room and the students' laptops see the same digits. Turned on by the switch on the page or by the URL
(`?presenter=1`).

How it works: the switch's change event puts the class `presenter` on <body> (in the browser, `TOGGLE_JS`)
and every rule of `CSS` that starts with `body.presenter` applies. The tabs mark their parts with
`elem_classes`: "explain" on an explanation (made by `explain`), "presenter-hide" on a control the lecture does
without (the seeds among them). On the server the switch closes or opens the "explain" accordions and puts
the seeds that app.py names back to their start values (`mode_updates`)."""

from collections.abc import Mapping

import gradio as gr

PARAM = "presenter"  # ?presenter=1
ON = {"1", "true", "yes", "on"}

# Runs in the browser before the server's part of the switch's change event; its return value is the input.
TOGGLE_JS = """(on) => {
  document.body.classList.toggle('presenter', Boolean(on));
  if (on) window.scrollTo(0, 0);
  return on;
}"""

# The theme's sizes are CSS variables on :root; presenter mode sets them larger on <body>.
_SIZES = {
    "text-xxs": 16, "text-xs": 18, "text-sm": 20, "text-md": 22, "text-lg": 24, "text-xl": 28, "text-xxl": 32,
    "body-text-size": 22, "prose-text-size": 22, "block-label-text-size": 20, "block-title-text-size": 22,
    "block-info-text-size": 20, "section-header-text-size": 22, "checkbox-label-text-size": 22,
    "input-text-size": 22, "button-large-text-size": 24, "button-medium-text-size": 22, "button-small-text-size": 20,
}
CSS = "body.presenter {" + " ".join(f"--{name}: {px}px;" for name, px in _SIZES.items()) + """
  --layout-gap: 10px; font-size: 22px; }
body.presenter .presenter-hide, body.presenter #intro, body.presenter #reconstruct-steps { display: none !important; }
body.presenter .prose, body.presenter .prose p, body.presenter .prose li, body.presenter .prose td,
body.presenter .prose th { font-size: 22px !important; line-height: 1.3; }
body.presenter .prose small { font-size: 18px; }
body.presenter .prose li { margin: 0 !important; }
body.presenter button.lg { padding-top: 4px !important; padding-bottom: 4px !important; }
/* a row's form whose every control is hidden takes no room */
body.presenter .form:not(:has(> :not(.presenter-hide))) { display: none !important; }
/* compact chrome: the page starts at the top, the switch is one short line, all 13 tabs fit in one row */
body.presenter .gradio-container > .main, body.presenter main.contain { padding-top: 0 !important; }
body.presenter #presenter-switch { padding: 0 8px !important; border: none !important; min-height: 0; }
body.presenter #presenter-switch span { font-size: 16px !important; }
body.presenter .tab-container button { font-size: 17px !important; padding: 0 7px !important; }
body.presenter .explain { padding-top: 2px !important; padding-bottom: 2px !important; }
/* results first: a tab's result above its inputs, under its (closed) explanation */
body.presenter .explain { order: -3; }
body.presenter #reconstruct-results, body.presenter #reconstruct-verdict { order: -2; }
body.presenter #reconstruct-results > .block { height: 190px !important; }
body.presenter #reconstruct-upload, body.presenter #reconstruct-drawing { height: 150px !important; }
body.presenter #use-cases-results, body.presenter #use-cases-readout { order: -2; }
body.presenter #use-cases-results > .block { height: 200px !important; }
body.presenter #use-cases-upload, body.presenter #use-cases-drawing { height: 150px !important; }
/* tables: compact cells, no word broken in two */
body.presenter .prose td, body.presenter .prose th { padding: 3px 8px !important; line-height: 1.2;
  overflow-wrap: normal !important; word-break: normal !important; }
/* KL & encoder: the two maps narrow, the figures beside them wide; the decodes below */
body.presenter #kl-maps > .block:not(#kl-figures) { flex: 0 0 235px !important; height: 245px !important; }
body.presenter #kl-grids > .block { height: 175px !important; }
body.presenter #kl-maps, body.presenter #kl-grids { --block-label-text-size: 15px; }
body.presenter #kl-decode { font-size: 20px !important; }
/* anomalies: the histogram and the ROC curve under the readout */
body.presenter #anomaly-histogram, body.presenter #anomaly-roc { height: 270px !important; }
body.presenter #arena-story { display: none !important; }
/* the arena's step buttons on one line under the picture, in smaller type than the rest (they are big buttons) */
body.presenter #arena-step-row { gap: 4px !important; }
body.presenter #arena-step-row button { font-size: 17px !important; padding: 2px 4px !important;
  min-width: 0 !important; flex: 1 1 auto !important; white-space: nowrap; }
body.presenter #arena-layers label { padding: 2px 6px !important; }
/* the layer boxes' title only for screen readers, so both rows of boxes stay on a 720-px screen */
body.presenter #arena-layers [data-testid="block-info"] { position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
body.presenter #arena-layers { padding-top: 4px !important; padding-bottom: 4px !important; }
body.presenter #quiz-verdict h3 { margin: 0 0 4px !important; }
body.presenter #quiz-verdict p { margin: 4px 0 !important; }
/* the phone (390 px wide): wide tables scroll inside themselves, not the page */
.prose table { display: block; overflow-x: auto; max-width: 100%; }
"""


def requested(query_params: Mapping[str, str]) -> bool:
    """Whether the page's URL asks for presenter mode (`?presenter=1`; also true, yes, on)."""
    return str(query_params.get(PARAM, "")).strip().lower() in ON


def explain(text: str, label: str = "Explanation", **markdown) -> gr.Markdown:
    """A tab's explanation: open in an accordion, which presenter mode closes."""
    with explanation(label):
        return gr.Markdown(text, **markdown)


def explanation(label: str = "Explanation") -> gr.Accordion:
    """An accordion (open; presenter mode closes it) for a tab's explanation of several parts:
    `with explanation("..."), gr.Row(): ...`"""
    return gr.Accordion(label, open=True, elem_classes=["explain"])


def marked(demo: gr.Blocks, mark: str) -> list:
    """The components of `demo` that carry `mark` in their elem_classes, in page order."""
    return [block for block in demo.blocks.values() if mark in (getattr(block, "elem_classes", None) or [])]


def mode_updates(on: bool, seeds: list[int], n_explain: int) -> list:
    """What the switch changes on the server: in presenter mode the seeds go back to their start values
    (`seeds`; they are hidden, so they stay there) and the `n_explain` explanations close; back in
    normal mode the explanations open and the seeds stay as they are."""
    seed_values = [seed if on else gr.skip() for seed in seeds]
    return [*seed_values, *(gr.Accordion(open=not on) for _ in range(n_explain))]


def switch() -> gr.Checkbox:
    """The switch on the page (its events are wired by `wire`, once the tabs exist)."""
    return gr.Checkbox(False, label="Presenter mode (projector): large type, results first, fixed seeds",
                       elem_id="presenter-switch", container=False)


def wire(demo: gr.Blocks, toggle: gr.Checkbox, seeds: list[gr.Number]) -> gr.events.Dependency:
    """Wire `toggle` (made by `switch`) to `seeds` and the tabs' explanations, and `?presenter=1` to `toggle`.
    Returns the switch's event, for what must follow it (ui/links.py: a link's seed after the reset)."""
    explanations = marked(demo, "explain")
    start = [int(seed.value) for seed in seeds]

    def from_url(request: gr.Request) -> bool:
        return requested(request.query_params)

    switched = toggle.change(lambda on: mode_updates(on, start, len(explanations)), toggle,
                             [*seeds, *explanations], js=TOGGLE_JS, queue=False, api_visibility="private")
    demo.load(from_url, None, toggle, queue=False, api_visibility="private")
    return switched
