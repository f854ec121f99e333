"""`cgrad uncertainty`: GUM H.2 as GTC publishes it (and as `uncertainties` computes it), GUM H.1's budget
table, a differential test against `uncertainties`, the second-order term, Monte Carlo against the linear
result, and bad input. (GTC itself takes ~0.9 s to import, with scipy: its printed results are quoted instead.)"""
from __future__ import annotations

import json
import math
import random

import pytest
from hypothesis import given, settings, strategies as st

from conftest import run_cgrad_inprocess
import cgcli
from cgcli.render.budget import concise

H2 = ["R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I", "--at", "V=4.999±3.2e-3,I=19.661e-3±9.5e-6,phi=1.04446±7.5e-4",
      "--correlation", "V,I=-0.36", "--correlation", "V,phi=0.86", "--correlation", "I,phi=-0.65", "--output", "R,X,Z"]
# GUM H.1, the end gauge, in nm and °C: l = l_s + d − l_s·(δα·θ + α_s·δθ) (H.1.3); u(δα), u(δθ) rectangular
H1 = ["l = l_s + d - l_s*(dalpha*theta + alpha_s*dtheta)", "--at",
      f"l_s=50000623±25,d=215±9.7,alpha_s=11.5e-6±1.2e-6,theta=-0.1±0.41,dalpha=0±{1e-6 / math.sqrt(3)!r},"
      f"dtheta=0±{0.05 / math.sqrt(3)!r}", "--dof", "l_s=18,d=25.6,dalpha=50,dtheta=2"]


def run(*args: str, expect: int = 0) -> str:
    code, out, err = run_cgrad_inprocess("uncertainty", *args)
    assert code == expect, f"exit {code}; stderr:\n{err}"
    return out if expect == 0 else err


def run_json(*args: str) -> dict:
    return json.loads(run(*args, "--format", "json"))


def test_gum_h2_as_gtc_publishes_it():
    out = run(*H2)
    assert "R = 127.732(70)    X = 219.85(30)    Z = 254.26(24)" in out
    document = run_json(*H2)
    correlation = document["correlation"]
    assert [round(correlation["R"]["X"], 2), round(correlation["R"]["Z"], 2), round(correlation["X"]["Z"], 2)] == [
        -0.59, -0.49, 0.99]
    assert set(document["outputs"]["R"]) == {"value", "u", "budget"}
    assert set(document["outputs"]["R"]["budget"][0]) == {"input", "value", "u", "sensitivity", "contribution", "share"}
    assert sum(row["share"] for row in document["outputs"]["X"]["budget"]) == pytest.approx(1)


def test_gum_h2_against_uncertainties_and_central_differences():
    unc = pytest.importorskip("uncertainties")
    umath = pytest.importorskip("uncertainties.umath")
    import numpy as np

    values, us = [4.999, 19.661e-3, 1.04446], [3.2e-3, 9.5e-6, 7.5e-4]
    correlation = np.array([[1, -0.36, 0.86], [-0.36, 1, -0.65], [0.86, -0.65, 1]])
    V, I, phi = unc.correlated_values(values, np.outer(us, us) * correlation)
    outputs = {"R": V * umath.cos(phi) / I, "X": V * umath.sin(phi) / I, "Z": V / I}
    document = run_json(*H2)
    matrix = unc.correlation_matrix(list(outputs.values()))
    for a, (name, reference) in enumerate(outputs.items()):
        assert document["outputs"][name]["u"] == pytest.approx(reference.std_dev, rel=1e-12)
        for b, other in enumerate(outputs):
            assert document["correlation"][name][other] == pytest.approx(matrix[a][b], rel=1e-9)
    # the sensitivity coefficients of R, by central differences
    model = lambda v, i, p: v * math.cos(p) / i  # noqa: E731
    rows = document["outputs"]["R"]["budget"]
    for k, row in enumerate(rows[:3]):
        h = values[k] * 1e-6
        up, down = list(values), list(values)
        up[k] += h
        down[k] -= h
        assert row["sensitivity"] == pytest.approx((model(*up) - model(*down)) / (2 * h), rel=1e-8)
        assert row["contribution"] == pytest.approx(row["sensitivity"] * us[k], rel=1e-12)


def test_gum_h1_end_gauge_budget_table():
    # GUM Table H.1: uᵢ(l) in nm = 25, 9.7, 0, 0, 2.9, 16.6; u_c = 32 nm, ν_eff = 16, k = t_99(16) = 2.92, U_99 = 93 nm;
    # with the second-order terms (H.1.7) u_c = 34 nm
    document = run_json(*H1, "--coverage", "0.99", "--second-order")
    output = document["outputs"]["l"]
    contributions = [abs(row["contribution"]) for row in output["budget"]]
    assert [round(x, 1) for x in contributions] == [25.0, 9.7, 0.0, 0.0, 2.9, 16.6]
    assert round(output["u"]) == 32 and math.floor(output["dof"]) == 16
    # the GUM multiplies its rounded figures, 2.92 × 32 nm = 93 nm (unrounded: 92.5 nm)
    assert round(output["k"], 2) == 2.92 and round(round(output["k"], 2) * round(output["u"])) == 93
    assert output["U"] == pytest.approx(output["k"] * output["u"])
    assert round(output["second_order"]["u"]) == 34
    assert output["value"] == pytest.approx(50000838)
    table = run(*H1, "--coverage", "0.99")
    assert "k = 2.92 (t-distribution, ν = 16, p = 99 %)" in table


def _formula(rng: random.Random, names: list[str], depth: int = 3) -> str:
    """A random formula over `names` that stays finite near positive values."""
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(names) if rng.random() < 0.8 else repr(round(rng.uniform(0.5, 3), 2))
    kind = rng.choice(["+", "-", "*", "/", "sin", "exp", "log", "sqrt"])
    if kind in "+-*/":
        left, right = _formula(rng, names, depth - 1), _formula(rng, names, depth - 1)
        return f"({left} {kind} (2 + {right}*{right}))" if kind == "/" else f"({left} {kind} {right})"
    inner = _formula(rng, names, depth - 1)
    return {"sin": f"sin({inner})", "exp": f"exp({inner}/10)", "log": f"log(1 + {inner}*{inner})",
            "sqrt": f"sqrt(1 + {inner}*{inner})"}[kind]


@pytest.mark.parametrize("seed", range(24))
def test_differential_against_uncertainties(seed):
    unc = pytest.importorskip("uncertainties")
    umath = pytest.importorskip("uncertainties.umath")
    import numpy as np

    rng = random.Random(seed)
    names = ["a", "b", "c"]
    formula = _formula(rng, names)
    while len(cgcli.parse(formula).variables) < 3:
        formula = _formula(rng, names)
    values = [rng.uniform(0.5, 2) for _ in names]
    us = [rng.uniform(0.001, 0.1) for _ in names]
    correlated = seed % 2 == 1
    matrix = np.eye(3)
    if correlated:  # a random correlation matrix: positive definite by construction
        A = np.array([[rng.gauss(0, 1) for _ in range(3)] for _ in range(3)])
        covariance = A @ A.T + 0.1 * np.eye(3)
        d = np.sqrt(np.diag(covariance))
        matrix = covariance / np.outer(d, d)
    correlation = {(names[i], names[j]): float(matrix[i, j]) for i in range(3) for j in range(i + 1, 3) if correlated}
    budget = cgcli.uncertainty(formula, {n: (v, u) for n, v, u in zip(names, values, us)}, correlation)
    ours = next(iter(budget.outputs.values()))
    reference = unc.correlated_values(values, np.outer(us, us) * matrix)
    scope = {"sin": umath.sin, "exp": umath.exp, "log": umath.log, "sqrt": umath.sqrt, **dict(zip(names, reference))}
    expected = eval(formula, scope)  # noqa: S307 - our own generated formula
    expected_u = getattr(expected, "std_dev", 0.0)
    assert ours.value == pytest.approx(getattr(expected, "nominal_value", expected), rel=1e-12)
    assert ours.u == pytest.approx(expected_u, rel=1e-9, abs=1e-15), formula


def test_second_order_of_a_product_at_zero():
    # x·y at 0±1, 0±1: every first derivative is 0, ½·(∂²f/∂x∂y)²·u²u² twice gives u_c² = 1 (GUM 5.1.2)
    output = run_json("x*y", "--at", "x=0±1,y=0±1", "--second-order")["outputs"]["f"]
    assert output["u"] == 0 and output["second_order"] == {"u": 1.0, "u_linear": 0.0}


def test_second_order_by_hand():
    # f = exp(x)·sin(y): every partial derivative is ±exp(x)·sin(y) or ±exp(x)·cos(y)
    x, y, ux, uy = 0.7, 1.3, 0.2, 0.1
    es, ec = math.exp(x) * math.sin(y), math.exp(x) * math.cos(y)
    c = {"x": es, "y": ec}
    second = {("x", "x"): es, ("x", "y"): ec, ("y", "x"): ec, ("y", "y"): -es}
    third = {("x", "x"): es, ("x", "y"): -es, ("y", "x"): ec, ("y", "y"): -ec}  # ∂³f/∂i∂j²
    u = {"x": ux, "y": uy}
    variance = sum((c[i] * u[i]) ** 2 for i in u) + sum(
        (second[i, j] ** 2 / 2 + c[i] * third[i, j]) * u[i] ** 2 * u[j] ** 2 for i in u for j in u)
    output = next(iter(cgcli.uncertainty("exp(x)*sin(y)", {"x": "0.7±0.2", "y": "1.3±0.1"}, second_order=True
                                         ).outputs.values()))
    assert output.second_order.u == pytest.approx(math.sqrt(variance), rel=1e-12)
    assert sum(output.second_order.third, []) == pytest.approx([third[i, j] for i in u for j in u], rel=1e-12)


def test_monte_carlo_agrees_on_a_near_linear_model_and_repeats_with_its_seed():
    count = 200_000
    document = run_json(*H2, "--monte-carlo", str(count), "--seed", "7")
    for output in document["outputs"].values():
        mc = output["monte_carlo"]
        # the standard deviation of a sample's standard deviation is about u/√(2N)
        assert mc["u"] == pytest.approx(output["u"], rel=5 / math.sqrt(2 * count) + 0.002)
        assert mc["value"] == pytest.approx(output["value"], abs=5 * output["u"] / math.sqrt(count))
        low, high = mc["interval"]
        assert low < output["value"] < high
        assert high - low == pytest.approx(2 * 1.96 * output["u"], rel=0.02)
    assert run_json(*H2, "--monte-carlo", "1000", "--seed", "7") == run_json(*H2, "--monte-carlo", "1000", "--seed", "7")


def test_monte_carlo_shows_what_the_linear_result_misses():
    # x·y at 0±1: the product of two standard normals has standard deviation 1; the linear u_c is 0
    output = run_json("x*y", "--at", "x=0±1,y=0±1", "--monte-carlo", "100000", "--seed", "1",
                      "--second-order")["outputs"]["f"]
    assert output["u"] == 0
    assert output["monte_carlo"]["u"] == pytest.approx(1, rel=0.02)
    assert output["monte_carlo"]["validated"] is False
    assert output["second_order"]["u"] == 1


def test_monte_carlo_distributions_and_correlation():
    from cgcli.language.measurements import Inputs, Measured
    from cgcli.passes.monte_carlo import draws

    inputs = Inputs([Measured("a", "1", 1.0, 0.5), Measured("b", "2", 2.0, 0.1), Measured("c", "0", 0.0, 2.0, 4.0),
                     Measured("d", "3", 3.0, 0.3, distribution="rect"), Measured("e", "3", 3.0, 0.3, distribution="tri")],
                    [], {("a", "b"): 0.8})
    columns = draws(inputs, 200_000, 3)
    import numpy as np

    assert np.corrcoef(columns["a"], columns["b"])[0, 1] == pytest.approx(0.8, abs=0.01)
    assert np.std(columns["a"]) == pytest.approx(0.5, rel=0.01) and np.std(columns["b"]) == pytest.approx(0.1, rel=0.01)
    assert np.ptp(columns["d"]) == pytest.approx(2 * math.sqrt(3) * 0.3, rel=0.001)  # rectangular of half-width √3·u
    assert np.std(columns["d"]) == pytest.approx(0.3, rel=0.01) and np.std(columns["e"]) == pytest.approx(0.3, rel=0.01)
    assert np.std(columns["c"]) == pytest.approx(2 * math.sqrt(4 / 2), rel=0.03)  # t₄ scaled by u: sd u·√(ν/(ν−2))


def test_coverage_factors_of_the_t_distribution():
    from cgcli.passes.uncertainty import t_quantile

    # GUM Table G.2
    assert round(t_quantile(0.9545, 10), 2) == 2.28 and round(t_quantile(0.99, 16), 2) == 2.92
    # scipy.stats.t.ppf((1 + p)/2, ν) (scipy 1.17)
    for p, nu, expected in ((0.95, 1, 12.706204736174694), (0.95, 3.5, 2.9400886379827282),
                            (0.6827, 7, 1.0767385673224845), (0.99, 50, 2.677793270940844)):
        assert t_quantile(p, nu) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("value, u, printed", [  # str(GTC.ureal(value, u)) in GTC 1.5.1
    (127.73216992810208, 0.06997872798837174, "127.732(70)"), (219.8465119126384, 0.2957, "219.85(30)"),
    (12345, 320, "12340(320)"), (1.0, 0.0996, "1.00(10)"), (5, 0.12345, "5.00(12)"), (-0.00123, 0.0000456, "-0.001230(46)"),
    (12345, 3200, "12300(3200)"), (10, 3, "10.0(3.0)"), (0.001, 5, "0.0(5.0)"), (1e-3, 1e-12, "0.0010000000000(10)"),
    # where str() writes a run of zeros or a float's binary digits, GTC's format(x, "e")
    (2e-60, 3.6e-62, "2.000(36)e-60"), (1e30, 1e28, "1.000(10)e+30"), (6.02214076e23, 1e15, "6.022140760(10)e+23"),
    (0, 1e-40, "0.0(1.0)e-40"), (-1e-7, 3e-9, "-1.000(30)e-07")])
def test_concise_notation_as_gtc_prints_it(value, u, printed):
    assert concise(value, u) == printed


@pytest.mark.parametrize("at, expected", [
    ("V=4.999+-0.0032", (4.999, 0.0032)), ("V=4.9990(32)", (4.999, 0.0032)), ("V=19.6610(95)e-3", (0.019661, 9.5e-6)),
    ("V=127.732(0.070)", (127.732, 0.07)), ("V=1/4±1/8", (0.25, 0.125)), ("V=4.999 ± 0.0032", (4.999, 0.0032))])
def test_input_forms(at, expected):
    row = run_json("2*V", "--at", at)["outputs"]["f"]["budget"][0]
    assert (row["value"], row["u"]) == pytest.approx(expected, rel=1e-12)


def test_json_file_and_constants(tmp_path):
    path = tmp_path / "inputs.json"
    path.write_text('{"V": {"value": 4.999, "u": 0.0032, "dof": 9}, "I": {"value": "19.661e-3", "u": 9.5e-6}, "n": 2}')
    output = run_json("n*V/I", "--at", f"@{path}")["outputs"]["f"]
    assert [row["input"] for row in output["budget"]] == ["V", "I"]  # n is exact: no row
    assert output["value"] == pytest.approx(2 * 4.999 / 19.661e-3) and output["dof"] > 9


@pytest.mark.parametrize("args, message", [
    (["--correlation", "V,I=1.5"], "--correlation V,I=1.5: a correlation coefficient is between -1 and 1"),
    (["--correlation", "V,W=0.5"], "W: it has no uncertainty in --at"),
    (["--correlation", "V,Q=0.5"], "Q: no input of that name"),
    (["--correlation", "V,I=0.5", "--correlation", "I,V=0.5"], "the correlation of I and V is given twice"),
    (["--correlation", "V,I=0.9", "--correlation", "V,T=0.9", "--correlation", "I,T=-0.9"],
     "the correlation matrix is not positive semi-definite"),
    (["--dof", "V=0"], "--dof V=0: degrees of freedom are a positive number"),
    (["--dof", "W=3"], "W is not an input with an uncertainty"),
    (["--distribution", "V=rect"], "add --monte-carlo N"),
    (["--distribution", "V=cauchy", "--monte-carlo", "10"], "expected one of normal, rect, tri"),
    (["--correlation", "V,I=0.5", "--dof", "V=3"], "Welch–Satterthwaite formula holds for independent inputs only"),
    (["--correlation", "V,I=0.5", "--second-order"], "higher-order terms hold for independent inputs only"),
    (["--k", "2", "--coverage", "0.95"], "give --k or --coverage, not both"),
    (["--seed", "3"], "add --monte-carlo N"),
])
def test_bad_input_is_one_error_and_exit_2(args, message):
    err = run("V/I + W + T", "--at", "V=4.999±0.0032,I=0.02±1e-5,T=1±0.1,W=1", *args, expect=2)
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1, err


def test_negative_uncertainty_and_no_uncertainty_at_all():
    assert "the standard uncertainty -1 is negative" in run("a + b", "--at", "a=1±-1,b=1", expect=2)
    assert "no input has an uncertainty" in run("a + b", "--at", "a=1,b=1", expect=2)


def test_a_draw_outside_the_domain_is_a_math_error():
    err = run("sqrt(a)", "--at", "a=0.1±1", "--monte-carlo", "100", "--seed", "1", expect=1)
    assert "--monte-carlo: the model fails at draw" in err and "square root of a negative number" in err


def test_markdown_shows_the_derivation_and_the_budget():
    from test_render_markdown import table_rows

    text = run(*H2, "--format", "markdown")
    assert "```mermaid" in text and "#### Backward pass (output to inputs): ∂R/∂node" in text
    rows = table_rows(text, "#### Budget of R")
    assert [row[0] for row in rows] == ["V", "I", "phi", "r(V, I)", "r(V, phi)", "r(I, phi)"]
    assert rows[0][3] == "25.5515"  # c_V = cos(phi)/I
    assert "**R = 127.732(70)    X = 219.85(30)    Z = 254.26(24)**" in text


def test_latex_compiles(tmp_path):
    from conftest import compile_latex
    from test_render_latex import balanced

    fragments = [run(*H2, "--format", "latex"), run(*H1, "--format", "latex", "--k", "2", "--second-order",
                                                             "--monte-carlo", "2000", "--seed", "1")]
    for fragment in fragments:
        balanced(fragment.replace("\\%", ""))  # its comment stripping would cut at the escaped % of "95\,\%"
    compile_latex(fragments, tmp_path, "budget")


def test_api_returns_the_budget():
    budget = cgcli.uncertainty("Z = V/I", {"V": "4.999±0.0032", "I": (19.661e-3, 9.5e-6)}, k=2)
    z = budget.outputs["Z"]
    assert z.u == pytest.approx(math.hypot(0.0032 / 19.661e-3, 4.999 * 9.5e-6 / 19.661e-3 ** 2), rel=1e-12)
    assert z.U == 2 * z.u and [row.input for row in z.rows] == ["V", "I"]


def test_coverage_intervals_shortest_and_symmetric():
    # exp(x) at 0±0.5 is lognormal: its probabilistically symmetric 95 % interval is exp(±1.96·0.5), and the
    # shortest one is narrower and lies lower
    args = ["exp(x)", "--at", "x=0±0.5", "--monte-carlo", "200000", "--seed", "4"]
    symmetric = run_json(*args, "--interval", "symmetric")["outputs"]["f"]["monte_carlo"]["interval"]
    shortest = run_json(*args)["outputs"]["f"]["monte_carlo"]["interval"]
    z = 1.959963984540054
    assert symmetric == pytest.approx([math.exp(-z * 0.5), math.exp(z * 0.5)], rel=0.01)
    assert shortest[1] - shortest[0] < symmetric[1] - symmetric[0] and shortest[0] < symmetric[0]


def test_validation_by_the_numerical_tolerance_of_s1_section_8():
    import numpy as np
    from statistics import NormalDist

    from cgcli.passes.monte_carlo import summary

    count, y, u = 20_000, 10.0, 0.0123  # u to 2 digits: 1.2 × 10⁻², so δ = 0.0005
    quantiles = np.array([NormalDist(y, u).inv_cdf((i + 0.5) / count) for i in range(count)])
    U = 1.959963984540054 * u
    agreeing = summary(quantiles, 0.95, "symmetric", 0, y, u, U)
    assert agreeing.tolerance == pytest.approx(0.0005) and agreeing.validated
    assert not summary(quantiles * 1.1 - y * 0.1, 0.95, "symmetric", 0, y, u, U).validated  # 10 % wider


def test_fully_correlated_inputs_cancel():
    # r = 1 makes the correlation matrix singular: no Cholesky factor, the eigenvectors' square root instead
    output = run_json("a - b", "--at", "a=1±0.1,b=2±0.1", "--correlation", "a,b=1", "--monte-carlo", "1000",
                      "--seed", "2")["outputs"]["f"]
    assert output["u"] == pytest.approx(0, abs=1e-15) and output["monte_carlo"]["u"] == pytest.approx(0, abs=1e-12)


def test_many_inputs_stay_cheap():
    names = [f"x{i}" for i in range(400)]
    budget = cgcli.uncertainty(" + ".join(names), {name: (1.0, 0.1) for name in names},
                               {("x0", "x1"): 0.5}, outputs=None)
    output = next(iter(budget.outputs.values()))
    assert output.u == pytest.approx(math.sqrt(400 * 0.01 + 2 * 0.5 * 0.01))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(text=st.text(alphabet="0123456789.e-+±()/ ,x", max_size=16))
def test_any_value_text_is_a_budget_or_one_input_error(text):
    code, out, err = run_cgrad_inprocess("uncertainty", "2*x", "--at", f"x={text}")
    assert code in (0, 2), err
    assert code == 0 or (err.startswith("error: ") and "internal error" not in err)
