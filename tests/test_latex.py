"""LaTeX math in: the seeds' formulas pasted as written, sympy's latex() output checked against sympy's
own values and derivatives, LaTeX names, and errors that point into the LaTeX."""
from __future__ import annotations

import json
import math

import pytest
import sympy as sp

from cgcli.errors import InputError
from cgcli.language.syntax import parse
from conftest import api, run_cgrad_inprocess


def _json(*args: str) -> dict:
    code, out, err = run_cgrad_inprocess(*args, "--format", "json", "--no-trace")
    assert code == 0, err
    return json.loads(out)


# ---- the seeds' formulas, exactly as the tutorials write them ----

def test_seed_001_as_written():
    # J = 3(a + bc) at a=1, b=2, c=3 (seed 001): J = 21; dJ/da = 3, dJ/db = 3c = 9, dJ/dc = 3b = 6
    document = _json("eval", "$$J(a,b,c)=3(a+bc)$$", "--at", "a=1,b=2,c=3")
    assert (document["output"], document["value"]) == ("J", 21)
    assert document["gradient"] == {"a": 3, "b": 9, "c": 6}


def test_seed_002_as_written_with_its_unicode_minus():
    # g = (x + y)z at x=1, y=3, z=−3 (seed 002): p = 4, g = -12; dg/dz = p = 4, dg/dx = dg/dy = z = -3
    document = _json("eval", r"$$g = \left (x+y \right ) \ast z $$", "--at", "x=1,y=3,z=−3")
    assert (document["output"], document["value"]) == ("g", -12)
    assert document["gradient"] == {"x": -3, "y": -3, "z": 4}


@pytest.mark.parametrize("w, x, b, expected", [
    (2.0, 1.5, -1.0, {"x": 2.0, "w": 1.5, "b": 1.0}),   # w·x + b = 2 > 0
    (2.0, 1.5, -3.0, {"x": 0, "w": 0, "b": 0}),         # exactly 0: relu'(0) = 0 (seed 004)
])
def test_seed_004_as_written(w, x, b, expected):
    document = _json("eval", r"$$a(x, w, b) = \text{relu}(w \cdot x + b)$$", "--at", f"w={w},x={x},b={b}")
    assert document["output"] == "a" and document["value"] == max(w * x + b, 0)
    assert document["gradient"] == expected


def test_seed_000_chain_of_functions_as_written():
    # u = x1·x2·w0, z = w1·u + w2, y = 5z; by hand at x1=1, x2=2, w0=3, w1=4, w2=5: u = 6, z = 29, y = 145;
    # dy/dw2 = 5, dy/dw1 = 5u = 30, dy/dw0 = 5·w1·x1·x2 = 40, dy/dx1 = 5·w1·x2·w0 = 120, dy/dx2 = 60
    source = r"$$ f(x_1,x_2) =x_1x_2w_0 =u \\ g(u) = w_1u+w_2=z \\ h(z)=5*z=y$$"
    document = _json("eval", source, "--at", "x_1=1,x_2=2,w_0=3,w_1=4,w_2=5")
    assert (document["output"], document["value"]) == ("y", 145)
    assert document["gradient"] == {"w_0": 40, "x_1": 120, "x_2": 60, "w_1": 30, "w_2": 5}
    values = _json("eval", source, "--at", "x_1=1,x_2=2,w_0=3,w_1=4,w_2=5", "--output", "u")
    assert values["value"] == 6


def test_seed_004_piecewise_derivative_of_relu_as_written():
    # σ'(z) from seed 004: 0 for z ≤ 0, 1 for z > 0
    source = r"$$\begin{cases} 0 & \text{if } z \leq 0 \\ 1 & \text{if } z > 0 \end{cases}$$"
    assert [_json("eval", source, "--at", f"z={z}")["value"] for z in (-1, 0, 2)] == [0, 0, 1]


# ---- sympy's latex() against sympy's own numbers ----

x, y, z, theta = sp.symbols("x y z theta", real=True)
m, v, g, h, r, k = sp.symbols("m v g h r k", real=True)
E_f, omega_0, x_1, x_2 = sp.symbols("E_f omega_0 x_1 x_2", real=True)
FORMULAS = [  # mechanics, optics, waves and a few of everything latex() prints
    sp.Rational(1, 2) * m * v ** 2 + m * g * h,               # energy
    k * sp.Symbol("q_1", real=True) * sp.Symbol("q_2", real=True) / r ** 2,         # Coulomb
    2 * sp.pi * sp.sqrt(h / g),                               # pendulum period
    sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi),                 # the normal density
    1 / (1 + sp.exp(-x)),                                     # logistic
    sp.sin(x) ** 2 * sp.cos(theta),
    sp.asin(x / 2) + sp.atan(y) + sp.acos(x / 3),
    sp.log(x, 2) + sp.log(y),
    sp.cbrt(x) + x ** sp.Rational(1, 5) + sp.sqrt(x) ** 3,
    E_f * omega_0 + x_1 * x_2,
    sp.tanh(x) * sp.sinh(y) + sp.cosh(z),
    sp.atan2(y, x),
    sp.erf(x) * sp.exp(y),
    sp.Abs(x - y) + sp.Max(x, y) + sp.Min(y, z),
    sp.Piecewise((x ** 2, x > 0), (-x, True)),
    (x + 1) ** 2 / (y - 3) - z ** -2,
    x ** y + 2 ** x,
    sp.sin(sp.cos(sp.tan(x * y))),
]
POINT = {x: sp.Rational(7, 10), y: sp.Rational(13, 10), z: sp.Rational(-3, 2), theta: sp.Rational(2, 5),
         m: 2, v: 3, g: sp.Rational(981, 100), h: sp.Rational(3, 2), r: sp.Rational(1, 2), k: 9,
         sp.Symbol("q_1", real=True): 2, sp.Symbol("q_2", real=True): -3, E_f: sp.Rational(1, 4), omega_0: 5, x_1: 1, x_2: 2}


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: sp.latex(f)[:40])
def test_sympy_latex_gives_sympys_value_and_gradient(formula):
    variables = sorted(formula.free_symbols, key=str)
    trace = api("$" + sp.latex(formula) + "$", **{str(s): float(POINT[s]) for s in variables})
    expected = float(formula.subs(POINT).evalf(30))
    assert math.isclose(trace.value, expected, rel_tol=1e-9, abs_tol=1e-12), sp.latex(formula)
    assert sorted(trace.gradient) == sorted(map(str, variables))
    for symbol in variables:
        derivative = float(sp.diff(formula, symbol).subs(POINT).evalf(30))
        assert math.isclose(trace.gradient[str(symbol)], derivative, rel_tol=1e-9, abs_tol=1e-12), (sp.latex(formula), symbol)


# ---- what LaTeX is read as ----

@pytest.mark.parametrize("source, variables, value", [
    ("$2x$", {"x": 3}, 6),
    ("$bc$", {"b": 2, "c": 5}, 10),                               # b·c, not a name bc
    ("$x y$", {"x": 2, "y": 7}, 14),
    ("$3(a+bc)$", {"a": 1, "b": 2, "c": 3}, 21),                  # 3 is no function: a product
    (r"$\sigma \left(x+1\right)$", {"sigma": 2, "x": 1}, 4),      # σ is no function: a product
    (r"$\frac{a}{b} + \dfrac{1}{2} + \tfrac{1}{4}$", {"a": 3, "b": 4}, 1.5),
    (r"$\sqrt{x} \sqrt[3]{y} \sqrt[4]{z}$", {"x": 4, "y": 8, "z": 16}, 8),
    (r"$x^{2} x^2 x^23$", {"x": 2}, 192),                          # x^23 is x^2·3, as LaTeX sets it
    (r"$\left|x\right| \cdot 2 \times 3 \ast 1$", {"x": -2}, 12),
    (r"$\sin x + \sin{x} + \sin(x) + \sin{\left(x \right)}$", {"x": 0.5}, 4 * math.sin(0.5)),
    (r"$\sin^{2}{\left(x \right)} + \cos^2 x$", {"x": 0.3}, 1),
    (r"$\arcsin x + \operatorname{atan}{\left(x \right)}$", {"x": 0.5}, math.asin(0.5) + math.atan(0.5)),
    (r"$\exp(x) + e^{x} + \ln x + \log x + \log_{2} 8 + \log_{10}{100} + \log_{3}{9}$", {"x": 1}, 2 * math.e + 7),
    (r"$\pi r^2$", {"r": 2}, 4 * math.pi),
    (r"$\theta_{1} \omega_{0} + \mathrm{Ef}$", {"theta_1": 2, "omega_0": 3, "Ef": 1}, 7),
    (r"$\text{relu}(x) + \operatorname{sigmoid}(0)$", {"x": -1}, 0.5),
    (r"$\max(a, b) - \min\left(a, b\right)$", {"a": 1, "b": 4}, 3),
    (r"$\sum_{i=1}^{3} x_i w_i$", {"x_1": 1, "x_2": 2, "x_3": 3, "w_1": 4, "w_2": 5, "w_3": 6}, 32),
    (r"$\sum_{k=1}^{4} k$", {}, 10),
    (r"$f(x) = x^2 + 1; y = f(a) f(b)$", {"a": 1, "b": 2}, 10),
    ("$a = 1 + x \\\\ b = 2a$\n", {"x": 1}, 4),
    ("$$p = x + y\ng = p z$$", {"x": 1, "y": 3, "z": -3}, -12),
    (r"$\begin{cases} x^{2} & \text{for}\: x > 0 \\- x & \text{otherwise} \end{cases}$", {"x": -2}, 2),
    (r"$\begin{cases} 1 & x > 0 \land y > 0 \\ 0 & \text{otherwise} \end{cases}$", {"x": 1, "y": -1}, 0),
])
def test_latex_reads_as_written(source, variables, value):
    assert math.isclose(api(source, **variables).value, value, rel_tol=1e-12, abs_tol=1e-12)


def test_syntax_option_forces_a_language():
    assert _json("eval", r"\frac{x}{2}", "--syntax", "latex", "--at", "x=3")["value"] == 1.5
    code, _, err = run_cgrad_inprocess("eval", "$x$", "--syntax", "cgrad", "--at", "x=1")
    assert code == 2 and "unexpected character '$'" in err


def test_latex_names_are_plain_in_options_and_json_and_latex_again_in_latex_output():
    source = r"$\theta_{1}^2 \mathrm{Ef} + \hat{y}$"
    document = _json("eval", source, "--at", "theta_1=3,Ef=2,hat_y=1", "--wrt", "theta_1,Ef")
    assert document["gradient"] == {"theta_1": 12, "Ef": 9}
    code, out, _ = run_cgrad_inprocess("eval", source, "--at", "theta_1=3,Ef=2,hat_y=1", "--format", "latex")
    assert code == 0 and r"\theta_{1}" in out and r"\mathrm{Ef}" in out and r"\hat{y}" in out


@pytest.mark.parametrize("source, message, column", [
    (r"$\int x dx$", r"\int is not supported", 2),
    (r"$\frac 12$", r"\frac needs two groups", 2),
    (r"$x + \frac{1}$", "syntax error", 14),
    (r"$|x|$", r"write \left| x \right|", 2),
    (r"$f(x) = f(x)$", "calls itself", 9),
    (r"$f(x) = x \\ f(1, 2)$", "f() takes 1 argument", 14),
    (r"$\sum_{i=1}^{n} x_i$", "whole numbers", 14),
    (r"$\sin$", "syntax error", 6),
    (r"$sin(x) + 1$", r"'sin' here is the product s·i·n: write the function as \sin", 2),
])
def test_latex_errors_point_into_the_latex(source, message, column):
    code, _, err = run_cgrad_inprocess("eval", source, "--at", "x=1")
    assert code == 2 and message in err.splitlines()[0], err
    assert err.splitlines()[0].endswith(f"(column {column})"), err
    assert err.splitlines()[2].index("^") - 2 == column - 1, err


@pytest.mark.parametrize("command", [
    ["eval", "--at", "x=1,y=2"], ["derive"], ["hessian", "--at", "x=1,y=2"], ["paths", "--at", "x=1,y=2", "--wrt", "x"],
    ["diagram", "--at", "x=1,y=2"], ["check", "--at", "x=1,y=2"], ["codegen"],
    ["descend", "--at", "y=2", "--params", "x=1", "--steps", "1"],
])
def test_every_command_that_reads_a_program_reads_latex(command):
    code, out, err = run_cgrad_inprocess(command[0], r"$x^{2} y$", *command[1:])
    assert code == 0, err
    assert out


def test_the_latex_grammar_is_parsed_with_its_generated_tables():
    from cgcli.language import _latex_table, lalr_build

    assert _latex_table.GRAMMAR == lalr_build.read_grammar("latex"), \
        "cgcli/language/latex.lark changed: run `python -m cgcli.language.lalr_build` to regenerate _latex_table.py"


def test_a_name_before_parentheses_is_a_call_only_when_it_names_a_function():
    program = parse(r"$g(x) = 2x \\ y = g(a) + h(a)$")
    ops = [node.op for node in program.nodes]
    assert "var" in ops and any(node.name == "h" for node in program.nodes)  # h(a) is h·a
    with pytest.raises(InputError, match="'relu' is a function: call it with parentheses"):
        parse(r"$\text{relu}$")
