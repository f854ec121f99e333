"""Large graphs: 100 000-deep nesting, 100 000-term sums, fan-out chains. Nothing in cgrad may
recurse over the graph, so these must parse, evaluate and differentiate without a
RecursionError, and agree with closed forms:

* nested:  sin(sin(…sin(x)…)) 10^5 deep, against the same chain run by a plain Python loop; and at
  small depths s_0 = x, s_k = sqrt(1 + s_{k-1}^2)  ⇒  s_n = sqrt(n + x^2), ds_n/dx = x / sqrt(n + x^2)
  (induction: s_k^2 = 1 + s_{k-1}^2 = k + x^2; differentiate s_n^2 = n + x^2: 2 s_n s_n' = 2x)
* sum:     x + x + … + x (n terms) = n·x, derivative n (exact in doubles at x = 0.5)
* doubling: a_0 = x, a_k = a_{k-1} + a_{k-1}  ⇒  a_k = 2^k·x, derivative 2^k (exact)
"""
from __future__ import annotations

import math

import pytest

from conftest import api

N = 100_000


@pytest.fixture(scope="module")
def nested_source() -> str:
    return "sin(" * N + "x" + ")" * N


@pytest.fixture(scope="module")
def sum_source() -> str:
    return " + ".join(["x"] * N)


@pytest.mark.slow
def test_nested_100000_deep(nested_source):
    x = 0.75
    trace = api(nested_source, record=False, x=x)  # the records of 10^5 rows add time, not coverage
    value, slope = x, 1.0  # the same chain by a plain loop: v_k = sin(v_{k-1}), dv_k/dx = cos(v_{k-1})·dv_{k-1}/dx
    for _ in range(N):
        value, slope = math.sin(value), slope * math.cos(value)
    assert trace.value == pytest.approx(value, rel=1e-12)
    assert trace.gradient["x"] == pytest.approx(slope, rel=1e-9)


@pytest.mark.slow
def test_sum_of_100000_terms(sum_source):
    trace = api(sum_source, record=False, x=0.5)  # the terms of a wide fan-out: test_wide_fan_out_…
    assert trace.value == N * 0.5              # every partial sum is exact in doubles
    assert trace.gradient == {"x": N}          # 10^5 uses of x, each contributing 1


def test_nested_shallow_cases_match_closed_form():
    # the same family at small n, so a failure at 10^5 can be told apart from a wrong formula
    for n in (1, 2, 3, 10, 100):
        source = "sqrt(1+(" * n + "x" + ")^2)" * n
        x = -1.5
        trace = api(source, x=x)
        assert trace.value == pytest.approx(math.sqrt(n + x * x), rel=1e-14)
        assert trace.gradient["x"] == pytest.approx(x / math.sqrt(n + x * x), rel=1e-13)


@pytest.mark.parametrize("k", [1, 2, 10, 52, 100, 1000, 1023])
def test_doubling_chain(k):
    # a0 = x; a1 = a0 + a0; ...: every a_j is used twice, so the adjoints double at each step
    source = "a0 = x\n" + "\n".join(f"a{j} = a{j - 1} + a{j - 1}" for j in range(1, k + 1))
    trace = api(source, x=0.75)
    assert trace.value == math.ldexp(0.75, k)
    assert trace.gradient == {"x": math.ldexp(1.0, k)}
    rows = {row.name: row for row in trace.backward}
    # ∂a_k/∂a_j = 2^(k-j), reached by two terms of 2^(k-j-1) each
    j = max(0, k - 5)
    assert rows[f"a{j}"].adjoint == math.ldexp(1.0, k - j)
    if j < k:
        assert [term.contribution for term in rows[f"a{j}"].terms] == [math.ldexp(1.0, k - j - 1)] * 2


def test_doubling_chain_overflows_cleanly(run_cgrad):
    # 2^1024 is beyond the largest double: a math error (exit 1), not inf and not a traceback
    source = "a0 = x\n" + "\n".join(f"a{j} = a{j - 1} + a{j - 1}" for j in range(1, 1025))
    code, out, err = run_cgrad("eval", "-", "--at", "x=1", input=source)
    assert code == 1 and err.startswith("error:") and "Traceback" not in err
    assert "a1024" in err


def test_squaring_chain():
    # b0 = x; b_j = b_{j-1} * b_{j-1}  ⇒  b_k = x^(2^k), derivative 2^k x^(2^k - 1)
    k, x = 6, 1.01
    source = "b0 = x; " + "; ".join(f"b{j} = b{j - 1}*b{j - 1}" for j in range(1, k + 1))
    trace = api(source, x=x)
    assert trace.value == pytest.approx(x ** (2 ** k), rel=1e-13)
    assert trace.gradient["x"] == pytest.approx(2 ** k * x ** (2 ** k - 1), rel=1e-13)


def test_wide_fan_out_of_an_assigned_name():
    # h = x^2 used 10 000 times: f = 10 000·h, df/dx = 10 000·2x
    uses = 10_000
    trace = api("h = x^2\nf = " + " + ".join(["h"] * uses), x=1.5)
    assert trace.value == uses * 2.25
    assert trace.gradient == {"x": uses * 3.0}
    [row] = [row for row in trace.backward if row.name == "h"]
    assert len(row.terms) == uses and row.adjoint == uses


def test_many_variables():
    # f = sum_i (i + 1)·x_i^2 over 5 000 variables: df/dx_i = 2(i + 1)·x_i
    n = 5000
    values = {f"x{i}": (i % 7) - 3.0 for i in range(n)}
    trace = api(" + ".join(f"{i + 1}*x{i}^2" for i in range(n)), **values)
    assert trace.value == sum((i + 1) * values[f"x{i}"] ** 2 for i in range(n))
    assert trace.gradient == {f"x{i}": 2 * (i + 1) * values[f"x{i}"] for i in range(n)}
