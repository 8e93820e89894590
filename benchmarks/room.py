"""`python -m benchmarks room`: a room full of phones polling the round, through Gradio's own event path and
through the students' route, against the same function (`Rooms.question`).

Each virtual phone asks for the round every `--interval` seconds (the students' page polls every 1.5 s) for
`--seconds`, first all through one path, then all through the other:
- gradio: POST gradio_api/call/room_question, then read its result from the event stream (what a Gradio page's
  gr.Timer costs: an event through the queue, answered over server-sent events);
- route:  GET room/api/CODE?participant=ID (ui/room_page.py: the store read, no queue).
Figures per path: polls answered per second, latency p50/p95, errors, and, when this benchmark started the
server itself (no `--url`), the server's CPU time per poll: 2 cores divided by it is the most polls a second
the machine could answer, whatever the client (which shares the machine) manages.

    python -m benchmarks room --phones 200 --seconds 30
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench import ROOT, command_line, footer, free_port, machine, parser, start, stop, summary, table

NAME = "room"
PATHS = ("gradio", "route")


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def poll_gradio(http, url: str, code: str, participant: str) -> None:
    response = await http.post(f"{url}gradio_api/call/room_question", json={"data": [code, participant]})
    response.raise_for_status()
    event = response.json()["event_id"]
    async with http.stream("GET", f"{url}gradio_api/call/room_question/{event}") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("event: error"):
                raise RuntimeError("the event failed")
            if line.startswith("event: complete"):
                return
    raise RuntimeError("the event stream ended without a result")


async def poll_route(http, url: str, code: str, participant: str) -> None:
    response = await http.get(f"{url}room/api/{code}", params={"participant": participant})
    response.raise_for_status()
    json.loads(response.content)


async def phones(url: str, path: str, code: str, participants: list[str], seconds: float, interval: float) -> dict:
    """Every phone polling `path` every `interval` s for `seconds`: latencies (s) and errors."""
    import httpx

    poll = poll_gradio if path == "gradio" else poll_route
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=len(participants) * 2, max_keepalive_connections=len(participants) * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        end = time.perf_counter() + seconds

        async def phone(i: int, participant: str) -> None:
            nonlocal errors
            await asyncio.sleep(interval * i / len(participants))  # the phones' polls spread over the interval
            while time.perf_counter() < end:
                began = time.perf_counter()
                try:
                    await poll(http, url, code, participant)
                    latencies.append(time.perf_counter() - began)
                except (httpx.HTTPError, RuntimeError, ValueError):
                    errors += 1
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - began)))

        began = time.perf_counter()
        await asyncio.gather(*(phone(i, participant) for i, participant in enumerate(participants)))
        wall = time.perf_counter() - began
    return {"latencies": latencies, "errors": errors, "wall": wall}


def open_room(url: str, n: int) -> tuple[str, list[str]]:
    """A room with `n` joined phones and its first round open: (code, the phones' ids)."""
    import httpx
    from gradio_client import Client

    client = Client(url, verbose=False)
    room = client.predict("kl-term", api_name="/room_open")
    with httpx.Client(timeout=60) as http:
        participants = [http.post(f"{url}room/api/{room['code']}/join", json={}).json()["participant"]
                        for _ in range(n)]
        client.predict(room["code"], room["secret"], "start", api_name="/room_control")
        for participant in participants[: n // 2]:  # half have answered: the view carries their answer
            http.post(f"{url}room/api/{room['code']}/answer",
                      json={"participant": participant, "round": 1, "choice": "Sharper images"})
    return room["code"], participants


def main(argv: list[str]) -> dict:
    p = parser(NAME, __doc__)
    p.add_argument("--phones", type=int, default=200, help="phones polling at once (default 200)")
    p.add_argument("--seconds", type=float, default=30.0, help="how long each path is polled (default 30)")
    p.add_argument("--interval", type=float, default=1.5, help="seconds between one phone's polls (default 1.5)")
    p.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS), help="the paths measured, in order")
    p.add_argument("--url", help="an app already running (then the server's CPU time is not measured)")
    args = p.parse_args(argv)
    if args.phones < 1 or args.seconds <= 0 or args.interval <= 0:
        p.error("--phones must be at least 1, --seconds and --interval above 0")
    machine_ = machine()
    process = None
    work = Path(tempfile.mkdtemp(prefix="bench-room-"))
    url = args.url
    if url is None:
        env = {"LAB_ROOM_STORE": str(work / "rooms.sqlite3")}
        process, url, _ = start([sys.executable, str(ROOT / "app.py")], free_port(), work, "app", env=env)
    url = url if url.endswith("/") else url + "/"
    rows = []
    try:
        code, participants = open_room(url, args.phones)
        for path in args.paths:
            cpu_before = cpu_seconds(process.pid) if process else None
            with ThreadPoolExecutor(1) as thread:  # a loop of its own, even where the caller runs one
                polls = phones(url, path, code, participants, args.seconds, args.interval)
                result = thread.submit(asyncio.run, polls).result()
            cpu = cpu_seconds(process.pid) - cpu_before if process else None
            n = len(result["latencies"])
            row = {"path": path, "phones": args.phones, "polls": n, "errors": result["errors"],
                   "polls_per_s": round(n / result["wall"], 1),
                   "wanted_per_s": round(args.phones / args.interval, 1),
                   **({k: v for k, v in summary(result["latencies"]).items() if k != "n"} if n else {}),
                   "server_cpu_ms_per_poll": round(cpu / n * 1000, 2) if cpu is not None and n else None}
            row["most_polls_per_s_on_2_cores"] = (round(2000 / row["server_cpu_ms_per_poll"])
                                                  if row["server_cpu_ms_per_poll"] else None)
            rows.append(row)
        machine_["load_average_at_end"] = os.getloadavg()[0]
    finally:
        if process:
            stop(process)
    print(table(rows, [("path", "path"), ("phones", "phones"), ("wanted_per_s", "polls/s wanted"),
                       ("polls_per_s", "polls/s answered"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"),
                       ("errors", "errors"), ("server_cpu_ms_per_poll", "server CPU ms/poll"),
                       ("most_polls_per_s_on_2_cores", "max polls/s (2 cores)")]))
    command = command_line(NAME, argv)
    print(footer(machine_, command))
    return {"rows": rows, "machine": machine_, "command": command}
