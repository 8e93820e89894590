"""The server's memory. Gradio runs each request in one of its worker threads, and glibc's malloc gives
each new thread an arena of its own (up to 8 per core: 16 on a 2-core Space). It also raises its mmap
threshold, after the first large buffer is freed, to as much as 32 MB, and then keeps the freed top of each
arena (up to twice that) resident. So every arena ends up holding the largest tensors and images of the
requests it served: over 570 soak requests the server's anonymous memory rose 357 MB while malloc's own
count of the bytes in use rose about 70 MB (`python -m benchmarks memory soak --probe FILE`).
`limit_fragmentation` fixes both (docs/benchmarks.md, memory: +387 MB over 2,000 requests before, +79, +102 and
+109 MB after);
glibc's `malloc_trim(0)`, the usual remedy, released 1–4 MB a call here (it does not touch the tops of
the threads' arenas). Does nothing off glibc (macOS, Windows, musl)."""

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 2**20  # buffers from 1 MB up get their own mapping, unmapped when freed


def glibc() -> ctypes.CDLL | None:
    """The process's own C library if it is glibc, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        return libc
    except (OSError, AttributeError):
        return None


def limit_fragmentation(arenas: int = ARENAS, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Have glibc's malloc share `arenas` arenas between all threads, and hand every buffer of
    `mmap_threshold` bytes or more back to the system when it is freed (a fixed threshold: glibc's
    rising one is what keeps them). What `MALLOC_ARENA_MAX` and `MALLOC_MMAP_THRESHOLD_` would do,
    from inside the app. Call it before other threads start: threads that already have an arena keep it.
    True if both settings took; False off glibc."""
    libc = glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas)) and bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold))
