"""The floor app (benchmarks/floor_app.py) is generated from the real app, so it cannot drift from it: the
same public endpoints with the same parameters, and the benchmarks have a realistic request for each."""

import pytest

from app import build_demo
from benchmarks.bench import requests
from benchmarks.floor_app import build_floor, public_endpoints
from benchmarks.soak import make_uploads


@pytest.fixture(scope="module")
def demo(shipped_lab):
    return build_demo(shipped_lab)


@pytest.fixture(scope="module")
def shipped_lab():
    from lab.loading import load_lab

    return load_lab("weights", namespace="")


def api(blocks):
    """{endpoint: [(parameter name, component, default)], returns: [component]} as the API page lists them."""
    info = blocks.get_api_info()["named_endpoints"]
    return {name: ([(p["parameter_name"], p["component"], p.get("parameter_default")) for p in e["parameters"]],
                   [r["component"] for r in e["returns"]]) for name, e in info.items()}


def test_the_floor_has_the_apps_public_endpoints_with_the_same_parameters(demo):
    endpoints = public_endpoints(demo)
    assert {"/generate", "/reconstruct", "/manifold", "/arena", "/invert", "/quiz_answer"} <= set(endpoints)
    floor = build_floor(demo, {name: [None] for name in endpoints})
    assert api(floor) == api(demo)
    for name, fn in public_endpoints(floor).items():  # the same queue settings per event
        assert (fn.concurrency_limit, fn.concurrency_id) == (endpoints[name].concurrency_limit,
                                                             endpoints[name].concurrency_id), name

def test_every_public_endpoint_has_a_realistic_request(demo, tmp_path):
    table = requests(make_uploads(tmp_path))
    covered = {request.extra.get("api_name", name) for name, request in table.items()}
    assert set(public_endpoints(demo)) <= covered
    for name, request in table.items():
        if request.before:
            assert request.before in table, name
