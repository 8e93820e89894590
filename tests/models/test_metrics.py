import numpy as np
import pytest
import torch
import torch.nn.functional as F

from models.metrics import (
    class_coverage,
    class_histogram,
    frechet_distance,
    laplacian_variance,
    per_class_accuracy,
    sharpness_ratio,
)


def test_frechet_distance_known_values():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 3))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # N(0, I) vs N(m, 4I) in 3-D: |m|^2 + 3 * (1 + 4 - 2 * 2) = |m|^2 + 3
    b = rng.normal(size=(20000, 3)) * 2 + np.array([1.0, 2.0, 0.0])
    assert frechet_distance(a, b) == pytest.approx(5.0 + 3.0, rel=0.03)


def test_sharpness_drops_with_blur():
    torch.manual_seed(0)
    sharp = (torch.rand(8, 1, 28, 28) > 0.8).float()
    blurred = F.avg_pool2d(sharp, 3, stride=1, padding=1)
    assert laplacian_variance(sharp).shape == (8,)
    assert sharpness_ratio(sharp, sharp) == pytest.approx(1.0)
    assert sharpness_ratio(blurred, sharp) < 0.3
    assert laplacian_variance(torch.full((1, 1, 28, 28), 0.5)).item() == pytest.approx(0.0, abs=1e-12)


def test_class_histogram_and_coverage():
    predicted = torch.tensor([0] * 50 + [1] * 46 + [2] * 4)
    assert class_histogram(predicted)[:3] == pytest.approx([0.5, 0.46, 0.04])
    assert class_coverage(predicted) == 2  # class 2 gets 4 %, under half its fair 10 %
    assert class_coverage(torch.arange(100) % 10) == 10


def test_per_class_accuracy():
    labels = torch.tensor([0, 0, 0, 0, 1, 1, 2])
    predicted = torch.tensor([0, 0, 0, 5, 1, 0, 1])  # class 0: 3 of 4, class 1: 1 of 2, class 2: 0 of 1
    assert per_class_accuracy(predicted, labels, 4) == pytest.approx([0.75, 0.5, 0.0, 0.0])  # 3 never asked: 0


def test_knn_radii_on_a_line():
    from models.metrics import knn_radii

    points = torch.tensor([[0.0], [1.0], [3.0], [7.0]])
    # neighbours of 0: 1, 3, 7 -> 1st at 1, 2nd at 3; of 7: 3, 1, 0 -> 1st at 4, 2nd at 6
    assert knn_radii(points, k=1).tolist() == [1.0, 1.0, 2.0, 4.0]
    assert knn_radii(points, k=2).tolist() == [3.0, 2.0, 3.0, 6.0]


def test_precision_recall_on_hand_made_sets():
    from models.metrics import precision_recall

    rng = np.random.default_rng(0)
    real = rng.normal(size=(400, 2))
    same = rng.normal(size=(400, 2))
    collapsed = rng.normal(size=(400, 2)) * 0.05 + real[0]  # all samples in one small spot of the data
    far = rng.normal(size=(400, 2)) + 10.0  # nowhere near the data
    p, r = precision_recall(real, same, k=3)
    assert p > 0.85 and r > 0.85
    p, r = precision_recall(real, collapsed, k=3)
    assert p > 0.9 and r < 0.1  # realistic but not diverse: the mode-collapse signature
    p, r = precision_recall(real, far, k=3)
    assert p == 0.0 and r == 0.0


def test_ink_components_and_speckles():
    from models.metrics import ink_components, speckle_share

    stroke = torch.zeros(1, 1, 28, 28)
    stroke[0, 0, 5:20, 10:12] = 1.0  # a vertical bar
    speck = stroke.clone()
    speck[0, 0, 25, 25] = 1.0  # one stray pixel
    diagonal = torch.zeros(1, 1, 28, 28)
    for i in range(10):
        diagonal[0, 0, i, i] = 1.0  # touching corners: one region with 8-neighbours
    labels = ink_components(torch.cat([stroke, speck, diagonal]))
    assert [len(labels[i].unique()) - 1 for i in range(3)] == [1, 2, 1]  # regions, background left out
    assert speckle_share(torch.cat([stroke, speck, diagonal])) == pytest.approx(1 / 3)
    broken = stroke.clone()
    broken[0, 0, 22:26, 10:12] = 1.0  # a second, larger piece of stroke is not a speck
    assert speckle_share(broken) == 0.0
