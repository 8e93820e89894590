"""The README's promises: its test command is what CI runs, its pins match, its table is current."""

import re
from pathlib import Path

from training.report import table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "python -m pip install -r requirements-dev.txt && python -m pytest"
APP_COMMAND = "python -m pip install -r requirements.txt && python app.py"


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
    from lab.loading import MODEL_NAMES

    assert sorted(listed) == sorted(MODEL_NAMES)


def test_readme_table_is_what_training_report_prints():
    assert table(ROOT / "weights") in README


def test_readme_quiz_table_is_what_quiz_reference_prints():
    import json

    from training.quiz_reference import figures_table

    figures = json.loads((ROOT / "lab" / "quiz_data" / "quiz_figures.json").read_text(encoding="utf-8"))
    assert figures_table(figures) in README
