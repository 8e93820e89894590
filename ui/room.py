"""Tab "Room": the presenter's side of room mode (lab/room/). Open a room, show its code, QR code and join link
large enough to scan from the back, watch "N joined · M answered" count up (a gr.Timer reads two counts every
2 s), and run each round with Start round · Lock · Reveal · Next · End. The tally, the answer, its measured
explanation and the leaderboard appear only at Reveal; End shows the podium. The room's code and secret stay in
this browser (gr.BrowserState), so reloading the page, or restarting the app, resumes the room.

The students' side is a separate small page (ui/room_page.py: /join?room=CODE)."""

import tempfile
from types import SimpleNamespace

import gradio as gr
from gradio import route_utils
from gradio.data_classes import FileData

from lab.images import upscale
from lab.loading import Lab
from lab.plots import tally_chart
from lab.quiz import SCALE
from lab.room import LESSON, ROUNDS, Rooms
from lab.room.game import ACTIONS, PRESSED_IN, judge_markdown, markdown_text, parse_code
from lab.room.qr import qr_image
from ui.access import ALT_TEXT
from ui.common import ResultImage, friendly
from ui.presenter import explain

HELP = """**The whole room answers from their phones.** Press **Open a room**: the screen shows a code, a QR code
and a link. Students scan or type it on their phones and get a made-up name (they may change it). For each round:
**Start round** (phones can answer and change their answer), **Lock**, **Reveal** (the tally, the right answer
and why, with a measured figure, and the leaderboard), then **Next**. **End** shows the podium. Points: 100 for a
right answer, plus 25 for each right answer in a row before it (at most +100). The room's answers to "Real, VAE or
GAN?" rounds count, without names, towards how often people take each model's images for real (the end screen
and the Models tab show it). Predict
rounds have a link to the demo that shows the answer: open it after Lock, then come back to reveal."""

TICK_SECONDS = 2.0  # how often the presenter's counts refresh
PICTURE_HEIGHT = {False: 230, True: 150}  # an image round's picture before Reveal, and from Reveal (pixels)
BUTTONS = {"start": "Start round", "lock": "Lock", "reveal": "Reveal", "next": "Next", "end": "End"}
# the buttons that work in each phase, from the game's rule (none once the room has ended or expired)
ALLOWED = {phase: tuple(a for a in ACTIONS if phase in PRESSED_IN[a])
           for phase in ("ready", "open", "locked", "revealed", "ended", "expired")}
NO_ROOM = "## No room is open\nPress **Open a room** below; the code, the QR code and the link appear here."
PAGE_URL_JS = "window.location.origin + window.location.pathname"
# The code as large as the page allows; the five buttons on one line in both modes
CSS = """
#room-join h1 { font-size: 72px !important; letter-spacing: 0.12em; margin: 0 !important; line-height: 1.1; }
#room-counts h2 { margin: 0 !important; }
#room-controls { gap: 6px !important; flex-wrap: nowrap !important; }
#room-controls button { min-width: 0 !important; flex: 1 1 auto !important; white-space: nowrap;
  padding-left: 6px !important; padding-right: 6px !important; }
body.presenter #room-question h3 { margin: 4px 0 !important; }
"""


def join_link(page_url: str, code: str) -> str:
    """The students' link: the page's address without its query, then join?room=CODE."""
    base = (page_url or "").split("?")[0].split("#")[0]
    return f"{base.rstrip('/')}/join?room={code}"


def answered_title(n: int) -> str:
    return f"The room answered: {n} answer{'' if n == 1 else 's'}"


def counts_text(view: dict) -> str:
    return f"## {view['joined']} joined · {view['answered']} answered"


def question_text(view: dict) -> str:
    phase = {"ready": "up next", "open": "answering", "locked": "locked", "revealed": "revealed",
             "ended": "the room has ended", "expired": "the room expired: open a new room"}[view["phase"]]
    lines = [f"**Round {view['round']} of {view['rounds']}** · {phase}", f"### {view['prompt']}"]
    if "tally" in view:  # from Reveal the tally lists the choices
        pass
    elif view["kind"] == "image":
        lines.append(" · ".join(f"{chr(65 + i)}. {choice}" for i, choice in enumerate(view["choices"])))
    else:
        lines += [f"{chr(65 + i)}. {choice}  " for i, choice in enumerate(view["choices"])]
    if view["demo"]:
        lines += ["", f"[Open the demo that shows the answer]({view['demo']}) (after Lock; come back to reveal)"]
    return "\n".join(lines)


def outcome_text(view: dict) -> str:
    """From Reveal: the answer (by its letter: the tally beside it spells it out), why, and the top three."""
    if "answer" not in view:
        return ""
    letter = chr(65 + view["choices"].index(view["answer"]))
    answer = view["answer"] if view["kind"] == "image" else letter
    lines = [f"### Answer: {answer}", view["explanation"], ""]
    if view.get("podium"):  # the finale: a table (tied names share a place)
        lines += ["**Podium**", "", "| place | name | points | streak |", "|---|---|---|---|"]
        lines += [f"| {row['place']} | {markdown_text(row['name'])} | {row['points']} | {row['streak']} |"
                  for row in view["podium"][:3]]
    elif view["leaderboard"]:  # between rounds one line, so that it fits a projector's 720 pixels under the why
        lines.append(leaderboard_line(view["leaderboard"][:3]))
    if "judged" in view:
        lines += ["", "**The rooms as judges**", "", judge_markdown(view["judged"])]
    return "\n".join(lines)


def leaderboard_line(board: list[dict]) -> str:
    """The top places in one line, tied names sharing a place: 1. Ada, 200 points (streak 2) · 2. Bo, 100 ..."""
    def entry(i, row):
        streak = f" (streak {row['streak']})" if row["streak"] >= 2 else ""
        return f"{row['place']}. {markdown_text(row['name'])}, {row['points']}{' points' if i == 0 else ''}{streak}"
    return "**Leaderboard:** " + " · ".join(entry(i, row) for i, row in enumerate(board))


def tally_description(view: dict) -> str:
    """The tally chart in words, for a screen reader."""
    total = max(sum(view["tally"]), 1)
    parts = [f"{choice}: {count} ({count / total:.0%})" + (", the right answer" if choice == view["answer"] else "")
             for choice, count in zip(view["choices"], view["tally"], strict=True)]
    return f"Bar chart of the room's {sum(view['tally'])} answers. " + "; ".join(parts) + "."


def app_root(request: gr.Request) -> str:
    """The app's public address as the caller reached it (behind a proxy too: Gradio reads X-Forwarded-Host)."""
    return route_utils.get_root_url(request.request, "", None).split("/gradio_api/")[0]


def build(lab: Lab, rooms: Rooms) -> SimpleNamespace:
    def csv_file(code: str, secret: str) -> str:
        """The room's answers (`Rooms.export`) in a CSV file that Gradio serves for download, then deletes."""
        csv_text = rooms.export(code, secret)
        with tempfile.NamedTemporaryFile("w", suffix=".csv", prefix=f"room-{parse_code(code)}-answers-",
                                         delete=False, encoding="utf-8", newline="") as f:
            f.write(csv_text)
        return f.name

    def view_updates(code: str, secret: str, page_url: str):
        """Every output of the tab for the room `code` (None: no room)."""
        if not code:
            return (NO_ROOM, gr.update(value=None, visible=False), "", "", gr.update(value=None, visible=False),
                    "", gr.update(value=None, visible=False), *[gr.update(interactive=False)] * len(ACTIONS),
                    gr.Timer(active=False))
        view = rooms.state(code, secret)
        link = join_link(page_url, code)
        revealed = "answer" in view
        join = f"**Join on your phone** at **{link}** with the code\n# {code}"
        if revealed:  # the answer needs the room: the way in shrinks to a line (the code stays readable)
            join = f"Join at **{link}** · code **{code}**"
        qr = gr.update(value=qr_image(link), visible=not revealed,  # at Reveal the outcome takes its place
                       alt_text=f"QR code of the join link {link}")
        picture = gr.update(value=None, visible=False)
        if "seed" in view:  # an image round that has started
            # at Reveal the tally goes under it: smaller, so that both fit a projector's 720 pixels
            picture = gr.update(value=upscale(rooms.picture(code, view["round"])["image"], SCALE), visible=True,
                                height=PICTURE_HEIGHT[revealed])
        tally = gr.update(value=None, visible=False)
        if "tally" in view:
            tally = gr.update(value=tally_chart(view["choices"], view["tally"], view["answer"],
                                                answered_title(sum(view["tally"]))), visible=True,
                              alt_text=tally_description(view))
        allowed = ALLOWED[view["phase"]]
        last = view["round"] == view["rounds"]
        buttons = [gr.update(interactive=a in allowed and not (a == "next" and last)) for a in ACTIONS]
        return (join, qr, counts_text(view), question_text(view), picture, outcome_text(view), tally, *buttons,
                gr.Timer(active=view["phase"] not in ("ended", "expired")))

    @friendly
    def on_open(sequence, page_url):
        room = rooms.open(sequence)
        return (*view_updates(room["code"], room["secret"], page_url), [room["code"], room["secret"]])

    @friendly
    def on_restore(host, page_url):
        code, secret = (host or ["", ""])[:2]
        try:
            return view_updates(code, secret, page_url)
        except ValueError:  # the room is gone (another store, or expired): start afresh
            return view_updates("", "", "")

    def on_resume(host, page_url, shown):
        """At page load, show this browser's room once both its stored [code, secret] and the page's address are
        known. Either may arrive first: the browser reads its localStorage only when that component mounts, which
        on a busy machine is after the page's load event, so both changes call this, and it skips until both are
        in (and when the room is already shown, as right after "Open a room")."""
        code = (host or ["", ""])[0]
        if not code or not page_url or code in (shown or ""):
            return gr.skip()
        return on_restore(host, page_url)

    @friendly
    def on_control(action, host, page_url):
        code, secret = (host or ["", ""])[:2]
        if not code:
            raise ValueError("Open a room first.")
        rooms.control(code, secret, action)
        return view_updates(code, secret, page_url)

    @friendly
    def on_tick(host):
        code, secret = (host or ["", ""])[:2]
        if not code:
            return gr.skip()
        return counts_text(rooms.counts(code, secret))

    @friendly
    def on_export(host):
        code, secret = (host or ["", ""])[:2]
        if not code:
            raise ValueError("Open a room first.")
        return gr.update(value=csv_file(code, secret), visible=True)

    with gr.Tab("Room", id="room", elem_id="tab-room") as tab:
        # [code, secret] of this browser's room, kept in its localStorage: a reload or a restart resumes the room
        host = gr.BrowserState(["", ""], storage_key="vae-gan-lab-room")
        page_url = gr.Textbox(visible=False)  # the page's address, filled in the browser (PAGE_URL_JS)
        timer = gr.Timer(TICK_SECONDS, active=False)
        explain(HELP, "How room mode works")
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=280):
                join = gr.Markdown(NO_ROOM, elem_id="room-join")
                qr = ResultImage(label="QR code of the join link", format="png", interactive=False, visible=False,
                                 height=300, elem_id="room-qr", show_label=False, alt_text=ALT_TEXT["room-qr"])
                outcome = gr.Markdown(elem_id="room-outcome")  # at Reveal, in the QR code's place
            with gr.Column(scale=3):
                counts = gr.Markdown(elem_id="room-counts")
                with gr.Row(elem_id="room-controls"):
                    buttons = [gr.Button(BUTTONS[a], interactive=False, elem_id=f"room-{a}",
                                         variant="primary" if a in ("start", "reveal") else "secondary")
                               for a in ACTIONS]
                question = gr.Markdown(elem_id="room-question")
                picture = ResultImage(label="This round's picture", format="png", interactive=False, visible=False,
                                      height=PICTURE_HEIGHT[False], elem_id="room-picture",
                                      alt_text=ALT_TEXT["room-picture"])
                tally = ResultImage(label="The room's answers", format="png", interactive=False, visible=False,
                                    elem_id="room-tally", show_label=False, alt_text=ALT_TEXT["room-tally"])
        with gr.Row():
            sequence = gr.Dropdown([(f"{ROUNDS[i].title}", i) for i in ROUNDS], value=list(LESSON), multiselect=True,
                                   label="Rounds of the next room, in order (the shipped lesson by default)",
                                   elem_id="room-sequence", scale=4)
            open_button = gr.Button("Open a room", variant="primary", elem_id="room-open", scale=1)
        with gr.Row():
            export_button = gr.Button("Download answers (CSV)", elem_id="room-export", scale=1)
            export_file = gr.File(label="Answers: name, round, answer, correct, seconds", scale=2, visible=False,
                                  elem_id="room-export-file")

        # The API (docs/api.md, "Room mode"): a notebook, a second screen or a phone app runs a room without the page
        @friendly
        def room_open(rounds: str = "", request: gr.Request = None) -> dict:
            """Open a room playing `rounds` (round ids, comma-separated; empty: the shipped lesson): its `code`,
            the students' `join` link and the presenter's `secret` (keep it: whoever has it runs the room)."""
            room = rooms.open(rounds or None)
            root = app_root(request) if request else ""  # no request: a direct call (benchmarks/floor_app.py)
            return {"code": room["code"], "join": join_link(root, room["code"]), "secret": room["secret"]}

        @friendly
        def room_join(code: str, name: str = "") -> dict:
            """Join room `code` as `name` (empty: a made-up name such as "Calm Otter"): the `participant` id to
            answer with, and the `name`."""
            return rooms.join(code, name or None)

        @friendly
        def room_question(code: str, participant: str = "") -> dict:
            """What a student's phone shows: the round, its question and choices once started (never the answer
            before Reveal), the participant's choice, and from Reveal whether it was right and their place."""
            return rooms.question(code, participant or None)

        @friendly
        def room_answer(code: str, participant: str, round: int, choice: str) -> dict:
            """Answer round `round` (its number, as room_question gives it) with `choice`, while the round is open;
            answering again replaces the answer."""
            return rooms.answer(code, participant, round, choice)

        @friendly
        def room_control(code: str, secret: str, action: str) -> dict:
            """The presenter's buttons, action start, lock, reveal, next or end; then what the projector shows."""
            rooms.control(code, secret, action)
            return rooms.state(code, secret)

        @friendly
        def room_state(code: str, secret: str) -> dict:
            """What the projector shows: joined, answered, the round, and from Reveal its tally, answer and
            leaderboard (the podium and the rooms' judgement once ended)."""
            return rooms.state(code, secret)

        @friendly
        def room_export(code: str, secret: str) -> FileData:
            """The room's answers as a CSV file: name, round, round_id, answer, correct, seconds."""
            return FileData(path=csv_file(code, secret), orig_name=f"room-{parse_code(code)}-answers.csv",
                            mime_type="text/csv")

        @friendly
        def room_judge() -> list:
            """How often finished rooms took each source's images for real, with 95 % Wilson intervals."""
            return rooms.judge_table()

        for fn in (room_open, room_join, room_question, room_answer, room_control, room_state, room_export,
                   room_judge):
            gr.api(fn, api_name=fn.__name__)

    outputs = [join, qr, counts, question, picture, outcome, tally, *buttons, timer]
    open_button.click(on_open, [sequence, page_url], [*outputs, host], api_visibility="private",
                      js=f"(sequence, url) => [sequence, {PAGE_URL_JS}]")
    for action, button in zip(ACTIONS, buttons, strict=True):
        button.click(lambda h, url, a=action: on_control(a, h, url), [host, page_url], outputs,
                     api_visibility="private", js=f"(host, url) => [host, {PAGE_URL_JS}]")
    timer.tick(on_tick, host, counts, api_visibility="private", show_progress="hidden")
    export_button.click(on_export, host, export_file, api_visibility="private")
    tab.select(on_restore, [host, page_url], outputs, api_visibility="private",
               js=f"(host, url) => [host, {PAGE_URL_JS}]")
    return SimpleNamespace(tab=tab, host=host, page_url=page_url, outputs=outputs, join=join, resume=on_resume)


def wire(demo: gr.Blocks, room: SimpleNamespace) -> None:
    """When the page loads, note its address (for the join link), then resume this browser's room if it has one:
    a link straight to `?tab=room` selects no tab, so the tab's own select event would not run."""
    demo.load(None, None, room.page_url, js=f"() => {PAGE_URL_JS}", queue=False, api_visibility="private")
    for loaded in (room.page_url, room.host):
        loaded.change(room.resume, [room.host, room.page_url, room.join], room.outputs, api_visibility="private",
                      show_progress="hidden")
