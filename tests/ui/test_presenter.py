"""ui/presenter.py: the URL switch, what the switch changes on the server, and the marked parts of a page."""

import gradio as gr
import pytest

from ui.presenter import CSS, explain, explanation, marked, mode_updates, requested


@pytest.mark.parametrize("query, on", [({"presenter": "1"}, True), ({"presenter": "true"}, True),
                                       ({"presenter": " On "}, True), ({"presenter": "0"}, False),
                                       ({"presenter": ""}, False), ({"other": "1"}, False), ({}, False)])
def test_the_url_asks_for_presenter_mode(query, on):
    assert requested(query) is on


def test_presenter_mode_pins_the_seeds_and_closes_the_explanations():
    updates = mode_updates(True, [0, 1], 3)
    assert updates[:2] == [0, 1]  # the seeds back to their start values
    assert [u.open for u in updates[2:]] == [False, False, False]  # gr.Accordion updates


def test_normal_mode_opens_the_explanations_and_leaves_the_seeds():
    updates = mode_updates(False, [0, 7], 2)
    assert len(updates) == 4
    assert all(isinstance(u, type(gr.skip())) for u in updates[:2])  # a seed the user typed stays
    assert [u.open for u in updates[2:]] == [True, True]


def test_explanations_are_marked_accordions_in_page_order():
    with gr.Blocks() as demo:
        first = explain("**One.**", "About one")
        gr.Markdown("not an explanation")
        with explanation("About two"), gr.Row():
            gr.Markdown("**Two.**")
        gr.Slider(elem_classes=["presenter-hide"])
    found = marked(demo, "explain")
    assert [block.label for block in found] == ["About one", "About two"]
    assert all(isinstance(block, gr.Accordion) and block.open for block in found)
    assert first.value == "**One.**"
    assert len(marked(demo, "presenter-hide")) == 1


def test_the_css_sets_body_text_to_22_px_only_in_presenter_mode():
    rule = CSS.split("}")[0]
    assert rule.startswith("body.presenter {")
    assert "--body-text-size: 22px;" in rule and "--prose-text-size: 22px;" in rule
    assert "body.presenter .presenter-hide" in CSS
