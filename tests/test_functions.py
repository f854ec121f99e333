"""The functions users missed (ln, log(x, base), log2, log10, asin, acos, atan, atan2, sinh, cosh, asinh,
acosh, atanh, erf, hypot, cbrt, sign) and π, through the command as a user runs it: rational results
in --exact, domain errors that name the node, tensors, notation in tables, LaTeX and Markdown, and a
composite program against sympy. tests/test_op_table.py checks every op in every number system; this
file checks what a user sees. Also: the number-system interface, and systems of different
precisions side by side."""
from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import pytest

from conftest import compile_latex, run_cgrad_inprocess

MATH, INPUT = 1, 2


def run_json(*args: str) -> dict:
    code, out, err = run_cgrad_inprocess("eval", *args, "--format", "json", "--no-trace")
    assert code == 0, err
    return json.loads(out)


def error_line(args: tuple, status: int) -> str:
    code, out, err = run_cgrad_inprocess("eval", *args)
    assert code == status and not out, (code, out, err)
    lines = err.splitlines()
    assert lines[0].startswith("error: ") and "Traceback" not in err and "internal error" not in err, err
    return lines[0]


# ---- --exact: rational where the result is rational ----

@pytest.mark.parametrize("source, value", [
    ("asin(0)", "0"), ("acos(1)", "0"), ("atan(0)", "0"), ("atan2(0, 5)", "0"), ("log2(8)", "3"),
    ("log2(1/1024)", "-10"), ("log10(1000)", "3"), ("log(8, 2)", "3"), ("log(4, 8)", "2/3"), ("log(27/8, 4/9)", "-3/2"),
    ("ln(1)", "0"), ("cbrt(27/8)", "3/2"), ("cbrt(-64)", "-4"), ("sign(-2)", "-1"), ("sign(0)", "0"),
    ("hypot(3, 4)", "5"), ("hypot(-5/13, 12/13)", "1"), ("sinh(0) + cosh(0) + asinh(0) + acosh(1) + atanh(0)", "1"),
    ("erf(0)", "0"),
])
def test_exact_gives_the_rational_results(source, value):
    assert run_json(source, "--exact")["value"] == value


@pytest.mark.parametrize("source, at, value, gradient", [
    # value and derivatives rational: cbrt(27/8) = 3/2, its slope 1/(3·(3/2)²) = 4/27
    ("cbrt(x)", "x=27/8", "3/2", {"x": "4/27"}),
    ("hypot(x, y)", "x=3,y=4", "5", {"x": "3/5", "y": "4/5"}),
    ("atan2(y, x)", "y=0,x=2", "0", {"y": "1/2", "x": "0"}),
    ("asin(x) + atan(x) + asinh(x) + atanh(x)", "x=0", "0", {"x": "4"}),
    ("sign(x)*x", "x=-3/2", "3/2", {"x": "-1"}),
])
def test_exact_differentiates_where_the_derivatives_are_rational(source, at, value, gradient):
    document = run_json(source, "--at", at, "--exact")
    assert document["value"] == value and document["gradient"] == gradient


@pytest.mark.parametrize("source, at, shown", [
    ("asin(x)", "x=1/2", "asin(1/2) is irrational"),
    ("log2(x)", "x=3", "log(3, 2) is irrational"),
    ("cbrt(x)", "x=2", "cbrt(2) is irrational"),
    ("hypot(x, 1)", "x=1", "hypot(1, 1) is irrational"),
    ("atan2(1, x)", "x=1", "atan2(1, 1) is irrational"),
    ("cosh(x)", "x=1/3", "cosh(1/3) is irrational"),
    ("erf(x)", "x=1", "erf(1) is not known to be rational"),
    # the value is rational, its derivative 1/(8·log 2) is not
    ("log2(x)", "x=8", "the derivative with respect to x: log(2) is irrational"),
])
def test_exact_refuses_what_is_not_rational_and_says_what_to_use(source, at, shown):
    first = error_line((source, "--at", at, "--exact"), MATH)
    assert shown in first and "use --digits N" in first, first


# ---- domain errors name the node, in every mode and for tensors ----

DOMAIN_ERRORS = [
    ("asin(x)", "x=2", "asin of a number outside [-1, 1]"),
    ("acos(x)", "x=-1.5", "acos of a number outside [-1, 1]"),
    ("acosh(x)", "x=0.5", "acosh of a number below 1"),
    ("atanh(x)", "x=1", "atanh of a number outside (-1, 1)"),
    ("atanh(x)", "x=-1", "atanh of a number outside (-1, 1)"),
    ("atan2(y, x)", "y=0,x=0", "atan2(0, 0) is undefined"),
    ("log(x, b)", "x=2,b=1", "a log to the base 1"),
    ("log(x, b)", "x=2,b=-2", "a log to a non-positive base"),
    ("log2(x)", "x=0", "log of a non-positive number"),
    ("ln(x)", "x=-1", "log of a non-positive number"),
    ("asin(x)", "x=1", "the derivative with respect to x is undefined (asin has an infinite slope at ±1)"),
    ("acos(x)", "x=-1", "the derivative with respect to x is undefined (acos has an infinite slope at ±1)"),
    ("asin(x)", "x=-1", "asin has an infinite slope at ±1"),
    ("acosh(x)", "x=1", "acosh has an infinite slope at 1"),
    ("cbrt(x)", "x=0", "cbrt has an infinite slope at 0"),
    ("hypot(x, y)", "x=0,y=0", "hypot has no derivative at (0, 0)"),
]


@pytest.mark.parametrize("mode", [(), ("--exact",), ("--digits", "20"), ("--interval",)], ids=lambda m: m[0] if m else "float")
@pytest.mark.parametrize("source, at, reason", DOMAIN_ERRORS)
def test_domain_errors_name_the_node_and_its_operands(source, at, reason, mode):
    if mode == ("--exact",) and "infinite slope at ±1" in reason:
        reason = "is irrational"  # asin(±1) = ±π/2 and acos(-1) = π: --exact stops at the value
    first = error_line((f"u = 1; f = {source}", "--at", at, *mode), MATH)
    assert first.startswith(f"error: in f = {source}: ") and reason in first, first
    assert ", where " in first and at.split(",")[0].split("=")[0] + " = " in first, first


def test_domain_errors_of_an_interval_that_only_partly_leaves_the_domain():
    assert "asin of a number outside [-1, 1]" in error_line(("asin(x)", "--at", "x=0.9..1.1", "--interval"), MATH)
    first = error_line(("atan2(y, x)", "--at", "y=-0.1..0.1,x=-1..1", "--interval"), MATH)
    assert "atan2 of a range of points that contains (0, 0)" in first
    assert "a log to a base interval that contains 1" in error_line(("log(2, b)", "--at", "b=0.5..2", "--interval"),
                                                                    MATH)


def test_tensors_apply_the_functions_element_by_element():
    values = [0.25, -0.5, 0.75]
    document = run_json("sum(asin(X) + erf(X) + cbrt(X) + atanh(X))", "--at", f"X={values}")
    expected = sum(math.asin(v) + math.erf(v) + math.copysign(abs(v) ** (1 / 3), v) + math.atanh(v) for v in values)
    assert math.isclose(document["value"], expected, rel_tol=1e-14)
    slopes = [1 / math.sqrt(1 - v * v) + 2 / math.sqrt(math.pi) * math.exp(-v * v) + 1 / (3 * abs(v) ** (2 / 3))
              + 1 / (1 - v * v) for v in values]
    assert all(math.isclose(g, s, rel_tol=1e-12) for g, s in zip(document["gradient"]["X"], slopes))
    exact = run_json("hypot(X, Y)", "--at", "X=[3, 5, 8],Y=[4, 12, 15]", "--exact")
    assert exact["value"] == ["5", "13", "17"] and exact["gradient"]["X"] == ["3/5", "5/13", "8/17"]
    first = error_line(("asin(X)", "--at", "X=[0.5, 2]"), MATH)
    assert "in f = asin(X): asin of a number outside [-1, 1], where X = [0.5, 2]" in first


def test_float_overflow_of_sinh_and_cosh_says_how_to_go_further():
    first = error_line(("sinh(x)", "--at", "x=1000"), MATH)
    assert "overflows float" in first and "--digits N can represent it" in first
    digits = run_json("cosh(x)", "--at", "x=1000", "--digits", "12")
    assert digits["value"] == "9.85035557009e+433" == mpmath.nstr(mpmath.cosh(1000), 12)
    first = error_line(("sinh(x)", "--at", "x=1e7", "--digits", "5"), MATH)
    assert "more than --max-digits 100000 allows" in first


# ---- π, and the functions named ----

def test_pi_is_read_as_the_constant_pi():
    assert run_json("π*x", "--at", "x=2")["value"] == 2 * math.pi
    assert run_json("2π")["value"] == 2 * math.pi
    assert run_json("sin(π/6)", "--digits", "30")["value"] == "0.500000000000000000000000000000"
    assert "pi is irrational, which --exact cannot represent; use --digits N" in error_line(("π", "--exact"), MATH)
    first = error_line(("π*x", "--at", "x=1,π=3"), INPUT)
    assert "'π' is the constant pi, which can be neither assigned nor given a value" in first


def test_an_unknown_function_lists_the_new_ones():
    first = error_line(("sinc(x)", "--at", "x=1"), INPUT)
    assert first.startswith("error: unknown function 'sinc'; did you mean sin")
    for name in ("asin", "atan2", "cbrt", "erf", "hypot", "ln", "log10", "log2", "sign", "sinh"):
        assert f" {name}," in first or f" {name} " in first, name


def test_log_takes_one_or_two_arguments():
    assert run_json("log(e)")["value"] == 1 and run_json("log(100, 10)")["value"] == 2
    assert "log() takes 1 or 2 arguments, got 3" in error_line(("log(1, 2, 3)",), INPUT)


def test_the_table_writes_the_rules_out():
    code, out, err = run_cgrad_inprocess("eval", "u = asin(x); v = atan2(u, y); f = erf(v) + cbrt(y)",
                                         "--at", "x=0.5,y=2")
    assert code == 0, err
    for shown in ("asin(x)", "atan2(u, y)", "erf(v)", "cbrt(y)", "∂u/∂x = 1/sqrt(1 - x^2) = 1.1547005383792517",
                  "∂t1/∂v = 2·exp(-v^2)/sqrt(π)", "∂v/∂u = cos(v)/hypot(u, y)", "∂v/∂y = -sin(v)/hypot(u, y)",
                  "∂t2/∂y = 1/(3·t2^2)"):
        assert shown in out, shown


def test_sign_states_its_convention_at_0():
    assert run_json("sign(x)", "--at", "x=0")["conventions"] == ["sign'(0) = 0 (sign jumps there)"]
    interval = run_json("sign(x) + relu(x)", "--at", "x=-1..1", "--interval")
    assert interval["value"] == ["-1", "2"]
    assert interval["conventions"][1:] == ["sign'(0) = 0 (sign jumps there)"]  # after the subgradient note


LATEX_PROGRAM = "u = asin(x) + acos(x) + atan(x); v = cbrt(y) + erf(u) + π; w = log(y, 2) + log2(y) + ln(y); f = u*v*w"


def test_latex_and_markdown_name_the_functions():
    code, latex, err = run_cgrad_inprocess("eval", LATEX_PROGRAM, "--at", "x=0.5,y=3", "--format", "latex")
    assert code == 0, err
    spellings = (r"\arcsin\left(x\right)", r"\arccos\left(x\right)", r"\arctan\left(x\right)", r"\sqrt[3]{y}",
                 r"\operatorname{erf}\left(u\right)", r"\log_{2}\left(y\right)", r"\ln\left(y\right)")
    for shown in spellings + (r"\pi",):
        assert shown in latex, shown
    # derive writes every function as eval does: the op table's LaTeX column (cbrt was \operatorname{cbrt})
    code, derived, err = run_cgrad_inprocess("derive", LATEX_PROGRAM, "--format", "latex")
    assert code == 0, err
    for shown in (r"\sqrt[3]{y}", r"\operatorname{erf}\left(u\right)", r"\arcsin\left(x\right)"):
        assert shown in derived, shown
    assert "cbrt" not in derived and "operatorname{log" not in derived
    assert "π" not in latex.split("\\begin{align*}")[1]
    code, markdown, err = run_cgrad_inprocess("eval", LATEX_PROGRAM, "--at", "x=0.5,y=3", "--format", "markdown")
    assert code == 0, err  # Markdown's tables write the rules as text, its equations hold the numbers
    for shown in ("| asin(x) |", "| cbrt(y) |", "| log(y, 2) |", "∂t1/∂x = 1/sqrt(1 - x^2) = 1.1547005383792517",
                  "= 2·exp(-u^2)/sqrt(π) = ", f"= 1/(y·log(2)) = {1 / (3 * math.log(2))!r}"):
        assert shown in markdown, shown


def test_the_latex_of_the_new_functions_compiles(tmp_path):
    code, latex, err = run_cgrad_inprocess("eval", LATEX_PROGRAM, "--at", "x=0.5,y=3", "--format", "latex")
    assert code == 0, err
    compile_latex([latex], tmp_path, "f")


# ---- a composite program against sympy ----

def test_a_program_of_the_new_functions_against_sympy():
    sympy = pytest.importorskip("sympy")
    x, y = sympy.symbols("x y")
    f = (sympy.asinh(x) * sympy.erf(y) + sympy.atan2(y, x) * sympy.log(x, y) + sympy.cbrt(y) * sympy.acosh(y + 1)
         - sympy.atanh(x / 2) * sympy.sqrt(x ** 2 + y ** 2) + sympy.log(x, 2) * sympy.sinh(y) / sympy.cosh(x))
    source = ("asinh(x)*erf(y) + atan2(y, x)*log(x, y) + cbrt(y)*acosh(y + 1) - atanh(x/2)*hypot(x, y)"
              " + log2(x)*sinh(y)/cosh(x)")
    point = {x: sympy.Rational(3, 4), y: sympy.Rational(5, 3)}
    document = run_json(source, "--at", "x=3/4,y=5/3", "--digits", "30")
    reference = {"value": f, "x": sympy.diff(f, x), "y": sympy.diff(f, y)}
    got = {"value": document["value"], **document["gradient"]}
    for key, expression in reference.items():
        expected = sympy.N(expression.subs(point), 40)
        assert abs(sympy.Float(got[key], 40) - expected) <= abs(expected) * sympy.Float("1e-29"), key


# ---- the interface and the contexts ----

def test_every_number_system_implements_the_declared_interface():
    from cgcli.numbers import number_system
    from cgcli.numbers.system import NumberSystem
    from cgcli.numbers.tensor import TensorNumbers

    import cgcli.ops  # noqa: F401  it declares each function's implementation per system (Op.numbers)
    from cgcli.numbers.rules import DECLARED

    declared = NumberSystem.__abstractmethods__ | set(DECLARED)
    assert {"asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "hypot", "cbrt",
            "log_base", "sign", "exp", "format", "to_json", "signs", "step"} <= declared
    systems = [number_system("float"), number_system("exact"), number_system("digits", 30), number_system("interval")]
    from cgcli.numbers.dual import DualNumbers

    assert {"sinh", "atan2", "erf", "cbrt", "log1p"} <= DECLARED  # the op table's numbers= declarations
    for system in systems + [TensorNumbers(system) for system in systems] + [DualNumbers(system) for system in systems]:
        assert isinstance(system, NumberSystem) and not type(system).__abstractmethods__
        assert all(callable(getattr(system, name)) for name in DECLARED), system
    with pytest.raises(AttributeError):
        TensorNumbers(systems[0]).not_a_primitive  # nothing is forwarded that is not declared

    class Forgetful(type(systems[0])):
        exp = NumberSystem.exp  # a primitive left as the interface declares it: abstract

    with pytest.raises(TypeError, match="exp"):
        Forgetful()


def test_every_function_the_op_table_defines_has_an_implementation_in_every_system():
    import cgcli.ops  # noqa: F401
    from cgcli.numbers.rules import op_of
    from cgcli.numbers.rules import DECLARED

    for name in DECLARED:
        assert set(op_of(name).numbers) == {"float", "exact", "interval"}, name


def test_two_systems_at_different_precisions_coexist():
    # creating a 53-bit interval system once lowered a live --digits system's precision to 53 bits
    from cgcli.numbers import number_system

    digits = number_system("digits", 60)
    third = digits.parse("1/3")
    interval = number_system("interval")
    wide = number_system("interval", 40)
    assert digits.format(third / 1) == "0." + "3" * 60
    assert digits.format(digits.sqrt(digits.parse("2"))) == ("1.414213562373095048801688724209698078569671875376"
                                                             "94807317668")
    assert digits.certified(digits.parse("2") / 3)
    low, high = (interval.parse("1") / 3).bounds()
    assert high - low < Fraction(1, 10 ** 15) and high - low > Fraction(1, 10 ** 20)  # 53 bits, not 60 digits
    low, high = (wide.parse("1") / 3).bounds()
    assert high - low < Fraction(1, 10 ** 40)
    assert digits.context is not interval.context and interval.context.prec == 53
