"""The expression language: precedence, associativity, implicit multiplication, programs,
names, constants, every function (value and derivative), conventions, and the ways an
expression reaches cgrad (argument, -f FILE, stdin, leading '-', '--').

Expected values come from Python evaluating the equivalent expression (Python's `**` is
right-associative and binds tighter than unary minus, like cgrad's `^`), from the math
module, and from derivatives derived by hand in the comments.
"""
from __future__ import annotations

import math

import pytest

from conftest import api, central_difference, close

# --------------------------------------------------------------------------------------------
# Precedence and associativity: cgrad's value must equal Python's on the same formula.
# --------------------------------------------------------------------------------------------

POINT = {"a": 1.5, "b": -2.0, "c": 3.0, "d": 0.5}

# (cgrad source, the same formula in Python)
PRECEDENCE = [
    ("a + b * c", "a + b * c"),
    ("a * b + c", "a * b + c"),
    ("a - b - c", "(a - b) - c"),             # left-associative
    ("a / b / c", "(a / b) / c"),             # left-associative
    ("a / b * c", "(a / b) * c"),
    ("a - b + c", "(a - b) + c"),
    ("a * b / c * d", "((a * b) / c) * d"),
    ("2^3^2", "2 ** (3 ** 2)"),              # right-associative: 512
    ("2**3**2", "2 ** (3 ** 2)"),
    ("2^3**2", "2 ** (3 ** 2)"),
    ("c^d^2", "c ** (d ** 2)"),
    ("-a^2", "-(a ** 2)"),                    # unary minus binds looser than power
    ("-c**2", "-(c ** 2)"),
    ("(-a)^2", "(-a) ** 2"),
    ("-2^2", "-(2 ** 2)"),
    ("2^-1", "2 ** -1"),                      # unary minus in an exponent
    ("c^-d", "c ** -d"),
    ("a*-b", "a * -b"),
    ("a - -b", "a - (-b)"),
    ("--a", "-(-a)"),
    ("+a", "a"),
    ("-a*b", "(-a) * b"),
    ("a * b ^ 2", "a * (b ** 2)"),
    ("a / b ^ 2", "a / (b ** 2)"),
    ("(a + b) * (c - d)", "(a + b) * (c - d)"),
    ("((((a))))", "a"),
    ("a + b * c ^ d - a / c", "a + b * c ** d - a / c"),
    ("1/3", "1 / 3"),
    ("0.1 + 0.2", "0.1 + 0.2"),               # floats behave as IEEE doubles
    ("1.5e-3 * c", "1.5e-3 * c"),
    (".5 + 5.", ".5 + 5."),
    ("2E3", "2E3"),
]


@pytest.mark.parametrize("source, python", PRECEDENCE)
def test_precedence_matches_python(source, python):
    used = {name: value for name, value in POINT.items() if name in source}
    trace = api(source, **used)
    expected = eval(python, {}, dict(POINT))
    assert trace.value == pytest.approx(expected, rel=1e-15, abs=0)


def test_power_tower_value_and_derivative():
    # f = 2^x^2 = 2^(x^2): f' = 2^(x^2)·ln 2·2x
    x = 1.5
    trace = api("2^x^2", x=x)
    assert close(trace.value, 2 ** (x ** 2))
    assert close(trace.gradient["x"], 2 ** (x ** 2) * math.log(2) * 2 * x)


def test_power_both_operands_variable():
    # d(x^y)/dx = y·x^(y-1), d(x^y)/dy = x^y·ln x
    x, y = 1.7, 2.3
    trace = api("x^y", x=x, y=y)
    assert close(trace.value, x ** y)
    assert close(trace.gradient["x"], y * x ** (y - 1))
    assert close(trace.gradient["y"], x ** y * math.log(x))


def test_integer_power_of_negative_base():
    # x^3 at x = -2: -8, derivative 3x^2 = 12 (the exponent is a constant, so no log of the base)
    trace = api("x^3", x=-2)
    assert trace.value == -8 and trace.gradient == {"x": 12}


# --------------------------------------------------------------------------------------------
# Implicit multiplication after a number literal
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, python, derivative", [
    ("2x", "2*x", "2"),
    ("2 x", "2*x", "2"),
    ("2.5x", "2.5*x", "2.5"),
    ("2x^2", "2*(x**2)", "4*x"),                           # 2·(x^2), not (2x)^2
    ("2(x)^2", "2*(x**2)", "4*x"),
    ("3(x+1)", "3*(x+1)", "3"),
    ("2sin(x)", "2*math.sin(x)", "2*math.cos(x)"),
    ("2sin(x)^2", "2*math.sin(x)**2", "4*math.sin(x)*math.cos(x)"),
    ("1e-3x", "1e-3*x", "1e-3"),
    ("-2x", "-(2*x)", "-2"),
    ("2pi", "2*math.pi", "0"),
])
def test_implicit_multiplication(source, python, derivative):
    x = 1.25
    names = {"x": x, "math": math}
    trace = api(source, **({"x": x} if "x" in source else {}))
    assert close(trace.value, eval(python, {}, names))
    assert close(trace.gradient.get("x", 0.0), eval(derivative, {}, names))


def test_seed_001_implicit_product_in_a_program():
    trace = api("u = b*c; v = a + u; J = 3v", a=1, b=2, c=3)
    assert trace.value == 21


# --------------------------------------------------------------------------------------------
# Programs: ';', newlines, comments, continuation lines, assignments, --output
# --------------------------------------------------------------------------------------------

def test_semicolons_and_newlines_are_the_same():
    # f = (x + 1)·x, dx: 2x + 1
    for source in ["s = x + 1; f = s*x", "s = x + 1\nf = s*x", "s = x + 1;\nf = s*x\n",
                   ";; s = x + 1 ;; f = s*x ;;", "\n\ns = x + 1\r\n\nf = s*x\n\n"]:
        trace = api(source, x=2)
        assert trace.value == 6, source
        assert trace.gradient == {"x": 5}, source
        assert trace.output == "f"


def test_comments():
    source = """# the seed 002 graph
    p = x + y   # the add node
    # a whole-line comment between statements
    g = p*z     # the multiply node; g = (x + y)·z
    """
    trace = api(source, x=1, y=3, z=-3)
    assert trace.value == -12
    assert trace.gradient == {"x": -3, "y": -3, "z": 4}


@pytest.mark.parametrize("source", [
    "f = (x +\n 1) * 2",        # newline inside parentheses
    "f = (x\n + 1) * 2",        # also before the operator, inside parentheses
    "f = (x + 1) *\n 2",        # newline after an operator
    "f = (x + 1) \\\n * 2",     # backslash continuation
    "f = max(x + 1,\n x) * 2",  # after a comma
    "f =\n (x + 1) * 2",        # after '='
])
def test_continuation_lines(source):
    trace = api(source, x=4)
    assert trace.value == 10 and trace.gradient == {"x": 2}


def test_newline_before_operator_starts_a_statement():
    # Outside parentheses a new line before '+' ends the statement: the program's last
    # statement is "+1", so the output is the constant 1.
    trace = api("x\n+1", x=5)
    assert trace.value == 1


def test_output_option(run_json):
    program = "u = b*c; v = a + u; J = 3v"
    document = run_json("eval", program, "--at", "a=1,b=2,c=3", "--output", "u")
    # u = b·c = 6; du/db = c = 3, du/dc = b = 2; a does not reach u
    assert document["output"] == "u"
    assert document["value"] == 6
    assert document["gradient"]["b"] == 3 and document["gradient"]["c"] == 2
    assert document["gradient"].get("a", 0) == 0
    document = run_json("eval", program, "--at", "a=1,b=2,c=3", "--output", "v")
    assert document["value"] == 7 and document["gradient"] == {"a": 1, "b": 3, "c": 2}


def test_output_through_api():
    trace = api("u = b*c; v = a + u; J = 3v", output="v", a=1, b=2, c=3)
    assert trace.value == 7


def test_named_constant_and_alias():
    # k = 3 is a named constant: it shows in the forward pass, never in the gradient
    trace = api("k = 3; y = k*x", x=2)
    assert trace.value == 6 and trace.gradient == {"x": 3}
    assert "k" in [row.name for row in trace.forward]
    # an assigned name that merely renames another name is still its own row
    trace = api("a = x; b = a*a", x=3)
    assert trace.value == 9 and trace.gradient == {"x": 6}
    assert [row.name for row in trace.forward].count("a") == 1


def test_assigned_name_used_many_times_is_one_node():
    # h = x^2; f = h + h*h: df/dx = (1 + 2h)·2x
    x = 1.5
    trace = api("h = x^2; f = h + h*h", x=x)
    h = x * x
    assert close(trace.value, h + h * h)
    assert close(trace.gradient["x"], (1 + 2 * h) * 2 * x)
    [row] = [row for row in trace.backward if row.name == "h"]
    assert len(row.terms) == 3           # h is used three times


# --------------------------------------------------------------------------------------------
# Names: unicode, underscores, digits, the alternative operator symbols
# --------------------------------------------------------------------------------------------

def test_unicode_names(run_json):
    # α = 2β; γ = α^2 = 4β^2 → dγ/dβ = 8β
    document = run_json("eval", "α = 2*β; γ = α^2", "--at", "β=1.5")
    assert document["output"] == "γ"
    assert document["value"] == 9 and document["gradient"] == {"β": 12}


def test_names_with_digits_and_underscores():
    trace = api("hat_y = w_0*x1 + _b; L = (hat_y - y)^2", w_0=2, x1=3, _b=1, y=4)
    # hat_y = 7, L = 9, dL/dw_0 = 2(hat_y - y)·x1 = 18
    assert trace.value == 9
    assert trace.gradient == {"w_0": 18, "x1": 12, "_b": 6, "y": -6}


def test_alternative_operator_symbols():
    # x × y − z · 2 ÷ 4 is x*y - z*2/4
    x, y, z = 1.0, 2.0, 3.0
    trace = api("x × y − z · 2 ÷ 4", x=x, y=y, z=z)
    assert close(trace.value, x * y - z * 2 / 4)
    assert trace.gradient == {"x": y, "y": x, "z": -0.5}
    assert api("−x^2", x=3).value == -9          # U+2212 as unary minus


DECOMPOSED, COMPOSED = "e\u0301", "\u00e9"   # é typed as e + combining acute, and precomposed


@pytest.mark.parametrize("in_source, in_option", [(DECOMPOSED, COMPOSED), (COMPOSED, DECOMPOSED)],
                         ids=["decomposed-source", "decomposed-option"])
@pytest.mark.parametrize("option", ["--at", "--wrt", "--output"])
def test_option_names_are_nfc_normalised(run_json, in_source, in_option, option):
    # The source is NFC-normalised, so the names given in options must be too: the same
    # visible name é must work however the terminal or the script encoded it.
    # f = é·2 (assigned to u) at é = 1.5: value 3, ∂/∂é = 2
    source = f"u = {in_source}*2"
    at = f"{in_option if option == '--at' else in_source}=1.5"
    extra = {"--at": [], "--wrt": ["--wrt", in_option], "--output": ["--output", "u"]}[option]
    if option == "--output":
        source, extra = f"{in_source}u = x*2", ["--output", f"{in_option}u"]
        at = "x=1.5"
    document = run_json("eval", source, "--at", at, *extra, "--no-trace")
    assert document["value"] == 3


def test_nfc_normalised_names():
    # "é" typed as e + combining acute is the same name as the precomposed é
    decomposed, composed = "e\u0301", "\u00e9"
    trace = api(f"{decomposed} * 2 + {composed}", **{composed: 1.5})
    assert trace.value == 4.5 and trace.gradient == {composed: 3}


# --------------------------------------------------------------------------------------------
# Constants pi and e
# --------------------------------------------------------------------------------------------

def test_constants():
    # area of a circle and its derivative 2πr; e^x has derivative e^x·ln e = e^x
    trace = api("pi*r^2", r=2)
    assert close(trace.value, math.pi * 4) and close(trace.gradient["r"], 2 * math.pi * 2)
    trace = api("e^x", x=1.5)
    assert close(trace.value, math.e ** 1.5) and close(trace.gradient["x"], math.e ** 1.5)
    trace = api("pi + e + x", x=0)
    assert close(trace.value, math.pi + math.e)
    assert trace.gradient == {"x": 1}                 # constants never appear in the gradient


def test_constants_are_not_variables(run_json):
    document = run_json("eval", "2*pi*x + e", "--at", "x=1")
    assert set(document["gradient"]) == {"x"}
    assert close(document["gradient"]["x"], 2 * math.pi)


# --------------------------------------------------------------------------------------------
# Every function at a point: value against the math module, derivative against a hand rule,
# both directly and through a chain rule f(2x + 1)
# --------------------------------------------------------------------------------------------

def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


# name, value, hand-derived derivative, points to test
FUNCTIONS = [
    ("exp", math.exp, math.exp, [-2.0, 0.0, 0.7]),
    ("log", math.log, lambda z: 1 / z, [0.3, 1.0, 5.0]),
    ("sqrt", math.sqrt, lambda z: 0.5 / math.sqrt(z), [0.25, 2.0, 9.0]),
    ("sin", math.sin, math.cos, [-1.0, 0.0, 2.5]),
    ("cos", math.cos, lambda z: -math.sin(z), [-1.0, 0.0, 2.5]),
    ("tan", math.tan, lambda z: 1 / math.cos(z) ** 2, [-1.0, 0.0, 0.5]),
    ("tanh", math.tanh, lambda z: 1 - math.tanh(z) ** 2, [-2.0, 0.0, 0.8]),
    ("sigmoid", _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)), [-3.0, 0.0, 1.2]),
    ("relu", lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0, [-1.5, 0.0, 2.0]),
    ("softplus", lambda z: math.log(1 + math.exp(z)), _sigmoid, [-3.0, 0.0, 1.2]),
    ("abs", abs, lambda z: (z > 0) - (z < 0), [-1.5, 0.0, 2.0]),
]


@pytest.mark.parametrize("name, value, derivative, points", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_function_value_and_derivative(name, value, derivative, points):
    for x in points:
        trace = api(f"{name}(x)", x=x)
        assert trace.value == pytest.approx(value(x), rel=1e-14, abs=1e-300), (name, x)
        assert trace.gradient["x"] == pytest.approx(derivative(x), rel=1e-14, abs=1e-300), (name, x)


@pytest.mark.parametrize("name, value, derivative, points", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_function_chain_rule(name, value, derivative, points):
    # d/dx f(2x + 1) = 2·f'(2x + 1); points chosen so that 2x + 1 is each test point
    for z in points:
        x = (z - 1) / 2
        trace = api(f"{name}(2*x + 1)", x=x)
        assert trace.value == pytest.approx(value(2 * x + 1), rel=1e-13, abs=1e-300)
        assert trace.gradient["x"] == pytest.approx(2 * derivative(2 * x + 1), rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "softplus"])
def test_smooth_function_against_finite_differences(name):
    # an independent check of the hand rules above: central differences of Python's function
    x = 0.6
    f = {"sigmoid": _sigmoid, "softplus": lambda z: math.log1p(math.exp(z))}.get(name) or getattr(math, name)
    trace = api(f"{name}(x^2 + 0.1)", x=x)
    fd = central_difference(lambda p: f(p["x"] ** 2 + 0.1), {"x": x}, "x")
    assert trace.gradient["x"] == pytest.approx(fd, rel=1e-7)


def test_sigmoid_and_softplus_are_stable_far_out():
    # sigmoid(-800) underflows to 0 without an overflow error; softplus(800) = 800
    assert api("sigmoid(x)", x=-800).value == 0
    assert api("sigmoid(x)", x=800).value == 1
    assert api("softplus(x)", x=800).value == 800
    assert api("softplus(x)", x=-800).value == pytest.approx(math.exp(-800), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("a, b", [(3.0, 1.0), (1.0, 3.0), (2.0, 2.0), (-1.0, -1.0)])
def test_max_min(a, b):
    # max: the larger argument gets derivative 1; on a tie (a = b) the first argument does.
    trace = api("max(a, b)", a=a, b=b)
    assert trace.value == max(a, b)
    assert trace.gradient == ({"a": 1, "b": 0} if a >= b else {"a": 0, "b": 1})
    trace = api("min(a, b)", a=a, b=b)
    assert trace.value == min(a, b)
    assert trace.gradient == ({"a": 1, "b": 0} if a <= b else {"a": 0, "b": 1})


def test_max_min_tie_conventions_are_stated(run_json):
    document = run_json("eval", "max(a, b) + min(a, b)", "--at", "a=2,b=2")
    # max sends its 1 to a, min sends its 1 to a: d/da = 2, d/db = 0
    assert document["value"] == 4 and document["gradient"] == {"a": 2, "b": 0}
    conventions = " ".join(document["conventions"])
    assert "max" in conventions and "min" in conventions


def test_max_of_same_variable():
    # max(x, x) = x: derivative 1 (the tie goes to the first argument, never 0 or 2)
    assert api("max(x, x)", x=0.5).gradient == {"x": 1}
    assert api("min(x, x)", x=0.5).gradient == {"x": 1}


def test_abs_and_relu_at_zero(run_json):
    document = run_json("eval", "abs(x) + relu(x)", "--at", "x=0")
    assert document["value"] == 0
    assert document["gradient"] == {"x": 0}        # abs'(0) = 0, relu'(0) = 0
    conventions = " ".join(document["conventions"])
    assert "abs'(0) = 0" in conventions and "relu'(0) = 0" in conventions


def test_conventions_only_for_ops_that_occur(run_json):
    assert run_json("eval", "x*y", "--at", "x=1,y=2")["conventions"] == []


# --------------------------------------------------------------------------------------------
# --at values: negatives, fractions, scientific notation, repeats
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("-3", -3.0), ("1/3", 1 / 3), ("-1/3", -1 / 3), ("2e-3", 2e-3), ("-2.5E+2", -250.0),
    (".5", 0.5), ("+4", 4.0), ("3/-4", -0.75),
])
def test_at_values(run_json, text, value):
    # f = x^2 → value x^2, derivative 2x, with x exactly as Python reads the number
    document = run_json("eval", "x^2", "--at", f"x={text}", "--no-trace")
    assert document["value"] == pytest.approx(value ** 2, rel=1e-15)
    assert document["gradient"]["x"] == pytest.approx(2 * value, rel=1e-15)


def test_at_spacing_and_repeats(run_json):
    document = run_json("eval", "a - b + c", "--at", "a=1, b=2", "--at", "c = 5", "--no-trace")
    assert document["value"] == 4


# --------------------------------------------------------------------------------------------
# --wrt: a subset of the variables, in the order given
# --------------------------------------------------------------------------------------------

def test_wrt_subset_and_order(run_json):
    document = run_json("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--wrt", "c,a")
    assert list(document["gradient"]) == ["c", "a"]
    assert document["gradient"] == {"c": 6, "a": 3}
    document = run_json("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--wrt", "b")
    assert document["gradient"] == {"b": 9}


def test_wrt_skips_derivatives_nobody_asked_for(run_cgrad):
    # f = sqrt(y)·x at y = 0: ∂f/∂x = sqrt(0) = 0 is well defined, only ∂f/∂y is not (infinite
    # slope of sqrt at 0). With --wrt x the unrequested ∂f/∂y should not make the run fail.
    code, out, err = run_cgrad("eval", "sqrt(y)*x", "--at", "x=1,y=0", "--wrt", "x", "--format", "json")
    assert code == 0, err
    assert '"gradient": {"x": 0}' in out


def test_wrt_through_api():
    trace = api("3*(a+b*c)", wrt=["c", "b"], a=1, b=2, c=3)
    assert list(trace.gradient) == ["c", "b"] and trace.gradient == {"c": 6, "b": 9}


# --------------------------------------------------------------------------------------------
# Where the expression comes from: argument, -f FILE, stdin, leading '-', '--'
# --------------------------------------------------------------------------------------------

SEED_002_FILE = """# seed 002
p = x + y
g = p*z
"""


def test_program_file(run_json, tmp_path):
    path = tmp_path / "seed002.cg"
    path.write_text(SEED_002_FILE, encoding="utf-8")
    document = run_json("eval", "-f", str(path), "--at", "x=1,y=3,z=-3")
    assert document["value"] == -12 and document["gradient"] == {"x": -3, "y": -3, "z": 4}
    document = run_json("eval", "--file", str(path), "--at", "x=1,y=3,z=-3")
    assert document["value"] == -12


def test_program_file_utf8(run_json, tmp_path):
    path = tmp_path / "greek.cg"
    path.write_text("α = 2*β\nγ = α^2\n", encoding="utf-8")
    document = run_json("eval", "-f", str(path), "--at", "β=1.5")
    assert document["value"] == 9


def test_stdin(run_json):
    document = run_json("eval", "-", "--at", "x=1,y=3,z=-3", input=SEED_002_FILE)
    assert document["value"] == -12 and document["gradient"] == {"x": -3, "y": -3, "z": 4}


def test_stdin_via_file_dash(run_json):
    document = run_json("eval", "-f", "-", "--at", "x=1,y=3,z=-3", input=SEED_002_FILE)
    assert document["value"] == -12


@pytest.mark.parametrize("args", [
    ["eval", "-x^2", "--at", "x=3"],                     # directly, before the options
    ["eval", "--at", "x=3", "-x^2"],                     # directly, after the options
    ["eval", "--at", "x=3", "--", "-x^2"],               # after '--'
    ["eval", "-", "--at", "x=3"],                        # from stdin (input below)
])
def test_expression_starting_with_minus(run_cgrad, args):
    # -x^2 = -(x^2) = -9 at x = 3, derivative -2x = -6
    code, out, err = run_cgrad(*args[:1], "--format", "json", *args[1:], input="-x^2")
    assert code == 0, err
    assert '"value": -9' in out and '"x": -6' in out


def test_expression_starting_with_minus_number(run_json):
    # -3*x at x=2: -6, derivative -3
    document = run_json("eval", "-3*x", "--at", "x=2")
    assert document["value"] == -6 and document["gradient"] == {"x": -3}


@pytest.mark.parametrize("expression, at, value", [
    ("-f^2", "f=3", -9.0),           # -(f^2): f is the seed-000 name for a function's value
    ("-force*2", "force=3", -6.0),
    ("-h*2", "h=3", -6.0),
])
def test_expression_starting_with_minus_and_an_option_letter(run_cgrad, expression, at, value):
    # The contract: an expression starting with '-' either just works or the error shows how to
    # write it (with '--'). "-f..." and "-h..." look like the short options -f FILE and -h.
    code, out, err = run_cgrad("eval", expression, "--at", at, "--format", "json", "--no-trace")
    if code == 0:
        assert f'"value": {int(value)}' in out
    else:
        assert code == 2 and err.startswith("error:") and "Traceback" not in err
        assert "--" in err and expression in err, f"the error does not show how to write it:\n{err}"
    # and '--' always works
    code, out, err = run_cgrad("eval", "--at", at, "--format", "json", "--no-trace", "--", expression)
    assert code == 0, err
    assert f'"value": {int(value)}' in out
