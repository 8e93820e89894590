"""lab/memory.py: freed memory goes back to the system on glibc; elsewhere nothing happens."""

import ctypes
import sys
from pathlib import Path

import pytest

from lab import memory


def anon_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon")


@pytest.mark.skipif(memory.glibc() is None, reason="glibc only")
def test_trim_returns_freed_arena_memory_to_the_system():
    libc = memory.glibc()
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(64 * 1024) for _ in range(480)]  # 30 MB in the heap (below the mmap threshold)
    for block in blocks:
        ctypes.memset(block, 1, 64 * 1024)
    for block in blocks[:-1]:  # the last one stays, so the free space is not at the top, which free trims
        libc.free(block)
    before = anon_mb()
    try:
        assert memory.trim() is True
        assert before - anon_mb() > 20  # the freed 30 MB left the process
    finally:
        libc.free(blocks[-1])


def test_trim_is_a_no_op_off_glibc(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory.glibc() is None and memory.trim() is False
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: type("Musl", (), {})())  # a C library without glibc's names
    assert memory.glibc() is None and memory.trim() is False
