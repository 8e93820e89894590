"""ui/access.py: every picture the page shows has a text alternative, the theme's text keeps WCAG's contrast,
and the script that repairs Gradio's markup knows every example picture by name."""

import gradio as gr

from lab.examples import ANOMALY, DENOISE, DESCRIPTIONS, INVERT, RECONSTRUCT, USE_CASES
from tests.colour import contrast
from ui import access
from ui.common import ImageUpload


def test_every_picture_on_the_page_says_what_it_shows(demo):
    pictures = [block for block in demo.blocks.values()
                if isinstance(block, gr.Image) and not isinstance(block, ImageUpload)]
    assert len(pictures) >= 30
    missing = [block.label for block in pictures if not (block.alt_text or "").strip()]
    assert not missing, missing
    used = {block.alt_text for block in pictures}
    assert set(access.ALT_TEXT.values()) <= used  # no description left unused


def test_every_example_picture_has_a_name_for_its_thumbnail():
    for example in {*RECONSTRUCT, *INVERT, *ANOMALY, *DENOISE, *USE_CASES}:
        assert DESCRIPTIONS[example.file] == example.description and len(example.description) > 10
        assert example.file in access.HEAD  # the script names the thumbnail by its file
    assert DESCRIPTIONS["house.png"] == "a house drawn in ink, not a digit"
    assert DESCRIPTIONS["photo_mnist_test18_3.jpg"] == "a photo of a handwritten 3 on paper"


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_primary_buttons_and_soft_text_keep_their_contrast():
    theme, white = access.THEME, (255, 255, 255)
    assert theme.button_primary_background_fill == "*primary_700" and theme.button_primary_text_color == "white"
    assert theme.body_text_color_subdued == "*neutral_600" and theme.color_accent == "*primary_700"
    assert contrast(white, rgb(theme.primary_700)) >= 4.5  # white on the buttons: 5.2:1
    assert contrast(white, rgb(theme.primary_800)) >= 4.5  # and on the buttons under the mouse
    assert contrast(rgb(theme.neutral_600), white) >= 4.5  # soft text on white: 7.7:1
    assert contrast(rgb(theme.primary_700), white) >= 4.5  # the selected tab's name
