"""Golden outputs: every text format of eval, paths, diagram and descend on a fixed set of
programs, compared byte for byte with the files in tests/golden/.

They pin what the renderers print, so that moving code between them changes nothing unnoticed:
a change shows up as a diff of a golden file, to be read and either fixed or accepted.
To accept (or first write) them, run

    CGRAD_UPDATE_GOLDEN=1 pytest tests/test_golden.py

and review `git diff tests/golden/` before committing. Each file holds the command, its exit
status, stdout and stderr. Terminal cases force the terminal path (as tests/test_hardening_cli.py
does) at a fixed width; their colour escape codes are removed, since which codes Rich writes
depends on the environment's TERM, not on cgrad.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import cgcli.cli.output
from conftest import run_cgrad_inprocess

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CGRAD_UPDATE_GOLDEN") == "1"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# ---- programs: (id, source, --at arguments) ----
SEED_001 = ("seed001", "u = b*c; v = a + u; J = 3v", ["--at", "a=1,b=2,c=3"])
SEED_001_ONE_LINE = ("seed001-expr", "3*(a+b*c)", ["--at", "a=1,b=2,c=3"])
SEED_002 = ("seed002", "p = x + y; g = p*z", ["--at", "x=1,y=3,z=-3"])
SEED_003 = ("seed003", "z = x*y; L = z^2", ["--at", "x=2,y=5"])
SEED_004 = ("seed004", "t = w1*x1; a1 = relu(t); a2 = sigmoid(t); o = a1 + a2", ["--at", "w1=0.5,x1=2"])
SEED_004_RELU = ("seed004-relu", "relu(w*x + b)", ["--at", "w=2,x=1.5,b=-1"])
FAN_OUT = ("fanout", "a = x; b = a + a; c = b + b", ["--at", "x=1.5"])
LAYER = ("layer", "L = sum(relu(X @ W + b))",
         ["--at", "X=[[1,2,3],[4,5,6]]", "--at", "W=[[0.1,-0.2],[0.3,0.4],[-0.5,0.6]]", "--at", "b=[0.01,-0.02]"])
EXACT = ("exact", "u = x/y; f = u*u - x", ["--at", "x=2/3,y=-5/7", "--exact"])
DIGITS = ("digits30", "f = sin(x)/y", ["--at", "x=1,y=3", "--digits", "30"])
INTERVAL = ("interval", "f = exp(x)*y - 3x", ["--at", "x=1,y=2", "--interval"])
LONG_SUM = ("longsum", " + ".join(f"x{i}*x{i + 1}" for i in range(1, 9)),
            ["--at", ",".join(f"x{i}={i}" for i in range(1, 10)), "--max-rows", "6"])
PROGRAMS = [SEED_001, SEED_001_ONE_LINE, SEED_002, SEED_003, SEED_004, SEED_004_RELU, FAN_OUT, LAYER, EXACT,
            DIGITS, INTERVAL, LONG_SUM]
WORKSHEET_PROGRAMS = [SEED_001, SEED_004, LAYER, EXACT]
WORKSHEETS = [("blank-grads", ["--blank", "grads"]), ("blank-all", ["--blank", "all"]),
              ("answers", ["--blank", "grads", "--answers"])]


def _cases() -> list[tuple[str, list[str], int | None]]:
    """(golden file name, cgrad arguments, terminal width or None for a pipe)."""
    cases = []
    for name, source, at in PROGRAMS:
        for output_format in ("table", "markdown", "latex", "json"):
            cases.append((f"eval-{name}-{output_format}", ["eval", source, *at, "--format", output_format], None))
        for width in (60, 120):
            cases.append((f"eval-{name}-terminal{width}", ["eval", source, *at], width))
    for name, source, at in WORKSHEET_PROGRAMS:
        for sheet, options in WORKSHEETS:
            for output_format in ("table", "markdown", "latex"):
                cases.append((f"eval-{name}-{sheet}-{output_format}",
                              ["eval", source, *at, *options, "--format", output_format], None))
            for output_format in ("mermaid", "dot"):
                cases.append((f"diagram-{name}-{sheet}-{output_format}",
                              ["diagram", source, *at, *options, "--format", output_format], None))
    cases += _paths_cases() + _diagram_cases() + _descend_cases()
    return cases


def _paths_cases() -> list[tuple[str, list[str], int | None]]:
    runs = [("seed004", SEED_004, ["--wrt", "w1"]), ("fanout", FAN_OUT, ["--wrt", "x"]),
            ("seed001", SEED_001, ["--wrt", "b,u,J"]), ("layer", LAYER, ["--wrt", "W"]),
            ("exact", EXACT, ["--wrt", "x"]), ("digits30", DIGITS, ["--wrt", "x,y"]),
            ("interval", INTERVAL, ["--wrt", "x"]),
            ("many", ("many", "a = x*x; b = a*a; c = b*b; d = c*c; g = d*d", ["--at", "x=-1"]),
             ["--wrt", "x", "--max-paths", "3"]),
            ("long", ("long", "; ".join(["a0 = -x"] + [f"a{i} = 2*a{i - 1}" for i in range(1, 15)]), ["--at", "x=1"]),
             ["--wrt", "x"])]
    cases = []
    for name, (_, source, at), options in runs:
        for output_format in ("table", "markdown", "json"):
            cases.append((f"paths-{name}-{output_format}", ["paths", source, *at, *options, "--format", output_format],
                          None))
        cases.append((f"paths-{name}-terminal60", ["paths", source, *at, *options], 60))
    cases.append(("paths-seed004-terminal120", ["paths", SEED_004[1], *SEED_004[2], "--wrt", "w1"], 120))
    return cases


def _diagram_cases() -> list[tuple[str, list[str], int | None]]:
    cases = []
    for name, source, at in [SEED_001, SEED_002, SEED_004, FAN_OUT, LAYER, EXACT, DIGITS, INTERVAL]:
        highlight = ["--highlight", _first_variable(at)]
        variants = [("structure", [], []), ("at", at, []), ("products", at, ["--products"]),
                    ("highlight", at, highlight), ("structure-highlight", [], highlight),
                    ("collapse", at, ["--collapse", "1"]),
                    ("structure-collapse-tb", [], ["--collapse", "1", "--direction", "TB"])]
        for variant, values, options in variants:
            for output_format in ("mermaid", "dot"):
                cases.append((f"diagram-{name}-{variant}-{output_format}",
                              ["diagram", source, *values, *options, "--format", output_format], None))
    return cases


def _first_variable(at: list[str]) -> str:
    return at[1].split("=", 1)[0]


def _descend_cases() -> list[tuple[str, list[str], int | None]]:
    run = ["descend", "(x-3)^2 + (y+1)^2", "--params", "x=0,y=0", "--lr", "1/4", "--steps", "9", "--exact"]
    return [("descend-table", run, None), ("descend-table-trace", [*run, "--trace"], None),
            ("descend-table-trace-elided", [*run, "--trace", "--max-rows", "4"], None),
            ("descend-markdown", [*run, "--format", "markdown"], None),
            ("descend-terminal60", [*run, "--trace", "--max-rows", "4"], 60),
            ("descend-terminal120", [*run, "--trace"], 120)]


CASES = _cases()


def _shown(monkeypatch, args: list[str], width: int | None) -> str:
    """The golden text of one run: the command, its exit status, stdout and stderr."""
    env = None
    if width is not None:
        monkeypatch.setattr(cgcli.cli.output, "is_terminal", lambda: True)
        env = {"COLUMNS": str(width)}
    code, out, err = run_cgrad_inprocess(*args, env=env)
    if width is not None:
        out = ANSI.sub("", out)
    where = "pipe" if width is None else f"terminal of {width} columns"
    return (f"$ cgrad {' '.join(_quoted(arg) for arg in args)}   # {where}\nexit {code}\n"
            f"--- stdout\n{out}--- stderr\n{err}")


def _quoted(arg: str) -> str:
    return arg if re.fullmatch(r"[\w.,=/@:+-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def test_case_names_are_unique():
    names = [name for name, _, _ in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name, args, width", CASES, ids=[name for name, _, _ in CASES])
def test_golden(monkeypatch, name, args, width):
    shown = _shown(monkeypatch, args, width)
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(shown, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}: run CGRAD_UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    assert shown == path.read_text(encoding="utf-8"), f"{path.name} changed: see the docstring of this file"
