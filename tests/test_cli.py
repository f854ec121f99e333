"""The command line surface: help with real examples, --version, the table output (titles,
numbers, no escape codes in a pipe, colour only on a terminal, NO_COLOR), and the JSON
document: its schema, and its internal consistency (each adjoint is the sum of its terms'
contributions, each contribution is upstream × local, the gradient is the variables' adjoints,
forward rows in topological order, backward rows in reverse topological order).
"""
from __future__ import annotations

import json
import math
import os
import pty
import re
import subprocess
import sys

import pytest

import cgcli
from conftest import REPO, _environment, backward_rows, forward_rows, read_pseudo_terminal

ANSI = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(text: str) -> list[int]:
    """SGR parameters that set a foreground or background colour (bold, dim, reset are not colours)."""
    codes = []
    for match in ANSI.finditer(text):
        parts = [int(p) for p in match.group(1).split(";") if p]
        for part in parts:
            if 30 <= part <= 38 or 40 <= part <= 48 or 90 <= part <= 97 or 100 <= part <= 107:
                codes.append(part)
    return codes


# --------------------------------------------------------------------------------------------
# help and version
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["-h"], ["eval", "--help"]])
def test_help_has_real_examples(run_cgrad, args):
    code, out, err = run_cgrad(*args)
    assert code == 0 and err == ""
    assert 'cgrad eval "3*(a+b*c)" --at a=1,b=2,c=3' in out


def test_eval_help_documents_the_options(run_cgrad):
    code, out, _ = run_cgrad("eval", "--help")
    assert code == 0
    for option in ("--at", "--format", "--wrt", "--output", "--no-trace", "--max-rows", "-f"):
        assert option in out, option
    assert "json" in out and "table" in out


def test_help_examples_actually_run(run_cgrad):
    # every `cgrad eval ...` example line of the eval help must itself succeed
    code, out, _ = run_cgrad("eval", "--help")
    examples = [line.strip() for line in out.splitlines() if line.strip().startswith("cgrad eval ")]
    assert examples
    import shlex
    for example in examples:
        words = shlex.split(example)
        if "|" in words:           # "echo ... | cgrad eval -": run the pipe through the shell
            continue
        code, _, err = run_cgrad(*words[1:])
        assert code == 0, (example, err)


def test_version(run_cgrad):
    code, out, err = run_cgrad("--version")
    assert code == 0
    assert cgcli.__version__ in out
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", cgcli.__version__)


def test_console_script_next_to_the_interpreter():
    # the installed `cgrad` entry point (when this interpreter has one) runs the same program
    script = os.path.join(os.path.dirname(sys.executable), "cgrad")
    if not os.path.exists(script):
        pytest.skip("no cgrad console script next to this interpreter")
    completed = subprocess.run([script, "eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--format", "json"],
                               capture_output=True, text=True, env=_environment(), timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["value"] == 21


# --------------------------------------------------------------------------------------------
# table output
# --------------------------------------------------------------------------------------------

def test_table_output_in_a_pipe(run_cgrad):
    code, out, err = run_cgrad("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3")
    assert code == 0 and err == ""
    for title in ("Forward pass", "Backward pass", "Gradient"):
        assert title in out
    assert out.index("Forward pass") < out.index("Backward pass") < out.index("Gradient")
    assert "\x1b" not in out                            # no escape codes when stdout is not a terminal
    gradient = out[out.index("Gradient"):]
    rows = {line.split()[0]: line.split() for line in gradient.splitlines()
            if line.split() and line.split()[0] in ("a", "b", "c")}
    # variable, its value, dJ/dvariable: a=1 → 3, b=2 → 9, c=3 → 6 (seed 001)
    assert rows["a"][1:] == ["1", "3"] and rows["b"][1:] == ["2", "9"] and rows["c"][1:] == ["3", "6"]
    assert "21" in out.splitlines()[-1] or any("= 21" in line for line in out.splitlines())


def test_table_states_conventions(run_cgrad):
    code, out, _ = run_cgrad("eval", "relu(x) + abs(x) + max(x, y)", "--at", "x=0,y=0")
    assert code == 0
    assert "relu'(0) = 0" in out and "abs'(0) = 0" in out and "max" in out


def test_table_no_trace_shows_only_the_gradient(run_cgrad):
    code, out, _ = run_cgrad("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--no-trace")
    assert code == 0
    assert "Gradient" in out and "Forward pass" not in out and "Backward pass" not in out


def test_table_max_rows(run_cgrad):
    # x1 + ... + x40: 40 variables, 39 sums → forward 79 rows, gradient 40 rows
    source = " + ".join(f"x{i}" for i in range(1, 41))
    at = ",".join(f"x{i}={i}" for i in range(1, 41))
    code, full, _ = run_cgrad("eval", source, "--at", at, "--max-rows", "0")
    assert code == 0 and "more rows" not in full
    assert all(f"x{i} " in full for i in range(1, 41))
    code, short, _ = run_cgrad("eval", source, "--at", at, "--max-rows", "10")
    assert code == 0 and "more rows" in short
    assert len(short.splitlines()) < len(full.splitlines()) / 3
    # the value 1 + 2 + ... + 40 = 820 is still stated
    assert "820" in short


def _run_in_terminal(extra_env: dict) -> str:
    master, slave = pty.openpty()
    env = _environment({"TERM": "xterm-256color", **extra_env})
    process = subprocess.Popen([sys.executable, "-m", "cgcli", "eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3"],
                               stdout=slave, stderr=subprocess.PIPE, env=env, cwd=REPO)
    os.close(slave)
    written = read_pseudo_terminal(master, process)
    assert process.returncode == 0
    return written.decode("utf-8", "replace")


def test_colour_on_a_terminal():
    out = _run_in_terminal({})
    assert "Forward pass" in out
    assert colour_codes(out), "no colour on a terminal"


def test_no_color_respected_on_a_terminal():
    out = _run_in_terminal({"NO_COLOR": "1"})
    assert "Forward pass" in out and "21" in out
    assert colour_codes(out) == [], "NO_COLOR set, but colours were printed"


# --------------------------------------------------------------------------------------------
# JSON output: schema and internal consistency
# --------------------------------------------------------------------------------------------

JSON_CASES = [
    ("3*(a+b*c)", "a=1,b=2,c=3"),
    ("u = b*c; v = a + u; J = 3v", "a=1,b=2,c=3"),
    ("p = x + y; g = p*z", "x=1,y=3,z=-3"),
    ("a1 = relu(w1*x1); a2 = sigmoid(w1*x1); o = a1 + a2; l = (o - y)^2", "w1=0.8,x1=1.25,y=0.3"),
    ("k = 2; h = x^2; f = k*h + h*h - exp(-h)/(2 + sin(x)) + max(x, y) + pi", "x=1.5,y=-0.5"),
    ("log(1 + x^2) * sqrt(2 + cos(y)) + tanh(x*y) + softplus(-x) + abs(y) + min(x, 2y)", "x=0.3,y=-1.1"),
    ("a = x; b = a + a; c = b + b", "x=1.5"),
    ("α = 2*β; γ = α^2", "β=1.5"),
]


@pytest.mark.parametrize("source, at", JSON_CASES)
def test_json_schema_and_consistency(run_cgrad, source, at):
    code, out, err = run_cgrad("eval", source, "--at", at, "--format", "json")
    assert code == 0, err
    assert out.count("\n") == 1 and out.endswith("\n")       # one JSON object on one line
    document = json.loads(out)

    # schema
    assert {"output", "value", "gradient", "numbers", "conventions", "forward", "backward"} <= set(document)
    assert isinstance(document["output"], str) and isinstance(document["value"], (int, float))
    assert document["numbers"] == "float"
    assert isinstance(document["conventions"], list)
    assert all(isinstance(v, (int, float)) for v in document["gradient"].values())
    for row in document["forward"]:
        assert set(row) == {"name", "op", "operands", "value", "text", "span"}
        assert isinstance(row["operands"], list) and len(row["span"]) == 2
        assert source[row["span"][0]:row["span"][1]] == row["text"]
    for row in document["backward"]:
        assert set(row) == {"name", "adjoint", "terms"}
        for term in row["terms"]:
            assert set(term) == {"from", "upstream", "local", "contribution"}

    forward, backward = forward_rows(document), backward_rows(document)
    # the output is the last forward row and the first backward row, with adjoint 1
    assert document["forward"][-1]["name"] == document["output"] == document["backward"][0]["name"]
    assert document["forward"][-1]["value"] == document["value"]
    assert document["backward"][0]["adjoint"] == 1 and document["backward"][0]["terms"] == []

    # forward: topological order; operands that are not rows are literals or constants
    position = {row["name"]: i for i, row in enumerate(document["forward"])}
    for i, row in enumerate(document["forward"]):
        if row["op"] in ("var", "const"):
            continue
        for operand in row["operands"]:
            if operand in position:
                assert position[operand] < i, (operand, row)
            else:
                assert operand in ("pi", "e") or re.fullmatch(r"-?[\d.]+([eE][+-]?\d+)?", operand), operand

    # backward: reverse topological order; every term comes from a row already done
    done = set()
    for row in document["backward"]:
        for term in row["terms"]:
            assert term["from"] in done, (term, row["name"])
            # the consumer really uses this node
            assert row["name"] in forward[term["from"]]["operands"]
            # ∂out/∂consumer is the consumer's own adjoint
            assert term["upstream"] == backward[term["from"]]["adjoint"]
            assert term["contribution"] == pytest.approx(term["upstream"] * term["local"], rel=1e-15, abs=0)
        if row["terms"]:
            total = math.fsum(term["contribution"] for term in row["terms"])
            assert row["adjoint"] == pytest.approx(total, rel=1e-12, abs=1e-300)
        done.add(row["name"])

    # the gradient is the variables' adjoints, and lists exactly the variables
    variables = [row["name"] for row in document["forward"] if row["op"] == "var"]
    assert sorted(document["gradient"]) == sorted(variables)
    for name, value in document["gradient"].items():
        assert value == backward[name]["adjoint"]
        assert forward[name]["op"] == "var"


def test_json_unnamed_nodes_are_t1_t2_and_f(run_json):
    document = run_json("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3")
    computed = [row["name"] for row in document["forward"] if row["op"] not in ("var", "const")]
    assert computed == ["t1", "t2", "f"]          # b*c, a + t1, 3·t2 in topological order
    assert document["output"] == "f"
    assert forward_rows(document)["t1"]["text"] == "b*c"
    assert forward_rows(document)["t2"]["text"] == "a+b*c"


@pytest.mark.parametrize("source, at", [
    ("t1*2 + f", "t1=1,f=2"),                 # the user took the names cgrad would invent
    ("f1 = x*2; f1 + t2*x", "x=1,t2=3"),
    ("f = t1 + t2; f*t3", "t1=1,t2=2,t3=3"),
])
def test_json_generated_names_never_collide(run_json, source, at):
    document = run_json("eval", source, "--at", at)
    names = [row["name"] for row in document["forward"]]
    assert len(names) == len(set(names)), names
    for user_name in (item.split("=")[0] for item in at.split(",")):
        assert forward_rows(document)[user_name]["op"] == "var"


def test_json_integral_floats_are_integers(run_cgrad):
    code, out, _ = run_cgrad("eval", "p = x + y; g = p*z", "--at", "x=1,y=3,z=-3", "--format", "json")
    assert code == 0
    assert '"value": -12' in out and "-12.0" not in out and '"z": 4' in out
    document = json.loads(out)
    assert isinstance(document["value"], int)
    assert all(isinstance(v, int) for v in document["gradient"].values())


def test_json_non_integral_and_negative_zero(run_json):
    document = run_json("eval", "x/3", "--at", "x=1")
    assert document["value"] == 1 / 3 and document["gradient"]["x"] == 1 / 3
    document = run_json("eval", "-x", "--at", "x=0")
    assert document["value"] == 0 and math.copysign(1, document["value"]) == 1   # 0, not -0.0


def test_json_no_trace(run_json):
    document = run_json("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--no-trace")
    assert "forward" not in document and "backward" not in document
    assert document["value"] == 21 and document["gradient"] == {"a": 3, "b": 9, "c": 6}


def test_json_is_pure_stdout(run_cgrad):
    # nothing else on stdout or stderr, so `cgrad ... --format json | jq` works
    code, out, err = run_cgrad("eval", "relu(x)", "--at", "x=0", "--format", "json")
    assert code == 0 and err == ""
    json.loads(out)


def test_json_path_does_not_import_what_it_does_not_use():
    # the JSON path must not pay for Rich, the derivation model (the tables' rows), NumPy, mpmath, lark,
    # orjson or the notes and uncertainty code (design: start fast)
    heavy = ("rich", "numpy", "mpmath", "lark", "orjson", "IPython", "cgcli.render.derivation", "cgcli.cli.notes",
             "cgcli.passes.uncertainty", "cgcli.language.latex")
    code = ("import sys, runpy; sys.argv = ['cgrad', 'eval', 'x*y', '--at', 'x=1,y=2', '--format', 'json']\n"
            "try:\n    runpy.run_module('cgcli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print('LOADED:', *sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} or m in {heavy!r}),"
            " file=sys.stderr)")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_environment(),
                               cwd=REPO, timeout=60)
    assert completed.stderr.strip().splitlines()[-1] == "LOADED:", completed.stderr


@pytest.mark.parametrize("at, shown, absent", [
    ("x=0.1", "0.1", "0.1000000"),                          # shortest repr that round-trips
    ("x=1/3", "0.3333333333333333", "0.33333333333333331"),
    ("x=7", "7", "7.0"),                                     # integral floats without ".0"
])
def test_table_numbers_are_shortest_round_trip(run_cgrad, at, shown, absent):
    # f = x (an id: g = x; f = g) so the value printed is exactly the given x, as Python reprs it
    code, out, _ = run_cgrad("eval", "g = x", "--at", at)
    assert code == 0
    value_cells = [line.split()[-1] for line in out.splitlines() if line.split()[:1] in (["g"], ["x"])]
    assert shown in value_cells, out
    assert absent not in out
