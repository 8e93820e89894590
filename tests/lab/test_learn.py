import copy
import re
from pathlib import Path

from lab.learn import EXERCISES, comparison_rows, exercises_markdown, loss_path, table_markdown
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


def test_the_stability_row_says_which_way_the_discriminator_loss_went():
    assert loss_path([1.6, 1.8, 1.9]) == "rose 1.60 → 1.90"
    assert loss_path([1.9, 1.8]) == "fell 1.90 → 1.80"
    assert loss_path([1.39, 1.74, 1.81, 1.5, 1.21]) == "rose 1.39 → 1.81 (epoch 3), then fell to 1.21"
    assert loss_path([2.0, 1.0, 1.5]) == "fell 2.00 → 1.00 (epoch 2), then rose to 1.50"
    assert loss_path([1.5]) == "rose 1.50 → 1.50"


def test_the_stability_row_on_the_shipped_gan(shipped_lab):
    row = next(row for row in comparison_rows(shipped_lab) if row["row"] == "Stability")
    # gan-mnist's history.json: D's loss climbs while the digits form, then falls while they stay as good
    assert row["gan"] == ("discriminator loss rose 1.39 → 1.81 (epoch 4), then fell to 1.21, while class accuracy "
                          "rose 56% → 99.8%")


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
