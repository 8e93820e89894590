import torch

from models.autoencoder import Autoencoder, AutoencoderConfig


def test_shapes_ranges_and_determinism():
    torch.manual_seed(0)
    model = Autoencoder(AutoencoderConfig(channels=4, hidden_dim=16)).eval()
    x = torch.rand(3, 1, 28, 28)
    z = model.encode(x)
    assert z.shape == (3, 2)
    recon = model.reconstruct(x)
    assert recon.shape == (3, 1, 28, 28) and recon.min() >= 0 and recon.max() <= 1
    assert torch.equal(recon, model.reconstruct(x))  # no sampling: the same input gives the same output
    assert torch.equal(recon, model.decode(z))
    assert model.sample(4, generator=torch.Generator().manual_seed(0)).shape == (4, 1, 28, 28)
