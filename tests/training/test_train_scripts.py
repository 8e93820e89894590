"""A --dry-run of each training script on tiny IDX data writes a complete weights folder."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from models import VAE, Autoencoder, Classifier, Discriminator, Generator, load_model
from training import evaluate, report, train_classifier, train_gan, train_vae
from training.common import Checkpointer, epoch_classifier
from training.data import load_split


@pytest.fixture(scope="module")
def tiny_classifier(tiny_data_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("w") / "classifier-mnist"
    train_classifier.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run",
                           "--channels", "4", "--batch-size", "16"])
    return out


def test_the_epoch_classifier_is_the_flag_or_the_shipped_one(tiny_classifier, tmp_path, monkeypatch):
    path, classifier = epoch_classifier(str(tiny_classifier), "mnist")
    assert path == tiny_classifier and isinstance(classifier, Classifier)
    monkeypatch.chdir(tmp_path)  # no weights/ here: the default folder is named, and nothing loads
    assert epoch_classifier(None, "fashion-mnist") == (Path("weights/classifier-fashion-mnist"), None)


def read(path):
    return json.loads(path.read_text())


def test_classifier_dry_run(tiny_classifier, tiny_data_root, tmp_path):
    assert isinstance(load_model(tiny_classifier), Classifier)
    history = read(tiny_classifier / "history.json")
    assert history["command"].startswith("python -m ")
    assert len(history["epochs"]) == 1 and "test_accuracy" in history["epochs"][0]
    assert 0 <= read(tiny_classifier / "metrics.json")["test_accuracy"] <= 1
    folder = shutil.copytree(tiny_classifier, tmp_path / "classifier-mnist")
    metrics = evaluate.main([str(folder), "--data-root", str(tiny_data_root)])  # also each class's accuracy
    shares = metrics["per_class_accuracy"]
    counts = np.bincount(load_split("mnist", tiny_data_root, train=False)[1].numpy(), minlength=10)
    assert len(shares) == 10 and np.dot(shares, counts) / counts.sum() == pytest.approx(metrics["test_accuracy"],
                                                                                         abs=1e-3)
    card = (tiny_classifier / "README.md").read_text()
    assert "load_model(" in card and "CC BY-SA 3.0" in card


@pytest.mark.parametrize("extra, cls", [
    ([], VAE),
    (["--latent-dim", "2"], VAE),
    (["--latent-dim", "2", "--autoencoder"], Autoencoder),
])
def test_vae_dry_run(tiny_data_root, tmp_path, extra, cls):
    out = tmp_path / "vae"
    train_vae.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run",
                    "--channels", "4", "--hidden-dim", "8", "--batch-size", "16", *extra])
    model = load_model(out)
    assert type(model) is cls
    assert (out / "epochs" / "epoch_001.png").is_file()
    record = read(out / "history.json")["epochs"][0]
    assert record["test_neg_elbo"] == pytest.approx(record["test_reconstruction"] + record["test_kl"], abs=0.01)
    if cls is Autoencoder:
        assert record["test_kl"] == 0


def test_gan_dry_run_and_evaluate(tiny_data_root, tiny_classifier, tmp_path):
    out = tmp_path / "gan-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tiny_classifier), "--save-discriminator",
                    "--log-every", "2", "--upsample", "deconv-conv3", "--ema", "0.99", "--lr-decay", "linear"])
    G = load_model(out)
    assert isinstance(G, Generator)
    assert isinstance(load_model(f"{out}-discriminator"), Discriminator)
    assert not (out / "model.safetensors").read_bytes().count(b"psi")  # the discriminator is not shipped
    history = read(out / "history.json")
    assert {"loss_d", "loss_g", "d_real", "d_fake", "conditional_accuracy"} <= set(history["epochs"][0])
    assert [s["step"] for s in history["steps"]] == [2, 4]  # --log-every 2 over the 4 dry-run steps
    assert set(history["steps"][0]) == {"step", "epoch", "loss_d", "loss_g", "d_real", "d_fake"}
    assert (out / "epochs" / "epoch_001.png").is_file()
    assert G.config.upsample == "deconv-conv3"

    metrics = evaluate.main([str(out), "--data-root", str(tiny_data_root), "--classifier", str(tiny_classifier),
                             "--samples", "40"])
    assert 0 <= metrics["conditional_accuracy"] <= 1
    shares = metrics["per_class_accuracy"]  # 40 samples, 4 asked of each class: their mean is the overall share
    assert len(shares) == 10 and sum(shares) / 10 == pytest.approx(metrics["conditional_accuracy"], abs=1e-3)
    assert metrics["frechet_distance"] >= 0 and metrics["sharpness_ratio"] > 0
    assert 0 <= metrics["precision"] <= 1 and 0 <= metrics["recall"] <= 1
    assert "class_coverage" not in metrics  # the class is the conditional GAN's input: coverage means nothing
    recalls = metrics["per_class_recall"]
    assert len(recalls) == 10 and all(r is None or 0 <= r <= 1 for r in recalls)
    assert metrics["provenance"]["model_sha256"] == evaluate.sha256(out / "model.safetensors")
    assert metrics["provenance"]["config_sha256"] == evaluate.sha256(out / "config.json")
    assert read(out / "metrics.json")["command"].startswith("python -m training.evaluate")
    assert "| conditional_accuracy |" in (out / "README.md").read_text()


def test_gan_records_losses_every_few_steps(tiny_data_root, tmp_path):
    out = tmp_path / "gan-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tmp_path / "none"), "--log-every", "2"])
    history = read(out / "history.json")
    steps = history["steps"]
    assert [s["step"] for s in steps] == [2, 4]  # the dry run's 4 G updates, averaged two at a time
    assert {"epoch", "loss_d", "loss_g", "d_real", "d_fake"} <= set(steps[0])
    assert 0 < steps[0]["epoch"] <= 1 and steps[1]["epoch"] > steps[0]["epoch"]
    assert all(0 <= s["d_real"] <= 1 for s in steps)
    # the per-epoch mean is the mean of the step windows
    record = history["epochs"][0]
    assert record["loss_d"] == pytest.approx((steps[0]["loss_d"] + steps[1]["loss_d"]) / 2, abs=2e-4)


def test_unconditional_gan_with_more_d_steps_records_the_class_histogram(tiny_data_root, tiny_classifier,
                                                                        tmp_path):
    out = tmp_path / "gan-collapse-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tiny_classifier), "--unconditional",
                    "--d-steps", "2", "--lr-d", "1e-3", "--log-every", "1"])
    G = load_model(out)
    assert G.num_classes == 1
    history = read(out / "history.json")
    assert len(history["steps"]) == 2  # 4 batches: D learns on each, G on every second
    record = history["epochs"][0]
    assert len(record["class_histogram"]) == 10 and sum(record["class_histogram"]) == pytest.approx(1, abs=1e-3)
    assert 1 <= record["class_coverage"] <= 10 and 0 <= record["class_entropy"] <= 2.303
    assert "conditional_accuracy" not in record
    metrics = read(out / "metrics.json")
    assert metrics["class_coverage"] == record["class_coverage"]
    # the figures the script records itself name the weights they describe, as training.evaluate's do
    assert metrics["provenance"]["model_sha256"] == evaluate.sha256(out / "model.safetensors")


def test_evaluate_vae(tiny_data_root, tiny_classifier, tmp_path):
    torch.manual_seed(0)
    out = tmp_path / "vae-mnist"
    train_vae.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run",
                    "--channels", "4", "--hidden-dim", "8", "--batch-size", "16"])
    metrics = evaluate.main([str(out), "--data-root", str(tiny_data_root), "--classifier", str(tiny_classifier),
                             "--k", "5", "--samples", "40", "--refine-steps", "3", "--refine-k", "12"])
    assert metrics["iwae_k"] == 5
    assert metrics["refine_steps"] == 3 and metrics["refine_k"] == 12
    row = report.table(tmp_path)
    assert "test_nll_iwae (k=5)" in row
    assert f"test_nll_iwae_refined (3 steps, k=12) {metrics['test_nll_iwae_refined']}" in row
    # the IWAE bound is tighter than the ELBO the training script measured
    assert metrics["test_nll_iwae"] < read(out / "history.json")["epochs"][-1]["test_neg_elbo"] + 1
    assert 0 <= metrics["reconstruction_accuracy"] <= 1
    assert metrics["test_nll_iwae"] <= metrics["test_neg_elbo"] + 1  # the IWAE bound is the tighter one
    assert 0 <= metrics["precision"] <= 1 and 0 <= metrics["recall"] <= 1 and 0 <= metrics["class_coverage"] <= 10


class Killed(Exception):
    pass


def test_a_killed_run_resumes_to_the_same_weights(tiny_data_root, tmp_path, monkeypatch):
    def args(name):
        return ["--data-root", str(tiny_data_root), "--out", str(tmp_path / name), "--channels", "4",
                "--batch-size", "16", "--epochs", "3", "--checkpoint-dir", str(tmp_path / f"ckpt-{name}")]

    train_classifier.main(args("straight"))

    real_save = Checkpointer.save

    def save_then_die(self, state):  # the session ends right after epoch 2's checkpoint
        real_save(self, state)
        if state["epoch"] == 2:
            raise Killed

    monkeypatch.setattr(Checkpointer, "save", save_then_die)
    with pytest.raises(Killed):
        train_classifier.main(args("resumed"))
    monkeypatch.setattr(Checkpointer, "save", real_save)
    train_classifier.main(args("resumed"))

    assert [e["epoch"] for e in read(tmp_path / "resumed" / "history.json")["epochs"]] == [1, 2, 3]
    straight, resumed = load_model(tmp_path / "straight"), load_model(tmp_path / "resumed")
    for name, tensor in straight.state_dict().items():
        assert torch.equal(tensor, resumed.state_dict()[name]), name


def test_same_seed_same_weights(tiny_data_root, tmp_path):
    def run(name, seed):
        out = tmp_path / name
        train_vae.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                        "--hidden-dim", "8", "--batch-size", "16", "--seed", str(seed)])
        return load_model(out).state_dict()

    a, b, c = run("a", 1), run("b", 1), run("c", 2)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


@pytest.mark.parametrize("flags, message", [
    (["--device", "gpu0"], "not a device"),
    (["--epochs", "0"], "must be a positive integer, got 0"),
    (["--dataset", "cifar"], "invalid choice: 'cifar'"),
])
def test_bad_flags_stop_with_a_message(tiny_data_root, tmp_path, flags, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        train_vae.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "v"), "--dry-run", *flags])
    shown = str(exit_info.value.code) + capsys.readouterr().err
    assert message in shown


@pytest.mark.parametrize("flags, message", [
    (["--refine-steps", "-1"], "--refine-steps must be 0 or more"),
    (["--refine-k", "1000"], "give --refine-steps too"),
    (["--k", "0"], "must be a positive integer, got 0"),
    (["--samples", "0"], "must be a positive integer, got 0"),
])
def test_evaluate_rejects_bad_flags(tmp_path, capsys, flags, message):
    with pytest.raises(SystemExit):
        evaluate.main([str(tmp_path), *flags])
    assert message in capsys.readouterr().err


def test_evaluate_a_missing_folder_is_a_message(tmp_path):
    with pytest.raises(SystemExit, match="evaluate: model folder not found"):
        evaluate.main([str(tmp_path / "nothing")])


def test_gan_losses_as_the_papers_write_them():
    real, fake = torch.tensor([2.0, 0.5, -1.0]), torch.tensor([-3.0, 0.0, 0.5])
    # hinge: mean(max(0, 1 - real)) + mean(max(0, 1 + fake)); G: -mean(fake)
    assert train_gan.d_loss(real, fake, "hinge").item() == pytest.approx((0 + 0.5 + 2) / 3 + (0 + 1 + 1.5) / 3)
    assert train_gan.g_loss(fake, "hinge").item() == pytest.approx(2.5 / 3)
    # bce: -log sigmoid(real) - log(1 - sigmoid(fake)); G: -log sigmoid(fake)
    sig = torch.sigmoid
    assert train_gan.d_loss(real, fake, "bce").item() == pytest.approx(
        (-sig(real).log().mean() - (1 - sig(fake)).log().mean()).item(), rel=1e-6)
    assert train_gan.g_loss(fake).item() == pytest.approx(-sig(fake).log().mean().item(), rel=1e-6)


def test_gan_loss_flag_reaches_both_updates(tiny_data_root, tmp_path, monkeypatch):
    used = []
    for name in ("d_loss", "g_loss"):
        original = getattr(train_gan, name)
        monkeypatch.setattr(train_gan, name, lambda *a, _f=original, _n=name: used.append((_n, a[-1])) or _f(*a))
    out = tmp_path / "gan-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tmp_path / "none"), "--loss", "hinge",
                    "--log-every", "2"])
    assert used == [("d_loss", "hinge"), ("g_loss", "hinge")] * 4  # the dry run's 4 steps
    steps = read(out / "history.json")["steps"]
    assert len(steps) == 2 and all(abs(s["loss_g"]) < 100 for s in steps)  # finite
    assert isinstance(load_model(out), Generator)


def test_gan_lr_decays_linearly_and_the_average_follows_g():
    from models.gan import GANConfig, Generator

    assert [train_gan.lr_factor(s, 4, "linear") for s in range(5)] == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert train_gan.lr_factor(3, 4, "none") == 1.0
    torch.manual_seed(0)
    G, G_avg = Generator(GANConfig(latent_dim=4, channels=4, embed_dim=2)), Generator(
        GANConfig(latent_dim=4, channels=4, embed_dim=2))
    before = G_avg.fc[0].weight.clone()
    train_gan.update_average(G_avg, G, decay=0.75)
    assert torch.allclose(G_avg.fc[0].weight, 0.75 * before + 0.25 * G.fc[0].weight)


def test_recomputed_batchnorm_statistics_match_the_averaged_weights():
    from models.gan import GANConfig, Generator

    torch.manual_seed(0)
    G = Generator(GANConfig(latent_dim=4, channels=4, embed_dim=2))
    bn = G.fc[1]
    assert torch.equal(bn.running_mean, torch.zeros_like(bn.running_mean))  # never ran forward
    train_gan.recompute_batchnorm(G, batches=4, batch_size=64, generator=torch.Generator().manual_seed(0))
    assert not G.training and bn.momentum == 0.1
    z = torch.randn(4 * 64, 4, generator=torch.Generator().manual_seed(0))
    h = G.fc[0](torch.cat([z, G.embed(torch.arange(4 * 64) % 64 % 10)], 1))
    assert torch.allclose(bn.running_mean, h.mean(0), atol=1e-5)  # the mean over all the batches


def test_gan_rejects_a_bad_ema(tiny_data_root, tmp_path, capsys):
    with pytest.raises(SystemExit):
        train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g"), "--dry-run", "--ema", "1"])
    assert "--ema must be at least 0 and below 1" in capsys.readouterr().err


def test_gan_aux_weight_adds_the_class_cross_entropy_to_both_losses():
    import torch.nn.functional as F

    from models.gan import DiscriminatorConfig

    torch.manual_seed(0)
    x, fake, y = torch.randn(4, 1, 28, 28), torch.randn(4, 1, 28, 28), torch.tensor([3, 1, 4, 1])
    D = Discriminator(DiscriminatorConfig(channels=4, embed_dim=4, d_classifier=True)).eval()  # batch norm fixed
    assert Discriminator(DiscriminatorConfig(channels=4, embed_dim=4)).judge(x, y)[1] is None
    opt = torch.optim.SGD(D.parameters(), lr=0.0)
    (real_logit, real_class), (fake_logit, fake_class) = D.judge(x, y), D.judge(fake, y)
    assert real_class.shape == (4, 10)
    loss_d = train_gan.d_step(D, opt, x, y, fake, "hinge", aux_weight=0.5)[0]
    # D: the class term on real images only
    expected = train_gan.d_loss(real_logit, fake_logit, "hinge") + 0.5 * F.cross_entropy(real_class, y)
    assert loss_d.item() == pytest.approx(expected.item(), rel=1e-5)
    loss_g = train_gan.g_step(D, opt, fake, y, "hinge", aux_weight=0.5)
    expected = train_gan.g_loss(fake_logit, "hinge") + 0.5 * F.cross_entropy(fake_class, y)
    assert loss_g.item() == pytest.approx(expected.item(), rel=1e-5)
    assert train_gan.g_step(D, opt, fake, y, "hinge").item() == pytest.approx(-fake_logit.mean().item(), rel=1e-5)


def test_gan_aux_weight_trains_a_class_head_and_refuses_nonsense(tiny_data_root, tmp_path, capsys):
    out = tmp_path / "gan-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tmp_path / "none"), "--loss", "hinge",
                    "--aux-weight", "0.5", "--save-discriminator"])
    D = load_model(f"{out}-discriminator")
    assert D.config.d_classifier and D.classify.out_features == 10
    generator_config = json.loads((out / "config.json").read_text())  # the generator's fields only (the card
    assert "d_classifier" not in generator_config and generator_config["model_type"] == "gan"  # reads --aux-weight
    # from the command in history.json: tests/training/test_publish.py)
    for flags in (["--aux-weight", "-1"], ["--aux-weight", "0.5", "--unconditional"]):
        with pytest.raises(SystemExit):
            train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g2"), "--dry-run", *flags])
        assert "--aux-weight must be at least 0, and 0 for an unconditional GAN" in capsys.readouterr().err


def test_diffaugment_shifts_and_cuts_out_on_a_background_of_minus_one():
    x = torch.full((2, 1, 28, 28), -1.0)
    x[:, 0, 14, 14] = 1.0  # one bright pixel in the middle
    shifted = train_gan.diff_augment(x, ("translation",), torch.Generator().manual_seed(0))
    assert shifted.shape == x.shape and (shifted == 1).sum().item() == 2  # each image keeps its pixel, moved
    for image in shifted[:, 0]:
        row, col = (image == 1).nonzero()[0].tolist()
        assert abs(row - 14) <= 3 and abs(col - 14) <= 3  # by at most 28 // 8 = 3 pixels
    ones = torch.ones(4, 1, 28, 28, requires_grad=True)
    cut = train_gan.diff_augment(ones, ("cutout",), torch.Generator().manual_seed(1))
    blank = (cut == -1).sum(dim=(1, 2, 3))
    assert blank.max().item() <= 13 * 13 and blank.min().item() >= 7 * 7  # a square of side 13 (|d| < 7), clipped
    assert set(cut.unique().tolist()) == {-1.0, 1.0}
    cut.sum().backward()  # differentiable: the kept pixels pass their gradient, the blanked ones none
    assert torch.equal(ones.grad, (cut == 1).float())
    seeded = [train_gan.diff_augment(x, train_gan.AUGMENTS, torch.Generator().manual_seed(2)) for _ in range(2)]
    assert torch.equal(*seeded)  # the same seed, the same changes


def test_gan_diffaugment_and_the_deeper_discriminator_reach_training(tiny_data_root, tmp_path, monkeypatch, capsys):
    seen = []
    original = train_gan.diff_augment
    monkeypatch.setattr(train_gan, "diff_augment",
                        lambda x, policy, generator: seen.append(policy) or original(x, policy, generator))
    out = tmp_path / "gan-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tmp_path / "none"), "--diffaugment", "translation,cutout",
                    "--d-conv3", "--mbstd", "--mbstd-group", "4", "--save-discriminator"])
    assert seen == [("translation", "cutout")] * 12  # 4 steps: D sees real and fake, G sees fake
    D = load_model(f"{out}-discriminator")
    assert D.config.d_conv3 and D.config.mbstd and D.config.mbstd_group == 4
    assert "mbstd" not in json.loads((out / "config.json").read_text())  # the generator's fields only
    with pytest.raises(SystemExit):
        train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g2"), "--dry-run",
                        "--diffaugment", "colour"])
    assert "--diffaugment takes translation, cutout, comma-separated; got 'colour'" in capsys.readouterr().err
    for flags in (["--mbstd-group", "4"], ["--mbstd", "--mbstd-group", "-1"]):
        with pytest.raises(SystemExit):
            train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g2"), "--dry-run", *flags])
        assert "--mbstd-group must be at least 0, and goes with --mbstd" in capsys.readouterr().err


def test_gan_class_norm_reaches_the_generator_and_refuses_what_it_cannot_go_with(tiny_data_root, tmp_path, capsys):
    out = tmp_path / "gan-mnist"
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(out), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tmp_path / "none"), "--upsample", "deconv-conv3",
                    "--ema", "0.9", "--class-norm"])
    G = load_model(out)
    assert G.config.class_norm and json.loads((out / "config.json").read_text())["class_norm"] is True
    assert G.fc[1].gain.weight.abs().sum() > 0  # trained (and averaged): the label maps left zero
    for flags in (["--class-norm", "--no-batchnorm"], ["--class-norm", "--unconditional"]):
        with pytest.raises(SystemExit):
            train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g2"), "--dry-run", *flags])
        assert "--class-norm needs batch norm and labels" in capsys.readouterr().err


def test_mode_seeking_pairs_one_class_and_rewards_pairs_that_differ_as_their_noise_does():
    y = torch.tensor([3, 1, 4, 1, 5, 9, 2])
    assert train_gan.paired_labels(y).tolist() == [3, 1, 4, 3, 1, 4, 2]  # (i, i + 3) share a class; 2 keeps its own
    assert y.tolist() == [3, 1, 4, 1, 5, 9, 2]  # the real batch's labels are left as they were
    z = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [0.0, 0.0]])  # pairs (0, 2) and (1, 3): |dz| mean 1
    fake = torch.zeros(4, 1, 2, 2)
    fake[2] = 0.5  # pair (0, 2) differs by 0.5 per pixel, pair (1, 3) not at all: d_image 0.25
    assert train_gan.mode_seeking_term(fake, z).item() == pytest.approx(1 / (0.25 + 1e-5))
    assert train_gan.mode_seeking_term(fake * 4, z).item() < train_gan.mode_seeking_term(fake, z).item()


def test_gan_mode_seeking_reaches_the_generator_step(tiny_data_root, tmp_path, monkeypatch, capsys):
    weights = []
    original = train_gan.g_step
    monkeypatch.setattr(train_gan, "g_step", lambda *a: weights.append((a[3].clone(), a[7])) or original(*a))
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g"), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tmp_path / "none"), "--mode-seeking", "0.5"])
    assert len(weights) == 4 and all(w == 0.5 for _, w in weights)
    for labels, _ in weights:  # G's batch is made for paired labels
        assert torch.equal(labels[8:], labels[:8])
    with pytest.raises(SystemExit):
        train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g2"), "--dry-run",
                        "--mode-seeking", "-1"])
    assert "--mode-seeking must be at least 0, got -1" in capsys.readouterr().err


def test_r1_penalty_is_half_the_mean_squared_gradient_at_the_real_images():
    x = torch.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
    logit = (x * torch.tensor([3.0, 4.0])).sum(1) + x[:, 0] ** 2  # grad: (3 + 2 x0, 4)
    # image 0: (5, 4), |.|^2 = 41; image 1: (9, 4), 97; half their mean: 34.5
    penalty = train_gan.r1_penalty(x, logit)
    assert penalty.item() == pytest.approx(34.5)
    penalty.backward()  # create_graph: the penalty itself has a gradient, so D can be trained on it
    # the penalty is (1/4) sum over images of ((3 + 2 x0)^2 + 16): d/dx0 = 3 + 2 x0, d/dx1 = 0
    assert x.grad.flatten().tolist() == pytest.approx([5.0, 0.0, 9.0, 0.0])
    assert [train_gan.r1_weight(s, 0.1, 4) for s in range(6)] == pytest.approx([0.4, 0, 0, 0, 0.4, 0])
    assert [train_gan.r1_weight(s, 0.0, 4) for s in range(3)] == [0, 0, 0]


def test_d_step_with_r1_trains_d_towards_a_flatter_verdict_at_real_images():
    from models.gan import Discriminator, DiscriminatorConfig

    def gradient_norm(D, x, y):
        x = x.clone().requires_grad_(True)
        logit, _ = D.judge(x, y)
        return torch.autograd.grad(logit.sum(), x)[0].pow(2).sum().item()

    torch.manual_seed(0)
    x, y, fake = torch.rand(16, 1, 28, 28) * 2 - 1, torch.randint(0, 10, (16,)), torch.rand(16, 1, 28, 28) * 2 - 1
    norms = {}
    for r1 in (0.0, 10.0):
        torch.manual_seed(1)
        D = Discriminator(DiscriminatorConfig(channels=4))
        opt = torch.optim.SGD(D.parameters(), lr=0.05)
        before = gradient_norm(D, x, y)
        loss, real_logit, _ = train_gan.d_step(D, opt, x, y, fake, r1=r1)
        assert not x.requires_grad and real_logit.shape == (16,)  # the caller's batch is left as it was
        norms[r1] = gradient_norm(D, x, y) / before
    assert norms[10.0] < norms[0.0]  # the penalty's step made D's gradient at the real images smaller


def test_adam_beta1_reaches_both_optimizers(tiny_data_root, tmp_path, monkeypatch, capsys):
    made = []
    original = train_gan.optimizers
    monkeypatch.setattr(train_gan, "optimizers", lambda *a: made.append(original(*a)) or made[-1])
    for out, flags in (("g0", ["--adam-beta1", "0"]), ("g5", [])):
        train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / out), "--dry-run", "--channels",
                        "4", "--batch-size", "16", "--classifier", str(tmp_path / "none"), *flags])
    assert [[opt.param_groups[0]["betas"] for opt in pair] for pair in made] == [[(0.0, 0.999)] * 2,
                                                                                 [(0.5, 0.999)] * 2]
    for bad in ("1", "-0.1"):
        with pytest.raises(SystemExit):
            train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g2"), "--dry-run",
                            "--adam-beta1", bad])
        assert f"--adam-beta1 must be at least 0 and below 1, got {float(bad)}" in capsys.readouterr().err


def test_gan_r1_reaches_the_discriminator_step_lazily(tiny_data_root, tmp_path, monkeypatch, capsys):
    weights = []
    original = train_gan.d_step
    monkeypatch.setattr(train_gan, "d_step", lambda *a, **k: weights.append(k["r1"]) or original(*a, **k))
    train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g"), "--dry-run", "--channels", "4",
                    "--batch-size", "16", "--classifier", str(tmp_path / "none"), "--r1", "0.5", "--r1-every", "2"])
    assert weights == [1.0, 0.0, 1.0, 0.0]  # gamma * every on every second D step
    with pytest.raises(SystemExit):
        train_gan.main(["--data-root", str(tiny_data_root), "--out", str(tmp_path / "g2"), "--dry-run", "--r1", "-1"])
    assert "--r1 must be at least 0, got -1" in capsys.readouterr().err
