"""lab/memory.py: on glibc, all threads share two malloc arenas and large buffers are unmapped when freed;
elsewhere nothing happens."""

import ctypes
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lab import memory

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter (mallopt changes the whole process): 8 threads allocate, then a 4 MB buffer is
# allocated and freed twice. Prints the number of arenas (malloc_info's <heap> entries) and the process's
# resident anonymous memory with the buffer touched and after it was freed.
PROBE = r"""
import ctypes, json, re, sys, tempfile, threading
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from lab import memory
took = memory.limit_fragmentation() if sys.argv[2] == "1" else None
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes, libc.fclose.argtypes = [ctypes.c_int, ctypes.c_void_p], [ctypes.c_void_p]
barrier = threading.Barrier(8)
def work():
    block = libc.malloc(1000)
    barrier.wait()  # all 8 alive at once, each wanting an arena
    libc.free(block)
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
def anon_kb():
    return int(re.search(r"RssAnon:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))
libc.free(libc.malloc(4 * 2**20))  # by default, glibc now raises its mmap threshold to 4 MB
big = libc.malloc(4 * 2**20)
ctypes.memset(big, 1, 4 * 2**20)
touched = anon_kb()
libc.free(big)
freed = anon_kb()
with tempfile.NamedTemporaryFile("r") as f:
    fp = libc.fopen(f.name.encode(), b"w"); libc.malloc_info(0, fp); libc.fclose(fp)
    arenas = f.read().count("<heap nr=")
print(json.dumps({"took": took, "arenas": arenas, "released_kb": touched - freed}))
"""


def run_probe(limit: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), "1" if limit else "0"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return json.loads(out)


@pytest.mark.skipif(memory.glibc() is None, reason="glibc only")
def test_threads_share_two_arenas_and_large_buffers_go_back_to_the_system():
    limited = run_probe(limit=True)
    assert limited["took"] is True
    assert limited["arenas"] == memory.ARENAS
    assert limited["released_kb"] > 3 * 1024  # the 4 MB buffer left the process when freed
    default = run_probe(limit=False)  # what the settings change: an arena per thread, and the buffer kept
    assert default["arenas"] > memory.ARENAS
    assert default["released_kb"] < 1024


def test_a_no_op_off_glibc(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory.glibc() is None and memory.limit_fragmentation() is False
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: type("Musl", (), {})())  # a C library without glibc's names
    assert memory.glibc() is None and memory.limit_fragmentation() is False
