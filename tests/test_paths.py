"""`cgrad paths`: seed 004's multivariable chain rule, path by path. The products along the paths
must add up to the gradient, which is checked against central finite differences of the same
function written in plain Python; path counts are counted by hand."""
from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from conftest import api, central_difference, close, run_cgrad_inprocess

SHARED = "t = w1*x1; a1 = relu(t); a2 = sigmoid(t); o = a1 + a2"  # one node w1·x1 used by both activations
SEPARATE = "a1 = relu(w1*x1); a2 = sigmoid(w1*x1); o = a1 + a2"  # w1·x1 written twice: two nodes


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def seed_004(point: dict) -> float:
    z = point["w1"] * point["x1"]
    return max(z, 0.0) + sigmoid(z)


def run_paths(*args: str, expect: int = 0):
    code, out, err = run_cgrad_inprocess("paths", *args)
    assert code == expect, f"exit {code}; stderr:\n{err}"
    return out if expect == 0 else err


def paths_json(*args: str) -> dict:
    return json.loads(run_paths(*args, "--format", "json"))


@pytest.mark.parametrize("source, middle", [(SHARED, ("t", "t")), (SEPARATE, ("t1", "t2"))])
def test_weight_sharing_has_two_paths_that_sum_to_the_gradient(source, middle):
    point = {"w1": 0.5, "x1": 2.0}
    document = paths_json(source, "--at", "w1=0.5,x1=2", "--wrt", "w1")
    (report,) = document["paths"]
    assert report["total"] == report["listed"] == 2
    upper, lower = report["paths"]
    assert upper["nodes"] == ["o", "a1", middle[0], "w1"]  # the upper path (relu) first, as in seed 004
    assert lower["nodes"] == ["o", "a2", middle[1], "w1"]
    z = 0.5 * 2.0
    assert upper["locals"] == [1, 1, 2]  # ∂o/∂a1 = 1, relu'(1) = 1, ∂(w1·x1)/∂w1 = x1 = 2
    assert lower["locals"][0] == 1 and close(lower["locals"][1], sigmoid(z) * (1 - sigmoid(z)))
    assert close(upper["product"], 2) and close(lower["product"], 2 * sigmoid(z) * (1 - sigmoid(z)))
    assert close(upper["product"] + lower["product"], report["gradient"])
    assert close(report["listed_sum"], report["gradient"])
    assert close(report["gradient"], central_difference(seed_004, point, "w1"), rel=1e-7)
    assert report["unlisted_sum"] is None


def test_weight_sharing_table():
    out = run_paths(SHARED, "--at", "w1=0.5,x1=2", "--wrt", "w1")
    assert "o → a1 → t → w1" in out and "o → a2 → t → w1" in out
    assert "∂o/∂a1 · ∂a1/∂t · ∂t/∂w1" in out and "1 × 1 × 2" in out
    assert "sum of the 2 path products = " in out
    expected = api(SHARED, w1=0.5, x1=2).gradient["w1"]
    assert f"∂o/∂w1 = {expected!r} (backward pass)" in out


def test_exact_sum_is_exactly_the_gradient():
    document = paths_json("t = w1*x1; a1 = relu(t); a2 = t*t; o = a1 + a2", "--at", "w1=1/2,x1=3", "--wrt", "w1",
                          "--exact")
    (report,) = document["paths"]
    assert report["total"] == 3  # through relu, and through each of the two operands of t*t
    products = [Fraction(path["product"]) for path in report["paths"]]
    assert products == [Fraction(3), Fraction(9, 2), Fraction(9, 2)]
    assert sum(products) == Fraction(report["gradient"]) == Fraction(report["listed_sum"]) == 12


def test_repeated_operands_are_told_apart():
    out = run_paths("t = w1*x1; a2 = t*t; o = a2 + 1", "--at", "w1=1,x1=3", "--wrt", "w1")
    assert "o → a2 →(1) t → w1" in out and "o → a2 →(2) t → w1" in out


def test_fan_out_chain_counts_every_path():
    document = paths_json("a = x; b = a + a; c = b + b", "--at", "x=1", "--wrt", "x")
    (report,) = document["paths"]
    assert report["total"] == 4 and all(path["product"] == 1 for path in report["paths"])
    assert report["gradient"] == 4


def test_many_paths_are_counted_not_listed():
    # x1 = x·x, x_{k+1} = x_k·x_k: 2^10 paths from x10 down to x
    source = "; ".join(["x1 = x*x"] + [f"x{k + 1} = x{k}*x{k}" for k in range(1, 10)])
    document = paths_json(source, "--at", "x=1.01", "--wrt", "x", "--max-paths", "5")
    (report,) = document["paths"]
    assert report["total"] == 2 ** 10 and report["listed"] == 5
    assert close(report["listed_sum"] + report["unlisted_sum"], report["gradient"])
    assert close(report["gradient"], 1024 * 1.01 ** 1023, rel=1e-9)  # d/dx x^1024
    out = run_paths(source, "--at", "x=1.01", "--wrt", "x", "--max-paths", "5")
    assert "5 of 1,024 paths listed; 1,019 more not listed (--max-paths N lists more)" in out


def test_astronomical_path_counts_stay_fast():
    source = "; ".join(["x1 = x*x"] + [f"x{k + 1} = x{k}*x{k}" for k in range(1, 200)])
    document = paths_json(source, "--at", "x=1", "--wrt", "x")
    assert document["paths"][0]["total"] == 2 ** 200 and document["paths"][0]["listed"] == 20


def test_a_deep_chain_does_not_recurse():
    source = "; ".join(["h0 = x"] + [f"h{i} = sin(h{i - 1})" for i in range(1, 3001)])
    document = paths_json(source, "--at", "x=0.5", "--wrt", "x")
    (report,) = document["paths"]
    assert report["total"] == 1 and len(report["paths"][0]["nodes"]) == 3002
    assert close(report["paths"][0]["product"], report["gradient"], rel=1e-12)
    out = run_paths(source, "--at", "x=0.5", "--wrt", "x")
    assert "h3000 → h2999 → h2998 → h2997 → … 2994 more … → h2 → h1 → h0 → x" in out


def test_intermediate_nodes_and_several_names():
    document = paths_json("u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3", "--wrt", "b,u")
    b, u = document["paths"]
    assert b["paths"][0]["nodes"] == ["J", "v", "u", "b"] and b["gradient"] == 9 and b["paths"][0]["product"] == 9
    assert u["paths"][0]["nodes"] == ["J", "v", "u"] and u["gradient"] == 3


def test_a_named_constant_has_its_path():
    # a named constant is a node like any other: f = k·x, so ∂f/∂k = x = 3 along the one path f → k
    out = run_paths("k = 2; f = k*x", "--at", "x=3", "--wrt", "k")
    assert "∂f/∂k = 3 (backward pass)" in out and "sum of the 1 path product = 3" in out


def test_markdown_writes_seed_004s_equation():
    out = run_paths(SHARED, "--at", "w1=0.5,x1=2", "--wrt", "w1", "--format", "markdown")
    assert (r"$$\frac{\partial o}{\partial w_{1}} = \frac{\partial o}{\partial a_{1}}\frac{\partial a_{1}}{\partial t}"
            r"\frac{\partial t}{\partial w_{1}} + \frac{\partial o}{\partial a_{2}}\frac{\partial a_{2}}{\partial t}"
            r"\frac{\partial t}{\partial w_{1}} = 1 \cdot 1 \cdot 2 + 1 \cdot ") in out
    assert "| 1 | o → a1 → t → w1 | 1 × 1 × 2 | 2 |" in out


def test_markdown_with_unlisted_paths():
    source = "; ".join(["x1 = x*x"] + [f"x{k + 1} = x{k}*x{k}" for k in range(1, 4)])
    out = run_paths(source, "--at", "x=1", "--wrt", "x", "--max-paths", "2", "--format", "markdown")
    assert r"\underbrace{14}_{\text{14 more paths}}" in out and r"= 1 \cdot 1 \cdot 1 \cdot 1 + 1 \cdot 1 \cdot 1 \cdot 1 + \underbrace" in out


@pytest.mark.parametrize("args, message", [
    (["--wrt", "zz"], "error: --wrt zz: no node named zz"),
    (["--wrt", ","], "error: --wrt: give the name"),
])
def test_errors(args, message):
    err = run_paths(SHARED, "--at", "w1=0.5,x1=2", *args, expect=2)
    assert err.startswith(message)


def test_digits_and_interval_modes():
    digits = paths_json(SHARED, "--at", "w1=0.5,x1=2", "--wrt", "w1", "--digits", "30")["paths"][0]
    assert digits["gradient"] == digits["listed_sum"]
    assert digits["gradient"].startswith("2.39322386648296") and len(digits["gradient"].replace(".", "")) == 30
    interval = paths_json(SHARED, "--at", "w1=0.5,x1=2", "--wrt", "w1", "--interval")["paths"][0]
    low, high = (float(x) for x in interval["listed_sum"])
    assert low <= seed_004_gradient() <= high


def seed_004_gradient() -> float:
    z = 1.0
    return 2 * (1 + sigmoid(z) * (1 - sigmoid(z)))


def test_tensor_paths_name_their_vector_jacobian_products():
    out = run_paths("Y = X @ W + b; L = sum(Y)", "--at", "X=[[1,2],[3,4]]", "--at", "W=[[1,0],[0,1]]",
                    "--at", "b=[1,1]", "--wrt", "W")
    assert "L → Y → t1 → W" in out and "Xᵀ @ ∂L/∂t1" in out
    assert "no scalar products to add" in out and "∂L/∂W = [[4, 4], [6, 6]] (backward pass)" in out


def test_help_examples_run():
    import shlex

    code, out, _ = run_cgrad_inprocess("paths", "--help")
    assert code == 0 and "--max-paths" in out
    examples = [line.strip() for line in out.splitlines() if line.strip().startswith("cgrad paths ")]
    assert len(examples) == 4
    for example in examples:
        code, _, err = run_cgrad_inprocess(*shlex.split(example)[1:])
        assert code == 0, (example, err)
