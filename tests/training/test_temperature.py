"""training.temperature: the scan on held-out training images, the choice, and writing it into the config."""

import json

import pytest
import torch

from models import load_model
from models.classifier import Classifier, ClassifierConfig
from models.gan import GANConfig, Generator
from models.metrics import classifier_features, frechet_distance
from training import temperature


@pytest.fixture
def pair():
    torch.manual_seed(0)
    gan = Generator(GANConfig(latent_dim=8, channels=4, embed_dim=4)).eval()
    classifier = Classifier(ClassifierConfig(channels=4, feature_dim=16)).eval()
    with torch.no_grad():  # an untrained network's features are tiny: scale them up so that distances show
        for p in classifier.parameters():
            p.mul_(4)
    return gan, classifier


def test_the_scan_measures_each_setting_on_the_reference_and_keeps_the_temperature(pair):
    gan, classifier = pair
    x_ref = torch.rand(60, 1, 28, 28, generator=torch.Generator().manual_seed(5))
    rows = temperature.scan(gan, classifier, x_ref, [0.25, 1.0, 4.0], n_samples=40)
    assert [row["temperature"] for row in rows] == [0.25, 1.0, 4.0]
    assert gan.config.temperature == 1.0  # measured, not changed
    labels = torch.arange(40) % 10  # the row at 1 is the Fréchet distance of seed 1's class-balanced samples
    samples = gan.sample(40, labels=labels, generator=torch.Generator().manual_seed(temperature.SEED))
    expected = frechet_distance(classifier_features(classifier, samples), classifier_features(classifier, x_ref))
    assert rows[1]["frechet_distance"] == pytest.approx(expected, abs=1e-3)
    assert len({row["frechet_distance"] for row in rows}) == 3  # the dial changes the samples
    for row in rows:
        assert 0 <= row["precision"] <= 1 and 0 <= row["recall"] <= 1 and 0 <= row["classified_as_asked"] <= 1


def test_the_suggestion_is_the_lowest_frechet_distance_and_the_table_marks_the_current_setting():
    rows = [{"temperature": t, "frechet_distance": d, "precision": 0.8, "recall": 0.8, "classified_as_asked": 0.99}
            for t, d in [(0.9, 5.0), (1.0, 2.0), (1.06, 1.3), (1.1, 1.5)]]
    assert temperature.best(rows) == 1.06 and not temperature.at_edge(rows)
    assert temperature.at_edge(rows[:3])  # 1.06 is the highest of 0.9, 1 and 1.06: the minimum may lie beyond
    assert not temperature.at_edge(rows[2:3] + rows[1:2])  # two settings: no inside to be at the edge of
    lines = temperature.table(rows, current=1.0).splitlines()
    assert lines[3] == "| 1 (now) | 2.000 | 0.800 | 0.800 | 99.00 % |"
    assert "(now)" not in lines[4]


def test_set_writes_the_config_and_leaves_the_weights_alone(pair, tmp_path, capsys):
    gan, _ = pair
    gan.save_pretrained(tmp_path / "g")
    weights = (tmp_path / "g" / "model.safetensors").read_bytes()
    before = json.loads((tmp_path / "g" / "config.json").read_text())
    assert temperature.main([str(tmp_path / "g"), "--set", "1.06"]) == []
    assert "temperature 1 -> 1.06" in capsys.readouterr().out
    after = json.loads((tmp_path / "g" / "config.json").read_text())
    assert after == {**before, "temperature": 1.06}
    assert (tmp_path / "g" / "model.safetensors").read_bytes() == weights
    loaded = load_model(tmp_path / "g")
    z = 1.06 * torch.randn(4, 8, generator=torch.Generator().manual_seed(2))  # sample draws z ~ N(0, 1.06^2 I)
    labels = torch.arange(4)
    assert torch.allclose(loaded.sample(4, labels=labels, generator=torch.Generator().manual_seed(2)),
                          (gan(z, labels) + 1) / 2, atol=1e-6)


def test_the_scan_from_the_command_line(pair, tiny_data_root, tmp_path, monkeypatch, capsys):
    gan, classifier = pair
    gan.save_pretrained(tmp_path / "g")
    classifier.save_pretrained(tmp_path / "c")
    monkeypatch.setattr(temperature, "HELD_OUT", slice(0, 64))  # the tiny set has 64 training images
    rows = temperature.main([str(tmp_path / "g"), "--data-root", str(tiny_data_root), "--classifier",
                             str(tmp_path / "c"), "--temperatures", "1", "1.1", "--samples", "20"])
    out = capsys.readouterr().out
    assert [row["temperature"] for row in rows] == [1.0, 1.1]
    assert "| 1 (now) |" in out and f"at temperature {temperature.best(rows):g} (now 1)" in out
    assert "widen --temperatures" not in out  # two settings have no inside to be at the edge of


@pytest.mark.parametrize("flags, message", [
    (["--set", "0"], "a temperature must be a finite number above 0, got 0"),
    (["--temperatures", "1", "-1"], "a temperature must be a finite number above 0, got -1"),
    (["--set", "inf"], "a temperature must be a finite number above 0, got inf"),
    (["--set", "warm"], "a temperature is a number above 0, got 'warm'"),
])
def test_bad_flags_stop_with_a_message(tmp_path, flags, message, capsys):
    with pytest.raises(SystemExit):
        temperature.main([str(tmp_path), *flags])
    assert message in capsys.readouterr().err


def test_a_folder_without_a_generator_is_a_message(pair, tmp_path):
    pair[1].save_pretrained(tmp_path / "c")
    with pytest.raises(SystemExit, match="holds a Classifier, not a GAN generator"):
        temperature.main([str(tmp_path / "c"), "--set", "1.1"])
    with pytest.raises(SystemExit, match="temperature: model folder not found"):
        temperature.main([str(tmp_path / "nothing")])


def test_too_few_training_images_is_a_message(pair, tiny_data_root, tmp_path):
    gan, classifier = pair
    gan.save_pretrained(tmp_path / "g")
    classifier.save_pretrained(tmp_path / "c")
    with pytest.raises(SystemExit, match="more than 10,000 training images"):
        temperature.main([str(tmp_path / "g"), "--data-root", str(tiny_data_root), "--classifier",
                          str(tmp_path / "c")])
