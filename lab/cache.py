"""Bounded caches for the request path: a deterministic result (the same inputs always give the same
output, e.g. a fixed-seed `/generate`, a manifold grid) is computed once and then served from memory.

Each cached function keeps its own least-recently-used table of at most `maxsize` entries, stored in
the `Lab` it was called with (`lab.caches`), so two labs (e.g. two test apps) never share results.
What a cache hands out is read-only or a copy: numpy arrays are frozen (`writeable = False`) and
dicts/lists are deep-copied on every hit, so one visitor's request can never alter another's result.
"""

import copy
import functools
import threading
from collections import OrderedDict

import numpy as np


class BoundedCache:
    """A thread-safe least-recently-used table with at most `maxsize` entries."""

    def __init__(self, maxsize: int):
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self.maxsize = maxsize
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key, default=None):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return default

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)


def frozen(value):
    """`value` with every numpy array in it made read-only (tuples, lists and dict values are walked)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple | list):
        for item in value:
            frozen(item)
    elif isinstance(value, dict):
        for item in value.values():
            frozen(item)
    return value


def handed_out(value):
    """What a hit returns: frozen arrays as they are (nobody can write to them), everything mutable
    around them (dicts, lists) copied."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "clone"):  # a torch tensor
        return value.clone()
    if isinstance(value, tuple):
        return tuple(handed_out(item) for item in value)
    if isinstance(value, list):
        return [handed_out(item) for item in value]
    if isinstance(value, dict):
        return {key: handed_out(item) for key, item in value.items()}
    return copy.deepcopy(value)


def cached(maxsize: int):
    """Cache `fn(lab, *args)` by `args` (which must be hashable, already parsed: `15`, not `"15"`),
    at most `maxsize` results per lab."""

    def decorate(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def wrapper(lab, *args):
            table = lab.caches.get(name)
            if table is None:
                table = lab.caches.setdefault(name, BoundedCache(maxsize))
            missing = object()
            value = table.get(args, missing)
            if value is missing:
                value = frozen(fn(lab, *args))
                table.put(args, value)
            return handed_out(value)

        wrapper.maxsize = maxsize
        wrapper.uncached = fn
        return wrapper

    return decorate
