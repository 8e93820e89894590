"""The room store's contract, checked on both back ends: SQLite on disk and a real redis-server."""

import threading

import pytest

from lab.room.store import RedisStore, RoomsFull, SQLiteStore, StoreError, open_store


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SQLiteStore(tmp_path / "rooms.sqlite3")
    url = request.getfixturevalue("redis_url")
    store = RedisStore(url + "/0")
    store.redis.flushdb()
    return store


def test_a_room_is_created_once_and_read_back(store):
    assert store.create_room("ABCDE", "key", ["kl-term", "image-mnist-gan"], now=100.0)
    assert not store.create_room("ABCDE", "other", ["kl-term"], now=101.0)  # the code is taken
    assert store.room("ABCDE") == {"secret": "key", "created": 100.0, "sequence": ["kl-term", "image-mnist-gan"],
                                   "round": 0, "phase": "ready", "opened": {}, "changed": 100.0}
    assert store.room("ZZZZZ") is None


def test_a_room_moves_only_from_where_the_caller_saw_it(store):
    store.create_room("ABCDE", "key", ["a", "b"], now=1.0)
    assert store.update_room("ABCDE", 5.0, (0, "ready"), phase="open", opened={0: 5.0})
    assert not store.update_room("ABCDE", 6.0, (0, "ready"), phase="open")  # a second click on the same button
    assert store.update_room("ABCDE", 9.0, (0, "open"), round=1, phase="ready")
    room = store.room("ABCDE")
    assert (room["round"], room["phase"], room["opened"], room["changed"]) == (1, "ready", {0: 5.0}, 9.0)
    with pytest.raises(ValueError, match="not \\['secret'\\]"):
        store.update_room("ABCDE", 10.0, (1, "ready"), secret="stolen")


def test_one_answer_per_participant_per_round_the_last_one_counts(store):
    store.create_room("ABCDE", "key", ["a", "b"], now=1.0)
    assert not store.answer("ABCDE", 0, "p1", "GAN", 1.5)  # the round has not opened: no vote
    store.update_room("ABCDE", 1.6, (0, "ready"), phase="open")
    store.join("ABCDE", "p1", "Calm Otter", 2.0)
    store.join("ABCDE", "p2", "Shy Yak", 3.0)
    store.join("ABCDE", "p1", "Otto", 4.0)  # a rename keeps the participant and the time joined
    assert store.people("ABCDE") == {"p1": "Otto", "p2": "Shy Yak"}
    assert store.count_people("ABCDE") == 2
    store.answer("ABCDE", 0, "p1", "GAN", 5.0)
    store.answer("ABCDE", 0, "p1", "VAE", 6.0)  # changed before Lock: replaces
    assert store.answer("ABCDE", 0, "p2", "Real", 7.0)
    assert not store.answer("ABCDE", 1, "p2", "GAN", 8.0)  # not the open round
    store.update_room("ABCDE", 8.5, (0, "open"), phase="locked")
    assert not store.answer("ABCDE", 0, "p2", "GAN", 9.0)  # a vote that lands after Lock is not recorded
    assert store.answers("ABCDE", 0) == {"p1": ("VAE", 6.0), "p2": ("Real", 7.0)}
    assert store.count_answers("ABCDE", 0) == 2 and store.count_answers("ABCDE", 1) == 0
    assert store.count_answers("OTHER", 0) == 0 and store.people("OTHER") == {}


def test_open_rooms_are_counted_by_their_last_activity_and_old_ones_purged(store):
    for code in ("AAAAA", "BBBBB", "CCCCC"):
        store.create_room(code, "key", ["a"], now=100.0)
    store.join("BBBBB", "p1", "Ada", 500.0)  # a join is activity
    store.update_room("CCCCC", 600.0, (0, "ready"), phase="ended")  # an ended room is not open
    assert store.room("BBBBB")["changed"] == 500.0
    assert (store.count_open(since=50.0), store.count_open(since=200.0), store.count_open(since=501.0)) == (2, 1, 0)
    store.purge(before=200.0)
    assert store.count_open(since=0.0) == 1
    if isinstance(store, SQLiteStore):  # Redis lets the room's own keys expire by themselves (KEEP_DAYS)
        assert store.room("AAAAA") is None and store.people("AAAAA") == {}
    assert store.room("BBBBB")["phase"] == "ready" and store.people("BBBBB") == {"p1": "Ada"}
    assert store.room("CCCCC")["phase"] == "ended"


def test_a_new_room_is_refused_at_the_cap_of_open_rooms(store):
    assert store.create_room("AAAAA", "key", ["a"], now=100.0, max_open=2, open_since=50.0)
    assert store.create_room("BBBBB", "key", ["a"], now=100.0, max_open=2, open_since=50.0)
    with pytest.raises(RoomsFull):
        store.create_room("CCCCC", "key", ["a"], now=101.0, max_open=2, open_since=50.0)
    assert store.room("CCCCC") is None and store.count_open(since=0.0) == 2
    assert not store.create_room("AAAAA", "key", ["a"], now=101.0, max_open=3, open_since=50.0)  # taken
    assert store.create_room("CCCCC", "key", ["a"], now=200.0, max_open=2, open_since=150.0)  # A, B now idle
    store.update_room("CCCCC", 201.0, (0, "ready"), phase="ended")  # an ended room does not count
    assert store.create_room("DDDDD", "key", ["a"], now=202.0, max_open=1, open_since=150.0)
    assert store.count_open(since=150.0) == 1


def test_presenters_opening_rooms_at_the_same_instant_stay_within_the_cap(store):
    """Eight threads at a barrier each create a room with room for one more: the count and the insert are one
    step, so exactly one of them gets it (a count, then an insert, let several through)."""
    for attempt in range(10):
        store.purge(before=float("inf"))
        if isinstance(store, RedisStore):
            store.redis.flushdb()
        start, outcomes = threading.Barrier(8), []

        def open_one(name, start=start, outcomes=outcomes, attempt=attempt):
            start.wait()
            try:
                outcomes.append(store.create_room(f"{name}{attempt}", "key", ["a"], now=1.0, max_open=1))
            except RoomsFull:
                outcomes.append("full")

        threads = [threading.Thread(target=open_one, args=(f"R{i}",)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes, key=str) == [True] + ["full"] * 7, outcomes
        assert store.count_open(since=0.0) == 1


def test_judgements_accumulate_across_rooms(store):
    store.add_judgements([("MNIST", "GAN", "Real"), ("MNIST", "GAN", "GAN"), ("MNIST", "Real", "Real")])
    store.add_judgements([("MNIST", "GAN", "Real")])
    store.add_judgements([])
    assert store.judgements() == {("MNIST", "GAN"): {"Real": 2, "GAN": 1}, ("MNIST", "Real"): {"Real": 1}}


def test_sqlite_keeps_everything_across_a_restart(tmp_path):
    path = tmp_path / "rooms.sqlite3"
    first = SQLiteStore(path)
    first.create_room("ABCDE", "key", ["a"], now=1.0)
    first.join("ABCDE", "p1", "Calm Otter", 2.0)
    first.update_room("ABCDE", 2.5, (0, "ready"), phase="open")
    first.answer("ABCDE", 0, "p1", "GAN", 3.0)
    again = SQLiteStore(path)  # what a restarted app opens
    assert again.room("ABCDE")["secret"] == "key"
    assert again.answers("ABCDE", 0) == {"p1": ("GAN", 3.0)}
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_apps_opening_one_new_file_at_once_all_get_the_store(tmp_path):
    """Two replicas (or the test suite's two workers) starting on one new file race to switch it to WAL; SQLite
    answers the loser "database is locked" at once. Threads stand in for the processes (SQLite locks them the
    same way). Before the store waited that out, this test failed, and a CI run went red on the race."""
    failures = []
    for attempt in range(60):
        path = tmp_path / f"rooms-{attempt}.sqlite3"
        start = threading.Barrier(4)

        def open_it(path=path, start=start):
            start.wait()
            try:
                SQLiteStore(path).create_room(threading.current_thread().name, "key", ["a"], now=1.0)
            except StoreError as err:
                failures.append(str(err))

        threads = [threading.Thread(target=open_it, name=f"R{i}") for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == [], failures[0]
        rooms = SQLiteStore(path).db.execute("SELECT code FROM rooms ORDER BY code").fetchall()
        assert rooms == [("R0",), ("R1",), ("R2",), ("R3",)]


def test_redis_keys_expire_and_keep_every_rounds_answers_alive(redis_url):
    store = RedisStore(redis_url + "/2")
    store.redis.flushdb()
    store.create_room("ABCDE", "key", ["a", "b"], now=1.0)
    store.join("ABCDE", "p1", "Ada", 1.0)
    store.update_room("ABCDE", 2.0, (0, "ready"), phase="open")
    store.answer("ABCDE", 0, "p1", "GAN", 3.0)
    store.redis.expire("room:ABCDE:answers:0", 5)  # as if it were old
    store.update_room("ABCDE", 4.0, (0, "open"), round=1, phase="ready")
    for key in ("room:ABCDE", "room:ABCDE:people", "room:ABCDE:joined", "room:ABCDE:answers:0"):
        assert store.redis.ttl(key) > 86400, key


def test_open_store_reads_the_url(tmp_path, redis_url):
    assert isinstance(open_store(f"sqlite:///{tmp_path}/a.sqlite3"), SQLiteStore)
    assert (tmp_path / "a.sqlite3").exists()
    assert isinstance(open_store(str(tmp_path / "b.sqlite3")), SQLiteStore)
    assert isinstance(open_store(redis_url + "/1"), RedisStore)
    with pytest.raises(StoreError, match="names no file"):
        open_store("sqlite://")
    with pytest.raises(StoreError, match="use redis://"):
        open_store("postgres://db/rooms")


def test_an_unreachable_redis_is_one_clear_line():
    from tests.conftest import free_port

    with pytest.raises(StoreError, match="cannot reach the room store redis://127.0.0.1:.*Start redis-server"):
        RedisStore(f"redis://127.0.0.1:{free_port()}/0")
