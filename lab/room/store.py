"""Where rooms live: one small interface, two back ends.

- `SQLiteStore` (the default, no set-up): one file on local disk in WAL mode, so restarting the app in the middle
  of a lesson loses no joined student and no vote; the room resumes where it was.
- `RedisStore` (`LAB_ROOM_STORE=redis://host:port/db`): several app replicas behind one load balancer share
  their rooms; that is how a lecture hall outgrows one machine.

`open_store(url)` picks one from a URL. Both keep the same things:
- a room: its code, the presenter's secret, its round sequence, the current round and phase, when each round
  opened and when the room last changed;
- its participants: an id (the phone keeps it) and a display name;
- one answer per participant per round (answering again replaces it: `UNIQUE(room, round, participant)`);
- judgements: how often the room took each source's images for real, kept anonymously (no names, no rooms)
  so that the figure grows with every class (lab/room/game.py, "the room as a judge").

Three writes are conditional, so that two clicks at once, or a vote racing the presenter's Lock, cannot leave a
room half-moved: `update_room` changes a room only if it is still at the round and phase the caller saw
(`expect`), and `answer` records a vote only while that round is open; both return whether they did.
`create_room` with `max_open` counts the open rooms and creates the new one in one step, so two presenters
opening rooms at the same instant cannot pass the cap between them; at the cap it raises `RoomsFull`.

A room's `changed` is its last activity (a presenter's button or a join): `count_open(since)` counts the rooms
not ended and active since then (the cap on open rooms), and `purge(before)` drops rooms whose last activity is
older (SQLite deletes them; Redis lets their keys expire KEEP_DAYS after their last change).

tests/lab/room/test_room_store.py runs the same checks against both, the Redis ones on a real `redis-server`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

DEFAULT_PATH = Path("var") / "rooms.sqlite3"  # relative to where the app runs (git ignores var/)
ROOM_FIELDS = ("secret", "created", "sequence", "round", "phase", "opened", "changed")
KEEP_DAYS = 7  # a room is kept this long after its last change (its podium, its CSV), then dropped; judgements stay


class StoreError(RuntimeError):
    """The room store cannot be opened or used: one line naming it and the fix."""


class RoomsFull(Exception):
    """`create_room` found `max_open` rooms open: it created nothing."""


class RoomStore(Protocol):
    def create_room(self, code: str, secret: str, sequence: list, now: float, max_open: int | None = None,
                    open_since: float = 0.0) -> bool: ...
    def room(self, code: str) -> dict | None: ...
    def update_room(self, code: str, now: float, expect: tuple[int, str], **fields) -> bool: ...
    def join(self, code: str, participant: str, name: str, now: float) -> None: ...
    def people(self, code: str) -> dict[str, str]: ...
    def count_people(self, code: str) -> int: ...
    def answer(self, code: str, round_index: int, participant: str, answer: str, now: float) -> bool: ...
    def answers(self, code: str, round_index: int) -> dict[str, tuple[str, float]]: ...
    def count_answers(self, code: str, round_index: int) -> int: ...
    def count_open(self, since: float) -> int: ...
    def purge(self, before: float) -> int: ...
    def add_judgements(self, rows: list[tuple[str, str, str]]) -> None: ...
    def judgements(self) -> dict[tuple[str, str], dict[str, int]]: ...


def _room_row(values: dict) -> dict:
    return {"secret": values["secret"], "created": float(values["created"]),
            "sequence": json.loads(values["sequence"]), "round": int(values["round"]), "phase": values["phase"],
            "opened": {int(k): float(t) for k, t in json.loads(values.get("opened") or "{}").items()},
            "changed": float(values["changed"])}


def _stored_fields(fields: dict) -> dict:
    """The fields a room's update may change, as stored: `opened` (round -> when it opened) as JSON."""
    unknown = set(fields) - {"round", "phase", "opened"}
    if unknown:
        raise ValueError(f"a room's round, phase and rounds' opening times change, not {sorted(unknown)}")
    return {k: json.dumps(v) if k == "opened" else v for k, v in fields.items()}


class SQLiteStore:
    """Rooms in one SQLite file (WAL mode: readers never wait for the writer). One connection per thread."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS rooms (code TEXT PRIMARY KEY, secret TEXT NOT NULL, created REAL NOT NULL,
        sequence TEXT NOT NULL, round INTEGER NOT NULL, phase TEXT NOT NULL, opened TEXT NOT NULL,
        changed REAL NOT NULL);
    CREATE TABLE IF NOT EXISTS participants (room TEXT NOT NULL, participant TEXT NOT NULL, name TEXT NOT NULL,
        joined REAL NOT NULL, PRIMARY KEY (room, participant));
    CREATE TABLE IF NOT EXISTS answers (room TEXT NOT NULL, round INTEGER NOT NULL, participant TEXT NOT NULL,
        answer TEXT NOT NULL, at REAL NOT NULL, UNIQUE (room, round, participant));
    CREATE TABLE IF NOT EXISTS judgements (dataset TEXT NOT NULL, source TEXT NOT NULL, answer TEXT NOT NULL,
        n INTEGER NOT NULL, PRIMARY KEY (dataset, source, answer));
    """

    BUSY_TIMEOUT = 10.0  # seconds to wait for another connection's lock: every query, and setting up a new file

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._set_up()
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"cannot open the room store {self.path}: {err}. Set LAB_ROOM_STORE to a writable "
                             f"file (sqlite:///path/rooms.sqlite3) or a Redis URL.") from err
        self._local = threading.local()

    def _set_up(self) -> None:
        """WAL mode and the tables, waiting while another process sets up the same file. Two app processes on one
        new file (two replicas starting, or the test suite's two workers) race here, and SQLite answers the loser's
        switch to WAL with "database is locked" at once, without waiting out the connection's busy timeout."""
        deadline = time.monotonic() + self.BUSY_TIMEOUT
        while True:
            try:
                db = self._connect()
                try:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.executescript(self.SCHEMA)
                finally:
                    db.close()
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _connect(self) -> sqlite3.Connection:
        # autocommit; `with` = transaction
        return sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT, isolation_level=None)

    @property
    def db(self) -> sqlite3.Connection:
        if getattr(self._local, "db", None) is None:
            self._local.db = self._connect()
            # with WAL, an app that crashes or restarts loses no committed vote (a power cut may lose the last ones)
            self._local.db.execute("PRAGMA synchronous=NORMAL")
        return self._local.db

    def create_room(self, code, secret, sequence, now, max_open=None, open_since=0.0):
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")  # the write lock from here: no other room is created between
            if max_open is not None and self.count_open(open_since) >= max_open:  # the count and the insert
                raise RoomsFull(max_open)
            try:
                self.db.execute("INSERT INTO rooms VALUES (?, ?, ?, ?, 0, 'ready', '{}', ?)",
                                (code, secret, now, json.dumps(sequence), now))
            except sqlite3.IntegrityError:  # the code is taken
                return False
        return True

    def room(self, code):
        row = self.db.execute(f"SELECT {', '.join(ROOM_FIELDS)} FROM rooms WHERE code = ?", (code,)).fetchone()
        return _room_row(dict(zip(ROOM_FIELDS, row, strict=True))) if row else None

    def update_room(self, code, now, expect, **fields):
        fields = _stored_fields(fields)
        sets = ", ".join(f"{name} = ?" for name in fields)
        cursor = self.db.execute(f"UPDATE rooms SET {sets}, changed = ? WHERE code = ? AND round = ? AND phase = ?",
                                 (*fields.values(), now, code, *expect))
        return cursor.rowcount == 1

    def join(self, code, participant, name, now):
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("INSERT INTO participants VALUES (?, ?, ?, ?) ON CONFLICT (room, participant) DO UPDATE "
                            "SET name = excluded.name", (code, participant, name, now))
            self.db.execute("UPDATE rooms SET changed = MAX(changed, ?) WHERE code = ?", (now, code))

    def people(self, code):
        return dict(self.db.execute("SELECT participant, name FROM participants WHERE room = ? ORDER BY joined",
                                    (code,)).fetchall())

    def count_people(self, code):
        return self.db.execute("SELECT COUNT(*) FROM participants WHERE room = ?", (code,)).fetchone()[0]

    def answer(self, code, round_index, participant, answer, now):
        cursor = self.db.execute(
            "INSERT INTO answers SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM rooms WHERE code = ? "
            "AND round = ? AND phase = 'open') "
            "ON CONFLICT (room, round, participant) DO UPDATE SET answer = excluded.answer, at = excluded.at",
            (code, round_index, participant, answer, now, code, round_index))
        return cursor.rowcount == 1

    def answers(self, code, round_index):
        rows = self.db.execute("SELECT participant, answer, at FROM answers WHERE room = ? AND round = ?",
                               (code, round_index)).fetchall()
        return {participant: (answer, at) for participant, answer, at in rows}

    def count_answers(self, code, round_index):
        return self.db.execute("SELECT COUNT(*) FROM answers WHERE room = ? AND round = ?",
                               (code, round_index)).fetchone()[0]

    def count_open(self, since):
        return self.db.execute("SELECT COUNT(*) FROM rooms WHERE phase != 'ended' AND changed >= ?",
                               (since,)).fetchone()[0]

    def purge(self, before):
        with self.db:
            self.db.execute("BEGIN")
            codes = [(code,) for code, in self.db.execute("SELECT code FROM rooms WHERE changed < ?", (before,))]
            for table, column in (("answers", "room"), ("participants", "room"), ("rooms", "code")):
                self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", codes)
        return len(codes)

    def add_judgements(self, rows):
        with self.db:  # one transaction
            self.db.execute("BEGIN")
            self.db.executemany("INSERT INTO judgements VALUES (?, ?, ?, 1) ON CONFLICT (dataset, source, answer) "
                                "DO UPDATE SET n = n + 1", rows)

    def judgements(self):
        out: dict[tuple[str, str], dict[str, int]] = {}
        for dataset, source, answer, n in self.db.execute("SELECT dataset, source, answer, n FROM judgements"):
            out.setdefault((dataset, source), {})[answer] = n
        return out


class RedisStore:
    """Rooms in Redis: `room:<code>` (a hash of the room's fields), `room:<code>:people` (id -> name),
    `room:<code>:joined` (id -> time joined), `room:<code>:answers:<round>` (id -> JSON [answer, time]),
    `rooms:open` (a sorted set: the codes of rooms not ended, by last activity) and `judgements` (one counter per
    "dataset|source|answer"). A room's keys expire KEEP_DAYS after its last change."""

    def __init__(self, url: str):
        import redis  # only a Redis deployment needs the package's connection code loaded

        self.url = url
        self.redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
        try:
            self.redis.ping()
        except redis.RedisError as err:
            raise StoreError(f"cannot reach the room store {url}: {err}. Start redis-server or unset "
                             f"LAB_ROOM_STORE to keep rooms in a local SQLite file.") from err
        self.ttl = KEEP_DAYS * 86400

    def _keys(self, code: str) -> list[str]:
        return [f"room:{code}", f"room:{code}:people", f"room:{code}:joined"]

    def _touch(self, pipe, code: str, *extra: str) -> None:
        for key in (*self._keys(code), *extra):
            pipe.expire(key, self.ttl)

    # Lua scripts run atomically in Redis: nothing else happens between their check and their write
    # ARGV: ttl, the cap ("" for none), open since, the code, now, then the room's fields and values
    CREATE = """if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    if ARGV[2] ~= '' and redis.call('ZCOUNT', KEYS[2], ARGV[3], '+inf') >= tonumber(ARGV[2]) then return -1 end
    for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
    redis.call('EXPIRE', KEYS[1], ARGV[1]) redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4]) return 1"""
    UPDATE_IF = """if redis.call('HGET', KEYS[1], 'round') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'phase') ~= ARGV[2]
    then return 0 end
    for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end return 1"""
    ANSWER_IF = """if redis.call('HGET', KEYS[1], 'round') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'phase') ~= 'open'
    then return 0 end
    redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) redis.call('EXPIRE', KEYS[2], ARGV[4]) return 1"""

    def create_room(self, code, secret, sequence, now, max_open=None, open_since=0.0):
        values = {"secret": secret, "created": now, "sequence": json.dumps(sequence), "round": 0,
                  "phase": "ready", "opened": "{}", "changed": now}
        pairs = [str(x) for item in values.items() for x in item]
        cap = "" if max_open is None else str(max_open)
        done = self.redis.eval(self.CREATE, 2, f"room:{code}", "rooms:open", self.ttl, cap, repr(float(open_since)),
                               code, repr(float(now)), *pairs)
        if done == -1:
            raise RoomsFull(max_open)
        return done == 1

    def room(self, code):
        values = self.redis.hgetall(f"room:{code}")
        return _room_row(values) if "sequence" in values else None

    def update_room(self, code, now, expect, **fields):
        fields = _stored_fields(fields)
        pairs = [str(x) for item in {**fields, "changed": now}.items() for x in item]
        if not self.redis.eval(self.UPDATE_IF, 1, f"room:{code}", str(expect[0]), expect[1], *pairs):
            return False
        rounds = range(int(fields.get("round", expect[0])) + 1)
        pipe = self.redis.pipeline()
        self._touch(pipe, code, *(f"room:{code}:answers:{r}" for r in rounds))  # every round's answers live on
        if fields.get("phase") == "ended":
            pipe.zrem("rooms:open", code)
        else:
            pipe.zadd("rooms:open", {code: now}, xx=True)
        pipe.execute()
        return True

    def join(self, code, participant, name, now):
        pipe = self.redis.pipeline()
        pipe.hset(f"room:{code}:people", participant, name)
        pipe.hsetnx(f"room:{code}:joined", participant, now)
        pipe.hset(f"room:{code}", "changed", now)  # a join is activity (joins never move a room back in time)
        pipe.zadd("rooms:open", {code: now}, xx=True)
        self._touch(pipe, code)
        pipe.execute()

    def people(self, code):
        names = self.redis.hgetall(f"room:{code}:people")
        joined = self.redis.hgetall(f"room:{code}:joined")
        return {participant: names[participant] for participant in sorted(names, key=lambda p: float(joined.get(p, 0)))}

    def count_people(self, code):
        return self.redis.hlen(f"room:{code}:people")

    def answer(self, code, round_index, participant, answer, now):
        key = f"room:{code}:answers:{round_index}"
        return bool(self.redis.eval(self.ANSWER_IF, 2, f"room:{code}", key, str(round_index), participant,
                                    json.dumps([answer, now]), self.ttl))

    def answers(self, code, round_index):
        rows = self.redis.hgetall(f"room:{code}:answers:{round_index}")
        return {participant: tuple(json.loads(value)) for participant, value in rows.items()}

    def count_answers(self, code, round_index):
        return self.redis.hlen(f"room:{code}:answers:{round_index}")

    def count_open(self, since):
        return self.redis.zcount("rooms:open", since, "+inf")

    def purge(self, before):  # the rooms' own keys expire by themselves (KEEP_DAYS); this keeps the index small
        return self.redis.zremrangebyscore("rooms:open", "-inf", f"({before}")

    def add_judgements(self, rows):
        pipe = self.redis.pipeline()  # MULTI/EXEC: all of a room's judgements or none
        for dataset, source, answer in rows:
            pipe.hincrby("judgements", f"{dataset}|{source}|{answer}", 1)
        pipe.execute()

    def judgements(self):
        out: dict[tuple[str, str], dict[str, int]] = {}
        for field, n in self.redis.hgetall("judgements").items():
            dataset, source, answer = field.split("|")
            out.setdefault((dataset, source), {})[answer] = int(n)
        return out


def open_store(url: str | None = None) -> RoomStore:
    """The store a URL names: "redis://host:port/db" (or rediss://), "sqlite:///path" or a plain file path;
    None or "" the default SQLite file (DEFAULT_PATH)."""
    url = (url or "").strip()
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        return RedisStore(url)
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
        if not path:
            raise StoreError(f"LAB_ROOM_STORE={url!r} names no file: write sqlite:///path/rooms.sqlite3")
        return SQLiteStore(path)
    if scheme:
        raise StoreError(f"LAB_ROOM_STORE={url!r}: use redis://host:port/db or sqlite:///path/rooms.sqlite3")
    return SQLiteStore(url or DEFAULT_PATH)

