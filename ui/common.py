"""What every tab shares: showing bad input as a message on the page."""

import functools

import gradio as gr

from lab.preprocess import PreprocessError


def friendly(fn):
    """Show bad input as a message on the page instead of a crash."""

    @functools.wraps(fn)
    def wrapper(*args):
        try:
            return fn(*args)
        except (ValueError, PreprocessError, FileNotFoundError) as err:
            raise gr.Error(str(err)) from err

    return wrapper
