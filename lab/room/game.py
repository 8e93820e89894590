"""Room mode: the whole class answers from their phones while the projector shows the room.

A presenter opens a room (`Rooms.open`): a short code to read aloud and a secret that only the presenter's
browser keeps. Students join with the code (`Rooms.join`) under a generated anonymous name they may change, see
the current round (`Rooms.question`) and answer it (`Rooms.answer`) until the presenter locks it. The presenter
runs it (`Rooms.control`), watches it (`Rooms.state`) and downloads its answers (`Rooms.export`); these are the
app's named endpoints of the same names (ui/room.py). Each round goes

    ready -> open -> locked -> revealed,   then Next (the next round, ready) or End (the podium).

A room with no button pressed and no one joining for `RoomLimits.idle_hours` has expired (its phase reads
"expired"): it takes no more answers or buttons, and its presenter may still read and export it.

The tally stays hidden until Reveal. Points: POINTS for a right answer, plus STREAK_BONUS for each right answer
in a row before it (at most STREAK_BONUS_MAX). Everything a room is lives in the store (lab/room/store.py), so a
restarted app resumes it; `Rooms` only keeps caches of what the store says.

The room as a judge: when a room ends, its answers to the image rounds are added, without names, to the store's
judgements; `judge_table` gives, for each source, how often people took its images for real with a 95 %
Wilson interval: a human evaluation of the models in the manner of HYPE (Zhou et al. 2019, "HYPE: A Benchmark
for Human eYe Perceptual Evaluation of Generative Models"), here with a classroom's quick guesses.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import math
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from lab.images import to_uint8, upscale
from lab.inputs import parse_choice, parse_int
from lab.loading import Lab
from lab.quiz import SCALE, giveaway_text, new_round, readouts
from lab.room.rounds import ROUNDS, Round, answer_of, explain, parse_sequence
from lab.room.store import KEEP_DAYS, RoomsFull, RoomStore
from models.registry import model_name

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O and no 1/I: easy to read aloud and to type
CODE_LENGTH = 5
NAME_MAX = 24
POINTS, STREAK_BONUS, STREAK_BONUS_MAX = 100, 25, 100
ACTIONS = ("start", "lock", "reveal", "next", "end")
# the phases in which each of the presenter's buttons works (Next also not on the last round)
PRESSED_IN = {"start": ("ready",), "lock": ("open",), "reveal": ("open", "locked"), "next": ("ready", "revealed"),
              "end": ("ready", "open", "locked", "revealed")}
ADJECTIVES = ("Brave", "Calm", "Clever", "Curious", "Daring", "Eager", "Gentle", "Happy", "Jolly", "Kind", "Lively",
              "Lucky", "Merry", "Nimble", "Patient", "Proud", "Quick", "Quiet", "Shy", "Sleepy", "Sunny", "Swift",
              "Tidy", "Witty", "Zesty")
ANIMALS = ("Badger", "Beaver", "Bison", "Crane", "Dolphin", "Falcon", "Ferret", "Gecko", "Heron", "Koala", "Lemur",
           "Lynx", "Marmot", "Otter", "Panda", "Puffin", "Quokka", "Raven", "Seal", "Stoat", "Tapir", "Toucan",
           "Walrus", "Wombat", "Yak")
PARTICIPANT = re.compile(r"[A-Za-z0-9_-]{16}")
Z95 = 1.959964  # the normal quantile of a two-sided 95 % interval
CACHED = 256  # rooms' scores and pictures kept in memory (each is recomputed from the store when needed)


@dataclass
class RoomLimits:
    """How many and how long; app.py reads each from the environment (docs/operating.md, "Room mode")."""
    max_people: int = 500  # phones in one room (LAB_ROOM_MAX_PEOPLE)
    idle_hours: float = 12.0  # a room expires this long after its last button press or join (LAB_ROOM_IDLE_HOURS)
    max_open: int = 100  # rooms open at once: not ended and not expired (LAB_ROOM_MAX_OPEN)

    def __post_init__(self):
        if not (isinstance(self.max_people, int) and self.max_people >= 1 and isinstance(self.max_open, int)
                and self.max_open >= 1 and self.idle_hours > 0):
            raise ValueError(f"room limits are a whole number of people and of rooms, at least 1, and a positive "
                             f"number of hours; got {self}")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def parse_code(text) -> str:
    """A room code as typed: any case, spaces and hyphens ignored; O read as 0 is not in codes, so a typed O or
    I (the letters people confuse) is refused with the rule."""
    code = re.sub(r"[\s-]", "", str(text or "")).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise ValueError(f"A room code is {CODE_LENGTH} letters and digits, like KX7PQ (no 0, O, 1 or I); "
                         f"got {str(text)[:20]!r}.")
    return code


def random_name() -> str:
    return f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)}"


def parse_name(text) -> str:
    """A display name: plain text, 1 to NAME_MAX characters once spaces are tidied; no control characters and
    no markup characters (< > [ ] * _ ` \\ |), since the projector shows it."""
    name = " ".join(str(text or "").split())
    if not name:
        raise ValueError("Type a name, or keep the one you were given.")
    if len(name) > NAME_MAX:
        raise ValueError(f"A name has at most {NAME_MAX} characters; this one has {len(name)}.")
    if any(not c.isprintable() or c in "<>[]*_`\\|#" for c in name):
        raise ValueError("A name is plain text: letters, digits, spaces and simple punctuation.")
    return name


def parse_participant(text) -> str:
    """A participant id as `Rooms.join` made it (16 URL-safe characters)."""
    participant = str(text or "")
    if not PARTICIPANT.fullmatch(participant):
        raise ValueError("This phone has not joined the room: join with the code first.")
    return participant


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share k/n (n > 0), which stays inside [0, 1] for small n."""
    p = k / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def as_text(cell: str) -> str:
    """A CSV cell that a spreadsheet must not run as a formula: a leading = + - @ gets a quote before it."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@") else cell


def markdown_text(text: str) -> str:
    """`text` shown literally in Markdown (a name on the projector): every ASCII punctuation mark escaped, so no
    emphasis, link, autolink (www. or http:), HTML or $math$ can come of it."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def round_points(correct: bool, streak: int) -> int:
    """Points for one round: `streak` counts the right answers in a row ending with this one."""
    return POINTS + min(STREAK_BONUS * (streak - 1), STREAK_BONUS_MAX) if correct else 0


class Rooms:
    """Every room of one app (or of all replicas sharing a Redis store)."""

    def __init__(self, lab: Lab, store: RoomStore, clock: Callable[[], float] = time.time,
                 limits: RoomLimits | None = None):
        self.lab, self.store, self.clock = lab, store, clock
        self.limits = limits or RoomLimits()
        self._boards: OrderedDict = OrderedDict()  # (code, round, phase) -> scores: the same until the room moves
        self._pictures: OrderedDict = OrderedDict()  # (code, round id) -> the room's picture of an image round
        self._lock = threading.Lock()  # the two caches are shared by the server's threads
        # one join at a time in this process, the students' page's and /room_join's alike: the room's people are
        # read, its cap and names checked, then the join written (replicas on one Redis can still race: docs)
        self._join_lock = threading.Lock()

    # ------------------------------------------------------------------------------------------------ reading
    def room(self, code) -> dict:
        code = parse_code(code)
        room = self.store.room(code)
        if room is None:
            raise ValueError(f"There is no room {code}: check the code on the screen.")
        if room["phase"] != "ended" and self.clock() - room["changed"] > self.limits.idle_hours * 3600:
            room["phase"] = "expired"
        return dict(room, code=code)

    def host(self, code, secret) -> dict:
        """The room, if `secret` is its presenter's secret."""
        room = self.room(code)
        if not hmac.compare_digest(str(secret or "").encode(), room["secret"].encode()):
            raise ValueError(f"Only the browser that opened room {room['code']} can run it.")
        return room

    def _expired(self, room: dict) -> str:
        hours = f"{self.limits.idle_hours:g}"
        return f"Room {room['code']} expired after {hours} hours with no activity: open a new room."

    def current(self, room: dict) -> Round:
        return ROUNDS[room["sequence"][room["round"]]]

    def scored_rounds(self, room: dict) -> list[int]:
        """The rounds whose answers count: every round before the current one that was played (opened), and the
        current one once revealed, or once the room ended (or expired) after it had opened."""
        current = room["phase"] == "revealed" or (room["phase"] in ("ended", "expired")
                                                  and room["round"] in room["opened"])
        return [i for i in range(room["round"] + current) if i in room["opened"]]

    def tally(self, room: dict, index: int) -> list[int]:
        r = ROUNDS[room["sequence"][index]]
        counts = dict.fromkeys(r.choices, 0)
        for answer, _ in self.store.answers(room["code"], index).values():
            counts[answer] = counts.get(answer, 0) + 1
        return [counts[c] for c in r.choices]

    def scores(self, room: dict) -> dict[str, dict]:
        """Each participant's points, right answers and current streak over the scored rounds."""
        key = (room["code"], room["round"], room["phase"])
        with self._lock:
            if key in self._boards:
                self._boards.move_to_end(key)
                return self._boards[key]
        people = self.store.people(room["code"])
        scores = {participant: {"name": name, "points": 0, "correct": 0, "streak": 0, "best_streak": 0}
                  for participant, name in people.items()}
        for index in self.scored_rounds(room):
            right = answer_of(self.lab, ROUNDS[room["sequence"][index]])
            answers = self.store.answers(room["code"], index)
            for participant, s in scores.items():
                correct = participant in answers and answers[participant][0] == right
                s["streak"] = s["streak"] + 1 if correct else 0
                s["best_streak"] = max(s["best_streak"], s["streak"])
                s["correct"] += correct
                s["points"] += round_points(correct, s["streak"])
        with self._lock:
            self._boards[key] = scores
            while len(self._boards) > CACHED:
                self._boards.popitem(last=False)
        return scores

    def leaderboard(self, room: dict, top: int | None = 10) -> list[dict]:
        """Places by points (ties share a place), then by name."""
        rows = sorted(self.scores(room).values(), key=lambda s: (-s["points"], s["name"]))
        place, last = 0, None
        out = []
        for i, s in enumerate(rows):
            if s["points"] != last:
                place, last = i + 1, s["points"]
            out.append(dict(s, place=place))
        return out[:top] if top else out

    def place_of(self, room: dict, participant: str) -> dict:
        scores = self.scores(room)
        if participant not in scores:  # joined after the scores were counted: count again
            with self._lock:
                self._boards.pop((room["code"], room["round"], room["phase"]), None)
            scores = self.scores(room)
        mine = scores[participant]["points"]
        return {"points": mine, "place": 1 + sum(s["points"] > mine for s in scores.values()), "of": len(scores),
                "streak": scores[participant]["streak"]}

    # --------------------------------------------------------------------------------------------- presenter
    def open(self, sequence=None) -> dict:
        """A new room playing `sequence` (round ids; None: the shipped lesson): its code and the presenter's
        secret. Refused while `limits.max_open` rooms are open."""
        sequence = parse_sequence(sequence)
        now = self.clock()
        self.store.purge(now - KEEP_DAYS * 86400)
        secret = secrets.token_urlsafe(16)
        for _ in range(20):
            code = new_code()
            try:  # the store counts the open rooms and creates this one in one step (two presenters at once)
                created = self.store.create_room(code, secret, sequence, now, max_open=self.limits.max_open,
                                                 open_since=now - self.limits.idle_hours * 3600)
            except RoomsFull:
                raise ValueError(f"{self.limits.max_open} rooms are open, as many as this lab allows: end one, or "
                                 f"wait until one has had no activity for {self.limits.idle_hours:g} hours.") from None
            if created:
                return {"code": code, "secret": secret}
        raise RuntimeError("Could not find a free room code; try again.")

    def control(self, code, secret, action) -> dict:
        """The presenter's buttons: start (open the round for answers), lock, reveal, next, end."""
        action = parse_choice(action, ACTIONS, "action", ignore_case=True)
        room = self.host(code, secret)
        if room["phase"] == "expired":
            raise ValueError(self._expired(room))
        phase, last = room["phase"], room["round"] == len(room["sequence"]) - 1
        if phase not in PRESSED_IN[action]:
            raise ValueError(self._refusal(action, phase, last))
        if action == "next" and last:
            raise ValueError("That was the last round: press End for the podium.")
        now, seen = self.clock(), (room["round"], room["phase"])
        change = {"start": {"phase": "open", "opened": {**room["opened"], room["round"]: now}},
                  "lock": {"phase": "locked"}, "reveal": {"phase": "revealed"},
                  "next": {"round": room["round"] + 1, "phase": "ready"}, "end": {"phase": "ended"}}[action]
        if not self.store.update_room(room["code"], now, seen, **change):  # another click moved it first
            raise ValueError("The room moved on meanwhile (another click?): look again, then press the next button.")
        if action == "end":
            self._judge(dict(room, phase="ended"))  # once: only the click that ended the room gets here
        return self.room(room["code"])

    @staticmethod
    def _refusal(action: str, phase: str, last: bool) -> str:
        if phase == "ended":
            return "This room has ended: open a new room."
        return {"start": "This round has already started: Lock, Reveal, then Next.",
                "lock": "Only an open round can be locked: press Start round first." if phase == "ready"
                else "This round is already locked or revealed.",
                "reveal": "Start the round first: the room answers, then you reveal." if phase == "ready"
                else "This round is already revealed: press Next.",
                "next": "Reveal this round first, so the room sees the answer."}[action]

    def _judge(self, room: dict) -> None:
        """A finished room's image answers, added anonymously to the store's judgements (once: on End)."""
        rows = []
        for index in self.scored_rounds(room):
            r = ROUNDS[room["sequence"][index]]
            if r.kind == "image":
                source = answer_of(self.lab, r)
                rows += [(r.dataset, source, answer) for answer, _ in self.store.answers(room["code"], index).values()]
        if rows:
            self.store.add_judgements(rows)

    def state(self, code, secret) -> dict:
        """What the projector shows: the code, the counts, the round, and from Reveal its tally, answer and
        explanation with the leaderboard (the podium when the room has ended)."""
        room = self.host(code, secret)
        r = self.current(room)
        view = {"code": room["code"], "phase": room["phase"], "round": room["round"] + 1,
                "rounds": len(room["sequence"]), "id": r.id, "kind": r.kind, "title": r.title, "prompt": r.prompt,
                "choices": list(r.choices), "dataset": r.dataset, "demo": r.demo, **self._counts(room)}
        if r.kind == "image" and room["round"] in room["opened"]:  # the room's picture, by its quiz seed
            view["seed"] = self.picture(room["code"], room["round"] + 1)["seed"]
        if room["phase"] in ("revealed", "ended", "expired"):
            view.update(tally=self.tally(room, room["round"]), answer=answer_of(self.lab, r),
                        explanation=self.explanation(room, r), leaderboard=self.leaderboard(room, top=5))
        if room["phase"] == "ended":
            view["podium"] = self.leaderboard(room, top=3)
            view["judged"] = self.judge_table()  # every finished room's, this one's included
        return view

    def counts(self, code, secret) -> dict:
        """`joined` and `answered` (this round) alone: what the projector's 2-s tick shows, without the rest of
        `state` (the tally, the leaderboard)."""
        return self._counts(self.host(code, secret))

    def _counts(self, room: dict) -> dict:
        return {"joined": self.store.count_people(room["code"]),
                "answered": self.store.count_answers(room["code"], room["round"])}

    def explanation(self, room: dict, r: Round) -> str:
        """Why the answer is right, with its measured figure: a concept's or a prediction's explanation, or for an
        image round the Quiz tab's giveaway readouts of the room's own picture (sharpness, the classifier's
        confidence, the nearest training image)."""
        if r.kind != "image" or room["round"] not in room["opened"]:
            return explain(self.lab, r)
        found = self.picture(room["code"], room["round"] + 1)
        if "giveaway" not in found:  # measured once per room and round (a classifier pass and a nearest search)
            image, source = new_round(self.lab, found["seed"], r.dataset)
            found["giveaway"] = giveaway_text(readouts(self.lab, r.dataset, image), source)
        return found["giveaway"]

    def export(self, code, secret) -> str:
        """Every answer of the room as CSV: anonymous name, round, round id, answer, correct, seconds after the
        round opened. Only the presenter's browser gets it."""
        room = self.host(code, secret)
        people = self.store.people(room["code"])
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["name", "round", "round_id", "answer", "correct", "seconds"])
        for index in range(room["round"] + 1):
            r = ROUNDS[room["sequence"][index]]
            right = answer_of(self.lab, r) if index in self.scored_rounds(room) else None
            answers = sorted(self.store.answers(room["code"], index).items(), key=lambda item: item[1][1])  # by time
            for participant, (answer, at) in answers:
                writer.writerow([as_text(people.get(participant, "?")), index + 1, r.id, answer,
                                 "" if right is None else answer == right, f"{at - room['opened'][index]:.1f}"])
        return out.getvalue()

    # ---------------------------------------------------------------------------------------------- students
    def join(self, code, name=None, participant=None) -> dict:
        """Join (or come back to) a room: a new participant gets an id (the phone keeps it) and a generated name;
        a returning one (`participant`) keeps its name unless it sends a new one."""
        with self._join_lock:
            return self._join(code, name, participant)

    def _join(self, code, name, participant) -> dict:
        room = self.room(code)
        if room["phase"] in ("ended", "expired"):
            raise ValueError(f"Room {room['code']} has ended." if room["phase"] == "ended" else self._expired(room))
        people = self.store.people(room["code"])
        returning = bool(participant) and str(participant) in people
        if not returning and len(people) >= self.limits.max_people:
            raise ValueError(f"Room {room['code']} is full ({self.limits.max_people} people).")
        participant = parse_participant(participant) if returning else secrets.token_urlsafe(12)
        taken = {n.casefold() for p, n in people.items() if p != participant}
        if name:
            name = parse_name(name)
            if name.casefold() in taken:
                raise ValueError(f"Someone in this room is already called {name}: pick another name.")
        elif returning:
            name = people[participant]
        else:
            name = next((n for n in (random_name() for _ in range(50)) if n.casefold() not in taken),
                        f"{random_name()} {secrets.randbelow(90) + 10}")
        self.store.join(room["code"], participant, name, self.clock())
        return {"room": room["code"], "participant": participant, "name": name}

    def answer(self, code, participant, round, choice) -> dict:
        """A student's answer to round `round` (1-based, as the phone saw it) while it is open; answering again
        replaces it, until Lock. An answer to another round than the open one is refused (the phone was behind)."""
        room = self.room(code)
        participant = parse_participant(participant)
        if participant not in self.store.people(room["code"]):
            raise ValueError("This phone has not joined the room: join with the code first.")
        if room["phase"] != "open":
            raise ValueError({"ready": "The round has not started yet.", "ended": "The room has ended.",
                              "expired": self._expired(room)}.get(room["phase"], "Answers are locked for this round."))
        number = parse_int(round, "The round", 1)
        if number != room["round"] + 1:
            raise ValueError(f"Round {number} is not the open round: the room is on round {room['round'] + 1}.")
        r = self.current(room)
        choice = parse_choice(choice, r.choices, "choice", ignore_case=True)
        if not self.store.answer(room["code"], room["round"], participant, choice, self.clock()):  # locked meanwhile
            raise ValueError("Answers are locked for this round.")
        return {"round": number, "choice": choice}

    def question(self, code, participant=None) -> dict:
        """What a phone shows, cheap enough to poll every 1-2 s: the round's question and choices (never the
        answer or the tally before Reveal), this phone's choice, and after Reveal whether it was right and its
        place."""
        room = self.room(code)
        r = self.current(room)
        view = {"room": room["code"], "phase": room["phase"], "round": room["round"] + 1,
                "rounds": len(room["sequence"]), "kind": r.kind, "changed": room["changed"]}
        if room["round"] in room["opened"]:
            view.update(prompt=r.prompt, choices=list(r.choices),
                        image=f"room/image/{room['code']}/{room['round'] + 1}.png" if r.kind == "image" else None)
        if participant:
            participant = parse_participant(participant)
            name = self.store.people(room["code"]).get(participant)
            mine = self.store.answers(room["code"], room["round"]).get(participant) if name else None
            view["you"] = {"name": name, "choice": mine[0] if mine else None}
            if name and room["phase"] in ("revealed", "ended", "expired") and room["round"] in room["opened"]:
                right = answer_of(self.lab, r)
                view["answer"] = right
                view["you"].update(correct=bool(mine and mine[0] == right), **self.place_of(room, participant))
        return view

    def picture(self, code, number) -> dict:
        """Round `number` (1-based) of a room, an image round, once it has started (no peeking at later rounds):
        {"seed", "image" (28x28 uint8), "png" (224x224)}. The room's own image from the round's source: the first
        quiz seed from a hash of the room's code and the round whose source is the round's (about 3 tries)."""
        room = self.room(code)
        index = int(number) - 1
        if not 0 <= index < len(room["sequence"]) or index not in room["opened"]:
            raise ValueError("That round has not started.")
        r = ROUNDS[room["sequence"][index]]
        if r.kind != "image":
            raise ValueError("That round has no image.")
        key = (room["code"], r.id)
        with self._lock:
            if key in self._pictures:
                self._pictures.move_to_end(key)
                return self._pictures[key]
        start = int.from_bytes(hashlib.sha256(f"{room['code']}/{r.id}".encode()).digest()[:6], "big")
        for seed in range(start, start + 300):  # a miss happens with probability (2/3)^300
            image, source = new_round(self.lab, seed, r.dataset)
            if source == r.answer:
                break
        else:
            raise RuntimeError(f"no {r.answer} image found for room {room['code']}")
        digit = to_uint8(image[0, 0])
        out = io.BytesIO()
        Image.fromarray(upscale(digit, SCALE)).save(out, format="PNG")
        found = {"seed": seed, "image": digit, "png": out.getvalue()}
        with self._lock:
            self._pictures[key] = found
            while len(self._pictures) > CACHED:
                self._pictures.popitem(last=False)
        return found

    # ----------------------------------------------------------------------------------------- the room judge
    def judge_table(self) -> list[dict]:
        """For each data set and source, how often rooms took its images for real: answers, share, 95 %
        Wilson interval. Sorted by data set, then Real, VAE, GAN."""
        order = {"Real": 0, "VAE": 1, "GAN": 2}
        rows = []
        for (dataset, source), counts in sorted(self.store.judgements().items(),
                                                key=lambda kv: (kv[0][0], order.get(kv[0][1], 9))):
            n = sum(counts.values())
            k = counts.get("Real", 0)
            low, high = wilson(k, n)
            rows.append({"dataset": dataset, "source": source, "answers": n, "taken_for_real": k,
                         "share": round(k / n, 4), "low": round(low, 4), "high": round(high, 4)})
        return rows


def judge_markdown(rows: list[dict]) -> str:
    """The room as a judge, as a table: how often each source's images were taken for real (`judge_table`), for
    the Models tab and a room's end screen."""
    if not rows:
        return ("No room has ended yet: after a room's **End**, its answers to the \"Real, VAE or GAN?\" rounds "
                "show here.")
    head = ("How often the rooms took each source's images for real, the 95 % interval (Wilson) and the number of "
            "answers behind it: a model whose images are taken for real as often as real images fools people.\n\n"
            "| data set | images from | taken for real | 95 % interval | answers |\n|---|---|---|---|---|\n")

    def source(r: dict) -> str:  # the model by its name on the Models tab
        return "real test images" if r["source"] == "Real" else \
            f"{r['source']} (`{model_name(r['source'].lower(), r['dataset'])}`)"

    def pct(share: float) -> str:
        return f"{share * 100:.0f} %"

    return head + "\n".join(f"| {r['dataset']} | {source(r)} | {pct(r['share'])} | {pct(r['low'])}–{pct(r['high'])} "
                            f"| {r['answers']} |" for r in rows)
