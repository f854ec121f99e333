"""Piecewise guards: the branch an if() does not take is not computed, in every command and number
system (its errors are not errors), while the branch taken still fails as any formula does."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import warnings

import pytest
import sympy

from conftest import close, forward_rows, run_cgrad_inprocess, run_json_inprocess

SINC = "if(x != 0, sin(x)/x, 1)"
SQRT = "if(x > 0, sqrt(x), 0)"
NESTED = "if(x > 0, if(x > 1, log(x - 1), sqrt(x)), -x)"
OVERFLOW = "if(x < 700, exp(x), 0)"
X = sympy.Symbol("x")
SINC_SYMPY = sympy.sin(X) / X


def _nested_reference(x: float) -> tuple[float, float]:
    """The nested guard by hand: -x, sqrt(x) on (0, 1], log(x - 1) beyond."""
    if x <= 0:
        return -x, -1.0
    if x <= 1:
        return math.sqrt(x), 0.5 / math.sqrt(x)
    return math.log(x - 1), 1 / (x - 1)


def _fails(*args: str) -> str:
    code, out, err = run_cgrad_inprocess(*args)
    assert code == 1, (code, out, err)
    assert err.startswith("error: ") and "Traceback" not in err and "internal error" not in err
    return err


@pytest.mark.parametrize("mode", ["reverse", "forward", "both"])
@pytest.mark.parametrize("source, x, value, slope", [
    (SINC, 0.0, 1.0, 0.0),
    (SINC, 1.0, float(SINC_SYMPY.subs(X, 1)), float(sympy.diff(SINC_SYMPY, X).subs(X, 1))),
    (SQRT, -1.0, 0.0, 0.0),
    (SQRT, 4.0, 2.0, 0.25),
    (NESTED, -1.0, *_nested_reference(-1.0)),
    (NESTED, 0.25, *_nested_reference(0.25)),
    (NESTED, 3.0, *_nested_reference(3.0)),
    (OVERFLOW, 1000.0, 0.0, 0.0),
    (OVERFLOW, 2.0, math.exp(2), math.exp(2)),
])
def test_the_branch_not_taken_is_not_computed(mode, source, x, value, slope):
    document = run_json_inprocess("eval", source, "--at", f"x={x!r}", "--mode", mode, "--no-trace")
    assert close(document["value"], value) and close(document["gradient"]["x"], slope)


@pytest.mark.parametrize("source, x, value", [
    ("if(x > 0 and log(x) < 1, 1, 2)", -1.0, 2), ("if(x > 0 and log(x) < 1, 1, 2)", 2.0, 1),
    ("if(x > 0 and log(x) < 1, 1, 2)", 10.0, 2), ("if(x <= 0 or log(x) > 1, 1, 2)", -1.0, 1),
    ("if(x <= 0 or log(x) > 1, 1, 2)", 2.0, 2), ("if(x <= 0 or log(x) > 1, 1, 2)", 10.0, 1),
])
def test_and_or_do_not_compute_what_their_first_operand_decides(source, x, value):
    assert run_json_inprocess("eval", source, "--at", f"x={x}", "--no-trace")["value"] == value
    scope: dict = {}
    exec(_generated("python", source), scope)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert scope["value_and_grad"](x)[0] == value


def test_the_tables_and_json_say_which_nodes_only_the_branch_not_taken_needs():
    document = run_json_inprocess("eval", SINC, "--at", "x=0")
    rows = forward_rows(document)
    assert rows["t2"]["value"] is None and rows["t3"]["not_computed"] == "branch not taken"
    assert rows["t1"]["value"] == 0 and rows["f"]["value"] == 1 and "not_computed" not in rows["f"]
    backward = {row["name"]: row for row in document["backward"]}
    assert backward["t3"]["adjoint"] == 0 and "t2" not in backward  # nothing below the branch is differentiated
    assert [term["from"] for term in backward["x"]["terms"]] == ["t1"]
    code, out, _ = run_cgrad_inprocess("eval", SINC, "--at", "x=0", env={"COLUMNS": "200"})
    assert code == 0 and out.count("not computed (branch not taken)") == 2
    code, out, _ = run_cgrad_inprocess("eval", SINC, "--at", "x=0", "--mode", "forward", "--format", "json")
    tangents = {row["name"]: row for row in json.loads(out)["tangents"]}
    assert code == 0 and tangents["t3"]["value"] is None and tangents["t3"]["tangent"] == [None]


def test_the_branch_taken_still_fails_naming_its_node():
    err = _fails("eval", "if(x > -5, sqrt(x), 0)", "--at", "x=-1")
    assert err.startswith("error: in t2 = sqrt(x): square root of a negative number")
    err = _fails("eval", "if(x < 100, x^2, exp(x))", "--at", "x=1000")
    assert err.startswith("error: in t3 = exp(x): the result overflows")
    # a node a pass needs (--wrt) that only the branch not taken has: its own error
    err = _fails("eval", "u = sin(x)/x; if(x != 0, u, 1)", "--at", "x=0", "--wrt", "u")
    assert err.startswith("error: in u = sin(x)/x: division by zero")


def test_number_systems():
    exact = run_json_inprocess("eval", "if(x > 0, sqrt(x), x^2)", "--at", "x=-1/2", "--exact", "--no-trace")
    assert (exact["value"], exact["gradient"]["x"]) == ("1/4", "-1")
    # sqrt(2) is irrational: --exact refuses it only where it is taken
    assert run_json_inprocess("eval", "if(x > 5, sqrt(x), x)", "--at", "x=2", "--exact", "--no-trace")["value"] == "2"
    assert "irrational" in _fails("eval", "if(x > 1, sqrt(x), x)", "--at", "x=2", "--exact")
    digits = run_json_inprocess("eval", SINC, "--at", "x=0", "--digits", "30")
    assert digits["value"].startswith("1.0") and digits["gradient"]["x"] == "0.0"
    decided = run_json_inprocess("eval", SQRT, "--at", "x=-2..-1", "--interval", "--no-trace")
    assert decided["value"] == ["0", "0"]


def test_an_interval_that_reaches_the_boundary_needs_both_branches():
    err = _fails("eval", SQRT, "--at", "x=-1..1", "--interval")
    assert err.startswith("error: in t2 = sqrt(x): square root of a negative number")
    assert "both branches of f = if(x > 0, sqrt(x), 0) are needed: its condition x > 0 is undecided" in err
    err = _fails("eval", "if(x > 0 and log(x) < 1, 1, 2)", "--at", "x=-1..1", "--interval")
    assert "both operands of t4 = x > 0 and log(x) < 1 are needed: x > 0 is undecided" in err


def test_tensors():
    document = run_json_inprocess("eval", SQRT.replace("x", "v"), "--at", "v=[1,4]", "--no-trace")
    assert document["value"] == [1, 2] and document["gradient"]["v"] == [0.5, 0.25]
    document = run_json_inprocess("eval", "if(s > 0, sqrt(v), 0)", "--at", "s=-1,v=[-1,4]", "--no-trace")
    assert document["gradient"] == {"s": 0, "v": [0, 0]}
    err = _fails("eval", SQRT.replace("x", "v"), "--at", "v=[-1,4]")
    assert "its condition v > 0 differs between the tensor's elements" in err


def test_hessian():
    document = run_json_inprocess("hessian", SINC, "--at", "x=1")
    assert close(document["hessian"][0][0], float(sympy.diff(SINC_SYMPY, X, 2).subs(X, 1)))
    assert run_json_inprocess("hessian", SINC, "--at", "x=0")["hessian"] == [[0]]  # the constant branch's


def test_check_reports_the_boundary_and_ignores_the_kinks_of_the_branch_not_taken():
    code, out, _ = run_cgrad_inprocess("check", SQRT, "--at", "x=-1")
    assert code == 0 and "pass" in out
    code, out, _ = run_cgrad_inprocess("check", "if(x > 0, relu(log(x)), 0)", "--at", "x=-1")
    assert code == 0 and "kink" not in out
    code, out, _ = run_cgrad_inprocess("check", "if(x > 1, relu(x), 0)", "--at", "x=0")
    assert code == 0 and "kink" not in out  # relu's kink at 0 bends nothing: relu is not taken there
    code, out, _ = run_cgrad_inprocess("check", "if(x > 0, x^2, -x)", "--at", "x=0")
    assert code == 0 and "on the kink of t1 = x > 0" in out  # the boundary itself: as before


def test_derive_keeps_the_branch_derivatives_inside_the_branch():
    code, out, err = run_cgrad_inprocess("derive", SINC, "--at", "x=0")
    assert code == 0, err
    assert "df_dx = if(x != 0, " in out and out.rstrip().endswith("# df_dx = 0")
    for x in (0.5, -2.0):
        document = run_json_inprocess("derive", SINC, "--at", f"x={x}")
        assert close(document["gradient"]["x"], float(sympy.diff(SINC_SYMPY, X).subs(X, x)))
    for x in (-1.0, 0.25, 3.0):
        document = run_json_inprocess("derive", NESTED, "--at", f"x={x}")
        assert close(document["gradient"]["x"], _nested_reference(x)[1])


def test_paths_and_diagram():
    document = run_json_inprocess("paths", SINC, "--at", "x=0", "--wrt", "x")
    assert document["paths"][0]["gradient"] == 0 and document["paths"][0]["total"] == 1
    code, out, _ = run_cgrad_inprocess("diagram", SINC, "--at", "x=0")
    assert code == 0 and "t3 = t2 / x = not computed" in out


def test_several_outputs():
    document = run_json_inprocess("eval", f"u = {SINC}; v = 2*x", "--output", "u,v", "--at", "x=0")
    assert document["values"] == {"u": 1, "v": 0} and document["jacobian"] == {"u": {"x": 0}, "v": {"x": 2}}


def test_each_descend_and_uncertainty(tmp_path):
    code, out, err = run_cgrad_inprocess("eval", "-", "--each", "--at", "x=0", input=f"{SINC}\n{SQRT}\n")
    assert code == 0, err
    assert [json.loads(line)["value"] for line in out.splitlines()] == [1, 0]
    # at w = 0 the loss is the branch x*y, mean over the rows (0·1 + 1·2 - 1·3)/3, which w does not move
    (tmp_path / "rows.csv").write_text("x,y\n0,1\n1,2\n-1,3\n")
    code, out, err = run_cgrad_inprocess("descend", "if(w != 0, sin(w*x)/w, x) * y", "--params", "w=0", "--data",
                                         str(tmp_path / "rows.csv"), "--steps", "2", "--format", "json")
    assert code == 0, err
    assert close(json.loads(out.splitlines()[-1])["loss"], -1 / 3)
    document = run_json_inprocess("uncertainty", SQRT, "--at", "x=-1±0.1")
    assert document["outputs"]["f"]["value"] == 0 and document["outputs"]["f"]["u"] == 0


def test_points_do_not_send_the_guarded_rows_to_the_scalar_passes():
    import numpy as np

    from cgcli.api.compiled import compile

    xs = np.array([0.0, 1.0, -2.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        function = compile(f"{SINC} + {OVERFLOW} + {SQRT} + if(x > 0 and log(x) < 1, 0, 0)")
        value, gradient, finite = function._kernel([xs], len(xs))
    assert finite.all()  # no row needs the scalar passes
    for x, v, g in zip(xs, value, gradient[0]):
        sinc = 1.0 if x == 0 else math.sin(x) / x
        slope = 0.0 if x == 0 else (x * math.cos(x) - math.sin(x)) / x ** 2
        assert close(v, sinc + (math.exp(x) if x < 700 else 0) + (math.sqrt(x) if x > 0 else 0))
        assert close(g, slope + (math.exp(x) if x < 700 else 0) + (0.5 / math.sqrt(x) if x > 0 else 0))
    code, out, err = run_cgrad_inprocess("eval", SINC, "--points", "-", input="x\n0\n2\n")
    assert code == 0 and out.splitlines()[1] == "1,0", err


def _generated(language: str, source: str) -> str:
    code, out, err = run_cgrad_inprocess("codegen", source, "--lang", language)
    assert code == 0, err
    return out


@pytest.mark.parametrize("language", ["python", "numpy"])
def test_generated_python_does_not_compute_the_branch_not_taken(language):
    scope: dict = {}
    exec(_generated(language, f"{SINC} + {NESTED}"), scope)
    for x in (0.0, -1.0, 0.25, 3.0):
        with warnings.catch_warnings():
            warnings.simplefilter("error" if language == "python" else "ignore")
            value, (slope,) = scope["value_and_grad"](x if language == "python" else __import__("numpy").array([x]))
        sinc = 1.0 if x == 0 else math.sin(x) / x
        sinc_slope = 0.0 if x == 0 else (x * math.cos(x) - math.sin(x)) / x ** 2
        nested, nested_slope = _nested_reference(x)
        assert close(float(value if language == "python" else value[0]), sinc + nested)
        assert close(float(slope if language == "python" else slope[0]), sinc_slope + nested_slope)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_generated_c_does_not_trap_on_the_branch_not_taken(tmp_path):
    program = tmp_path / "guard.c"
    program.write_text(_generated("c", f"{SINC} + {SQRT}") + """
#define _GNU_SOURCE
#include <fenv.h>
#include <stdio.h>
int feenableexcept(int);
int main(void) {
    feenableexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW);  /* a trap on the branch not taken kills it */
    double points[] = {0.0, -1.0, 4.0}, grad[1];
    for (int i = 0; i < 3; i++) { double v = value_and_grad(&points[i], grad); printf("%.17g %.17g\\n", v, grad[0]); }
    return 0;
}
""")
    subprocess.run(["cc", "-O0", "-o", str(tmp_path / "guard"), str(program), "-lm"], check=True)
    lines = subprocess.run([str(tmp_path / "guard")], capture_output=True, text=True, check=True).stdout.split()
    numbers = [float(text) for text in lines]
    sinc = [(1.0, 0.0), (math.sin(1.0), math.sin(1.0) - math.cos(1.0)),
            (math.sin(4) / 4, (4 * math.cos(4) - math.sin(4)) / 16)]
    root = [(0.0, 0.0), (0.0, 0.0), (2.0, 0.25)]
    for k in range(3):
        assert close(numbers[2 * k], sinc[k][0] + root[k][0]) and close(numbers[2 * k + 1], sinc[k][1] + root[k][1])


def test_latex_cases_guard_as_if_does():
    sinc = r"$\begin{cases} \frac{\sin{x}}{x} & x \neq 0 \\ 1 & \text{otherwise} \end{cases}$"
    assert run_json_inprocess("eval", sinc, "--at", "x=0", "--no-trace")["value"] == 1
    three = r"$\begin{cases} \sqrt{x} & x > 1 \\ \ln{x} & x > 0 \\ -x & \text{otherwise} \end{cases}$"
    for x, value, slope in ((-1.0, 1.0, -1.0), (0.5, math.log(0.5), 2.0), (4.0, 2.0, 0.25)):
        document = run_json_inprocess("eval", three, "--at", f"x={x}", "--no-trace")
        assert close(document["value"], value) and close(document["gradient"]["x"], slope)
