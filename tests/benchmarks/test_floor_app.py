"""The floor app (benchmarks/floor_app.py) is generated from the real app, so it cannot drift from it: the
same API endpoints (public and undocumented) with the same parameters, and the benchmarks have a realistic
request for each.
(`demo` and `served` are tests/benchmarks/conftest.py's.)"""

from benchmarks.bench import make_uploads, requests
from benchmarks.floor_app import api_endpoints, build_floor


def api(blocks):
    """{endpoint: ([(parameter name, component, default)], [returned component], visibility)} of every endpoint a
    client can call, as the API page describes them."""
    info = blocks.get_api_info(all_endpoints=True)["named_endpoints"]
    return {name: ([(p["parameter_name"], p["component"], p.get("parameter_default")) for p in e["parameters"]],
                   [r["component"] for r in e["returns"]], e["api_visibility"]) for name, e in info.items()}


def test_the_floor_has_the_apps_api_endpoints_with_the_same_parameters(demo):
    endpoints = api_endpoints(demo)
    assert {"/generate", "/reconstruct", "/manifold", "/arena", "/invert", "/quiz_answer",
            "/reconstruct_details"} <= set(endpoints)
    floor = build_floor(demo, {name: [None] for name in endpoints})
    assert api(floor) == api(demo)
    for name, fn in api_endpoints(floor).items():  # the same queue settings per event
        assert (fn.concurrency_limit, fn.concurrency_id) == (endpoints[name].concurrency_limit,
                                                             endpoints[name].concurrency_id), name


def test_every_api_endpoint_has_a_realistic_request(demo, tmp_path):
    table = requests(make_uploads(tmp_path))
    covered = {request.extra.get("api_name", name) for name, request in table.items()}
    assert set(api_endpoints(demo)) <= covered
    for name, request in table.items():
        if request.before:
            assert request.before in table, name


def test_the_served_floor_answers_with_the_apps_stored_answer(served):
    from gradio_client import Client

    app, floor = (Client(served[k], verbose=False, download_files=False) for k in ("app", "floor"))
    stored = floor.predict("MNIST", api_name="/generate_classes")  # its realistic request asks for Fashion-MNIST's
    assert "Sneaker" in str(stored) and stored == app.predict("Fashion-MNIST", api_name="/generate_classes")
