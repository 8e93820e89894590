import copy
import re
from pathlib import Path

from lab.learn import EXERCISES, comparison_rows, exercises_markdown, table_markdown
from lab.loading import Lab


def test_the_table_reads_its_figures_from_the_shipped_files(shipped_lab):
    rows = {row["row"]: row for row in comparison_rows(shipped_lab)}
    assert set(rows) == {"Stability", "Output quality", "Latent space", "Use case"}
    for model in ("vae", "gan"):  # each figure as the model's metrics.json records it
        sharpness = shipped_lab.json(f"{model}-mnist", "metrics.json")["sharpness_ratio"]
        assert f"sharpness {sharpness:.2f} × real" in rows["Output quality"][model]
    # change a figure in the (cached) metrics file: the table follows it
    files = copy.deepcopy(shipped_lab.files)
    files[("vae-mnist", "metrics.json")] = {**shipped_lab.json("vae-mnist", "metrics.json"), "sharpness_ratio": 0.5}
    changed = comparison_rows(Lab(shipped_lab.models, files=files))
    assert "sharpness 0.50 × real" in changed[1]["vae"]
    assert all(row["tab"] in {"time-machine", "generate", "kl", "anomalies"} for row in rows.values())
    sr_gan = shipped_lab.json("sr-gan-mnist", "metrics.json")
    assert rows["Use case"]["also"] == "use-cases" and f"{sr_gan['class_kept']:.1%}" in rows["Use case"]["gan"]
    assert table_markdown(list(rows.values())).count("\n") == 5


def test_exercises_give_the_readme_commands(shipped_lab):
    text = exercises_markdown(shipped_lab)
    readme = Path("README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^python -m training\.\S+ .*$", text, re.M)
    for _, train, _, _ in EXERCISES:
        for name in train:
            line = re.search(rf"^    (python -m training\.train_\w+ .*--out weights/{name} .*)$", readme, re.M).group(1)
            shipped = next(c for c in commands if f"--out weights/{name} " in c)
            # the run that made the shipped model: the README's options, plus at most defaults and --threads
            assert set(line.split()) <= set(shipped.split())
    assert "--checkpoint-dir" not in text and text.count("```bash") == 3
