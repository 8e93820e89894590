"""`python -m benchmarks`: one line per benchmark, every benchmark module registered, an unknown name refused
in one line, `--help` per benchmark; and the package is used with `python -m` (no sys.path inserts)."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import benchmarks
from benchmarks import BENCHMARKS, HELPERS
from benchmarks.bench import ROOT

TESTS = Path(__file__).resolve().parent


def python_m(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_the_listing_has_one_line_per_benchmark_with_what_it_measures():
    listed = python_m()
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    for name, benchmark in BENCHMARKS.items():
        (line,) = [line for line in lines if line.split(" ", 1)[0] == name]
        assert line.split(None, 1)[1] == benchmark.description
    assert len([line for line in lines if line.split(" ", 1)[0] in BENCHMARKS]) == len(BENCHMARKS)


def test_every_module_of_the_package_is_a_registered_benchmark_or_a_named_helper():
    modules = {m.name for m in pkgutil.iter_modules(benchmarks.__path__)} - {"__main__"}
    assert modules == set(BENCHMARKS) | set(HELPERS)
    assert not set(BENCHMARKS) & set(HELPERS)
    for name, benchmark in BENCHMARKS.items():
        module = importlib.import_module(benchmark.module)
        assert module.NAME == name and callable(module.main) and module.__doc__
        assert f"python -m benchmarks {name}" in module.__doc__  # its commands, as they are run


def test_an_unknown_name_gets_one_line_naming_the_valid_ones_and_status_2():
    refused = python_m("serve")
    assert refused.returncode == 2 and refused.stdout == ""
    (line,) = refused.stderr.splitlines()
    assert line.startswith("unknown benchmark 'serve': choose one of ")
    assert all(name in line for name in BENCHMARKS)


def test_help_goes_to_the_benchmark_with_its_rerun_command():
    helped = python_m("layout", "--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: python -m benchmarks layout ") and "--batches" in helped.stdout


def test_no_benchmark_reaches_into_sys_path_and_every_one_has_a_test_that_runs_it():
    for path in (ROOT / "benchmarks").glob("*.py"):
        assert "sys.path" not in path.read_text(), path.name
    tests = "\n".join(path.read_text() for path in TESTS.glob("test_*.py"))
    for name in BENCHMARKS:
        assert f'run("{name}"' in tests, f"no test runs benchmark {name}"
