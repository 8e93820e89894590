"""The server's memory. Gradio runs each request in one of its worker threads, and glibc's malloc gives
each thread that allocates under contention an arena of its own (up to 8 per core); memory that a request
frees stays in its arena, resident, and the next request on another thread does not reuse it. So the
server's memory rises with traffic although nothing is kept (benchmarks/soak.py measures it).
`trim` hands the free pages of every arena back to the system. Both functions do nothing off glibc
(macOS, Windows, musl)."""

import ctypes
import sys
import threading
import time


def glibc() -> ctypes.CDLL | None:
    """The process's own C library if it is glibc (the only one with malloc_trim), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        return libc
    except (OSError, AttributeError):
        return None


def trim() -> bool:
    """Return the free memory of every malloc arena to the system (glibc's `malloc_trim(0)`, which also
    releases whole free pages in the middle of an arena, not only at its top). True if memory was released;
    False if there was none to release or this is not glibc."""
    libc = glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def trim_every(seconds: float) -> threading.Thread:
    """A daemon thread that calls `trim` every `seconds` (nothing happens off glibc)."""

    def loop():
        while True:
            time.sleep(seconds)
            trim()

    thread = threading.Thread(target=loop, name="malloc-trim", daemon=True)
    thread.start()
    return thread
