"""The use-case models' losses on known tensors, and a tiny seeded training run of each objective."""

import json
import math

import pytest
import torch

from models import UNet, load_model
from training import evaluate
from training.train_pix2pix import d_loss, diversity_term, g_adversarial_loss, g_loss, l1_loss, main


def test_l1_loss_is_the_mean_absolute_difference():
    fake, real = torch.tensor([0.0, 0.5, 1.0]), torch.tensor([1.0, 0.5, 0.0])
    assert l1_loss(fake, real).item() == pytest.approx(2 / 3)


def test_adversarial_losses_at_known_logits():
    zero = torch.zeros(2, 1, 7, 7)
    assert d_loss(zero, zero).item() == pytest.approx(math.log(2))  # (log 2 + log 2) / 2: D undecided
    assert g_adversarial_loss(zero).item() == pytest.approx(math.log(2))
    assert g_adversarial_loss(torch.full((1, 1, 7, 7), 20.0)).item() == pytest.approx(0, abs=1e-8)  # D fooled
    sure = torch.full((1, 1, 7, 7), 20.0)
    assert d_loss(sure, -sure).item() == pytest.approx(0, abs=1e-8)  # D right on both


def test_g_loss_is_l1_alone_or_pix2pix_objective():
    fake, real = torch.full((1, 1, 2, 2), 0.25), torch.zeros(1, 1, 2, 2)
    assert g_loss(fake, real, None).item() == pytest.approx(0.25)
    logits = torch.zeros(1, 1, 7, 7)
    assert g_loss(fake, real, logits).item() == pytest.approx(math.log(2) + 100 * 0.25)  # lambda = 100
    assert g_loss(fake, real, logits, l1_weight=10).item() == pytest.approx(math.log(2) + 10 * 0.25)


def test_diversity_term_is_output_distance_over_noise_distance_capped_at_tau():
    a, b = torch.zeros(1, 1, 2, 2), torch.full((1, 1, 2, 2), 0.5)
    z_a, z_b = torch.zeros(1, 4), torch.full((1, 4), 2.0)
    assert diversity_term(a, b, z_a, z_b, tau=1.0).item() == pytest.approx(0.5 / 2)
    assert diversity_term(a, b, z_a, z_b, tau=0.1).item() == pytest.approx(0.1)


@pytest.mark.parametrize("task, extra", [
    ("super-resolution", ["--objective", "l1"]),
    ("completion", ["--objective", "pix2pix", "--noise-dim", "2", "--diversity-weight", "1"]),
])
def test_dry_run_writes_a_loadable_folder_and_evaluates(tiny_data_root, tmp_path, task, extra):
    out = tmp_path / "p2p"
    main(["--task", task, *extra, "--data-root", str(tiny_data_root), "--out", str(out), "--dry-run",
          "--channels", "4", "--batch-size", "16", "--classifier", str(tmp_path / "none")])
    model = load_model(out)
    assert isinstance(model, UNet) and model.config.task == task
    record = json.loads((out / "history.json").read_text())["epochs"][0]
    assert record["test_l1"] > 0 and record["sharpness_ratio"] >= 0
    assert ("loss_d" in record) == ("pix2pix" in extra)
    assert not (out / "model.safetensors").read_bytes().count(b"net.0")  # the discriminator is not shipped
    assert "U-Net" in (out / "README.md").read_text()


def test_seeded_run_is_reproducible(tiny_data_root, tmp_path):
    """Two runs with the same seed give the same weights, and a different seed different ones."""
    def weights(seed, name):
        out = tmp_path / name
        main(["--task", "super-resolution", "--data-root", str(tiny_data_root), "--out", str(out), "--dry-run",
              "--channels", "4", "--batch-size", "16", "--seed", str(seed), "--classifier", str(tmp_path / "none")])
        return load_model(out).state_dict()
    a, b, c = weights(0, "a"), weights(0, "b"), weights(1, "c")
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


@pytest.mark.parametrize("flags, message", [
    (["--objective", "pix2pix", "--diversity-weight", "1"], "needs --noise-dim"),
    (["--objective", "l1", "--l1-weight", "10"], "belong to --objective pix2pix"),
])
def test_bad_flag_combinations_are_refused(tmp_path, capsys, flags, message):
    with pytest.raises(SystemExit):
        main(["--task", "completion", *flags, "--out", str(tmp_path / "x")])
    assert message in capsys.readouterr().err


def test_evaluate_reports_the_use_case_figures(tiny_data_root, tmp_path):
    from training import train_classifier
    clf = tmp_path / "classifier-mnist"
    train_classifier.main(["--data-root", str(tiny_data_root), "--out", str(clf), "--dry-run", "--channels", "4",
                           "--batch-size", "16"])
    out = tmp_path / "complete-gan-mnist"
    main(["--task", "completion", "--objective", "pix2pix", "--noise-dim", "2", "--data-root", str(tiny_data_root),
          "--out", str(out), "--dry-run", "--channels", "4", "--batch-size", "16", "--classifier", str(clf)])
    metrics = evaluate.main([str(out), "--data-root", str(tiny_data_root), "--classifier", str(clf)])
    for key in ("class_kept", "other_valid", "input_class_kept", "draws_differ"):
        assert 0 <= metrics[key] <= 1
    assert metrics["class_kept"] + metrics["other_valid"] <= 1
    assert metrics["draw_pixel_std"] >= 0 and metrics["sharpness_ratio"] > 0
    assert "bicubic_class_kept" not in metrics  # a completion has no bicubic baseline
    assert metrics["provenance"]["model_sha256"] == evaluate.sha256(out / "model.safetensors")
