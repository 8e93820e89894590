"""`python -m benchmarks` lists the benchmarks; `python -m benchmarks NAME [ARGS...]` runs one."""

import importlib
import sys

from benchmarks import BENCHMARKS


def listing() -> str:
    """Every benchmark, one line each: its name and what it measures."""
    width = max(map(len, BENCHMARKS))
    return "\n".join([f"{name:{width}s}  {benchmark.description}" for name, benchmark in BENCHMARKS.items()]
                     + ["", "python -m benchmarks NAME --help: what NAME measures and its options"])


def main(argv: list[str]) -> int:
    """Run benchmark argv[0] with the rest of `argv`; list them all when there is none. The exit status."""
    if not argv or argv[0] in ("-h", "--help"):
        print(listing())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}: choose one of {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    run(name, rest)
    return 0


def run(name: str, argv: list[str]) -> dict:
    """Run benchmark `name` with `argv`; its figures, as its `main` returns them."""
    return importlib.import_module(BENCHMARKS[name].module).main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
