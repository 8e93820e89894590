"""Room mode's logic on the shipped weights and a real SQLite store: codes, names, phases, votes, points, the
tally, the CSV and the room as a judge."""

import csv
import io
import itertools
import threading
import time

import numpy as np
import pytest
from PIL import Image

from lab.quiz import giveaway_text, new_round, readouts
from lab.room.game import (
    CODE_ALPHABET,
    CODE_LENGTH,
    RoomLimits,
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
WRONG = DISCRIMINATOR.choices[0]


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
    assert answer_of(shipped_lab, ROUNDS["predict-epoch-1"]) == "20 to 60 %"  # gan-mnist epoch 1: 55.7 %
    assert "after the last, epoch 32, **99.8%**" in explain(shipped_lab, ROUNDS["predict-epoch-1"])  # its history
    sources = [answer_of(shipped_lab, ROUNDS[f"image-mnist-{s}"]) for s in ("gan", "vae", "real")]
    assert sources == ["GAN", "VAE", "Real"]
    # the right answer is not always at the same letter: "always A" must not win the concept rounds
    letters = [r.choices.index(answer_of(shipped_lab, r)) for r in ROUNDS.values() if r.kind != "image"]
    assert len(set(letters)) >= 3 and max(letters.count(i) for i in set(letters)) <= len(letters) // 2, letters


def test_a_whole_room_from_open_to_podium(rooms):
    room = rooms.open(["why-discriminator", "image-mnist-gan"])
    code, secret = room["code"], room["secret"]
    ada = rooms.join(code.lower(), "Ada")
    bob = rooms.join(code)
    cy = rooms.join(code, "Cy")
    assert bob["name"] != "" and len(bob["participant"]) == 16
    back = rooms.join(code, "Ada L", participant=ada["participant"])  # back on the same phone, renamed
    assert back["participant"] == ada["participant"]

    with pytest.raises(ValueError, match="has not started yet"):
        rooms.answer(code, ada["participant"], 1, RIGHT)
    assert "prompt" not in rooms.question(code, ada["participant"])  # ready: nothing to read ahead
    rooms.control(code, secret, "start")
    rooms.answer(code, ada["participant"], 1, WRONG)
    rooms.answer(code, ada["participant"], 1, RIGHT.upper())  # changed before Lock, any case
    rooms.answer(code, bob["participant"], 1, WRONG)
    with pytest.raises(ValueError, match="Unknown choice"):
        rooms.answer(code, cy["participant"], 1, "maybe")
    view = rooms.state(code, secret)
    assert (view["joined"], view["answered"], view["round"], view["rounds"]) == (3, 2, 1, 2)
    assert rooms.counts(code, secret) == {"joined": 3, "answered": 2}  # the projector's tick reads these alone
    with pytest.raises(ValueError, match="Only the browser that opened room"):
        rooms.counts(code, "not-the-secret")
    assert "tally" not in view and "answer" not in view  # hidden until Reveal
    assert "answer" not in rooms.question(code, ada["participant"])
    rooms.control(code, secret, "lock")
    with pytest.raises(ValueError, match="locked"):
        rooms.answer(code, cy["participant"], 1, RIGHT)
    with pytest.raises(ValueError, match="Reveal this round first"):
        rooms.control(code, secret, "next")
    rooms.control(code, secret, "reveal")
    view = rooms.state(code, secret)
    assert view["answer"] == RIGHT and view["tally"] == [1, 1, 0, 0]
    assert "generator never sees a real image" in view["explanation"]
    board = [(row["name"], row["points"], row["place"]) for row in view["leaderboard"]]
    assert board[0] == ("Ada L", 100, 1) and set(board[1:]) == {("Cy", 0, 2), (bob["name"], 0, 2)}  # a tie
    mine = rooms.question(code, ada["participant"])["you"]
    assert (mine["correct"], mine["points"], mine["place"], mine["of"]) == (True, 100, 1, 3)

    rooms.control(code, secret, "next")
    rooms.control(code, secret, "start")
    student = rooms.question(code, bob["participant"])
    assert student["image"] == f"room/image/{code}/2.png" and student["choices"] == ["Real", "VAE", "GAN"]
    for person, guess in ((ada, "GAN"), (bob, "Real"), (cy, "Real")):
        rooms.answer(code, person["participant"], 2, guess)
    rooms.control(code, secret, "reveal")
    with pytest.raises(ValueError, match="last round"):
        rooms.control(code, secret, "next")
    rooms.control(code, secret, "end")
    final = rooms.state(code, secret)
    assert final["phase"] == "ended" and final["tally"] == [2, 0, 1]
    image, source = new_round(rooms.lab, final["seed"], "MNIST")  # the room's picture: the Quiz tab's giveaway
    assert source == "GAN" and final["explanation"] == giveaway_text(readouts(rooms.lab, "MNIST", image), "GAN")
    assert "**Sharpness**" in final["explanation"] and "**Nearest training image**" in final["explanation"]
    assert [(row["name"], row["points"]) for row in final["podium"]][0] == ("Ada L", 225)  # 100 + 125 (streak)
    assert rooms.judge_table() == [{"dataset": "MNIST", "source": "GAN", "answers": 3, "taken_for_real": 2,
                                    "share": 0.6667, "low": 0.2077, "high": 0.9385}]
    with pytest.raises(ValueError, match="has ended"):
        rooms.join(code)

    rows = list(csv.DictReader(io.StringIO(rooms.export(code, secret))))
    assert len(rows) == 5 and {r["name"] for r in rows} == {"Ada L", bob["name"], "Cy"}
    assert [(r["round"], r["answer"], r["correct"]) for r in rows if r["name"] == "Ada L"] == [
        ("1", RIGHT, "True"), ("2", "GAN", "True")]
    assert all(0 < float(r["seconds"]) < 20 for r in rows)  # after its own round opened, on the test's clock


def test_only_the_presenters_browser_runs_the_room(rooms):
    room = rooms.open(["kl-term"])
    with pytest.raises(ValueError, match="Only the browser that opened room"):
        rooms.control(room["code"], "guess", "start")
    with pytest.raises(ValueError, match="Only the browser"):
        rooms.export(room["code"], "")
    with pytest.raises(ValueError, match="There is no room"):
        rooms.join("ZZZZZ")
    with pytest.raises(ValueError, match="Unknown action"):
        rooms.control(room["code"], room["secret"], "explode")
    with pytest.raises(ValueError, match="has not joined"):
        rooms.answer(room["code"], "x" * 16, 1, "Sharper images")
    student = rooms.join(room["code"], "Ada")
    for action in ("start", "lock", "reveal", "end"):  # a student's own id is no presenter's secret
        with pytest.raises(ValueError, match="Only the browser that opened room"):
            rooms.control(room["code"], student["participant"], action)
    for read in (rooms.state, rooms.export):
        with pytest.raises(ValueError, match="Only the browser"):
            read(room["code"], student["participant"])
    assert "secret" not in str(rooms.question(room["code"], student["participant"]))
    assert room["secret"] not in str(rooms.question(room["code"], student["participant"]))


def test_an_answer_names_the_open_round(rooms):
    room = rooms.open(["kl-term", "likelihood"])
    ada = rooms.join(room["code"], "Ada")
    rooms.control(room["code"], room["secret"], "start")
    for bad, message in (("two", "The round must be a whole number from 1 up"), (0, "from 1 up"),
                         (2, "Round 2 is not the open round: the room is on round 1")):
        with pytest.raises(ValueError, match=message):
            rooms.answer(room["code"], ada["participant"], bad, "Sharper images")
    assert rooms.answer(room["code"], ada["participant"], "1", "sharper IMAGES") == {
        "round": 1, "choice": "Sharper images"}
    for action in ("reveal", "next", "start"):
        rooms.control(room["code"], room["secret"], action)
    with pytest.raises(ValueError, match="Round 1 is not the open round: the room is on round 2"):
        rooms.answer(room["code"], ada["participant"], 1, "Sharper images")  # a phone that was behind
    assert [answer for answer, _ in rooms.store.answers(room["code"], 0).values()] == ["Sharper images"]
    assert rooms.store.count_answers(room["code"], 1) == 0


class Clock:
    """A clock the test sets."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class SlowSQLiteStore(SQLiteStore):
    """The real SQLite store, reading a room's people 20 ms slowly: the time between a join's check and its write
    that a busy server has."""

    def people(self, code):
        found = super().people(code)
        time.sleep(0.02)
        return found


def test_phones_joining_at_the_same_instant_keep_the_cap_and_unique_names(shipped_lab, tmp_path):
    """Eight joins at once into a room with room for three, all asking for the same name, then eight more with
    made-up names: the students' page and /room_join call Rooms.join from several threads of one process."""
    rooms = Rooms(shipped_lab, SlowSQLiteStore(tmp_path / "rooms.sqlite3"),
                  limits=RoomLimits(max_people=3))
    code = rooms.open(["kl-term"])["code"]
    outcomes = []

    def join_all(names):
        start = threading.Barrier(len(names))

        def join(name):
            start.wait()
            try:
                outcomes.append(rooms.join(code, name)["name"])
            except ValueError as err:
                outcomes.append(str(err))

        threads = [threading.Thread(target=join, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    join_all(["Ada"] * 8)
    assert outcomes.count("Ada") == 1, outcomes
    assert outcomes.count("Someone in this room is already called Ada: pick another name.") == 7
    outcomes.clear()
    join_all([None] * 8)
    names = [o for o in outcomes if not o.startswith("Room ")]
    assert len(names) == 2 and len(set(names)) == 2 and "Ada" not in names, outcomes
    assert outcomes.count(f"Room {code} is full (3 people).") == 6
    assert len(rooms.store.people(code)) == 3


def test_limits_people_open_rooms_and_idle_rooms(shipped_lab, tmp_path):
    clock = Clock()
    rooms = Rooms(shipped_lab, SQLiteStore(tmp_path / "rooms.sqlite3"), clock=clock,
                  limits=RoomLimits(max_people=2, idle_hours=1, max_open=2))
    first, second = rooms.open(["kl-term"]), rooms.open(["kl-term"])
    with pytest.raises(ValueError, match="2 rooms are open, as many as this lab allows: end one, or wait"):
        rooms.open(["kl-term"])
    rooms.control(second["code"], second["secret"], "end")
    third = rooms.open(["kl-term"])  # an ended room is not open

    ada, bo = rooms.join(first["code"], "Ada"), rooms.join(first["code"], "Bo")
    with pytest.raises(ValueError, match=f"Room {first['code']} is full \\(2 people\\)"):
        rooms.join(first["code"], "Cy")
    assert rooms.join(first["code"], "Ada Lovelace", participant=ada["participant"])["name"] == "Ada Lovelace"
    rooms.control(first["code"], first["secret"], "start")
    rooms.answer(first["code"], bo["participant"], 1, "Sharper images")

    clock.now += 3600 + 1  # an hour with no button and no join
    assert rooms.question(first["code"], bo["participant"])["phase"] == "expired"
    for act, message in ((lambda: rooms.join(first["code"]), "expired after 1 hours with no activity"),
                         (lambda: rooms.answer(first["code"], ada["participant"], 1, "Sharper images"), "expired"),
                         (lambda: rooms.control(first["code"], first["secret"], "lock"), "open a new room")):
        with pytest.raises(ValueError, match=message):
            act()
    late = rooms.state(first["code"], first["secret"])  # the presenter still reads it, with the round's tally
    assert late["phase"] == "expired" and sum(late["tally"]) == 1 and late["answer"] == ROUNDS["kl-term"].answer
    assert "Bo,1,kl-term,Sharper images" in rooms.export(first["code"], first["secret"])
    fourth = rooms.open(["kl-term"])  # the two idle rooms no longer count: room for two more
    assert rooms.open(["kl-term"])["code"] not in (first["code"], third["code"], fourth["code"])

    clock.now += 7 * 86400  # a week later the old rooms are dropped when a room opens
    rooms.open(["kl-term"])
    with pytest.raises(ValueError, match="There is no room"):
        rooms.state(first["code"], first["secret"])
    with pytest.raises(ValueError, match="whole number of people"):
        RoomLimits(max_people=0)


def test_a_restarted_app_resumes_the_room(rooms, shipped_lab):
    room = rooms.open(["kl-term", "likelihood"])
    ada = rooms.join(room["code"], "Ada")
    rooms.control(room["code"], room["secret"], "start")
    rooms.answer(room["code"], ada["participant"], 1, "Sharper images")
    again = Rooms(shipped_lab, SQLiteStore(rooms.store.path), clock=rooms.clock)  # a new process, the same file
    view = again.state(room["code"], room["secret"])
    assert (view["phase"], view["joined"], view["answered"]) == ("open", 1, 1)
    assert again.question(room["code"], ada["participant"])["you"] == {"name": "Ada", "choice": "Sharper images"}


def test_each_room_draws_its_own_picture_from_the_rounds_source(rooms, shipped_lab):
    first, second = rooms.open(["image-mnist-vae", "image-mnist-gan"]), rooms.open(["image-mnist-vae"])
    with pytest.raises(ValueError, match="not started"):
        rooms.picture(first["code"], 1)
    for room in (first, second):
        rooms.control(room["code"], room["secret"], "start")
    a, b = rooms.picture(first["code"], 1), rooms.picture(second["code"], 1)
    assert a["seed"] != b["seed"] and not np.array_equal(a["image"], b["image"])  # no answer to look up
    for found in (a, b):
        assert new_round(shipped_lab, found["seed"], "MNIST")[1] == "VAE"  # the quiz's seed gives the source
        assert Image.open(io.BytesIO(found["png"])).size == (224, 224)
    assert rooms.picture(first["code"].lower(), "1") is a  # kept
    with pytest.raises(ValueError, match="not started"):
        rooms.picture(first["code"], 2)
    assert rooms.state(first["code"], first["secret"])["seed"] == a["seed"]


def test_two_clicks_at_once_move_the_room_once_and_judge_once(rooms):
    room = rooms.open(["image-mnist-gan"])
    ada = rooms.join(room["code"], "Ada")
    rooms.control(room["code"], room["secret"], "start")
    rooms.answer(room["code"], ada["participant"], 1, "Real")
    stale = rooms.room(room["code"])  # what a second click saw before the first one ended the room
    rooms.control(room["code"], room["secret"], "end")
    rooms.room = lambda code: stale  # the second click acts on what it saw
    with pytest.raises(ValueError, match="moved on meanwhile"):
        rooms.control(room["code"], room["secret"], "end")
    del rooms.room
    assert rooms.judge_table()[0]["answers"] == 1  # judged once


def test_end_before_a_round_opens_scores_nothing_and_names_stay_unique(rooms):
    room = rooms.open(["kl-term", "likelihood"])
    ada = rooms.join(room["code"], "Ada")
    with pytest.raises(ValueError, match="already called ada: pick another name"):
        rooms.join(room["code"], "ada")
    names = {rooms.join(room["code"])["name"] for _ in range(40)}
    assert len(names) == 40  # made-up names are never handed out twice in a room
    rooms.control(room["code"], room["secret"], "start")
    rooms.answer(room["code"], ada["participant"], 1, ROUNDS["kl-term"].answer)
    rooms.control(room["code"], room["secret"], "reveal")
    rooms.control(room["code"], room["secret"], "next")
    rooms.control(room["code"], room["secret"], "end")  # round 2 never opened
    final = rooms.state(room["code"], room["secret"])
    assert rooms.scored_rounds(rooms.room(room["code"])) == [0]
    assert final["podium"][0]["streak"] == 1 and final["podium"][0]["points"] == 100


def test_names_are_safe_on_the_projector_and_in_a_spreadsheet(rooms):
    room = rooms.open(["kl-term"])
    ada = rooms.join(room["code"], "=HYPERLINK(1)")
    rooms.control(room["code"], room["secret"], "start")
    rooms.answer(room["code"], ada["participant"], 1, "Sharper images")
    assert "'=HYPERLINK(1)" in rooms.export(room["code"], room["secret"])
    assert markdown_text("www.x.io $1$ ~~s~~") == r"www\.x\.io \$1\$ \~\~s\~\~"
    with pytest.raises(ValueError, match="Only the browser"):
        rooms.control(room["code"], "clé", "lock")  # a key that is not ASCII is refused, not a crash
