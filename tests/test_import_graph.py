"""No import circle in cgcli/: each module imports in a fresh interpreter, and the graph of its import
statements (read with `ast`, imports inside functions included) has no cycle."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = Path(REPO) / "cgcli"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The cgcli modules that `name` imports anywhere in its text: `from .x import y` is module x, or
    module x.y when y is a module (`from . import figure`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of modules, or None: a depth-first walk with an explicit stack."""
    state: dict[str, str] = {}  # module → "open" while on the current path, "done" after
    for root in sorted(graph):
        if root in state:
            continue
        path, stack = [root], [iter(sorted(graph[root]))]
        state[root] = "open"
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(child) == "open":
                return path[path.index(child):] + [child]
            elif child not in state:
                state[child] = "open"
                path.append(child)
                stack.append(iter(sorted(graph[child])))
    return None


def test_the_walk_finds_a_cycle_where_there_is_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_relative_and_package_imports():
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert "cgcli.ops.declaration" in graph["cgcli.ops.elementwise"]
    assert {"cgcli.ops.elementwise", "cgcli.ops.tensor"} <= graph["cgcli.ops"]
    assert "cgcli.render.figure" in graph["cgcli.render.markdown"]  # from . import figure as figures


def test_no_module_of_cgcli_imports_itself_through_others():
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert _cycle(graph) is None, " → ".join(_cycle(graph))


IMPORTABLE = [name for name in MODULES if name != "cgcli.__main__"]  # __main__ runs the command
GROUPS = 4


@pytest.mark.parametrize("group", range(GROUPS))
def test_every_module_imports_first_in_a_fresh_interpreter(group):
    # each module imported as the first cgcli module of an interpreter: cgcli's modules are dropped
    # from sys.modules in between (lark, click, NumPy and mpmath stay loaded, which keeps it fast)
    script = ("import importlib, sys\n"
              "for name in sys.argv[1:]:\n"
              "    for loaded in [m for m in sys.modules if m == 'cgcli' or m.startswith('cgcli.')]:\n"
              "        del sys.modules[loaded]\n"
              "    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", script, *IMPORTABLE[group::GROUPS]], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


# The pipeline's layers, lowest first: a module imports only from its own layer or lower ones
# (text → graph → passes → rendering; the API over them, the command line over everything).
LAYERS = (
    ("cgcli.errors", "cgcli.text"),
    ("cgcli.numbers",),
    ("cgcli.ops",),
    ("cgcli.graph",),
    ("cgcli.language",),
    ("cgcli.passes",),
    ("cgcli.compiled",),
    ("cgcli.render",),
    ("cgcli.api",),
    ("cgcli.cli", "cgcli.__main__", "cgcli"),
)


def _layer(module: str) -> int:
    """The index in LAYERS of the longest prefix naming `module`'s room."""
    best, depth = None, -1
    for index, rooms in enumerate(LAYERS):
        for room in rooms:
            if (module == room or module.startswith(room + ".")) and room.count(".") > depth:
                best, depth = index, room.count(".")
    assert best is not None, f"{module} belongs to no layer: add its room to LAYERS"
    return best


def test_no_module_imports_from_a_higher_layer():
    upward = sorted(f"{name} (layer {_layer(name)}) imports {imported} (layer {_layer(imported)})"
                    for name, path in MODULES.items() for imported in _imports(name, path)
                    if _layer(imported) > _layer(name))
    assert not upward, "\n".join(upward)


def test_the_layer_check_sees_an_upward_import():
    assert _layer("cgcli.passes.trace") > _layer("cgcli.graph.nodes") > _layer("cgcli.ops.elementwise")
    assert _layer("cgcli.cli.commands.eval") == _layer("cgcli") > _layer("cgcli.api.compiled")


def test_the_package_is_grouped_by_stage():
    top_modules = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top_modules) <= 5, top_modules
    stages = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))
    assert len(stages) >= 6, stages
