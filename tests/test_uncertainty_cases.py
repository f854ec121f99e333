"""`cgrad uncertainty` on inputs nobody tuned it to: physics formulas worked by hand, extreme magnitudes,
outputs that are constants or reach no uncertain input, `--output all`."""
from __future__ import annotations

import math
import re

import pytest

from test_uncertainty import run, run_json


def test_ideal_gas_by_hand():
    # p = nRT/V, R exact: c_n = p/n, c_T = p/T, c_V = -p/V; u_c² the sum of the squared contributions
    n, R, T, V = 1.0, 8.314462618, 293.15, 0.024
    un, uT, uV = 0.005, 0.1, 0.0001
    p = n * R * T / V
    document = run_json("p = n*R*T/V", "--at", f"n=1.000(5),R={R},T=293.15±0.1,V=0.0240±0.0001")
    output = document["outputs"]["p"]
    assert [row["input"] for row in output["budget"]] == ["n", "T", "V"]  # R is exact: no row
    assert [row["sensitivity"] for row in output["budget"]] == pytest.approx([p / n, p / T, -p / V], rel=1e-12)
    assert output["u"] == pytest.approx(math.hypot(p / n * un, p / T * uT, p / V * uV), rel=1e-12)


def test_tiny_and_huge_results_in_concise_notation():
    # x·y at 1e-30 ± 1e-32, 2e-30 ± 3e-32: u = √((2e-30·1e-32)² + (1e-30·3e-32)²) = 3.6e-62
    assert "f = 2.000(36)e-60" in run("x*y", "--at", "x=1e-30±1e-32,y=2e-30±3e-32")
    out = run("x", "--at", "x=1e30±1e28", "--k", "2")
    assert "x = 1.000(10)e+30" in out and "x = (1.000 ± 0.020)e+30" in out


def test_output_all_and_outputs_that_no_uncertain_input_reaches():
    document = run_json("c = 3; R = V/I; Y = 2*k", "--at", "V=1±0.1,I=2±0.1,k=2", "--output", "all")
    assert list(document["outputs"]) == ["R", "Y"]  # all: the computed names, not the constant c
    Y = document["outputs"]["Y"]
    assert (Y["value"], Y["u"]) == (4, 0) and all(row["sensitivity"] == 0 for row in Y["budget"])
    assert document["correlation"]["R"]["Y"] is None  # u(Y) = 0: no correlation coefficient


@pytest.mark.parametrize("output, message", [
    ("R,R", "'R' is named twice"), ("", "--output: give the name of an output (an assigned name)"),
    ("Q", "the program assigns no such name")])
def test_bad_output_names(output, message):
    assert message in run("R = V/I", "--at", "V=1±0.1,I=2±0.1", "--output", output, expect=2)


def test_far_below_a_floats_squares():
    # u² of 1e-172 underflows (1e-344): u_c, shares, ν_eff and the correlation between outputs come from the
    # contributions over the largest one. By hand: u²(x + y) = (1 + 9 + 2·0.5·1·3)·1e-344, ν = u⁴/(u_x⁴/5)
    at = ["--at", "x=1e-170±1e-172,y=2e-170±3e-172"]
    correlated = run_json("x + y", *at, "--correlation", "x,y=0.5")["outputs"]["f"]
    assert correlated["u"] == pytest.approx(math.sqrt(13) * 1e-172, rel=1e-12)
    assert [row["share"] for row in correlated["budget"]] == pytest.approx([1 / 13, 9 / 13, 3 / 13], rel=1e-12)
    assert "1e-344" in run("x + y", *at, "--correlation", "x,y=0.5")  # the term column, not 0
    assert run_json("x + y", *at, "--dof", "x=5")["outputs"]["f"]["dof"] == pytest.approx(500, rel=1e-12)
    # R = x + y, S = x − y, independent: r = (u_x² − u_y²)/(u_R·u_S) = (1 − 9)/10
    document = run_json("R = x + y; S = x - y", *at, "--output", "R,S")
    assert document["correlation"]["R"]["S"] == pytest.approx(-0.8, rel=1e-12)
    # x·y at 0 ± 1e-100: the second-order term u²(x)·u²(y) = 1e-400 is all of u_c² (GUM 5.1.2)
    second = run_json("x*y", "--at", "x=0±1e-100,y=0±1e-100", "--second-order")["outputs"]["f"]["second_order"]
    assert second["u"] == pytest.approx(1e-200, rel=1e-12) and second["u_linear"] == 0


def test_far_above_a_floats_squares():
    # u(x·y) = √((1e100·1e190)² + (1e200·1e99)²) = √(1e580 + 1e598): the squares overflow, u_c does not
    output = run_json("x*y", "--at", "x=1e200±1e190,y=1e100±1e99")["outputs"]["f"]
    assert output["u"] == pytest.approx(math.sqrt(1e-18 + 1) * 1e299, rel=1e-12)
    # c_x·u(x) = 1e100·1e300: the value is a float, the contribution is not
    assert "the combined standard uncertainty of f overflows" in run("x*y", "--at", "x=1e200±1e300,y=1e100±1", expect=1)
    assert "U = k·u_c of x overflows" in run("x", "--at", "x=1e300±1e300", "--k", "1e10", expect=1)


def test_a_kink_names_its_convention_in_every_format():
    # |x| at 0 ± 1: the budget's c = 0 is abs'(0) = 0, a convention, as cgrad eval says
    assert run_json("abs(x)", "--at", "x=0±1")["conventions"] == ["abs'(0) = 0"]
    assert "conventions: abs'(0) = 0" in run("abs(x)", "--at", "x=0±1")
    assert run_json("x^2", "--at", "x=3±1")["conventions"] == []


def test_monte_carlo_mean_and_interval_to_the_digits_of_u():
    # l ≈ 5e7 with u ≈ 32: six significant digits (5.00008e+07) said nothing; to u's digits they do
    out = run("l = l0 + d", "--at", "l0=50000623±25,d=215±9.7", "--monte-carlo", "20000", "--seed", "5")
    line = next(line for line in out.splitlines() if line.startswith("Monte Carlo"))

    mean, low, high = (float(x) for x in re.search(r"mean (\S+),.*\[(\S+), (\S+)\]", line).groups())
    # the linear l = 50000838, u = √(25² + 9.7²) = 26.8: the mean within 4 u/√N, the interval ≈ ± 1.96 u
    u = math.hypot(25, 9.7)
    assert abs(mean - 50000838) < 4 * u / math.sqrt(20000)
    assert (high - low) == pytest.approx(2 * 1.96 * u, rel=0.03)
    assert re.search(r"mean 500008\d\d\.\d,", line) and "e+07" not in line


def test_a_json_input_with_dof_null_is_infinitely_many(tmp_path):
    # the JSON this command writes gives "dof": null for infinitely many; read back, it means the same
    path = tmp_path / "inputs.json"
    path.write_text('{"V": {"value": 4.999, "u": 0.0032, "dof": null}, "I": {"value": 0.019661, "u": 9.5e-6, '
                    '"dof": 4}}', encoding="utf-8")
    output = run_json("V/I", "--at", f"@{path}")["outputs"]["f"]
    # ν_eff = u⁴ / (u_I⁴/4): only I's term counts, with c_V = 1/I, c_I = -V/I²
    u_V, u_I = 0.0032 / 0.019661, 4.999 * 9.5e-6 / 0.019661 ** 2
    assert output["dof"] == pytest.approx((u_V ** 2 + u_I ** 2) ** 2 / (u_I ** 4 / 4), rel=1e-9)


def test_draws_past_the_free_memory_are_refused_before_drawing():
    # 10^12 draws of one input: ~56 bytes each, terabytes; refused at once, not an out-of-memory kill later
    err = run("x*y", "--at", "x=1±0.1,y=2", "--monte-carlo", str(10 ** 12), expect=1)
    assert err.startswith("error: --monte-carlo 1000000000000: the draws would need about") and "GiB free" in err


def test_the_api_takes_a_pair_as_numbers_or_as_text_and_all_outputs():
    import cgcli

    budget = cgcli.uncertainty("R = V/I; Z = V*I", {"V": ("5", "0.1"), "I": (2, 0.1)}, outputs="all")
    assert list(budget.outputs) == ["R", "Z"]
    # Z = V·I: u² = (I·u_V)² + (V·u_I)² = 0.04 + 0.25
    assert budget.outputs["Z"].u == pytest.approx(math.sqrt(0.29), rel=1e-12)


def test_snell_and_a_resistor_network_against_uncertainties():
    unc = pytest.importorskip("uncertainties")
    umath = pytest.importorskip("uncertainties.umath")
    import numpy as np

    # Snell's law with the exact n1, correlated angles; two outputs
    values, us = [0.5236, 0.3491], [0.0017, 0.0017]
    theta1, theta2 = unc.correlated_values(values, np.outer(us, us) * np.array([[1, 0.4], [0.4, 1]]))
    n2 = 1.000293 * umath.sin(theta1) / umath.sin(theta2)
    ratio = theta1 / theta2
    document = run_json("n2 = n1*sin(θ1)/sin(θ2); q = θ1/θ2", "--at", "n1=1.000293,θ1=0.5236±0.0017,θ2=0.3491±0.0017",
                        "--correlation", "θ1,θ2=0.4", "--output", "n2,q")
    assert document["outputs"]["n2"]["u"] == pytest.approx(n2.std_dev, rel=1e-10)
    assert document["outputs"]["q"]["u"] == pytest.approx(ratio.std_dev, rel=1e-10)
    assert document["correlation"]["n2"]["q"] == pytest.approx(unc.correlation_matrix([n2, ratio])[0][1], rel=1e-10)
    # R = R1 + R2·R3/(R2 + R3), negative and tiny values among them
    R1, R2, R3 = unc.ufloat(-100, 1), unc.ufloat(2.2e-3, 2.2e-5), unc.ufloat(3.3e-3, 3.3e-5)
    R = R1 + R2 * R3 / (R2 + R3)
    output = run_json("R = R1 + R2*R3/(R2 + R3)", "--at", "R1=-100±1,R2=2.2e-3±2.2e-5,R3=3.3e-3±3.3e-5")
    assert output["outputs"]["R"]["u"] == pytest.approx(R.std_dev, rel=1e-10)
    assert output["outputs"]["R"]["value"] == pytest.approx(R.nominal_value, rel=1e-14)


def test_a_distribution_and_degrees_of_freedom_for_one_input_are_refused():
    # with --dof the draws came from the t-distribution, and --distribution x=rect was silently ignored
    err = run("x*y", "--at", "x=1±0.1,y=2±0.1", "--dof", "x=3", "--distribution", "x=rect", "--monte-carlo", "100",
              "--seed", "1", expect=2)
    assert err.startswith("error: --distribution x=rect and --dof x:") and err.count("\n") == 1


@pytest.mark.parametrize("at, expected", [
    # the GUM's concise notation: the digits in parentheses are the uncertainty of the last digits
    ("x=4.999(32)", (4.999, 0.032)), ("x=10.000(32)", (10.0, 0.032)), ("x=127.732(0.070)", (127.732, 0.07)),
    ("x=10(3)", (10, 3)), ("x=5.(1)", (5, 1)), ("x=.5(1)", (0.5, 0.1)), ("x=-1.5(2)E-3", (-1.5e-3, 2e-4)),
    ("x=1.5(2)e3", (1500, 200)), ("x=4.999 (32)", (4.999, 0.032)),
    ("x=6.674 30(15)e-11", (6.67430e-11, 1.5e-15))])  # CODATA 2018's G, its digits grouped
def test_concise_inputs(at, expected):
    row = run_json("2*x", "--at", at)["outputs"]["f"]["budget"][0]
    assert (row["value"], row["u"]) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", ["4.999(32", "(32)", "4.999(-32)", "1/3(2)", "4.999()"])
def test_a_mistyped_concise_value_is_named(text):
    # alone, it read as an exact constant: "no input has an uncertainty"
    err = run("2*x", "--at", f"x={text}", expect=2)
    assert err == f"error: --at x={text}: expected VALUE±U or the concise VALUE(U), e.g. 4.9990(32)\n"


def test_an_empty_list_of_outputs_is_refused_by_the_api():
    import cgcli

    # it gave an empty budget, and cgcli.jacobian a ValueError from max()
    with pytest.raises(cgcli.InputError, match="no output named"):
        cgcli.uncertainty("Z = V/I", {"V": "5±0.1", "I": "2±0.1"}, outputs=[])
    with pytest.raises(cgcli.InputError, match="no output named"):
        cgcli.jacobian("Z = V/I", {"V": 5, "I": 2}, outputs=[])


@pytest.mark.parametrize("options, message", [
    ({"k": -1}, "--k -1: a coverage factor is a positive number"), ({"k": math.nan}, "--k nan"),
    ({"coverage": 2}, "--coverage 2: a coverage probability is between 0 and 1"),
    ({"monte_carlo": 10, "seed": -1}, "--seed -1: expected a whole number"),
    ({"monte_carlo": 10, "seed": 1.5}, "--seed 1.5"), ({"monte_carlo": True}, "--monte-carlo True")])
def test_the_api_checks_what_the_option_types_check(options, message):
    import cgcli

    # they reached NumPy or statistics as a ValueError, TypeError or StatisticsError, or gave U < 0
    with pytest.raises(cgcli.InputError, match=re.escape(message)):
        cgcli.uncertainty("V/I", {"V": "5±0.1", "I": "2±0.1"}, **options)


def test_an_output_without_uncertainty_has_no_correlation_in_every_format():
    args = ["R = V/I; Y = 2*k", "--at", "V=1±0.1,I=2±0.1,k=2", "--output", "all"]
    assert "  Y        —   —" in run(*args).splitlines()  # u(Y) = 0: r(R, Y) is 0/0
    assert "| Y | — | — |" in run(*args, "--format", "markdown")
