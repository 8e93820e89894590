"""`python -m benchmarks train_speed`: it benchmarks each shipped model as its recorded command trained it, with
the training scripts' own step functions, and counts FLOPs and the reference VAE's loss correctly."""

import json

import pytest
import torch
import torch.nn.functional as F

from benchmarks import train_speed
from benchmarks.bench import ROOT


def test_recorded_args_are_the_shipped_commands():
    gan = train_speed.recorded_args(ROOT / "weights" / "gan-mnist")
    assert gan.script == "training.train_gan"
    assert (gan.batch_size, gan.threads, gan.upsample, gan.ema, gan.lr_decay, gan.epochs) == \
        (128, 2, "deconv-conv3", 0.999, "linear", 32)
    vae = train_speed.recorded_args(ROOT / "weights" / "vae-mnist")
    assert (vae.script, vae.hidden_dim, vae.threads, vae.epochs) == ("training.train_vae", 512, 2, 44)
    clf = train_speed.recorded_args(ROOT / "weights" / "classifier-mnist")
    assert clf.script == "training.train_classifier" and clf.max_shift == 2


def test_every_shipped_model_with_a_history_is_benchmarked():
    names = {p.name for p in train_speed.shipped_folders(None)}
    assert {"gan-mnist", "gan-fashion-mnist", "vae-mnist", "vae-fashion-mnist", "vae2d-mnist", "ae2d-mnist",
            "classifier-mnist", "classifier-fashion-mnist", "gan-collapse-mnist"} <= names


def closure(step) -> dict:
    return {name: cell.cell_contents for name, cell in zip(step.__code__.co_freevars, step.__closure__, strict=True)}


@pytest.mark.parametrize("name", ["vae2d-mnist", "classifier-mnist"])
def test_a_step_trains_the_model_and_counts_images(name):
    folder = ROOT / "weights" / name
    step, images = train_speed.make_step(folder, train_speed.recorded_args(folder), batch_size=8,
                                         channels_last=False)
    model = closure(step)["model"]
    before = [p.detach().clone() for p in model.parameters()]
    assert train_speed.flops_per_step(step) > 0  # runs one step
    assert any(not torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    assert images == 8 and train_speed.images_per_second(step, images, seconds=0.0) > 0


def test_gan_step_updates_generator_discriminator_and_average():
    folder = ROOT / "weights" / "gan-mnist"
    args = train_speed.recorded_args(folder)
    step, _ = train_speed.make_step(folder, args, batch_size=8, channels_last=True)
    cells = closure(step)
    G, D, G_avg = cells["G"], cells["D"], cells["G_avg"]
    snapshot = [[p.detach().clone() for p in m.parameters()] for m in (G, D, G_avg)]
    step()
    for model, before in zip((G, D, G_avg), snapshot, strict=True):
        assert any(not torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    assert D.config.d_classifier and not D.config.d_conv3  # gan-mnist's command: --aux-weight 1, the first D


def test_the_gan_step_builds_the_discriminator_its_command_did():
    folder = ROOT / "weights" / "gan-fashion-mnist"
    args = train_speed.recorded_args(folder)
    assert args.d_conv3 and args.mbstd and args.aux_weight == 1
    step, _ = train_speed.make_step(folder, args, batch_size=8, channels_last=True)
    D = closure(step)["D"]
    assert D.config.d_conv3 and D.config.mbstd and D.config.d_classifier and D.mix is not None


def test_flops_of_the_reference_vae_match_its_matrix_products():
    model = train_speed.MLPVAE()
    x = torch.rand(4, 1, 28, 28)

    def step():
        train_speed.example_loss_of(model, x).backward()

    # forward: 2 * B * (784*400 + 2 * 400*20 + 20*400 + 400*784) multiply-adds counted as 2 FLOPs;
    # backward: twice that, except fc1's input gradient (x needs none)
    forward = 2 * 4 * (784 * 400 + 2 * 400 * 20 + 20 * 400 + 400 * 784)
    backward = 2 * forward - 2 * 4 * 784 * 400
    assert train_speed.flops_per_step(step) == forward + backward


def test_example_loss_is_bce_plus_the_gaussian_kl():
    torch.manual_seed(0)
    x, recon = torch.rand(3, 1, 28, 28), torch.rand(3, 784).clamp(0.01, 0.99)
    mu, logvar = torch.randn(3, 20), torch.randn(3, 20)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum()
    expected = F.binary_cross_entropy(recon, x.view(3, 784), reduction="sum") + kl
    assert train_speed.example_loss(recon, x, mu, logvar).item() == pytest.approx(expected.item(), rel=1e-6)
    assert train_speed.example_loss(recon, x, torch.zeros(3, 20), torch.zeros(3, 20)).item() == pytest.approx(
        F.binary_cross_entropy(recon, x.view(3, 784), reduction="sum").item(), rel=1e-6)  # KL(N(0,I)||N(0,I)) = 0


def test_table_gives_the_share_of_the_matmul_limit():
    row = {"model": "gan-mnist", "batch": 128, "threads": 2, "channels_last": True, "compiled": False,
           "images_per_second": 800, "mflop_per_image": 125.0, "gflops": 100.0}
    text = train_speed.table([row], {2: 200.0})
    assert "| `gan-mnist` | 128 | 2 | channels_last | 800 | 125.0 | 100.0 | 50% |" in text


def test_it_times_a_models_step_against_the_matmul_limit(run, tmp_path):
    out = tmp_path / "speed.json"
    figures, printed = run("train_speed", "--models", "vae2d-mnist", "--threads", "1", "--batch-sizes", "8",
                           "--seconds", "0.05", "--matmul-seconds", "0.05", "--json", str(out))
    (row,) = figures["rows"]
    assert (row["model"], row["batch"], row["threads"], row["channels_last"]) == ("vae2d-mnist", 8, 1, True)
    assert row["images_per_second"] > 0 and row["mflop_per_image"] > 0
    assert row["gflops"] == pytest.approx(row["mflop_per_image"] * row["images_per_second"] / 1000, rel=0.1, abs=0.1)
    assert figures["matmul_gflops"][1] > 0
    assert json.loads(out.read_text())["rows"] == figures["rows"]
    assert "| `vae2d-mnist` | 8 | 1 | channels_last |" in printed


def test_the_side_by_side_trains_the_reference_then_the_lab_setup_to_its_loss(run, tiny_data_root):
    figures, printed = run("train_speed", "--vae-side-by-side", "--data-root", str(tiny_data_root),
                           "--reference-epochs", "1", "--lab-batch", "16")
    assert [entry["epoch"] for entry in figures["reference"]] == [1]
    assert figures["target_test_neg_elbo"] == figures["reference"][-1]["test_neg_elbo"] > 0
    assert figures["lab"] and figures["lab_batch"] == 16 and figures["reference_epochs"] == 1
    reached = figures["lab"][-1]["test_neg_elbo"] <= figures["target_test_neg_elbo"]
    assert (figures["lab_seconds"] is not None) == reached
    assert "target test -ELBO" in printed


def test_a_pair_childs_rows_are_read_from_above_its_footer():
    output = '{"rows": [{"model": "gan-mnist", "images_per_second": 935}]}\n\nmachine: x\nload average 1\ncommand: y\n'
    assert train_speed.child_rows(output) == [{"model": "gan-mnist", "images_per_second": 935}]


@pytest.mark.slow
def test_pair_runs_two_one_thread_processes_and_totals_the_sets_time(run):
    figures, _ = run("train_speed", "--models", "vae2d-mnist", "--threads", "1", "--batch-sizes", "8",
                     "--seconds", "0.2", "--matmul-seconds", "0.1", "--pair")
    (pair,) = figures["pairs"]
    assert pair["model"] == "vae2d-mnist" and pair["images"] > 0
    assert pair["alone_2_threads"] > 0 and pair["two_1_thread_jobs_summed"] > 0
    assert set(figures["set_minutes"]) == {"one 2-thread job at a time", "two 1-thread jobs at once"}


def test_the_gan_step_applies_a_recorded_r1_on_one_d_step_in_r1_every(monkeypatch):
    from training import train_gan

    folder = ROOT / "weights" / "gan-mnist"
    args = train_speed.recorded_args(folder)
    args.r1, args.r1_every = 0.5, 2
    weights = []
    original = train_gan.d_step
    monkeypatch.setattr(train_gan, "d_step", lambda *a, **k: weights.append(k["r1"]) or original(*a, **k))
    step, _ = train_speed.make_step(folder, args, batch_size=8, channels_last=True)
    for _ in range(3):
        step()
    assert weights == [1.0, 0.0, 1.0]


def test_the_gan_step_uses_the_recorded_adam_beta1(monkeypatch):
    from training import train_gan

    folder = ROOT / "weights" / "gan-mnist"
    args = train_speed.recorded_args(folder)
    assert args.adam_beta1 == 0.5  # the shipped command does not set it: DCGAN's 0.5
    args.adam_beta1 = 0.0
    made = []
    original = train_gan.optimizers
    monkeypatch.setattr(train_gan, "optimizers", lambda *a: made.append(original(*a)) or made[-1])
    train_speed.make_step(folder, args, batch_size=8, channels_last=True)
    ((opt_g, opt_d),) = made
    assert opt_g.param_groups[0]["betas"] == opt_d.param_groups[0]["betas"] == (0.0, 0.999)
