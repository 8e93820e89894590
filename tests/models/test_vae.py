import math

import pytest
import torch
import torch.nn.functional as F

from models.vae import (
    VAE,
    VAEConfig,
    bernoulli_nll,
    iwae_log_likelihood,
    kl_divergence,
    negative_elbo,
    refine_posterior,
)


@pytest.fixture
def vae() -> VAE:
    torch.manual_seed(0)
    return VAE(VAEConfig(latent_dim=4, channels=4, hidden_dim=16)).eval()


def test_shapes_and_ranges(vae):
    x = torch.rand(3, 1, 28, 28)
    mu, logvar = vae.encode(x)
    assert mu.shape == logvar.shape == (3, 4)
    assert vae.decode(mu).shape == (3, 1, 28, 28)
    for images in (vae.sample(5), vae.reconstruct(x), vae.decode(torch.randn(2, 4) * 10)):
        assert images.min() >= 0 and images.max() <= 1


def test_sample_is_reproducible_with_a_generator(vae):
    a = vae.sample(4, generator=torch.Generator().manual_seed(7))
    b = vae.sample(4, generator=torch.Generator().manual_seed(7))
    c = vae.sample(4, generator=torch.Generator().manual_seed(8))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_reconstruct_decodes_the_posterior_mean(vae):
    x = torch.rand(2, 1, 28, 28)
    mu, _ = vae.encode(x)
    assert torch.equal(vae.reconstruct(x), vae.decode(mu))


def test_reparameterize_is_differentiable_and_has_the_right_moments(vae):
    mu = torch.full((20000, 2), 1.5, requires_grad=True)
    logvar = torch.full((20000, 2), math.log(0.25), requires_grad=True)
    z = vae.reparameterize(mu, logvar, generator=torch.Generator().manual_seed(0))
    assert abs(z.mean().item() - 1.5) < 0.02 and abs(z.std().item() - 0.5) < 0.02
    z.sum().backward()
    assert torch.allclose(mu.grad, torch.ones_like(mu))  # dz/dmu = 1
    assert logvar.grad.abs().sum() > 0


def test_kl_matches_hand_computed_value():
    # KL(N(mu, s^2) || N(0, 1)) = 0.5 * (s^2 + mu^2 - 1 - log s^2), summed over dimensions
    mu = torch.tensor([[1.0, 0.0]])
    logvar = torch.tensor([[0.0, math.log(4.0)]])
    expected = 0.5 * (1 + 1 - 1 - 0) + 0.5 * (4 + 0 - 1 - math.log(4.0))
    assert kl_divergence(mu, logvar).item() == pytest.approx(expected)
    assert kl_divergence(torch.zeros(1, 3), torch.zeros(1, 3)).item() == 0.0


def test_negative_elbo_matches_hand_computed_value():
    # one image of 784 pixels: half are 1 with logit 0 (p = 0.5), half are 0 with logit -log(3) (p = 0.25)
    x = torch.zeros(1, 1, 28, 28)
    x.view(-1)[:392] = 1
    logits = torch.zeros(1, 1, 28, 28)
    logits.view(-1)[392:] = -math.log(3.0)
    rec = 392 * math.log(2.0) + 392 * -math.log(0.75)
    assert bernoulli_nll(logits, x).item() == pytest.approx(rec, rel=1e-5)
    mu, logvar = torch.tensor([[1.0, 0.0]]), torch.zeros(1, 2)
    assert negative_elbo(logits, x, mu, logvar).item() == pytest.approx(rec + 0.5, rel=1e-5)
    assert negative_elbo(logits, x, mu, logvar, beta=0.0).item() == pytest.approx(rec, rel=1e-5)


def test_iwae_bound_is_at_least_the_elbo_and_tightens(vae):
    torch.manual_seed(0)
    x = torch.rand(8, 1, 28, 28).bernoulli()
    mu, logvar = vae.encode(x)
    # ELBO with the expectation taken by many samples
    elbos = []
    for _ in range(200):
        z = vae.reparameterize(mu, logvar)
        elbos.append(-(bernoulli_nll(vae.decode_logits(z), x) + kl_divergence(mu, logvar)))
    elbo = torch.stack(elbos).mean(0)
    ll_1 = torch.stack([iwae_log_likelihood(vae, x, k=1) for _ in range(200)]).mean(0)
    ll_50 = iwae_log_likelihood(vae, x, k=50, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(ll_1, elbo, rtol=0.01)  # k = 1 is the ELBO
    assert (ll_50 > elbo).all()


def test_loss_gradient_trains_the_model():
    torch.manual_seed(0)
    model = VAE(VAEConfig(latent_dim=2, channels=4, hidden_dim=16))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    x = (torch.rand(1, 1, 28, 28) > 0.7).float().repeat(16, 1, 1, 1)  # one pattern to learn
    losses = []
    for _ in range(60):
        logits, mu, logvar = model(x)
        loss = negative_elbo(logits, x, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]
    assert F.binary_cross_entropy_with_logits(logits, x, reduction="none").shape == x.shape


def test_refined_posterior_tightens_the_bound_and_leaves_the_model_alone(vae):
    torch.manual_seed(0)
    x = torch.rand(6, 1, 28, 28).bernoulli()
    with torch.no_grad():  # a poor encoder: every posterior sits at mu = 3, far out in the prior's tail
        last = vae.encoder.net[-1]
        last.weight.zero_()
        last.bias.copy_(torch.tensor([3.0] * 4 + [0.0] * 4))
    before = {k: v.clone() for k, v in vae.state_dict().items()}
    mu, logvar = refine_posterior(vae, x, steps=100, lr=0.05, generator=torch.Generator().manual_seed(0))
    assert all(torch.equal(before[k], v) for k, v in vae.state_dict().items())
    assert all(p.requires_grad for p in vae.parameters())
    g = torch.Generator().manual_seed(1)
    encoder_bound = iwae_log_likelihood(vae, x, k=200, generator=g)
    refined_bound = iwae_log_likelihood(vae, x, k=200, generator=torch.Generator().manual_seed(1),
                                        posterior=(mu, logvar))
    assert refined_bound.mean() > encoder_bound.mean() + 5  # the KL of mu = 3 alone costs 4 * 4.5 nats
