"""The README's promises, and the docs' it links to: its test command is what CI runs, its pins match, its
tables and figures are the shipped ones, its "What is where" table is the tree, its endpoint list is the app's and
docs/api.md's, and every relative link points to a file that exists."""

import fnmatch
import json
import re
import subprocess
from pathlib import Path

from training.report import table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
API_DOC = DOCS / "api.md"
TRAINING_NOTES = DOCS / "training-notes.md"
OPERATING = DOCS / "operating.md"
WEIGHTS = ROOT / "weights"
TEST_COMMAND = "python -m pip install -r requirements-dev.txt && python -m pytest"
APP_COMMAND = "python -m pip install -r requirements.txt && python app.py"
MAX_README_LINES = 250


def section(text: str, heading: str) -> str:
    """The body of the Markdown section `heading` (e.g. "## Set up"): up to the next heading of its level or above."""
    level = heading.split()[0]
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^#{{1,{len(level)}}} |\Z)", text, flags=re.M | re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """The cells of a Markdown table's body rows (header and separator dropped)."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


# ---------------------------------------------------------------------------------------------- set up, CI


def test_ci_runs_the_readme_test_command():
    assert f"    {TEST_COMMAND}\n" in README
    assert f"\n{TEST_COMMAND}\n" in (ROOT / ".ci" / "run").read_text()


def test_readme_has_the_app_command_and_spaces_front_matter():
    assert f"    {APP_COMMAND}\n" in README
    front = README.split("---")[1]
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line)
    assert f"sdk_version: {pins['gradio']}" in front
    assert 'python_version: "3.11"' in front and "app_file: app.py" in front and "sdk: gradio" in front
    listed = re.findall(r"^  - vae-vs-gan-lab/(\S+)$", front, flags=re.M)
    try:
        from models.registry import MODEL_NAMES
    except ImportError:  # before the shared names moved from lab/ into models/
        from lab.loading import MODEL_NAMES

    assert sorted(listed) == sorted(MODEL_NAMES)


def test_readme_fits_on_a_users_page():
    assert len(README.splitlines()) <= MAX_README_LINES


def test_set_up_has_exactly_the_two_commands():
    body = section(README, "## Set up")
    indented = [line[4:] for line in body.splitlines() if line.startswith("    ") and line.strip()]
    fenced = [line for block in re.findall(r"^```[^\n]*\n(.*?)^```", body, flags=re.M | re.S)
              for line in block.splitlines() if line.strip()]
    assert indented + fenced == [APP_COMMAND, TEST_COMMAND]


# ------------------------------------------------------------------------------ figures: tables and their reading


def test_readme_table_is_what_training_report_prints():
    marker = "<!-- the table below is the output of `python -m training.report` -->\n"
    assert f"{marker}{table(WEIGHTS)}\n" in README


def metrics(name: str) -> dict:
    return json.loads((WEIGHTS / name / "metrics.json").read_text(encoding="utf-8"))


# the figures the README's reading of the table quotes, each exactly as metrics.json holds it
QUOTED = [("vae-mnist", "sharpness_ratio"), ("vae-mnist", "frechet_distance"), ("gan-mnist", "sharpness_ratio"),
          ("gan-mnist", "frechet_distance"), ("gan-mnist", "real_frechet_distance"), ("ae2d-mnist", "recall"),
          ("vae2d-mnist", "recall")]


def test_the_reading_of_the_table_quotes_the_shipped_figures():
    reading = README.split(table(WEIGHTS), 1)[1].split("\n## ", 1)[0]
    quoted = {str(metrics(name)[key]) for name, key in QUOTED}
    for figure in quoted:
        assert re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d])", reading), figure
    assert set(re.findall(r"\d+\.\d{3,}", reading)) == quoted  # a new figure in the reading joins QUOTED


def test_quiz_table_is_what_quiz_reference_prints():
    from training.quiz_reference import figures_table

    figures = json.loads((ROOT / "lab" / "quiz_data" / "quiz_figures.json").read_text(encoding="utf-8"))
    marker = "<!-- the table below is the output of `python -m training.quiz_reference --table` -->\n"
    assert f"{marker}{figures_table(figures)}\n" in TRAINING_NOTES.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------- commands as shipped


def shipped(name: str, filename: str) -> str | None:
    """The command a weights folder's history.json (training) or metrics.json (evaluation) recorded, without
    --checkpoint-dir, which only says where that machine kept its resumable checkpoints (lab/learn.py)."""
    path = WEIGHTS / name / filename
    command = json.loads(path.read_text(encoding="utf-8")).get("command") if path.is_file() else None
    return re.sub(r" --checkpoint-dir \S+", "", command) if command else None


def shipped_folders() -> list[str]:
    return sorted(p.name for p in WEIGHTS.iterdir() if (p / "config.json").is_file())


def test_training_commands_are_the_shipped_runs():
    listed = re.findall(r"^    (python -m training\.train_\w+ .*)$", README, flags=re.M)
    recorded = [shipped(name, "history.json") for name in shipped_folders()]
    assert sorted(listed) == sorted(c for c in recorded if c)
    for name in shipped_folders():  # each model card gives the same command
        card = (WEIGHTS / name / "README.md").read_text(encoding="utf-8")
        command = re.search(r"^- Command: `(.*)`$", card, flags=re.M).group(1)
        assert re.sub(r" --checkpoint-dir \S+", "", command) in listed, name


def test_evaluation_commands_are_the_shipped_ones():
    generic = "python -m training.evaluate weights/<name> --data-root ../shared/data"
    assert f"    {generic}\n" in README
    for name in shipped_folders():
        command = shipped(name, "metrics.json")
        if command is None:  # gan-collapse-mnist is not evaluated (its figures assume a conditional GAN)
            continue
        plain = re.sub(r" --threads \d+", "", command)
        assert f"    {command}\n" in README or plain == generic.replace("<name>", name), command


# ------------------------------------------------------------------------------------------ what is where


def top_level_entries() -> set[str]:
    """The repository's top-level files and folders ("ui/"): tracked by git or untracked and not ignored, and on
    disk. Without git (an unpacked copy), what is on disk less what .gitignore names."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.splitlines()
        paths = {p.split("/")[0] + ("/" if "/" in p else "") for p in listed}
    except (OSError, subprocess.CalledProcessError):
        ignored = [line.strip().rstrip("/") for line in (ROOT / ".gitignore").read_text().splitlines()
                   if line.strip() and not line.startswith("#")]
        paths = {p.name + ("/" if p.is_dir() else "") for p in ROOT.iterdir()
                 if p.name != ".git" and not any(fnmatch.fnmatch(p.name, pattern) for pattern in ignored)}
    return {p for p in paths if (ROOT / p).exists()}


def where_table() -> list[tuple[list[str], str]]:
    """Each row of "What is where": the paths it is about, and what it says they hold."""
    return [(code_spans(path), holds) for path, holds in table_rows(section(README, "## What is where"))]


def exists_in(folder: Path, name: str) -> bool:
    name = re.sub(r"<[^>]+>", "*", name).rstrip("/")
    return any(folder.glob(name)) or any(folder.glob(f"*/{name}"))


def test_what_is_where_names_every_top_level_entry():
    named = {path.split("/")[0] + ("/" if "/" in path else "") for paths, _ in where_table() for path in paths}
    wanted = {entry for entry in top_level_entries()
              if entry.endswith("/") or not (entry.startswith(".") or entry == "README.md")}
    assert wanted - named == set(), "top-level entries the table does not name"


def test_what_is_where_names_only_paths_that_exist():
    for paths, holds in where_table():
        for path in paths:
            assert (ROOT / path).exists(), path
        folders = [ROOT / p for p in paths if (ROOT / p).is_dir()] or [ROOT]
        for name in code_spans(holds):
            if re.fullmatch(r"[\w./<>*-]+(\.(py|md|json|txt|toml|npz|safetensors|png)|/)", name):
                assert any(exists_in(folder, name) for folder in [*folders, ROOT]), f"{paths}: {name}"


def test_what_is_where_lists_every_module_of_the_code_folders():
    for paths, holds in where_table():
        for path in paths:
            folder = ROOT / path
            if not folder.is_dir():
                continue
            modules = {p.name for p in folder.glob("*.py")} - {"__init__.py", "__main__.py"}
            if path.rstrip("/") in ("tests", "examples", "weights"):
                continue
            missing = {m for m in modules if m not in code_spans(holds)}
            assert missing == set(), f"{path}: modules the table does not name"


# ----------------------------------------------------------------------------------------------- the API


def readme_endpoints() -> list[str]:
    return re.findall(r"`(/\w+)`", section(README, "## The app's API").split("```")[0])


def api_doc_endpoints() -> list[str]:
    return re.findall(r"^### `(/\w+)`$", API_DOC.read_text(encoding="utf-8"), flags=re.M)


def test_readme_lists_the_endpoints_docs_api_documents():
    assert len(set(api_doc_endpoints())) == len(api_doc_endpoints())
    assert sorted(set(readme_endpoints())) == sorted(api_doc_endpoints())


def test_docs_api_documents_every_named_endpoint_and_its_parameters(demo):
    named = demo.get_api_info()["named_endpoints"]
    text = API_DOC.read_text(encoding="utf-8")
    assert sorted(api_doc_endpoints()) == sorted(named)
    for name, endpoint in named.items():
        body = text.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        parameters = [p["parameter_name"] for p in endpoint["parameters"]]
        signature = re.search(rf"`{re.escape(name)}\(([^)]*)\)`", body)  # `/name(a, b)` -> `(x, y)`
        assert signature and [p.strip() for p in signature.group(1).split(",") if p.strip()] == parameters, name
        for parameter in parameters:  # each described
            assert f"- `{parameter}`" in body or f", `{parameter}`" in body, (name, parameter)
        returns = re.match(r"\s*→\s*`(\(([^`]*)\)|\w+)`", body[signature.end():])
        if returns:  # "→ the same as /invert" names no outputs of its own
            assert len(returns.group(1).split(",")) == len(endpoint["returns"]), name


# --------------------------------------------------------------------------------------- links and licences


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's anchor; a repeated heading gets -1, -2, ... as on GitHub."""
    counts: dict[str, int] = {}
    found = set()
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.M):
        base = slug(heading)
        found.add(f"{base}-{counts[base]}" if counts.get(base) else base)
        counts[base] = counts.get(base, 0) + 1
    return found


def test_every_relative_link_points_to_a_file_that_exists():
    """README.md and docs/*.md. The README's screenshot docs/images/lab.png is made by the browser test."""
    broken = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
        for target in re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            linked = (page.parent / file).resolve() if file else page
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []


def test_licences_agree_with_the_front_matter_and_the_model_cards():
    front = README.split("---")[1]
    licences = section(README, "## Licences")
    assert re.search(r"^license: mit$", front, flags=re.M) and "Code: MIT" in licences
    assert "MNIST (Y. LeCun and C. Cortes) is [CC BY-SA 3.0]" in licences
    assert "Fashion-MNIST (Zalando SE) is MIT" in licences
    for name in shipped_folders():
        card = (WEIGHTS / name / "README.md").read_text(encoding="utf-8")
        expected = "mit" if "fashion-mnist" in name else "cc-by-sa-3.0"
        assert re.search(rf"^license: {expected}$", card, flags=re.M), name


def test_operating_limits_name_constants_that_are_where_it_says():
    for row in table_rows(section(OPERATING.read_text(encoding="utf-8"), "## Limits")):
        where = code_spans(row[-1])
        files = [ROOT / name for name in where if name.endswith(".py")]
        assert files and all(f.is_file() for f in files), row[0]
        sources = "".join(f.read_text(encoding="utf-8") for f in files)
        for name in where:
            if re.fullmatch(r"[A-Z][A-Z_]+", name):
                assert name in sources, (row[0], name)


def test_the_readme_shows_a_screenshot_of_the_page_the_browser_test_makes():
    """docs/images/lab.png is tests/ui/test_presenter_browser.py's screenshot of the Generate tab after Generate
    at a projector's 1280x720, copied when the page changes:
    `cp test-artifacts/presenter-generate-1280x720.png docs/images/lab.png`."""
    from PIL import Image

    assert "docs/images/lab.png" in README
    with Image.open(DOCS / "images" / "lab.png") as shot:
        assert shot.size == (1280, 720)


# ---------------------------------------------------------------------------------- links to a view, lesson plan

LESSON_PLAN = DOCS / "lesson-plan.md"


def link_query(link: str) -> dict[str, str]:
    """A link's query ("?tab=kl&..." or a whole URL) as the page's request has it."""
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))


def link_epochs() -> dict[str, int]:
    """The epochs a link can open, from the shipped runs' history.json, as the app reads them (lab.links)."""
    from lab.links import run_epochs
    from lab.loading import Lab, Loaded
    from lab.time_machine import RUNS

    return run_epochs(Lab({name: Loaded(None, WEIGHTS / name, "test") for name in RUNS}))


def plan_steps() -> list[tuple[str, int, list[str]]]:
    """The lesson plan's steps: (heading, minutes, the links in its section in order)."""
    text = LESSON_PLAN.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    steps = []
    for body in sections:
        heading = body.splitlines()[0]
        minutes = re.search(r"\((\d+) min", heading)
        assert minutes, f"no minutes in the step {heading!r}"
        steps.append((heading, int(minutes.group(1)), re.findall(r"`(\?tab=[^`]*)`", body)))
    return steps


def test_every_lesson_plan_link_opens_its_view_without_a_note():
    from lab.learn import LESSON_STEPS
    from lab.links import parse_view

    epochs = link_epochs()
    text = LESSON_PLAN.read_text(encoding="utf-8")
    links = re.findall(r"`(\?tab=[^`]*)`", text) + [link for _, _, link, _ in LESSON_STEPS]
    readme_links = re.findall(r"`(\?tab=[^`]*)`", README)
    api_links = re.findall(r"^    (http://\S+\?tab=\S+)$", API_DOC.read_text(encoding="utf-8"), flags=re.M)
    assert len(links) > 20 and readme_links and len(api_links) == 3
    for link in [*links, *readme_links, *api_links]:
        query = link_query(link)
        view = parse_view(query, epochs)
        assert view.notes == [] and view.tab == query["tab"], (link, view.notes)


def test_the_lesson_plan_covers_the_lesson_in_45_to_60_minutes(shipped_lab):
    """Each row of the Learn tab's table, its two questions and its three exercises have a step; each step has
    its link, what to ask and what to point at; the Learn tab's short version has the same steps and links."""
    from lab.learn import DISCRIMINATOR_ANSWER, EXERCISES, LESSON_STEPS, comparison_rows, kl_answer
    from lab.links import parse_view

    text = LESSON_PLAN.read_text(encoding="utf-8")
    steps = plan_steps()
    assert 45 <= sum(minutes for _, minutes, _ in steps) <= 60
    for body in re.split(r"^## ", text, flags=re.M)[1:]:
        assert "**Link:**" in body and "**Ask first:**" in body and "**Point at:**" in body, body.splitlines()[0]
    epochs = link_epochs()
    opened = {parse_view(link_query(link), epochs).tab for _, _, links in steps for link in links}
    for row in comparison_rows(shipped_lab):
        assert f"\"{row['row']}\" row" in text and row["tab"] in opened, row["row"]
    headings = " ".join(heading for heading, _, _ in steps)
    for answer in (DISCRIMINATOR_ANSWER, kl_answer(shipped_lab)):  # the questions, as the Learn tab asks them
        question = re.match(r"\*\*(.+?\?)\*\*", answer).group(1)
        assert question.lower() in headings.lower(), question
    for title, *_ in EXERCISES:
        assert f"*{title}*" in text, title
    assert [(minutes, links[0]) for _, minutes, links in steps] == [(m, link) for m, _, link, _ in LESSON_STEPS]


def test_docs_api_lists_the_tab_ids_and_settings_links_take():
    from lab.links import SETTINGS, TABS

    body = section(API_DOC.read_text(encoding="utf-8"), "## Links to a view (URL parameters)")
    rows = table_rows(body)
    assert [row[0] for row in rows] == [f"`{tab}`" for tab in TABS]
    for row in rows:
        named = tuple(re.findall(r"`(\w+)` \(", row[2]))
        assert named == SETTINGS.get(row[0].strip("`"), ()), row
