"""The floor: a Gradio app with the real app's API endpoints that computes nothing.

    python -m benchmarks.floor_app            # serves on GRADIO_SERVER_PORT (default 7861)

It is generated from the real app (app.py `build_demo`), so it cannot drift from it: for every named
endpoint a client can call (public, and undocumented ones such as the page's chained /reconstruct_details),
the same API name and visibility, new input and output components of the same classes and settings,
the same concurrency limit and id, and the queue's settings. Its function returns, for any input, a
stored answer of the real endpoint (recorded once at start with benchmarks/bench.py's realistic
request): the same PNG sizes, the same JSON. A request to it costs what Gradio itself costs
(the queue, preprocessing the inputs, encoding the PNGs, the server-sent events), which is the floor
that `python -m benchmarks serving` compares the app with. Not a benchmark itself: `serving` starts it.
"""

from __future__ import annotations

import inspect
import os
import tempfile
from pathlib import Path

import gradio as gr

from benchmarks.bench import Request, app_demo, make_uploads, requests


def api_endpoints(demo: gr.Blocks) -> dict[str, object]:
    """The demo's named endpoints that a client can call, {"/generate": BlockFunction, ...}: the public ones its
    API page lists, and the undocumented ones (callable, not listed)."""
    return {f"/{fn.api_name}": fn for fn in demo.fns.values()
            if fn.fn is not None and fn.api_visibility in ("public", "undocumented")}


def clone(component: gr.components.Component) -> gr.components.Component:
    """A new component of the same class with the same constructor arguments (rendered in the open Blocks)."""
    # rendered even where the app made it with render=False and placed it later with .render()
    return type(component)(**{**component.constructor_args, "render": True})


def is_api_only(fn) -> bool:
    """An endpoint made by gr.api: its inputs and outputs are placeholders, not components on the page."""
    from gradio.components.api_component import Api

    return all(isinstance(c, Api) for c in [*fn.inputs, *fn.outputs])


def direct_call(fn, args: tuple):
    """Call an event's function as Gradio would after preprocessing: `args`, and None for a gr.Request."""
    params = list(inspect.signature(fn.fn).parameters.values())[len(args):]
    return fn.fn(*args, *[None for p in params if p.annotation in (gr.Request, "gr.Request")])


def realistic_args(endpoints: dict, table: dict[str, Request], name: str, answers: dict, i: int = 0) -> tuple:
    """The arguments of request `i` of endpoint `name` as its function receives them. A gr.State input that
    the `before` endpoint outputs (the reconstruction's details, the quiz round) takes the value that
    endpoint's recorded answer holds, as the server's session state would."""
    request = table[name]
    args = list(request.direct_args(i))
    if request.before:
        before = endpoints[request.before]
        answer = answers[request.before][-1]
        answer = answer if len(before.outputs) > 1 else [answer]
        for k, component in enumerate(endpoints[request.extra.get("api_name", name)].inputs):
            if isinstance(component, gr.State) and component in before.outputs:
                args[k] = answer[before.outputs.index(component)]
    return tuple(args)


def record_answers(demo: gr.Blocks, table: dict[str, Request]) -> dict[str, list]:
    """Call every endpoint's function once, directly, with its realistic arguments; {name: [outputs
    of each yield]} (one entry for a plain function, every frame for a generator such as /arena). The
    endpoints that others need first (`before`) are called first."""
    endpoints = api_endpoints(demo)
    missing = [name for name in endpoints if name not in table]
    if missing:
        raise KeyError(f"no realistic request for {missing}: add them to benchmarks/bench.py `requests`")
    answers = {}
    for name in sorted(endpoints, key=lambda n: table[n].before is not None):
        result = direct_call(endpoints[name], realistic_args(endpoints, table, name, answers))
        answers[name] = list(result) if endpoints[name].types_generator else [result]
    return answers


def build_floor(demo: gr.Blocks, answers: dict[str, list]) -> gr.Blocks:
    """The floor app of `demo`: its endpoints that a client can call, each returning its stored answer."""
    endpoints = api_endpoints(demo)
    with gr.Blocks(title="floor") as floor:
        for name, fn in endpoints.items():
            frames = answers[name]
            inputs = [] if is_api_only(fn) else [clone(c) for c in fn.inputs]
            outputs = [] if is_api_only(fn) else [clone(c) for c in fn.outputs]

            if fn.types_generator:
                def respond(*_, frames=frames):
                    yield from frames
            else:
                def respond(*_, frames=frames):
                    return frames[0]  # Gradio still encodes every PNG and serialises the JSON per request

            respond.__signature__ = inspect.signature(fn.fn)  # the same parameters (names, gr.Request, gr.Progress)
            if is_api_only(fn):  # made by gr.api (the room's endpoints): typed by its function, no components
                respond.__annotations__ = dict(fn.fn.__annotations__)
                gr.api(respond, api_name=fn.api_name, concurrency_limit=fn.concurrency_limit,
                       concurrency_id=fn.concurrency_id, queue=fn.queue, api_visibility=fn.api_visibility)
                continue
            gr.Button(name, visible=False).click(
                respond, inputs, outputs, api_name=fn.api_name, concurrency_limit=fn.concurrency_limit,
                concurrency_id=fn.concurrency_id, queue=fn.queue, api_visibility=fn.api_visibility)
    queue = getattr(demo, "_queue", None)
    if queue is not None:
        floor.queue(max_size=queue.max_size, default_concurrency_limit=queue.default_concurrency_limit)
    return floor


def main() -> None:
    from app import LAUNCH

    demo = app_demo()
    uploads = make_uploads(Path(tempfile.mkdtemp(prefix="floor-")))
    floor = build_floor(demo, record_answers(demo, requests(uploads)))
    floor.launch(server_name="127.0.0.1", server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7861")),
                 quiet=True, **LAUNCH)


if __name__ == "__main__":
    main()
