import json
from pathlib import Path

import numpy as np
import pytest

from lab.kl import ae_vs_vae
from models.kl import gaussian_kl_to_prior


def test_shipped_figures_show_what_the_kl_term_does(shipped_lab):
    vae = json.loads(Path("weights/vae2d-mnist/kl_figures.json").read_text())
    ae = json.loads(Path("weights/ae2d-mnist/kl_figures.json").read_text())
    assert vae["aggregate_kl"] < 1 < 10 < ae["aggregate_kl"]
    assert vae["prior_decodes"]["class_coverage"] >= 9 and ae["prior_decodes"]["class_coverage"] <= 4
    assert vae["spread"]["share_inside_2_sigma"] > 0.7 > 0.3 > ae["spread"]["share_inside_2_sigma"]
    # the files are current: the KL recomputed from the shipped codes is the one stored
    for name, figures in (("vae2d-mnist", vae), ("ae2d-mnist", ae)):
        codes = shipped_lab.npz(name, "latent_map.npz")["codes"]
        assert gaussian_kl_to_prior(codes) == pytest.approx(figures["aggregate_kl"], abs=0.001)


def test_ae_vs_vae_decodes_the_same_codes_through_both(shipped_lab):
    vae_map, ae_map, vae_grid, ae_grid, chart, figures = ae_vs_vae(shipped_lab, 64, 0)
    assert vae_map.shape == ae_map.shape == (440, 440, 3)
    assert vae_grid.shape == ae_grid.shape and not np.array_equal(vae_grid, ae_grid)
    vae_live, ae_live = figures["vae2d-mnist"]["these_draws"], figures["ae2d-mnist"]["these_draws"]
    assert vae_live["distinct_classes"] > ae_live["distinct_classes"]
    assert sum(vae_live["class_histogram"]) == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError, match="How many codes"):
        ae_vs_vae(shipped_lab, 0, 0)
