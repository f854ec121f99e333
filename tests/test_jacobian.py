"""Several outputs (`--output R,X,Z`, `--output all`, cgcli.jacobian): values and Jacobians against
sympy's `jacobian` in float (1e-12 relative), --exact (equal rationals) and --digits 30 (within a unit
of the 30th digit), on the GUM H.2 formulas and on generated programs whose outputs share nodes;
forward and reverse mode agreeing; the JSON shape; the formats; the errors."""
from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import pytest

import cgcli
from conftest import run_cgrad_inprocess, run_json_inprocess

sympy = pytest.importorskip("sympy", reason="sympy is not installed (it is in the test extras: pip install '.[test]')")

GUM_H2 = "R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I"
GUM_POINT = {"V": "4.999", "I": "0.019661", "phi": "1.04446"}  # the GUM's means (H.2, table H.2)


def _at(point: dict[str, str]) -> str:
    return ",".join(f"{name}={text}" for name, text in point.items())


def _sympy_jacobian(statements: list[tuple[str, str]], point: dict[str, str], digits: int = 50):
    """sympy's values and Jacobian of the program's assigned names, each statement's earlier names
    substituted; `point` read exactly."""
    symbols = {name: sympy.Symbol(name, real=True) for name in point}
    defined: dict[str, object] = {}
    for name, text in statements:
        defined[name] = sympy.sympify(text, locals={**symbols, **defined})
    names = [name for name, _ in statements]
    variables = [symbols[name] for name in point]
    matrix = sympy.Matrix([defined[name] for name in names]).jacobian(variables)
    at = {symbols[name]: sympy.Rational(text) for name, text in point.items()}
    values = {name: defined[name].subs(at) for name in names}
    entries = {name: {str(v): matrix[i, j].subs(at) for j, v in enumerate(variables)} for i, name in enumerate(names)}
    if digits:
        values = {name: sympy.N(value, digits) for name, value in values.items()}
        entries = {name: {v: sympy.N(x, digits) for v, x in row.items()} for name, row in entries.items()}
    return values, entries


def _statements(program: str) -> list[tuple[str, str]]:
    return [tuple(part.strip() for part in statement.split("=", 1)) for statement in program.split(";")]


def _close(got: float, expected, rel: float = 1e-12) -> bool:
    return math.isclose(got, float(expected), rel_tol=rel, abs_tol=rel)


def _within_last_digit(text: str, expected, digits: int = 30) -> bool:
    """cgrad's correctly rounded N-digit decimal is within one unit of the Nth digit of the reference."""
    got, exact = sympy.Rational(text), sympy.Rational(str(sympy.N(expected, 60)))
    if exact == 0:
        return abs(got) < sympy.Rational(1, 10 ** digits)
    unit = sympy.Rational(10) ** (sympy.floor(sympy.log(abs(exact), 10)) - digits + 1)
    return abs(got - exact) <= unit


# ---- generated programs: each output uses variables and the outputs before it ----

def _expression(rng: random.Random, atoms: list[str], depth: int, rational: bool, root: bool = False) -> str:
    if depth == 0 or (not root and rng.random() < 0.25):
        return rng.choice(atoms) if rng.random() < 0.85 else str(rng.randint(1, 5))
    a = _expression(rng, atoms, depth - 1, rational)
    b = _expression(rng, atoms, depth - 1, rational)
    choices = ["add", "sub", "mul", "div", "pow"] + ([] if rational else ["sin", "cos", "exp", "log", "sqrt"])
    kind = rng.choice(choices)
    return {"add": f"({a} + {b})", "sub": f"({a} - {b})", "mul": f"{a}*{b}", "div": f"{a}/(1 + ({b})^2)",
            "pow": f"({a})^{rng.randint(2, 2 if rational else 3)}", "sin": f"sin({a})", "cos": f"cos({a})",
            "exp": f"exp({a}/8)",
            "log": f"log(1 + ({a})^2)", "sqrt": f"sqrt(2 + ({a})^2)"}[kind]


def _program(seed: int, rational: bool) -> tuple[str, dict[str, str]]:
    rng = random.Random(seed)
    variables = ["x", "y", "z"][:rng.randint(2, 3)]
    atoms, statements = list(variables), []
    for k in range(rng.randint(2, 4)):
        name = f"o{k + 1}"
        statements.append(f"{name} = {_expression(rng, atoms, 3, rational, root=True)}")
        atoms.append(name)
    if rational:
        point = {v: str(Fraction(rng.randint(-9, 9), rng.randint(1, 4))) for v in variables}
    else:
        point = {v: f"{rng.uniform(-1.5, 1.5):.3f}" for v in variables}
    return "; ".join(statements), point


FLOAT_PROGRAMS = [_program(seed, rational=False) for seed in range(8)]
EXACT_PROGRAMS = [_program(100 + seed, rational=True) for seed in range(6)]


def _variables_used(program: str, point: dict[str, str]) -> dict[str, str]:
    used = cgcli.parse(program).variables
    return {name: text for name, text in point.items() if name in used}


@pytest.mark.parametrize("program, point", [(GUM_H2, GUM_POINT), *FLOAT_PROGRAMS], ids=range(9))
def test_float_jacobian_agrees_with_sympy(program, point):
    point = _variables_used(program, point)
    document = run_json_inprocess("eval", program, "--at", _at(point), "--output", "all", "--no-trace")
    values, entries = _sympy_jacobian(_statements(program), point)
    assert document["outputs"] == list(values) and sorted(document["variables"]) == sorted(point)
    for name in values:
        assert _close(document["values"][name], values[name]), (name, document["values"][name], values[name])
        for variable, expected in entries[name].items():
            got = document["jacobian"][name][variable]
            assert _close(got, expected), (name, variable, got, expected)


@pytest.mark.parametrize("program, point", EXACT_PROGRAMS, ids=range(6))
def test_exact_jacobian_equals_sympy(program, point):
    point = _variables_used(program, point)
    values, entries = _sympy_jacobian(_statements(program), point, digits=0)
    for mode in ("reverse", "forward"):
        result = cgcli.jacobian(program, at=point, numbers="exact", mode=mode)
        assert result.values == {name: Fraction(int(v.p), int(v.q)) for name, v in values.items()}
        assert result.jacobian == {name: {v: Fraction(int(x.p), int(x.q)) for v, x in row.items()}
                                   for name, row in entries.items()}


@pytest.mark.parametrize("program, point", [(GUM_H2, GUM_POINT), *FLOAT_PROGRAMS[:2]], ids=range(3))
def test_digits_jacobian_agrees_with_sympy(program, point):
    point = _variables_used(program, point)
    document = run_json_inprocess("eval", program, "--at", _at(point), "--output", "all", "--digits", "30",
                                  "--no-trace")
    values, entries = _sympy_jacobian(_statements(program), point, digits=60)
    for name in values:
        assert _within_last_digit(document["values"][name], values[name])
        for variable, expected in entries[name].items():
            assert _within_last_digit(document["jacobian"][name][variable], expected), (name, variable)


def test_gum_h2_exact_where_rational():
    """Z = V/I and a rational stand-in for R (cos is irrational): fractions, both modes, every column."""
    result = cgcli.jacobian("R = V*c/I; Z = V/I", at={"V": "4.999", "I": "0.019661", "c": "1/2"}, numbers="exact",
                            wrt=["V", "I"])
    V, I = Fraction("4.999"), Fraction("0.019661")
    assert result.jacobian == {"R": {"V": Fraction(1, 2) / I, "I": -Fraction(1, 2) * V / I ** 2},
                               "Z": {"V": 1 / I, "I": -V / I ** 2}}


@pytest.mark.parametrize("numbers", [[], ["--exact"], ["--digits", "25"], ["--interval"]])
def test_forward_and_reverse_agree(numbers):
    program, point = "u = x*y; a = u + x^2/y; b = u*a - y", {"x": "2/3", "y": "-5/4"}
    code, out, err = run_cgrad_inprocess("eval", program, "--at", _at(point), "--output", "a,b", "--mode", "both",
                                         "--format", "json", *numbers)
    assert code == 0, err
    document = json.loads(out)
    assert document["mode"] == "both" and document["agree"].startswith("every partial derivative")
    assert document["forward_mode"]["mode"] == "forward"
    assert set(document["forward_mode"]["jacobian"]) == set(document["jacobian"]) == {"a", "b"}


@pytest.mark.parametrize("program, point", FLOAT_PROGRAMS[4:7], ids=range(3))
def test_forward_and_reverse_agree_on_generated_programs(program, point):
    point = _variables_used(program, point)
    reverse = cgcli.jacobian(program, at=point)
    forward = cgcli.jacobian(program, at=point, mode="forward")
    assert reverse.values == forward.values
    for name in reverse.outputs:
        for variable in reverse.variables:
            assert _close(forward.jacobian[name][variable], reverse.jacobian[name][variable])


# ---- the shape of the answers ----

def test_json_shape_with_the_passes():
    document = run_json_inprocess("eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "Z,R")
    assert list(document) == ["outputs", "variables", "values", "jacobian", "numbers", "mode", "conventions",
                              "forward", "backward"]
    assert document["outputs"] == ["Z", "R"] and document["variables"] == ["V", "phi", "I"]
    assert list(document["jacobian"]["Z"]) == ["V", "phi", "I"]
    assert document["jacobian"]["Z"]["phi"] == 0  # Z does not depend on phi: a structural zero
    assert "value" not in document and "gradient" not in document  # those are one output's
    assert [row["name"] for row in document["forward"]].count("V") == 1  # the forward pass is shared
    assert list(document["backward"]) == ["Z", "R"]
    assert document["backward"]["Z"][0] == {"name": "Z", "adjoint": 1, "terms": []}


def test_json_shape_of_forward_mode():
    document = run_json_inprocess("eval", "R = V*c/I; Z = V/I", "--at", "V=4.999,I=0.019661,c=1/2", "--output", "all",
                                  "--mode", "forward", "--exact", "--wrt", "V,I")
    assert document["mode"] == "forward" and document["variables"] == ["V", "I"]
    assert document["directions"] == ["∂/∂V", "∂/∂I"]
    assert document["jacobian"]["Z"] == {"V": str(1 / Fraction("0.019661")),
                                         "I": str(-Fraction("4.999") / Fraction("0.019661") ** 2)}
    assert {row["name"] for row in document["tangents"]} >= {"V", "I", "R", "Z"}


def test_one_output_keeps_value_and_gradient():
    document = run_json_inprocess("eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "Z", "--no-trace")
    assert set(document) >= {"value", "gradient"} and "jacobian" not in document


def test_output_all_is_a_jacobian_even_of_one_output_and_skips_constants():
    document = run_json_inprocess("eval", "c = 3; y = c*x", "--at", "x=2", "--output", "all", "--no-trace")
    assert document["outputs"] == ["y"] and document["jacobian"] == {"y": {"x": 3}}


def test_wrt_selects_columns_including_intermediates():
    document = run_json_inprocess("eval", "u = x*y; a = u + x; b = u*y", "--at", "x=2,y=3", "--output", "a,b",
                                  "--wrt", "u,x", "--exact", "--no-trace")
    assert document["variables"] == ["u", "x"]
    # ∂a/∂u = 1, ∂a/∂x = y + 1 (through u and directly), ∂b/∂u = y, ∂b/∂x = y^2
    assert document["jacobian"] == {"a": {"u": "1", "x": "4"}, "b": {"u": "3", "x": "9"}}


def test_tensor_variables_give_tensor_entries():
    result = cgcli.jacobian("s = sum(w*w); t = s*x", at={"w": [1, 2], "x": 3}, numbers="exact")
    assert result.variables == ["w", "x"]
    assert [list(map(Fraction, result.jacobian["t"]["w"]))] == [[6, 12]]
    assert result.jacobian["t"]["x"] == 5 and list(result.jacobian["s"]["w"]) == [2, 4]


def test_api():
    result = cgcli.jacobian(GUM_H2, at=GUM_POINT, outputs=["X", "Z"], digits=20)
    assert result.outputs == ["X", "Z"] and len(result.matrix()) == 2 and len(result.matrix()[0]) == 3
    assert isinstance(result.values["X"], str)  # certified digits as text, as evaluate gives them
    with pytest.raises(cgcli.InputError, match="cgcli.jacobian"):
        cgcli.evaluate(GUM_H2, at=GUM_POINT, output=["X", "Z"])
    # in a notebook: what `cgrad eval --output X,Z --format markdown` (or latex) writes
    code, markdown, _ = run_cgrad_inprocess("eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "X,Z", "--digits", "20",
                                            "--format", "markdown")
    assert code == 0 and result._repr_markdown_() == markdown and "### Backward pass from Z" in markdown
    assert result._repr_latex_().endswith("\\end{align*}\n")


def test_table_markdown_and_latex():
    args = ["eval", "R = V/I; Z = V*I", "--at", "V=5,I=2", "--output", "all", "--exact"]
    code, table, _ = run_cgrad_inprocess(*args)
    assert code == 0
    lines = table.splitlines()
    assert "Backward pass (R to inputs): ∂R/∂node · exact (rational)" in lines
    jacobian = lines[lines.index("Jacobian · exact (rational)") + 2:]
    assert jacobian[0].split() == ["output", "value", "∂/∂V", "∂/∂I"]
    assert jacobian[2].split() == ["R", "5/2", "≈", "2.5", "1/2", "≈", "0.5", "-5/4", "≈", "-1.25"]
    assert jacobian[3].split() == ["Z", "10", "2", "5"]
    code, markdown, _ = run_cgrad_inprocess(*args, "--format", "markdown")
    assert code == 0
    assert "**R = 5/2 ≈ 2.5**, **Z = 10**" in markdown
    assert markdown.count(":::out") == 2 and "### Backward pass from Z: ∂Z/∂node" in markdown
    matrix = (r"$$\frac{\partial(R, Z)}{\partial(V, I)} = "
              r"\begin{bmatrix}\frac{1}{2} & -\frac{5}{4} \\ 2 & 5\end{bmatrix}$$")
    assert matrix in markdown
    code, latex, _ = run_cgrad_inprocess(*args, "--format", "latex", "--no-trace")
    assert code == 0 and matrix.strip("$").replace(" = ", " &= ", 1) in latex


def test_diagram_draws_every_output():
    code, out, err = run_cgrad_inprocess("diagram", GUM_H2, "--output", "all")
    assert code == 0, err
    assert [line.split("(")[1].split(" =")[0].strip("[\"") for line in out.splitlines() if ":::out" in line] == \
        ["R", "X", "Z"]
    code, out, err = run_cgrad_inprocess("diagram", GUM_H2, "--output", "R,Z", "--at", "V=1,I=2,phi=0")
    assert code == 0 and "R = t2 / I = 0.5" in out and "∂" not in out


# ---- errors: exit 2, one line ----

@pytest.mark.parametrize("args, message", [
    (["eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "R,Q"], "--output R,Q: the program assigns no name 'Q'"),
    (["eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "R,X,R"], "'R' is named twice"),
    (["eval", "c = 3", "--output", "all"], "assigns no computed names"),
    (["eval", "W = w*2; s = sum(w)", "--at", "w=[1,2]", "--output", "W,s"], "W is a 2 tensor"),
    (["eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "R,X", "--blank", "grads"], "--blank shows a worksheet"),
    (["eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "R,X", "--naive"], "--naive shows"),
    (["eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "R,X", "--mode", "forward", "--tangent", "V=1"],
     "--tangent shows the JVP of one output"),
    (["eval", GUM_H2, "--at", _at(GUM_POINT), "--output", "R,X", "--mode", "forward", "--wrt", "t1"],
     "forward mode seeds the variables"),
    (["eval", "-", "--each", "--at", _at(GUM_POINT), "--output", "R,X"], "with --each give one"),
    (["check", GUM_H2, "--at", _at(GUM_POINT), "--output", "R,X"], "this command takes one"),
    (["hessian", GUM_H2, "--at", _at(GUM_POINT), "--output", "all"], "this command takes one"),
    (["diagram", GUM_H2, "--output", "R,X", "--at", _at(GUM_POINT), "--products"], "--products shows"),
])
def test_errors(args, message):
    code, out, err = run_cgrad_inprocess(*args, input=GUM_H2)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err


@pytest.mark.parametrize("mode", ["forward", "both"])
@pytest.mark.parametrize("fmt", ["table", "markdown", "latex"])
def test_forward_mode_passes_in_every_format(mode, fmt):
    code, out, err = run_cgrad_inprocess("eval", "R = V/I; Z = V*I", "--at", "V=5,I=2", "--output", "all", "--exact",
                                         "--mode", mode, "--format", fmt)
    assert code == 0, err
    assert "Forward mode (inputs to outputs, dual numbers)" in out
    assert ("Backward pass" in out) == (mode == "both")
    assert "2 tangents, one per scalar input" in out
    assert (r"\frac{\partial(R, Z)}{\partial(V, I)}" in out) == (fmt != "table")
