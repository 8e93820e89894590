"""benchmarks/load.py's click plans: the mix a student draws from, and --kinds narrowing it."""

import random

import pytest

from benchmarks.bench import make_uploads
from benchmarks.load import MIX, clicks, main


def test_a_plan_draws_from_the_whole_mix_or_only_the_kinds_asked(tmp_path):
    uploads = make_uploads(tmp_path)
    mixed = [kind for kind, _ in clicks(random.Random(0), uploads, 200)]
    assert len(set(mixed)) > 8 and set(mixed) <= {k for k, _ in MIX}
    only = clicks(random.Random(0), uploads, 20, [("generate", 0.25)])
    assert [kind for kind, _ in only] == ["generate"] * 20
    assert all(steps[0][0] == "/generate" and steps[0][1][2] == 16 for _, steps in only)


def test_an_unknown_kind_is_refused_by_name(capsys):
    with pytest.raises(SystemExit):
        main(["--kinds", "generate,gnerate"])
    assert "unknown --kinds gnerate" in capsys.readouterr().err
