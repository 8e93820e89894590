"""Room mode's logic on the shipped weights and a real SQLite store: codes, names, phases, votes, points, the
tally, the CSV and the room as a judge."""

import csv
import io
import itertools

import numpy as np
import pytest
from PIL import Image

from lab.quiz import new_round
from lab.room.game import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Rooms,
    markdown_text,
    new_code,
    parse_code,
    parse_name,
    random_name,
    round_points,
    wilson,
)
from lab.room.rounds import LESSON, ROUNDS, answer_of, explain, parse_sequence
from lab.room.store import SQLiteStore

DISCRIMINATOR = ROUNDS["why-discriminator"]
RIGHT = DISCRIMINATOR.answer
WRONG = DISCRIMINATOR.choices[1]


@pytest.fixture
def rooms(shipped_lab, tmp_path):
    ticks = itertools.count(1000.0, 1.0)  # a clock that moves one second per call
    return Rooms(shipped_lab, SQLiteStore(tmp_path / "rooms.sqlite3"), clock=lambda: next(ticks))


def test_codes_avoid_the_characters_people_confuse():
    codes = {new_code() for _ in range(200)}
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("0O1I") & set(CODE_ALPHABET)
    assert len(codes) > 190
    assert parse_code(" kx7-pq ") == "KX7PQ"
    for bad in ("KX0PQ", "KX7P", "KX7PQQ", "", None):
        with pytest.raises(ValueError, match="5 letters and digits, like KX7PQ"):
            parse_code(bad)


def test_names_are_plain_text_up_to_24_characters():
    assert parse_name("  Ada   Lovelace ") == "Ada Lovelace"
    assert len(random_name().split()) == 2
    for bad, message in (("", "Type a name"), ("x" * 25, "at most 24 characters; this one has 25"),
                         ("<b>hi</b>", "plain text"), ("**bold**", "plain text"), ("a\x00b", "plain text")):
        with pytest.raises(ValueError, match=message):
            parse_name(bad)


def test_points_and_the_wilson_interval():
    assert [round_points(True, s) for s in (1, 2, 3, 5, 9)] == [100, 125, 150, 200, 200]
    assert round_points(False, 0) == 0
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(20, 20)[1] == 1.0


def test_sequences_default_to_the_lesson_and_name_known_rounds():
    assert parse_sequence(None) == list(LESSON) and parse_sequence("") == list(LESSON)
    assert parse_sequence("kl-term, image-mnist-gan") == ["kl-term", "image-mnist-gan"]
    with pytest.raises(ValueError, match="Unknown round 'nope'"):
        parse_sequence(["kl-term", "nope"])
    kinds = {ROUNDS[i].kind for i in LESSON}
    assert kinds == {"image", "concept", "predict"}


def test_every_round_has_its_answer_among_its_choices_and_a_measured_explanation(shipped_lab):
    for r in ROUNDS.values():
        assert answer_of(shipped_lab, r) in r.choices, r.id
        text = explain(shipped_lab, r)
        assert "{" not in text, r.id
    assert "VAE 0.62" in explain(shipped_lab, ROUNDS["why-blurry"])  # vae-mnist's sharpness_ratio 0.624
    assert answer_of(shipped_lab, ROUNDS["predict-epoch-1"]) == "20 to 60 %"  # gan-mnist epoch 1: 35.6 %
    sources = [answer_of(shipped_lab, ROUNDS[f"image-mnist-{s}"]) for s in ("gan", "vae", "real")]
    assert sources == ["GAN", "VAE", "Real"]


def test_a_whole_room_from_open_to_podium(rooms):
    room = rooms.open(["why-discriminator", "image-mnist-gan"])
    code, key = room["code"], room["key"]
    ada = rooms.join(code.lower(), "Ada")
    bob = rooms.join(code)
    cy = rooms.join(code, "Cy")
    assert bob["name"] != "" and len(bob["pid"]) == 16
    assert rooms.join(code, "Ada L", pid=ada["pid"])["pid"] == ada["pid"]  # back on the same phone, renamed

    with pytest.raises(ValueError, match="has not started yet"):
        rooms.vote(code, ada["pid"], RIGHT)
    assert "prompt" not in rooms.student_view(code, ada["pid"])  # ready: nothing to read ahead
    rooms.control(code, key, "start")
    rooms.vote(code, ada["pid"], WRONG)
    rooms.vote(code, ada["pid"], RIGHT.upper())  # changed before Lock, any case
    rooms.vote(code, bob["pid"], WRONG)
    with pytest.raises(ValueError, match="Unknown answer"):
        rooms.vote(code, cy["pid"], "maybe")
    view = rooms.presenter_view(code, key)
    assert (view["joined"], view["answered"], view["round"], view["rounds"]) == (3, 2, 1, 2)
    assert "tally" not in view and "answer" not in view  # hidden until Reveal
    assert "answer" not in rooms.student_view(code, ada["pid"])
    rooms.control(code, key, "lock")
    with pytest.raises(ValueError, match="locked"):
        rooms.vote(code, cy["pid"], RIGHT)
    with pytest.raises(ValueError, match="Reveal this round first"):
        rooms.control(code, key, "next")
    rooms.control(code, key, "reveal")
    view = rooms.presenter_view(code, key)
    assert view["answer"] == RIGHT and view["tally"] == [1, 1, 0, 0]
    assert "generator never sees a real image" in view["explanation"]
    board = [(row["name"], row["points"], row["place"]) for row in view["leaderboard"]]
    assert board[0] == ("Ada L", 100, 1) and set(board[1:]) == {("Cy", 0, 2), (bob["name"], 0, 2)}  # a tie
    mine = rooms.student_view(code, ada["pid"])["you"]
    assert (mine["correct"], mine["points"], mine["place"], mine["of"]) == (True, 100, 1, 3)

    rooms.control(code, key, "next")
    rooms.control(code, key, "start")
    student = rooms.student_view(code, bob["pid"])
    assert student["image"] == f"room/image/{code}/2.png" and student["choices"] == ["Real", "VAE", "GAN"]
    for person, guess in ((ada, "GAN"), (bob, "Real"), (cy, "Real")):
        rooms.vote(code, person["pid"], guess)
    rooms.control(code, key, "reveal")
    with pytest.raises(ValueError, match="last round"):
        rooms.control(code, key, "next")
    rooms.control(code, key, "end")
    final = rooms.presenter_view(code, key)
    assert final["phase"] == "ended" and final["tally"] == [2, 0, 1]
    assert [(row["name"], row["points"]) for row in final["podium"]][0] == ("Ada L", 225)  # 100 + 125 (streak)
    assert rooms.judge_table() == [{"dataset": "MNIST", "source": "GAN", "answers": 3, "taken_for_real": 2,
                                    "share": 0.6667, "low": 0.2077, "high": 0.9385}]
    with pytest.raises(ValueError, match="has ended"):
        rooms.join(code)

    rows = list(csv.DictReader(io.StringIO(rooms.answers_csv(code, key))))
    assert len(rows) == 5 and {r["name"] for r in rows} == {"Ada L", bob["name"], "Cy"}
    assert [(r["round"], r["answer"], r["correct"]) for r in rows if r["name"] == "Ada L"] == [
        ("1", RIGHT, "True"), ("2", "GAN", "True")]
    assert all(0 < float(r["seconds"]) < 20 for r in rows)  # after its own round opened, on the test's clock


def test_only_the_presenters_browser_runs_the_room(rooms):
    room = rooms.open(["kl-term"])
    with pytest.raises(ValueError, match="Only the browser that opened room"):
        rooms.control(room["code"], "guess", "start")
    with pytest.raises(ValueError, match="Only the browser"):
        rooms.answers_csv(room["code"], "")
    with pytest.raises(ValueError, match="There is no room"):
        rooms.join("ZZZZZ")
    with pytest.raises(ValueError, match="Unknown action"):
        rooms.control(room["code"], room["key"], "explode")
    with pytest.raises(ValueError, match="has not joined"):
        rooms.vote(room["code"], "x" * 16, "Sharper images")


def test_a_restarted_app_resumes_the_room(rooms, shipped_lab):
    room = rooms.open(["kl-term", "likelihood"])
    ada = rooms.join(room["code"], "Ada")
    rooms.control(room["code"], room["key"], "start")
    rooms.vote(room["code"], ada["pid"], "Sharper images")
    again = Rooms(shipped_lab, SQLiteStore(rooms.store.path))  # a new process on the same file
    view = again.presenter_view(room["code"], room["key"])
    assert (view["phase"], view["joined"], view["answered"]) == ("open", 1, 1)
    assert again.student_view(room["code"], ada["pid"])["you"] == {"name": "Ada", "answer": "Sharper images"}


def test_each_room_draws_its_own_picture_from_the_rounds_source(rooms, shipped_lab):
    first, second = rooms.open(["image-mnist-vae", "image-mnist-gan"]), rooms.open(["image-mnist-vae"])
    with pytest.raises(ValueError, match="not started"):
        rooms.picture(first["code"], 1)
    for room in (first, second):
        rooms.control(room["code"], room["key"], "start")
    a, b = rooms.picture(first["code"], 1), rooms.picture(second["code"], 1)
    assert a["seed"] != b["seed"] and not np.array_equal(a["image"], b["image"])  # no answer to look up
    for found in (a, b):
        assert new_round(shipped_lab, found["seed"], "MNIST")[1] == "VAE"  # the quiz's seed gives the source
        assert Image.open(io.BytesIO(found["png"])).size == (224, 224)
    assert rooms.picture(first["code"].lower(), "1") is a  # kept
    with pytest.raises(ValueError, match="not started"):
        rooms.picture(first["code"], 2)
    assert rooms.presenter_view(first["code"], first["key"])["seed"] == a["seed"]


def test_two_clicks_at_once_move_the_room_once_and_judge_once(rooms):
    room = rooms.open(["image-mnist-gan"])
    ada = rooms.join(room["code"], "Ada")
    rooms.control(room["code"], room["key"], "start")
    rooms.vote(room["code"], ada["pid"], "Real")
    stale = rooms.room(room["code"])  # what a second click saw before the first one ended the room
    rooms.control(room["code"], room["key"], "end")
    rooms.room = lambda code: stale  # the second click acts on what it saw
    with pytest.raises(ValueError, match="moved on meanwhile"):
        rooms.control(room["code"], room["key"], "end")
    del rooms.room
    assert rooms.judge_table()[0]["answers"] == 1  # judged once


def test_end_before_a_round_opens_scores_nothing_and_names_stay_unique(rooms):
    room = rooms.open(["kl-term", "likelihood"])
    ada = rooms.join(room["code"], "Ada")
    with pytest.raises(ValueError, match="already called ada: pick another name"):
        rooms.join(room["code"], "ada")
    names = {rooms.join(room["code"])["name"] for _ in range(40)}
    assert len(names) == 40  # made-up names are never handed out twice in a room
    rooms.control(room["code"], room["key"], "start")
    rooms.vote(room["code"], ada["pid"], ROUNDS["kl-term"].answer)
    rooms.control(room["code"], room["key"], "reveal")
    rooms.control(room["code"], room["key"], "next")
    rooms.control(room["code"], room["key"], "end")  # round 2 never opened
    final = rooms.presenter_view(room["code"], room["key"])
    assert rooms.scored_rounds(rooms.room(room["code"])) == [0]
    assert final["podium"][0]["streak"] == 1 and final["podium"][0]["points"] == 100


def test_names_are_safe_on_the_projector_and_in_a_spreadsheet(rooms):
    room = rooms.open(["kl-term"])
    ada = rooms.join(room["code"], "=HYPERLINK(1)")
    rooms.control(room["code"], room["key"], "start")
    rooms.vote(room["code"], ada["pid"], "Sharper images")
    assert "'=HYPERLINK(1)" in rooms.answers_csv(room["code"], room["key"])
    assert markdown_text("www.x.io $1$ ~~s~~") == r"www\.x\.io \$1\$ \~\~s\~\~"
    with pytest.raises(ValueError, match="Only the browser"):
        rooms.control(room["code"], "clé", "lock")  # a key that is not ASCII is refused, not a crash
