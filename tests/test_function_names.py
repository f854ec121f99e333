"""A function's name appears in at most two source files of the package (issue 19): adding a function
is one declaration in the op table, so no other module may single a function out by name.

The count, for every function the op table declares (cgcli.ops.FUNCTIONS), is over the package's
source files, cgcli/**/*.py and cgcli/**/*.lark, the generated parse tables excluded. A file names a
function F when its code does, as a decision; prose does not count:
- Python: a string literal that is not a docstring and is F itself ("heaviside"), or writes F as code:
  a call `F(` ("sqrt({x})"), a LaTeX command `\\F`, or an alternative of a pattern (`|F`, `(?:F`, `F|`);
  and an identifier that defines or looks up F as a name of cgcli's own (`def F`, `ns.F`).
  Not counted: docstrings and comments (examples and explanations), messages' prose ("did you mean"),
  Python's own names (`if`, `max(a, b)`, a local variable `sign`, NumPy's `x.sum()`), the functions
  of Python's modules (`math.log1p`, `np.sqrt`: Python computing, not cgrad choosing), the methods of
  the number-system interface that Python's ABC makes every system implement (`ns.exp`, `def sqrt`:
  NumberSystem.__abstractmethods__), and click's help texts (`help="…"`: examples for people; the
  options' decisions, such as --relu0's, are the op table's conventions).
- A grammar (.lark): F in a terminal's pattern or a string, outside comments, as for Python's strings
  (a rule or alias that happens to be called `sum` or `transpose` is the grammar's structure).
- Everywhere: a LaTeX construct that latex.lark has a terminal of its own for (`\\sqrt`, `\\sum`) is
  LaTeX's syntax, not a function's name (CONSTRUCTS).
KNOWN lists each exception left, with the reason; the test fails when one is gone too, so that the
list only shrinks.
"""
from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from conftest import REPO

PACKAGE = Path(REPO) / "cgcli"
GENERATED = {"_parse_table.py", "_latex_table.py"}
MODULES = ("math", "cmath", "np", "numpy", "mpmath", "libmp", "mp")

# function → {file: why it still names it}
KNOWN: dict[str, dict[str, str]] = {
    "mean": {"cgcli/cli/commands/descend.py": "descend --reduce mean|sum: how per-row losses combine, a word",
             "cgcli/passes/descent.py": "the --reduce choice it carries out (mean: divide by the rows)"},
    "sum": {"cgcli/cli/commands/descend.py": "descend --reduce mean|sum: how per-row losses combine, a word",
            "cgcli/compiled/kernel.py": "Python's sum in the kernel's generated code (one non-finite step shows)"},
    "max": {"cgcli/ops/piecewise.py": "Python's max in the Python spelling of `or` (the op table's piecewise file)",
            "cgcli/render/stepper.py": "JavaScript's Math.max in the stepper page's script"},
}

def _constructs() -> frozenset[str]:
    """The LaTeX commands latex.lark has a terminal of its own for (SQRT: \\sqrt, SUM: \\sum): LaTeX's
    constructs (\\sqrt[3]{x}, \\sum_{i=1}^{3}), which the reader maps to the op spelled so."""
    grammar = (PACKAGE / "language" / "latex.lark").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^[A-Z_]+(?:\.\d+)?: /\\\\(\w+)\(\?!\[A-Za-z\]\)/", grammar, re.M))


CONSTRUCTS = _constructs()


def _words(text: str, function: str) -> bool:
    """`text` (a string literal's value, or grammar text) writes `function` as code."""
    name = re.escape(function)
    command = "" if function in CONSTRUCTS else rf"|\\{name}(?![A-Za-z])"
    return text == function or re.search(rf"(?<![\w\\]){name}\({command}|(?:\||\(\?:){name}(?!\w)"
                                         rf"|(?<![\w\\]){name}\|", text) is not None


def _docstrings(tree: ast.AST) -> set[tuple[int, int]]:
    """Where the docstrings and click's help texts (`help=`) start: prose and examples for people."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "help":
            found |= {(part.lineno, part.col_offset) for part in ast.walk(node.value) if isinstance(part, ast.Constant)}
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                found.add((first.value.lineno, first.value.col_offset))
    return found


def _python_names(source: str, functions: set[str], interface: set[str]) -> set[str]:
    import numpy as np

    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    python = interface | set(dir(np.ndarray))  # ns.exp: the interface; x.sum(), x.min(): NumPy's
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and (node.lineno, node.col_offset) not in docstrings:
            named |= {f for f in functions if _words(node.value, f)}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            named |= {node.name} & functions - interface
        elif isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner not in MODULES:
                named |= {node.attr} & functions - python
    return named


def _grammar_names(source: str, functions: set[str]) -> set[str]:
    code = "\n".join(line.split("//")[0] for line in source.splitlines())
    literals = re.findall(r'/(?:[^/\\\n]|\\.)+/|"(?:[^"\\\n]|\\.)*"', code)
    return {f for f in functions for literal in literals if _words(literal.strip('/"'), f)}


@functools.cache
def _naming_files() -> dict[str, set[str]]:
    import cgcli.ops
    from cgcli.numbers.system import NumberSystem

    functions = set(cgcli.ops.FUNCTIONS)
    interface = set(NumberSystem.__abstractmethods__)
    files: dict[str, set[str]] = {f: set() for f in functions}
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(REPO).as_posix()
        if path.name in GENERATED:
            continue
        if path.suffix == ".py":
            named = _python_names(path.read_text(encoding="utf-8"), functions, interface)
        elif path.suffix == ".lark":
            named = _grammar_names(path.read_text(encoding="utf-8"), functions)
        else:
            continue
        for function in named:
            files[function].add(relative)
    return files


def test_a_function_is_named_in_at_most_two_source_files():
    files = _naming_files()
    over = {function: sorted(named - set(KNOWN.get(function, {})))
            for function, named in sorted(files.items()) if len(named - set(KNOWN.get(function, {}))) > 2}
    assert not over, f"functions named in more than two source files (one declaration each, issue 19): {over}"


def test_the_known_exceptions_are_still_there():
    files = _naming_files()
    gone = {function: sorted(set(known) - files[function]) for function, known in KNOWN.items()
            if set(known) - files[function]}
    assert not gone, f"no longer named there: remove them from KNOWN: {gone}"


def test_the_rule_counts_what_it_says():
    functions, interface = {"sinh", "if", "max", "exp", "mean", "log1p"}, {"exp"}
    assert _python_names('OP_DECLARED = ("sinh", "cbrt")', functions, interface) == {"sinh"}
    assert _python_names('def f():\n    """sinh(x) and if."""\n    return max(1, 2) if x else math.log1p(y)',
                         functions, interface) == set()
    assert _python_names('ns.sinh(x); ns.exp(x); error = "did you mean x?"', functions, interface) == {"sinh"}
    assert _python_names('sign = x.mean(); max = 1', functions | {"sign"}, interface) == set()
    assert _python_names('option("--x", help="exp(x) is e^x")', functions, interface) == set()
    assert _python_names(r'pattern = r"\\(?:sin|sinh|cosh)(?![A-Za-z])"', functions, interface) == {"sinh"}
    assert _python_names('call = "log1p({x})"; alias = r"\\sinh"', functions, interface) == {"log1p", "sinh"}
    assert _grammar_names('?sum: product  // sinh\nFUNC.2: /\\\\(?:sin|sinh)/\n', {"sinh", "sum"}) == {"sinh"}
