"""`cgrad derive`: the derivative as a program, checked against the backward pass (float to 1e-12
relative on 200 random expressions of tests/test_random_gradients.py's generator; exact, --digits and
--interval at points), against sympy's diff (also twice, through a pipe of two derives), its
simplifications, its linear size on Rosenbrock sums, and `diagram --derivative`."""
from __future__ import annotations

import json
import math
import random
import re
from fractions import Fraction

import pytest

from conftest import api, run_cgrad_inprocess
from test_random_gradients import Generator
from cgcli.ops import OPS


def derive(*args: str, input: str | None = None) -> str:
    code, out, err = run_cgrad_inprocess("derive", *args, input=input)
    assert code == 0, err
    return out


def derive_json(*args: str) -> dict:
    return json.loads(derive(*args, "--format", "json"))


def test_every_scalar_op_has_a_symbolic_derivative():
    for op in OPS.values():
        if op.partials:
            assert len(op.symbolic) == len(op.partials), f"{op.name} has no symbolic derivative per operand"


def test_random_expressions_formula_equals_backward_pass():
    """The library path of `cgrad derive` (the CLI's in-process runs cost 18 ms each; 200 of them are
    run through the same functions here), then the printed program parsed and evaluated again."""
    from cgcli.passes.adjoint import derivatives
    from cgcli.numbers import FloatNumbers
    from cgcli.passes.forward_backward import differentiate
    from cgcli.render.formula import derivative_names, statements
    from cgcli.language.syntax import parse

    rng = random.Random(20251)
    names = ["x", "y", "w1"]
    generator = Generator(rng, names)
    checked = 0
    while checked < 200:
        source, _ = generator.expr(3, root=True)
        program = parse(source)
        variables = list(program.variables)
        if not variables:
            continue
        point = {name: round(rng.uniform(-2, 2), 3) for name in variables}  # floats, as --at gives them
        derived = derivatives(program.graph(), variables)
        formulas = parse("\n".join(statements(derived)))
        backward = differentiate(program.graph(), point, FloatNumbers(), record=False)
        bound = {name: value for name, value in point.items() if name in formulas.variables}
        for name, line in derivative_names(derived).items():
            value = differentiate(formulas.graph(line), bound, FloatNumbers(), wrt=[], record=False).value
            assert math.isclose(value, backward.gradient[name], rel_tol=1e-12, abs_tol=1e-13), (source, name)
        checked += 1


EXACT_CASES = [
    ("x^3*y - 2*x/y + max(x, y)*relu(x - y)", "x=3/2,y=-1/3"),
    ("u = b*c; v = a + u; J = 3v", "a=1,b=2,c=3"),
    ("abs(x - y)/(1 + x^2) - min(x, 2*y)^2", "x=-2/7,y=5/3"),
    ("(x + 1)^-2 * y - -(x*y)", "x=1/2,y=7"),
]


@pytest.mark.parametrize("source, at", EXACT_CASES)
@pytest.mark.parametrize("mode", [["--exact"], ["--digits", "30"]])
def test_formula_values_equal_backward_pass_exactly(source, at, mode):
    document = derive_json(source, "--at", at, *mode)
    code, out, err = run_cgrad_inprocess("eval", source, "--at", at, *mode, "--format", "json", "--no-trace")
    assert code == 0, err
    expected = json.loads(out)
    assert document["value"] == expected["value"]
    assert document["gradient"] == expected["gradient"]


@pytest.mark.parametrize("source, at", EXACT_CASES[:2] + [("sin(x)*exp(y) + x/y", "x=0.5,y=2")])
def test_interval_formula_encloses_what_the_backward_pass_encloses(source, at):
    formula = derive_json(source, "--at", at, "--interval")["gradient"]
    code, out, _ = run_cgrad_inprocess("eval", source, "--at", at, "--interval", "--format", "json", "--no-trace")
    backward = json.loads(out)["gradient"]
    for name, (low, high) in backward.items():
        f_low, f_high = formula[name]
        assert Fraction(f_low) <= Fraction(high) and Fraction(low) <= Fraction(f_high), name  # both hold the truth
        assert math.isclose(float(f_low), float(low), rel_tol=1e-12, abs_tol=1e-15)


def test_pipe_into_eval_gives_the_derivative():
    program = derive("x^3*sin(x)", "--wrt", "x")
    code, out, err = run_cgrad_inprocess("eval", "-", "--at", "x=2", "--format", "json", "--no-trace", input=program)
    assert code == 0, err
    assert json.loads(out)["value"] == pytest.approx(3 * 4 * math.sin(2) + 8 * math.cos(2), rel=1e-14)


sympy = pytest.importorskip("sympy")
X, Y = sympy.symbols("x y")
SYMPY_CASES = ["sin(x)*exp(y) + x^3/y", "log(x^2 + 1)*tanh(x*y)", "sqrt(x)*atan(x/y) - cosh(y)^2",
               "u = x*y; v = sin(u)/x; w = v*v + u; w^2", "asinh(x) + erf(y)*x - 1/(x + y)^3",
               "sigmoid(x*y) + softplus(x - y)", "x^y + log(x, y + 2)"]


def _sympy_value(program: str) -> sympy.Expr:
    """The value of a cgrad program (statements, the last one its value) as a sympy expression."""
    names = {"erf": sympy.erf, "sigmoid": lambda z: 1 / (1 + sympy.exp(-z)),
             "softplus": lambda z: sympy.log(1 + sympy.exp(z)), "x": X, "y": Y, "pi": sympy.pi,
             "log": lambda a, b=None: sympy.log(a) if b is None else sympy.log(a) / sympy.log(b)}
    value = None
    for line in filter(None, (line.split("#")[0].strip() for line in re.split(r"[;\n]", program))):
        target, _, expression = line.rpartition("=") if "=" in line else ("", "", line)
        value = sympy.sympify(expression.replace("^", "**"), locals=names)
        if target:
            names[target.strip()] = value
    return value


@pytest.mark.parametrize("source", SYMPY_CASES)
def test_against_sympy_diff_and_twice_through_a_pipe(source):
    f = _sympy_value(source)
    first = derive(source, "--wrt", "x")
    second = derive("-", "--wrt", "x", input=first)
    point = {X: sympy.Rational(3, 4), Y: sympy.Rational(5, 4)}
    for program, reference in ((first, sympy.diff(f, X)), (second, sympy.diff(f, X, 2))):
        ours, theirs = (complex(sympy.N(e.subs(point), 30)) for e in (_sympy_value(program), reference))
        assert ours == pytest.approx(theirs, rel=1e-12), program


@pytest.mark.parametrize("source, wrt, expected", [
    ("x*1 + 0*y", "x", "df_dx = 1"), ("2*(3*x)", "x", "df_dx = 6"), ("x^1 + 5", "x", "df_dx = 1"),
    ("-(-x)", "x", "df_dx = 1"), ("x - (-y)", "y", "df_dy = 1"), ("3*x^2 + 2*x", "x", "df_dx = 2 + 6 * x"),
    ("x/2 - x/4", "x", "df_dx = 0.25"), ("x*2^-2", "x", "df_dx = 0.25"), ("x*y - x*y", "y", "df_dy = 0"),
    ("J = 7*x^3", "x", "dJ_dx = 21 * x^2"), ("relu(x)", "x", "df_dx = heaviside(x, 0)"),
    ("abs(x)", "x", "df_dx = sign(x)"), ("max(x, y)", "y", "df_dy = heaviside(y - x, 0)"),
])
def test_simplified_as_a_person_writes_it(source, wrt, expected):
    assert derive(source, "--wrt", wrt) == expected + "\n"


def test_shared_intermediates_are_named_once():
    out = derive("100*(y - x^2)^2 + (1 - x)^2", "--wrt", "x,y")
    assert out == "t1 = y - x^2\ndf_dx = -2 * (1 - x) - 400 * t1 * x\ndf_dy = 200 * t1\n"


def test_fresh_names_avoid_the_users():
    out = derive("t1 = x*y; df_dx = t1*t1 + x", "--wrt", "x")
    assert out.splitlines()[-1].startswith("ddf_dx_dx = ")
    code, value, _ = run_cgrad_inprocess("eval", "-", "--at", "x=2,y=3", "--format", "json", "--no-trace", input=out)
    assert json.loads(value)["value"] == 2 * 6 * 3 + 1


@pytest.mark.parametrize("relu0", ["0", "0.5", "1"])
def test_relu_convention_survives(relu0):
    out = derive("relu(x)", "--wrt", "x", "--relu0", relu0, "--at", "x=0")
    assert out.startswith(f"df_dx = heaviside(x, {relu0})\n")
    assert out.endswith(f"# df_dx = {relu0}\n")


def test_size_grows_linearly():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from gen_rosenbrock import expression

    ratios = []
    for n in (50, 500):
        source = expression(n)
        ratios.append(len(derive(source)) / len(source))
    assert all(1 <= ratio <= 4 for ratio in ratios), ratios
    assert ratios[1] / ratios[0] < 1.2, ratios


def test_formats():
    latex = derive("x^2*y", "--wrt", "x", "--format", "latex")
    assert latex.startswith("\\begin{align*}") and r"\frac{\partial f}{\partial x} &= 2 \cdot y \cdot x" in latex
    markdown = derive("x^2*y", "--wrt", "x", "--format", "markdown")
    assert "```\ndf_dx = 2 * y * x\n```" in markdown
    document = derive_json("u = x*y; u^2")
    assert document["derivatives"] == {"x": "u = x * y\ndf_dx = 2 * u * y\n", "y": "u = x * y\ndf_dy = 2 * u * x\n"}


@pytest.mark.parametrize("args, status, message", [
    (["sum(X)", "--wrt", "X"], 2, "derive does not handle tensor op sum yet"),
    (["x^2", "--wrt", "x", "--format", "yaml"], 2, "Invalid value for '--format'"),
    (["x^", "--wrt", "x"], 2, "syntax error"),
    (["log(x)", "--wrt", "x", "--at", "x=-1"], 1, "log of a non-positive number"),
    (["x^2", "--wrt", "x", "--at", "x=abc"], 2, "x=abc"),
])
def test_errors(args, status, message):
    code, out, err = run_cgrad_inprocess("derive", *args)
    assert code == status and err.startswith("error:") and message in err and "Traceback" not in err, err


def test_a_name_not_in_the_program_is_refused_as_everywhere_or_has_derivative_zero_if_asked():
    code, first, err = run_cgrad_inprocess("derive", "3*x", "--wrt", "x")
    code, out, err = run_cgrad_inprocess("derive", "-", "--wrt", "x", input=first)
    assert code == 2 and err.startswith("error: --wrt x: no node named x") and "--ignore-unused" in err, err
    code, out, err = run_cgrad_inprocess("derive", "-", "--wrt", "x", "--ignore-unused", input=first)
    assert code == 0 and out == "ddf_dx_dx = 0\n" and "does not occur" in err


def test_diagram_of_the_derivative():
    code, out, err = run_cgrad_inprocess("diagram", "x^2*sin(x)", "--derivative", "--wrt", "x")
    assert code == 0, err
    assert out.startswith("%%{init") and "df_dx = " in out and "cos(x)" in out
    code, out, err = run_cgrad_inprocess("diagram", "x*y", "--derivative")
    assert code == 2 and "--wrt" in err
