"""The house plan, checked on the source: imports point one way, down the floors
app -> ui -> lab -> models and training -> models (benchmarks may use any floor), and no module imports
itself through others. Every import counts, at module level or inside a function, read with `ast`."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "ui", "lab", "models", "training", "benchmarks")
# top-level package -> the packages it may import (its own included)
ALLOWED = {
    "models": {"models"},
    "training": {"training", "models"},
    "lab": {"lab", "models"},
    "ui": {"ui", "lab", "models"},
    "app": {"app", "ui", "lab", "models"},
    "benchmarks": set(PACKAGES),
}


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for app.py and every .py file under the packages."""
    modules = {"app": root / "app.py"}
    for package in PACKAGES[1:]:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def project_module(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of the dotted `name` that is a project module: `models.registry.DATASETS` ->
    `models.registry`, `torch.nn` -> None."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `module` imports anywhere in its file: `import a.b` names a.b, `from a import b`
    names a.b when that is a module (`from training import evaluate`), else a. Relative imports are resolved
    against the module's package."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..y import z
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            names += [f"{base}.{alias.name}" for alias in node.names]
    return {target for name in names if (target := project_module(name, modules)) not in (None, module)}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {module: imported(module, path, modules) for module, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan), as a path a -> ... -> a."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(set(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    cycles = []
    for component in components:  # the shortest path from the component's first module back to it
        start = min(component)
        parent, queue = {}, [start]
        while start not in parent:
            v = queue.pop(0)
            for w in sorted(graph.get(v, set()) & component):
                if w not in parent:
                    parent[w] = v
                    queue.append(w)
        back, v = [start], parent[start]
        while v != start:
            back.append(v)
            v = parent[v]
        cycles.append([start, *reversed(back)])
    return sorted(cycles)


def floor(module: str) -> str:
    return module.split(".")[0]


def test_the_walker_sees_module_and_function_level_imports():
    graph = import_graph()
    assert "models" in graph["lab.loading"] and "models.registry" in graph["lab.loading"]
    assert "training.evaluate" in graph["training.finish"]  # `from training import evaluate`: the module
    assert "ui.anomaly" in graph["app"]  # `from ui import anomaly as anomaly_tab`
    assert "lab.preprocess" in graph["lab.arena.data"]  # `from lab.preprocess import ...` inside read_drawing()
    assert "models.vae" in graph["models.autoencoder"]


def test_find_cycles_names_the_loop():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
    assert find_cycles({"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"c"}}) == [["a", "b", "a"], ["c", "d", "c"]]


def test_imports_point_down_the_floors():
    """training/ and models/ never import lab/ or ui/; models/ imports nothing else of the project."""
    modules = project_modules()
    wrong = [f"{modules[module].relative_to(ROOT)} imports {target}"
             for module, targets in sorted(import_graph().items()) for target in sorted(targets)
             if floor(target) not in ALLOWED[floor(module)]]
    assert not wrong, "imports against the floor plan (" + ", ".join(
        f"{k} may import {' '.join(sorted(v))}" for k, v in ALLOWED.items() if k != "benchmarks") + "):\n" + \
        "\n".join(wrong)


def test_no_import_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)
