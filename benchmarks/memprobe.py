"""Run `app.py` with a thread that logs where the server's memory is, for benchmarks/soak.py --probe.

    LAB_MEMPROBE_OUT=probe.jsonl python benchmarks/memprobe.py   # then use the app as usual

Every LAB_MEMPROBE_SECONDS (default 10) it appends one JSON line: resident memory split into anonymous
(heap, arenas, mmapped buffers) and file-backed (code, shared libraries), glibc malloc's own count of the
bytes in use and the bytes held free inside its arenas (mallinfo2; the free bytes are fragmentation),
the number of arenas and threads, the number of Python objects by type, and, with LAB_MEMPROBE_TRACE=1,
the Python allocations (tracemalloc) that grew most since the first line. Not used by the app itself.
"""

import collections
import ctypes
import gc
import json
import os
import re
import runpy
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def proc_status() -> dict[str, int]:
    wanted = {"VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"}
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            out[key] = int(value.split()[0])
    return out


def malloc_figures(libc) -> dict:
    info = libc.mallinfo2()
    mb = lambda b: round(b / 2**20, 1)  # noqa: E731
    figures = {"heap_mb": mb(info.arena), "mmapped_mb": mb(info.hblkhd), "mmapped_chunks": info.hblks,
               "in_use_mb": mb(info.uordblks), "free_in_arenas_mb": mb(info.fordblks), "top_pad_mb": mb(info.keepcost)}
    with tempfile.NamedTemporaryFile("r", suffix=".xml") as f:  # malloc_info: one <heap> per arena
        fp = libc.fopen(f.name.encode(), b"w")
        libc.malloc_info(0, fp)
        libc.fclose(fp)
        figures["arenas"] = len(re.findall(r"<heap nr=", f.read()))
    return figures


def probe(out: Path, every: float, trace: bool) -> None:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    first_types, first_snapshot = None, None
    began = time.time()
    while True:
        status = proc_status()
        types = collections.Counter(type(o).__name__ for o in gc.get_objects())
        line = {"t": round(time.time() - began, 1), "rss_mb": round(status["VmRSS"] / 1024, 1),
                "anon_mb": round(status["RssAnon"] / 1024, 1), "file_mb": round(status["RssFile"] / 1024, 1),
                "threads": status["Threads"], **malloc_figures(libc), "py_objects": sum(types.values())}
        if first_types is None:
            first_types = types
        grown = types - first_types
        line["py_types_grown"] = dict(grown.most_common(8))
        if trace:
            snapshot = tracemalloc.take_snapshot()
            line["traced_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
            if first_snapshot is None:
                first_snapshot = snapshot
            line["traced_grown"] = [f"{s.size_diff / 2**10:+.0f} KB {s.count_diff:+d} {s.traceback[0]}"
                                    for s in snapshot.compare_to(first_snapshot, "lineno")[:12]]
        with open(out, "a") as f:
            f.write(json.dumps(line) + "\n")
        time.sleep(every)


def main() -> None:
    out = Path(os.environ["LAB_MEMPROBE_OUT"])
    trace = os.environ.get("LAB_MEMPROBE_TRACE") == "1"
    if trace:
        tracemalloc.start(1)
    threading.Thread(target=probe, args=(out, float(os.environ.get("LAB_MEMPROBE_SECONDS", "10")), trace),
                     name="memprobe", daemon=True).start()
    sys.path.insert(0, str(ROOT))
    sys.argv = [str(ROOT / "app.py")]
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")


if __name__ == "__main__":
    main()
