"""Room mode through its API: the presenter's named endpoints (gradio_client) and the students' routes (plain
HTTP, as the phones' page calls them), on the session's app and its SQLite room store."""

import io
import json
import urllib.error
import urllib.request

import pytest
from PIL import Image

from lab.room.rounds import ROUNDS


def call(app_url: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    """GET `path` (POST `body` as JSON when given): (status, body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(app_url + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def ok(app_url: str, path: str, body: dict | None = None) -> dict:
    status, raw = call(app_url, path, body)
    assert status == 200, raw
    return json.loads(raw)


def test_a_room_through_the_api(app_url, client):
    from gradio_client.exceptions import AppError

    room = client.predict("kl-term, image-mnist-vae", api_name="/room_open")
    code, secret = room["code"], room["secret"]
    assert room["join"] == f"{app_url}join?room={code}" and len(secret) >= 20
    ada = ok(app_url, f"room/api/{code}/join", {"name": "Ada"})  # a phone, through the students' route
    bo = client.predict(code.lower(), "", api_name="/room_join")  # a notebook, through the named endpoint
    assert ada["name"] == "Ada" and bo["name"] and bo["participant"] != ada["participant"]
    assert bo["room"] == code and secret not in str(client.predict(code, bo["participant"], api_name="/room_question"))

    view = client.predict(code, secret, "start", api_name="/room_control")
    assert (view["phase"], view["joined"], view["answered"]) == ("open", 2, 0)
    right = ROUNDS["kl-term"].answer
    assert ok(app_url, f"room/api/{code}/answer", {"participant": ada["participant"], "round": 1,
                                                   "choice": right}) == {"round": 1, "choice": right}
    assert client.predict(code, bo["participant"], 1, "Sharper images", api_name="/room_answer") == {
        "round": 1, "choice": "Sharper images"}
    seen = client.predict(code, ada["participant"], api_name="/room_question")  # the same view through the queue
    assert seen == ok(app_url, f"room/api/{code}?participant={ada['participant']}")
    assert seen["you"] == {"name": "Ada", "choice": right} and "answer" not in seen and "tally" not in seen
    state = client.predict(code, secret, api_name="/room_state")
    assert (state["joined"], state["answered"]) == (2, 2) and "tally" not in state  # hidden until Reveal

    view = client.predict(code, secret, "reveal", api_name="/room_control")
    assert view["tally"] == [1, 0, 0, 1] and view["answer"] == right  # "Sharper images" is A, the answer D
    assert [(row["name"], row["points"]) for row in view["leaderboard"]][0] == ("Ada", 100)
    mine = ok(app_url, f"room/api/{code}?participant={bo['participant']}")["you"]
    assert (mine["correct"], mine["points"], mine["place"], mine["of"]) == (False, 0, 2, 2)
    assert client.predict(code, secret, api_name="/room_state") == view

    status, raw = call(app_url, f"room/image/{code}/2.png")
    assert status == 400 and b"not started" in raw  # no peeking at the next round's picture
    client.predict(code, secret, "next", api_name="/room_control")
    client.predict(code, secret, "start", api_name="/room_control")
    status, png = call(app_url, f"room/image/{code}/2.png")
    assert status == 200 and Image.open(io.BytesIO(png)).size == (224, 224)
    with pytest.raises(AppError, match="Round 1 is not the open round: the room is on round 2"):
        client.predict(code, ada["participant"], 1, "Real", api_name="/room_answer")
    ok(app_url, f"room/api/{code}/answer", {"participant": ada["participant"], "round": 2, "choice": "Real"})
    client.predict(code, secret, "reveal", api_name="/room_control")
    with pytest.raises(AppError, match="last round: press End"):
        client.predict(code, secret, "next", api_name="/room_control")
    assert client.predict(code, secret, "end", api_name="/room_control")["podium"][0]["name"] == "Ada"
    judged = {(r["dataset"], r["source"]): r for r in client.predict(api_name="/room_judge")}
    assert judged[("MNIST", "VAE")]["answers"] >= 1 and judged[("MNIST", "VAE")]["taken_for_real"] >= 1

    path = client.predict(code, secret, api_name="/room_export")  # the CSV file, downloaded by the client
    rows = open(path, encoding="utf-8").read().splitlines()
    assert rows[0] == "name,round,round_id,answer,correct,seconds" and len(rows) == 1 + 3
    assert rows[-1].startswith("Ada,2,image-mnist-vae,Real,False,")
    for endpoint, args in (("/room_state", ()), ("/room_export", ()), ("/room_control", ("end",))):
        with pytest.raises(AppError, match="Only the browser that opened room"):  # a student's id is no secret
            client.predict(code, bo["participant"], *args, api_name=endpoint)


def test_thirty_phones_join_answer_and_see_their_place(app_url, client):
    """A class of 30 through the phones' routes, as the issue's lesson has it: join by the link's code, answer,
    Lock, Reveal; every phone sees its result and the counts add up."""
    room = client.predict("likelihood", api_name="/room_open")
    code, secret = room["code"], room["secret"]
    phones = [ok(app_url, f"room/api/{code}/join", {}) for _ in range(30)]
    assert len({p["name"] for p in phones}) == 30
    client.predict(code, secret, "start", api_name="/room_control")
    right = ROUNDS["likelihood"].answer
    wrong = next(c for c in ROUNDS["likelihood"].choices if c != right)
    for i, phone in enumerate(phones):  # two in three right
        ok(app_url, f"room/api/{code}/answer", {"participant": phone["participant"], "round": 1,
                                                "choice": wrong if i % 3 == 2 else right})
    state = client.predict(code, secret, "lock", api_name="/room_control")
    assert (state["joined"], state["answered"]) == (30, 30) and "tally" not in state
    late = ok(app_url, f"room/api/{code}/join", {})  # joins after Lock: may watch, may not answer
    status, raw = call(app_url, f"room/api/{code}/answer", {"participant": late["participant"], "round": 1,
                                                            "choice": right})
    assert status == 400 and b"locked" in raw
    state = client.predict(code, secret, "reveal", api_name="/room_control")
    assert state["tally"][state["choices"].index(right)] == 20 and sum(state["tally"]) == 30
    views = [ok(app_url, f"room/api/{code}?participant={p['participant']}")["you"] for p in phones]
    assert [v["correct"] for v in views] == [i % 3 != 2 for i in range(30)]
    assert {v["place"] for v in views} == {1, 21} and all(v["of"] == 31 for v in views)


@pytest.mark.parametrize("path, body, status, message", [
    ("room/api/ZZZZZ", None, 404, b"There is no room ZZZZZ"),
    ("room/api/0000", None, 400, b"5 letters and digits"),
    ("room/api/ZZZZZ/join", {"name": "x"}, 404, b"There is no room"),
    ("room/image/ZZZZZ/1.png", None, 404, b"There is no room"),
])
def test_the_students_routes_refuse_clearly(app_url, path, body, status, message):
    got, raw = call(app_url, path, body)
    assert got == status and message in raw and json.loads(raw)["error"]


def test_bad_bodies_and_names_are_refused(app_url, client):
    room = client.predict("kl-term", api_name="/room_open")
    code = room["code"]
    request = urllib.request.Request(app_url + f"room/api/{code}/join", data=b"not json")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=30)
    assert err.value.code == 400 and b"as JSON" in err.value.read()
    for name, message in (("x" * 25, b"at most 24 characters"), ("<script>", b"plain text")):
        status, raw = call(app_url, f"room/api/{code}/join", {"name": name})
        assert status == 400 and message in raw
    status, raw = call(app_url, f"room/api/{code}/answer",
                       {"participant": "nobody", "round": 1, "choice": "Sharper images"})
    assert status == 400 and b"has not joined" in raw
    status, raw = call(app_url, f"room/api/{code}/join", {"name": "y" * 3000})
    assert status == 400 and b"too long" in raw
    deep = ("[" * 1000 + "]" * 1000).encode()  # under 2 KB, but deeper than Python's JSON parser goes
    request = urllib.request.Request(app_url + f"room/api/{code}/answer", data=deep)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=30)
    assert err.value.code == 400 and b"as JSON" in err.value.read()


def test_the_join_page_is_served(app_url):
    status, html = call(app_url, "join?room=KX7PQ")
    assert status == 200
    assert b'<html lang="en">' in html and b'<label for="code">Room code</label>' in html


def test_a_reload_resumes_the_room_whichever_arrives_first(demo, rooms):
    """At page load the page's address (the load event) and this browser's stored room (localStorage, read when
    its component mounts) arrive in either order; both changes call the same handler, which waits for both and
    leaves a room already on screen alone (CI once lost the room when the address came first)."""
    import gradio as gr

    from ui.room import NO_ROOM

    resumes = [f for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "on_resume"]
    assert len(resumes) == 2  # the page's address and the stored room, each on its own change event
    resume = resumes[0].fn
    room = rooms.open(None)
    host, url = [room["code"], room["secret"]], "http://lab.example/"
    assert resume(["", ""], url, NO_ROOM) == gr.skip()  # no room stored in this browser (or not read yet)
    assert resume(host, "", NO_ROOM) == gr.skip()  # the address not in yet
    shown = resume(host, url, NO_ROOM)
    assert room["code"] in shown[0] and f"{url}join?room={room['code']}" in shown[0]
    assert resume(host, url, shown[0]) == gr.skip()  # already on screen (just opened, or the other event ran)


def test_the_leaderboard_between_rounds_is_one_line_with_ties():
    from ui.room import leaderboard_line

    board = [{"place": 1, "name": "Ada", "points": 200, "streak": 2}, {"place": 2, "name": "Bo", "points": 100,
             "streak": 1}, {"place": 2, "name": "*Cy*", "points": 100, "streak": 0}]
    assert leaderboard_line(board) == r"**Leaderboard:** 1. Ada, 200 points (streak 2) · 2. Bo, 100 · 2. \*Cy\*, 100"
