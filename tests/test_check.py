"""`cgrad check`: the gradient against finite differences on random expressions, the kinks of relu,
abs, max, min and sign (on them and near them), --interval's enclosure, --against someone else's
gradient, the JSON document and bad input. Expected values are worked out by hand or with math."""
from __future__ import annotations

import json
import math

import pytest

from conftest import run_cgrad_inprocess
from test_random_gradients import CASES


def check_json(*args: str, input: str | None = None) -> tuple[int, dict, str]:
    code, out, err = run_cgrad_inprocess("check", *args, "--format", "json", input=input)
    return code, json.loads(out) if out else {}, err


def at(point: dict) -> str:
    return ",".join(f"{name}={value!r}" for name, value in point.items())


def test_the_random_expressions_are_200():
    assert len(CASES) >= 200


@pytest.mark.parametrize("chunk", range(10))
def test_check_passes_on_random_expressions(chunk):
    """The 200 expressions of test_random_gradients (relu, abs, max and min among them, at random
    points off their kinks), 20 per test."""
    failed = []
    for source, _, point in CASES[chunk::10]:
        code, document, err = check_json(source, "--at", at(point))
        if code != 0 or not document["passed"]:
            failed.append((source, point, err, document))
    assert not failed, failed[:3]


def test_json_keys_and_values():
    code, document, _ = check_json("3*(a+b*c)", "--at", "a=1,b=2,c=3")
    assert code == 0 and document["passed"] is True
    assert set(document) >= {"passed", "method", "rtol", "atol", "variables", "kinks"}
    assert document["kinks"] == []
    assert list(document["variables"]) == ["a", "b", "c"]
    for name, expected in {"a": 3, "b": 9, "c": 6}.items():  # ∂/∂a = 3, ∂/∂b = 3c, ∂/∂c = 3b
        entry = document["variables"][name]
        assert set(entry) >= {"gradient", "finite_difference", "abs_error", "rel_error", "verdict", "passed"}
        assert entry["gradient"] == expected
        assert entry["finite_difference"] == pytest.approx(expected, rel=1e-9)
        assert entry["abs_error"] == pytest.approx(abs(entry["gradient"] - entry["finite_difference"]), abs=1e-15)
        assert entry["verdict"] == "pass"


def test_table_lists_every_variable_and_the_verdict():
    code, out, err = run_cgrad_inprocess("check", "x*exp(y)", "--at", "x=2,y=0.5")
    assert code == 0 and err == ""
    assert "finite difference" in out and out.rstrip().endswith("passed")
    assert f"{math.exp(0.5):.12g}" in out and f"{2 * math.exp(0.5):.12g}" in out


@pytest.mark.parametrize("source, point, node, node_source, subgradient, convention", [
    ("relu(w*x + b)", "w=2,x=1,b=-2", "f", "relu(w*x + b)", [0, 1], 0),
    ("2*abs(x - 1) + x", "x=1", "t2", "abs(x - 1)", [-1, 1], 0),
    ("max(a, b) * 3", "a=1.5,b=1.5", "t1", "max(a, b)", [0, 1], 1),
    ("y = min(x, 2); y^2", "x=2", "y", "min(x, 2)", [0, 1], 1),
])
def test_on_a_kink_names_the_node_and_the_subgradient(source, point, node, node_source, subgradient, convention):
    code, document, _ = check_json(source, "--at", point)
    assert code == 0 and document["passed"] is True
    [kink] = document["kinks"]
    assert (kink["node"], kink["source"]) == (node, node_source)
    assert kink["subgradient"] == pytest.approx(subgradient, abs=1e-9)
    assert kink["convention"] == convention and kink["inside"] is True
    assert all(entry["verdict"] in ("kink", "pass") for entry in document["variables"].values())
    code, out, _ = run_cgrad_inprocess("check", source, "--at", point)
    assert code == 0 and f"{node} = {node_source}" in out and "subgradient" in out


def test_kink_one_sided_differences_per_variable():
    # 2|x - 1| + x at x = 1: slopes -1 from the left, 3 from the right; cgrad's convention gives 1
    code, document, _ = check_json("2*abs(x - 1) + x", "--at", "x=1")
    entry = document["variables"]["x"]
    assert entry["gradient"] == 1 and entry["verdict"] == "kink"
    assert entry["one_sided"] == pytest.approx([-1, 3], rel=1e-8)
    # relu(w*x + b) at w=2, x=1, b=-2: ∂/∂x from the right is w = 2, from the left 0
    code, document, _ = check_json("relu(w*x + b)", "--at", "w=2,x=1,b=-2")
    assert document["variables"]["x"]["one_sided"] == pytest.approx([0, 2], abs=1e-8)


def test_sign_is_a_jump_not_a_failure():
    code, document, _ = check_json("sign(x) + 3*x", "--at", "x=0")
    assert code == 0 and document["variables"]["x"]["verdict"] == "jump"
    assert document["variables"]["x"]["gradient"] == 3  # sign'(0) = 0 by convention
    [kink] = document["kinks"]
    assert kink["jump"] is True and kink["subgradient"] is None and kink["inside"] is False


@pytest.mark.parametrize("source, point, gradient", [
    ("relu(x - 1e-9)", "x=0", 0),  # the kink 1e-9 away: a smaller step avoids it
    ("abs(x + 2e-10) * 5", "x=0", 5),
    ("max(a, b + 1e-9)", "a=1,b=1", 0),
])
def test_near_a_kink_the_step_shrinks_below_its_distance(source, point, gradient):
    code, document, _ = check_json(source, "--at", point)
    assert code == 0 and document["passed"] is True
    first = next(iter(document["variables"].values()))
    assert first["gradient"] == gradient and first["verdict"] == "pass"
    assert first["finite_difference"] == pytest.approx(gradient, abs=1e-6)


def test_too_near_a_kink_is_said_and_not_a_failure():
    # a kink 1e-14 away: no usable step fits in between; the default central difference would give 0
    code, document, _ = check_json("abs(x + 1e-14)", "--at", "x=0")
    assert code == 0 and document["passed"] is True
    entry = document["variables"]["x"]
    assert entry["gradient"] == 1 and entry["verdict"] == "near kink" and "abs(x + 1e-14)" in entry["note"]


def test_interval_mode_encloses_the_derivative():
    code, document, _ = check_json("sin(x)*exp(y)", "--at", "x=1,y=2", "--interval")
    assert code == 0 and document["passed"] is True
    for name, exact in {"x": math.cos(1) * math.exp(2), "y": math.sin(1) * math.exp(2)}.items():
        low, high = document["variables"][name]["enclosure"]
        assert low <= exact <= high and high - low < 1e-12
        assert document["variables"][name]["gradient"] == pytest.approx(exact, rel=1e-14)
    # on relu's kink the enclosure is the whole subgradient [0, 1], which holds the convention's 0
    code, document, _ = check_json("relu(x)", "--at", "x=0", "--interval")
    assert code == 0 and document["variables"]["x"]["enclosure"] == [0, 1]


@pytest.mark.parametrize("source, point, theirs, wrong", [
    ("x^3 + y", "x=2,y=0", {"x": 12.5, "y": 1}, "x"),
    ("sin(a)*b", "a=0.5,b=2", {"a": 2 * math.cos(0.5), "b": math.sin(0.5) + 1e-3}, "b"),
    ("relu(w*x + b)", "w=2,x=1.5,b=-1", {"w": 1.5, "x": 2, "b": -1}, "b"),
])
def test_against_a_wrong_gradient_fails_and_names_the_variable(source, point, theirs, wrong):
    code, document, err = check_json(source, "--at", point, "--against", "-", input=json.dumps(theirs))
    assert code == 1 and document["passed"] is False
    assert [name for name, entry in document["variables"].items() if not entry["passed"]] == [wrong]
    assert err.startswith("error:") and wrong in err and len(err.strip().splitlines()) == 1


def test_against_a_right_gradient_passes(tmp_path):
    path = tmp_path / "grad.json"
    path.write_text(json.dumps({"a": 2 * math.cos(0.5), "b": math.sin(0.5)}))
    code, document, _ = check_json("sin(a)*b", "--at", "a=0.5,b=2", "--against", str(path))
    assert code == 0 and document["passed"] is True
    assert document["variables"]["b"]["theirs"] == math.sin(0.5)


@pytest.mark.parametrize("args, input, named", [
    (("--against", "-"), '{"x": 12}', "y"),  # a missing name
    (("--against", "-"), '{"x": 12, "y": 1, "z": 0}', "z"),  # an extra name
    (("--against", "-"), '{"x": "twelve", "y": 1}', "x"),  # not a number
    (("--against", "-"), '{"x": 12, "x": 1, "y": 1}', "x"),  # given twice
    (("--against", "-"), "[12, 1]", "object"),
    (("--against", "/no/such/file.json"), None, "file.json"),
    (("--against", "-", "--interval"), '{"x": 12, "y": 1}', "--interval"),
    (("--rtol", "-1"), None, "--rtol"),
])
def test_bad_input_is_exit_2(args, input, named):
    code, out, err = run_cgrad_inprocess("check", "x^3 + y", "--at", "x=2,y=0", *args, input=input)
    assert code == 2 and out == ""
    assert err.startswith("error:") and named in err and "Traceback" not in err


def test_tensor_values_are_refused_as_input():
    code, _, err = run_cgrad_inprocess("check", "sum(X)", "--at", "X=[1,2]")
    assert code == 2 and err.startswith("error:") and "X" in err


@pytest.mark.parametrize("source, point, expected", [
    ("log(x)", "x=1e-5", 1e5),  # x ± 2h would leave log's domain: the step shrinks to fit
    ("exp(x)", "x=700", math.exp(700)),  # a step scaled to |x| is too long for exp: the sweep shrinks it
    ("sqrt(x)", "x=0.0001", 50),
])
def test_steps_shrink_at_domain_edges_and_steep_functions(source, point, expected):
    code, document, _ = check_json(source, "--at", point)
    assert code == 0
    entry = document["variables"]["x"]
    assert entry["gradient"] == pytest.approx(expected, rel=1e-12)
    assert entry["finite_difference"] == pytest.approx(expected, rel=1e-6) and entry["rel_error"] < 1e-6


def test_probes_through_sums_and_mixed_paths_estimate_the_hand_derivative():
    # each probe recomputes only what the moved variable reaches and adds the sums' weights: x reaches
    # f through a sum (weight 3), through sin inside the sum, through y*x, and through the kink-free
    # product below; the estimates must be the hand derivatives 3 + cos(x) - y + 2x·y² and -x + 2x²y
    import math

    x, y = 0.7, -1.3
    code, document, _ = check_json("u = x + x + (x + sin(x)); f = u - y*x + x^2*y^2", "--at", f"x={x},y={y}")
    assert code == 0
    expected = {"x": 3 + math.cos(x) - y + 2 * x * y ** 2, "y": -x + 2 * x ** 2 * y}
    for name, value in expected.items():
        entry = document["variables"][name]
        assert entry["verdict"] == "pass"
        assert entry["finite_difference"] == pytest.approx(value, rel=1e-9)


def test_a_long_sum_is_probed_per_variable():
    # 100 terms (x_i - i)^2: ∂/∂x_i = 2(x_i - i) at x_i = i + 1/2 is 1 for every i
    program = " + ".join(f"(x{i} - {i})^2" for i in range(100))
    code, document, _ = check_json(program, "--at", ",".join(f"x{i}={i + 0.5}" for i in range(100)))
    assert code == 0 and len(document["variables"]) == 100
    assert all(entry["finite_difference"] == pytest.approx(1, rel=1e-9) for entry in document["variables"].values())
