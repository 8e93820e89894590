"""The students' side of room mode: one small page for phones and the JSON routes it polls, served by the same
server as the lab (Gradio runs on FastAPI; app.py passes `routes(rooms)` to it at launch).

Why not Gradio's own events: a room of 200 phones polling every 1.5 s is about 130 requests a second on 2 cores.
`python -m benchmarks room` measures both paths on the same function (docs/benchmarks.md, "room"); these
routes answer from the store with no queue, no session and no Svelte page of 12 tabs to load on a phone.

Routes (docs/api.md, "Room mode: the students' routes"):
- GET  /join?room=CODE                 the page (ui/room_page.html); without a code it asks for one
- GET  /room/api/{code}?participant=ID     the round as that phone sees it (`Rooms.question`, as /room_question)
- POST /room/api/{code}/join              {"name"?: str, "participant"?: str} -> {"room", "participant", "name"}
- POST /room/api/{code}/answer            {"participant": str, "round": int, "choice": str} -> {"round", "choice"}
- GET  /room/image/{code}/{n}.png      round n's picture, once the round has started
A refused request answers 400 (404 for an unknown room) with {"error": "<what to do>"}.
"""

import json
import logging
import sqlite3
from pathlib import Path

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from lab.room import Rooms

PAGE = (Path(__file__).with_name("room_page.html")).read_text(encoding="utf-8")
MAX_BODY = 2048  # bytes: a join or an answer is a few dozen
# what a request can meet: bad input (ValueError, with its message), or the store failing (sqlite3.Error, the redis
# package's RedisError, an OSError of the connection): never a bare 500
STORE_ERRORS = (ValueError, sqlite3.Error, OSError, RedisError)
log = logging.getLogger("lab")


def _error(err: Exception) -> JSONResponse:
    if not isinstance(err, ValueError):  # the store failed (a busy database, a lost Redis connection)
        log.exception("room store failed")
        return JSONResponse({"error": "The room is busy: trying again in a moment."}, status_code=503)
    status = 404 if str(err).startswith("There is no room") else 400
    return JSONResponse({"error": str(err)}, status_code=status)


async def _body(request: Request) -> dict:
    """The request's JSON object, read at most MAX_BODY bytes far."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY:
        raise ValueError("That request is too long.")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise ValueError("That request is too long.")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):  # RecursionError: a body of nested brackets
        raise ValueError("Send the request as JSON, e.g. {\"choice\": \"GAN\"}.") from None
    if not isinstance(body, dict):
        raise ValueError("Send the request as a JSON object, e.g. {\"choice\": \"GAN\"}.")
    return body


def routes(rooms: Rooms) -> list[Route]:
    """The students' page and API on `rooms`, as Starlette routes for the app's FastAPI (app.py)."""

    async def page(request: Request):
        return HTMLResponse(PAGE, headers={"Cache-Control": "no-cache"})

    def state(request: Request):  # a plain def: Starlette runs it on its thread pool, off the event loop
        try:
            view = rooms.question(request.path_params["code"], request.query_params.get("participant"))
        except STORE_ERRORS as err:
            return _error(err)
        return JSONResponse(view, headers={"Cache-Control": "no-store"})

    async def join(request: Request):
        try:
            body = await _body(request)
            return JSONResponse(rooms.join(request.path_params["code"], body.get("name"), body.get("participant")))
        except STORE_ERRORS as err:
            return _error(err)

    async def answer(request: Request):
        try:
            body = await _body(request)
            return JSONResponse(rooms.answer(request.path_params["code"], body.get("participant"), body.get("round"),
                                             body.get("choice")))
        except STORE_ERRORS as err:
            return _error(err)

    def image(request: Request):
        try:
            png = rooms.picture(request.path_params["code"], request.path_params["number"])["png"]
        except STORE_ERRORS as err:
            return _error(err)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    return [Route("/join", page), Route("/room/api/{code}", state),
            Route("/room/api/{code}/join", join, methods=["POST"]),
            Route("/room/api/{code}/answer", answer, methods=["POST"]),
            Route("/room/image/{code}/{number:int}.png", image)]
