import torch

from models.classifier import Classifier, ClassifierConfig


def test_shapes_and_probabilities():
    torch.manual_seed(0)
    model = Classifier(ClassifierConfig(channels=4, feature_dim=8)).eval()
    x = torch.rand(5, 1, 28, 28)
    assert model(x).shape == (5, 10)
    assert model.features(x).shape == (5, 8)
    assert (model.features(x) >= 0).all()
    proba = model.predict_proba(x)
    assert torch.allclose(proba.sum(1), torch.ones(5))
    assert torch.equal(model.predict(x), proba.argmax(1))


def test_learns_a_toy_problem():
    torch.manual_seed(0)
    model = Classifier(ClassifierConfig(channels=4, feature_dim=16, num_classes=2, dropout=0.0))
    x = torch.zeros(32, 1, 28, 28)
    y = torch.arange(32) % 2
    x[y == 1, :, :14] = 1.0  # class 1: top half lit
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(40):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert (model.eval().predict(x) == y).all()
