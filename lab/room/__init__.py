"""Room mode: the whole class answers from their phones, live on the projector.

- `store.py`: where rooms live (SQLite by default, Redis for several replicas), behind one interface;
- `rounds.py`: the rounds a room can play and the shipped lesson's sequence;
- `game.py`: codes, names, phases, votes, the tally, points and places, the CSV, the room as a judge.
The page's parts are ui/room.py (the presenter's tab) and ui/room_page.py (the students' page and its routes).
"""

from lab.room.game import RoomLimits, Rooms
from lab.room.rounds import LESSON, ROUNDS
from lab.room.store import RoomStore, StoreError, open_store

__all__ = ["LESSON", "ROUNDS", "RoomLimits", "RoomStore", "Rooms", "StoreError", "open_store"]
