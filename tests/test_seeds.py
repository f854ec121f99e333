"""Every worked example of the tutorials in shared/seeds/, reproduced number for number.

Expected values come from the seeds' own hand derivations (quoted in the comments), from
chain-rule formulas written out here, and from central finite differences of the same
function written in plain Python. Nothing is copied from cgrad's output.
"""
from __future__ import annotations

import math

import pytest

from conftest import api, backward_rows, central_difference, close, forward_rows


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# --------------------------------------------------------------------------------------------
# Seed 001: J(a, b, c) = 3(a + bc) with u = bc, v = a + u, J = 3v, at a=1, b=2, c=3.
# By hand: u = 2·3 = 6, v = 1 + 6 = 7, J = 3·7 = 21;
# dJ/dv = 3, dJ/du = dJ/dv·dv/du = 3·1 = 3, dJ/da = dJ/dv·dv/da = 3,
# dJ/db = dJ/du·du/db = 3·c = 9, dJ/dc = dJ/du·du/dc = 3·b = 6.
# --------------------------------------------------------------------------------------------

SEED_001_AT = ["--at", "a=1,b=2,c=3"]


@pytest.mark.parametrize("expression", ["3*(a+b*c)", "3(a+b*c)", "3*(a + b*c)"])
def test_seed_001_single_expression(run_json, expression):
    document = run_json("eval", expression, *SEED_001_AT)
    assert document["value"] == 21
    assert document["gradient"] == {"a": 3, "b": 9, "c": 6}


def test_seed_001_json_numbers_are_exact_integers(run_cgrad):
    # The student wants 21 and 3, 9, 6 as written in the tutorial, not 21.0.
    code, out, err = run_cgrad("eval", "3*(a+b*c)", *SEED_001_AT, "--format", "json")
    assert code == 0, err
    assert '"value": 21,' in out or '"value": 21}' in out
    assert "21.0" not in out


def test_seed_001_program_rows(run_json):
    document = run_json("eval", "u = b*c; v = a + u; J = 3v", *SEED_001_AT)
    assert document["output"] == "J"
    assert document["value"] == 21
    assert document["gradient"] == {"a": 3, "b": 9, "c": 6}

    forward = forward_rows(document)
    # the user's names are the names in the trace, and the values are the tutorial's
    assert forward["u"]["value"] == 6 and forward["u"]["op"] == "mul"
    assert sorted(forward["u"]["operands"]) == ["b", "c"]
    assert forward["v"]["value"] == 7 and forward["v"]["op"] == "add"
    assert sorted(forward["v"]["operands"]) == ["a", "u"]
    assert forward["J"]["value"] == 21
    # forward pass runs left to right: u before v before J
    names = [row["name"] for row in document["forward"]]
    assert names.index("u") < names.index("v") < names.index("J")

    backward = backward_rows(document)
    assert backward["J"]["adjoint"] == 1          # dJ/dJ = 1
    assert backward["v"]["adjoint"] == 3          # dJ/dv = 3
    assert backward["u"]["adjoint"] == 3          # dJ/du = dJ/dv · dv/du = 3 · 1
    assert backward["a"]["adjoint"] == 3
    assert backward["b"]["adjoint"] == 9
    assert backward["c"]["adjoint"] == 6
    # dJ/du is built from the single use of u in v = a + u: upstream 3 × local 1
    [term] = backward["u"]["terms"]
    assert (term["from"], term["upstream"], term["local"], term["contribution"]) == ("v", 3, 1, 3)
    # dJ/db = dJ/du · du/db = 3 · c
    [term] = backward["b"]["terms"]
    assert (term["from"], term["upstream"], term["local"], term["contribution"]) == ("u", 3, 3, 9)
    # backward pass runs right to left: J, v, u in that order
    order = [row["name"] for row in document["backward"]]
    assert order.index("J") < order.index("v") < order.index("u") < order.index("b")


def test_seed_001_table_mentions_the_tutorial_numbers(run_cgrad):
    code, out, err = run_cgrad("eval", "u = b*c; v = a + u; J = 3v", *SEED_001_AT)
    assert code == 0, err
    lines = out.splitlines()

    def row(name: str, title: str) -> list[str]:
        start = next(i for i, line in enumerate(lines) if line.startswith(title))
        for line in lines[start + 1:]:
            cells = line.split()
            if cells and cells[0] == name:
                return cells
        raise AssertionError(f"no row {name} under {title!r}:\n{out}")

    assert row("u", "Forward")[-1] == "6"
    assert row("v", "Forward")[-1] == "7"
    assert row("J", "Forward")[-1] == "21"
    assert row("v", "Backward")[-1] == "3"
    assert row("u", "Backward")[-1] == "3"
    assert row("a", "Gradient")[-1] == "3"
    assert row("b", "Gradient")[-1] == "9"
    assert row("c", "Gradient")[-1] == "6"


# --------------------------------------------------------------------------------------------
# Seed 002: p = x + y, g = p*z at x=1, y=3, z=-3.
# By hand: p = 4, g = -12; dg/dz = p = 4, dg/dp = z = -3, dg/dx = dg/dp · dp/dx = -3 · 1,
# dg/dy = -3 · 1.
# --------------------------------------------------------------------------------------------

def test_seed_002(run_json):
    document = run_json("eval", "p = x + y; g = p*z", "--at", "x=1,y=3,z=-3")
    assert document["output"] == "g"
    assert document["value"] == -12
    assert document["gradient"] == {"x": -3, "y": -3, "z": 4}
    forward = forward_rows(document)
    assert forward["p"]["value"] == 4
    assert forward["g"]["value"] == -12
    backward = backward_rows(document)
    assert backward["g"]["adjoint"] == 1           # dg/dg = 1, "the identity derivation"
    assert backward["p"]["adjoint"] == -3
    assert backward["z"]["adjoint"] == 4
    [term] = backward["x"]["terms"]
    assert (term["from"], term["upstream"], term["local"], term["contribution"]) == ("p", -3, 1, -3)


def test_seed_002_at_repeated_and_separate(run_json):
    # the same bindings split over several --at options
    document = run_json("eval", "p = x + y; g = p*z", "--at", "x=1", "--at", "y=3,z=-3")
    assert document["value"] == -12
    assert document["gradient"] == {"x": -3, "y": -3, "z": 4}


def test_seed_002_training_loop_reaches_least_squares_solution():
    # "forward, backward, W = W - lr·grad, repeat until a stop criterion": fit w, b to the
    # points (1, 3) and (2, 5). The exact least-squares line through both points is w=2, b=1.
    source = "r1 = w*1 + b - 3; r2 = w*2 + b - 5; L = r1^2 + r2^2"
    # The Hessian [[10, 6], [6, 4]] has eigenvalues 7 ± sqrt(45) ≈ 0.292 and 13.71, so lr = 0.1
    # is stable (0.1·13.71 < 2) and the slow direction shrinks by 1 - 0.0292 per step:
    # after 600 steps the error is about 0.9708^600 ≈ 2e-8 of the initial one.
    w, b, lr = 0.0, 0.0, 0.1
    for _ in range(600):
        trace = api(source, w=w, b=b)
        w -= lr * trace.gradient["w"]
        b -= lr * trace.gradient["b"]
    assert close(w, 2.0, rel=1e-6) and close(b, 1.0, rel=1e-6)


# --------------------------------------------------------------------------------------------
# Seed 003: add, multiply, separated, repeated, sum and MatMul nodes.
# --------------------------------------------------------------------------------------------

def test_seed_003_add_node_passes_upstream_unchanged():
    # z = x + y; L = z^2 at x=1, y=2: z = 3, dL/dz = 2z = 6, and the add node hands 6 to both.
    trace = api("z = x + y; L = z^2", x=1, y=2)
    assert trace.value == 9
    assert trace.gradient == {"x": 6, "y": 6}
    rows = {row.name: row for row in trace.backward}
    for name in ("x", "y"):
        [term] = rows[name].terms
        assert (term.upstream, term.local, term.contribution) == (6, 1, 6)


def test_seed_003_multiply_node_swaps_inputs():
    # z = x*y; L = z^2 at x=2, y=5: dL/dz = 2z = 20; dz/dx = y = 5, dz/dy = x = 2.
    trace = api("z = x*y; L = z^2", x=2, y=5)
    assert trace.value == 100
    assert trace.gradient == {"x": 100, "y": 40}
    rows = {row.name: row for row in trace.backward}
    [term] = rows["x"].terms
    assert (term.upstream, term.local) == (20, 5)
    [term] = rows["y"].terms
    assert (term.upstream, term.local) == (20, 2)


def test_seed_003_separated_node_sums_contributions(run_json):
    # "copy X as input to 2 Xs ... differentiation of first X will be 2·dL/dX":
    # a = x; b = a + a; c = b + b is c = 4x, so dc/dx = 4; a's two uses each bring dc/db = 2.
    document = run_json("eval", "a = x; b = a + a; c = b + b", "--at", "x=1.5")
    assert document["value"] == 6
    assert document["gradient"] == {"x": 4}
    backward = backward_rows(document)
    assert backward["b"]["adjoint"] == 2
    assert [t["contribution"] for t in backward["b"]["terms"]] == [1, 1]
    assert backward["a"]["adjoint"] == 4
    assert [t["contribution"] for t in backward["a"]["terms"]] == [2, 2]


def test_seed_003_separated_node_product():
    # L = x*x at x = 3: both copies contribute the other copy's value, 3 + 3 = 6 = 2x.
    trace = api("L = x*x", x=3)
    [row] = [row for row in trace.backward if row.name == "x"]
    assert sorted(term.contribution for term in row.terms) == [3, 3]
    assert trace.gradient == {"x": 6}


@pytest.mark.parametrize("copies", [1, 2, 5, 17, 100])
def test_seed_003_repeated_node(copies):
    # "copy the input X into N Xs ... differentiation of first X will be N·dL/dX":
    # s = x + x + ... + x (N copies); L = 3s at x = 0.25 → L = 0.75N, dL/dx = 3N.
    source = "s = " + " + ".join(["x"] * copies) + "; L = 3*s"
    trace = api(source, x=0.25)
    assert trace.value == 0.75 * copies
    assert trace.gradient == {"x": 3 * copies}
    [row] = [row for row in trace.backward if row.name == "x"]
    assert len(row.terms) == copies          # one contribution per copy
    assert sum(term.contribution for term in row.terms) == 3 * copies


def test_seed_003_sum_node_of_a_to_z():
    # a + b + ... + z: every input gets the upstream derivative unchanged (1 here, 2 after 2*(...)).
    # The letter e is the constant e, so it adds math.e to the value and is not in the gradient.
    letters = [chr(code) for code in range(ord("a"), ord("z") + 1)]
    values = {name: float(i + 1) for i, name in enumerate(letters) if name != "e"}
    trace = api("2*(" + " + ".join(letters) + ")", **values)
    assert close(trace.value, 2 * (sum(values.values()) + math.e))
    assert trace.gradient == {name: 2 for name in values}


def test_seed_003_matmul_x_w_plus_b():
    # Y = X·W + b with X N×D, W D×H, b of length H, written out element by element.
    # With L = sum_ij G_ij·Y_ij we have dL/dY = G, so the seed's rules give
    # dL/dX = G·Wᵀ, dL/dW = Xᵀ·G and dL/db_j = sum_i G_ij; computed here with plain lists.
    N, D, H = 2, 3, 2
    X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]
    W = [[1.0, -2.0], [0.5, 3.0], [-1.5, 0.125]]
    b = [0.1, -0.2]
    G = [[1.0, -3.0], [2.0, 0.5]]
    statements = []
    for i in range(N):
        for j in range(H):
            terms = " + ".join(f"X{i}{k}*W{k}{j}" for k in range(D))
            statements.append(f"Y{i}{j} = {terms} + b{j}")
    statements.append("L = " + " + ".join(f"{G[i][j]}*Y{i}{j}" for i in range(N) for j in range(H)))
    values = {f"X{i}{k}": X[i][k] for i in range(N) for k in range(D)}
    values.update({f"W{k}{j}": W[k][j] for k in range(D) for j in range(H)})
    values.update({f"b{j}": b[j] for j in range(H)})
    trace = api("\n".join(statements), **values)

    Y = [[sum(X[i][k] * W[k][j] for k in range(D)) + b[j] for j in range(H)] for i in range(N)]
    assert close(trace.value, sum(G[i][j] * Y[i][j] for i in range(N) for j in range(H)))
    forward = {row.name: row.value for row in trace.forward}
    for i in range(N):
        for j in range(H):
            assert close(forward[f"Y{i}{j}"], Y[i][j])
    for i in range(N):
        for k in range(D):   # (G·Wᵀ)_ik = sum_j G_ij W_kj
            assert close(trace.gradient[f"X{i}{k}"], sum(G[i][j] * W[k][j] for j in range(H)))
    for k in range(D):
        for j in range(H):   # (Xᵀ·G)_kj = sum_i X_ik G_ij
            assert close(trace.gradient[f"W{k}{j}"], sum(X[i][k] * G[i][j] for i in range(N)))
    for j in range(H):
        assert close(trace.gradient[f"b{j}"], sum(G[i][j] for i in range(N)))


# --------------------------------------------------------------------------------------------
# Seed 004: a(x, w, b) = relu(w·x + b), with ReLU'(0) taken as 0; single path, weight sharing,
# fully connected layers.
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("w, x, b, active", [
    (2.0, 1.5, -1.0, True),    # w·x + b = 2 > 0: da/dw = x, da/dx = w, da/db = 1
    (2.0, 1.5, -5.0, False),   # w·x + b = -2 < 0: relu is flat, all partials 0
    (2.0, 1.5, -3.0, False),   # w·x + b = 0 exactly: ReLU'(0) = 0 by convention
    (-0.5, 4.0, 2.0, False),   # w·x + b = 0 exactly, negative weight
])
def test_seed_004_relu_neuron(run_json, w, x, b, active):
    document = run_json("eval", "relu(w*x + b)", "--at", f"w={w},x={x},b={b}")
    z = w * x + b
    assert document["value"] == max(z, 0.0)
    expected = {"w": x, "x": w, "b": 1.0} if active else {"w": 0, "x": 0, "b": 0}
    assert document["gradient"] == expected
    assert any("relu'(0) = 0" in convention for convention in document["conventions"])


def test_seed_004_relu_named_chain(run_json):
    # a = relu(u + b) with u = w·x, v = u + b: da/db = dv/db · da/dv = 1 · 1 (v = 2 > 0)
    document = run_json("eval", "u = w*x; v = u + b; a = relu(v)", "--at", "w=2,x=1.5,b=-1")
    backward = backward_rows(document)
    assert backward["v"]["adjoint"] == 1
    assert backward["u"]["adjoint"] == 1
    assert document["gradient"] == {"w": 1.5, "x": 2, "b": 1}


def test_seed_004_single_path():
    # l = (o - y)^2 with o = a1 = sigmoid(w1·x1): dl/dw1 = dl/do · do/da1 · da1/dw1
    #   = 2(o - y) · 1 · s(1 - s)·x1  (univariate chain rule)
    w1, x1, y = 0.7, -1.3, 0.2
    trace = api("a1 = sigmoid(w1*x1); o = a1; l = (o - y)^2", w1=w1, x1=x1, y=y)
    s = sigmoid(w1 * x1)
    assert close(trace.value, (s - y) ** 2)
    assert close(trace.gradient["w1"], 2 * (s - y) * s * (1 - s) * x1)
    assert close(trace.gradient["x1"], 2 * (s - y) * s * (1 - s) * w1)
    assert close(trace.gradient["y"], -2 * (s - y))


@pytest.mark.parametrize("w1, x1", [(0.8, 1.25), (-0.8, 1.25)])  # relu path active / inactive
def test_seed_004_weight_sharing(w1, x1):
    # l = (o - y)^2, o = a1 + a2, a1 = relu(w1·x1), a2 = sigmoid(w1·x1).
    # Multivariable chain rule: dl/dw1 = dl/do·do/da1·da1/dw1 + dl/do·do/da2·da2/dw1 (upper + lower path)
    y = 0.3
    source = "a1 = relu(w1*x1); a2 = sigmoid(w1*x1); o = a1 + a2; l = (o - y)^2"
    trace = api(source, w1=w1, x1=x1, y=y)

    z = w1 * x1
    a1, a2 = max(z, 0.0), sigmoid(z)
    o = a1 + a2
    dl_do = 2 * (o - y)
    upper = dl_do * 1 * (1.0 if z > 0 else 0.0) * x1
    lower = dl_do * 1 * a2 * (1 - a2) * x1
    assert close(trace.value, (o - y) ** 2)
    assert close(trace.gradient["w1"], upper + lower)

    # w1 is used by two product nodes (one per path): two terms whose contributions are the paths
    [row] = [row for row in trace.backward if row.name == "w1"]
    assert len(row.terms) == 2
    assert sorted(term.contribution for term in row.terms) == pytest.approx(sorted([upper, lower]), rel=1e-12)
    assert close(row.adjoint, sum(term.contribution for term in row.terms))

    # and a finite-difference check of the whole gradient
    def loss(p):
        zz = p["w1"] * p["x1"]
        return (max(zz, 0.0) + sigmoid(zz) - p["y"]) ** 2

    point = {"w1": w1, "x1": x1, "y": y}
    for name in point:
        assert trace.gradient[name] == pytest.approx(central_difference(loss, point, name), rel=1e-6, abs=1e-9)


def test_seed_004_fully_connected_layers():
    # Two inputs → two sigmoid units → two sigmoid units → o = a1(2) + a2(2), l = (o - y)^2.
    # dl/dw11(1) = dl/do·do/da1(2)·da1(2)/da1(1)·da1(1)/dw11(1) + dl/do·do/da2(2)·da2(2)/da1(1)·da1(1)/dw11(1)
    p = {"x1": 0.5, "x2": -1.5, "w11": 0.3, "w12": -0.6, "w21": 0.9, "w22": 0.2,
         "v11": -1.1, "v12": 0.4, "v21": 0.7, "v22": 1.3, "y": 0.25}
    source = """
        h1 = sigmoid(w11*x1 + w12*x2)
        h2 = sigmoid(w21*x1 + w22*x2)
        o1 = sigmoid(v11*h1 + v12*h2)
        o2 = sigmoid(v21*h1 + v22*h2)
        o = o1 + o2
        l = (o - y)^2
    """
    trace = api(source, **p)

    def forward(q):
        h1 = sigmoid(q["w11"] * q["x1"] + q["w12"] * q["x2"])
        h2 = sigmoid(q["w21"] * q["x1"] + q["w22"] * q["x2"])
        o1 = sigmoid(q["v11"] * h1 + q["v12"] * h2)
        o2 = sigmoid(q["v21"] * h1 + q["v22"] * h2)
        return h1, h2, o1, o2, (o1 + o2 - q["y"]) ** 2

    h1, h2, o1, o2, loss = forward(p)
    assert close(trace.value, loss)
    dl_do = 2 * (o1 + o2 - p["y"])
    dh1_dw11 = h1 * (1 - h1) * p["x1"]
    path1 = dl_do * 1 * o1 * (1 - o1) * p["v11"] * dh1_dw11
    path2 = dl_do * 1 * o2 * (1 - o2) * p["v21"] * dh1_dw11
    assert close(trace.gradient["w11"], path1 + path2)
    for name in p:
        fd = central_difference(lambda q: forward(q)[-1], p, name)
        assert trace.gradient[name] == pytest.approx(fd, rel=1e-6, abs=1e-9), name


# --------------------------------------------------------------------------------------------
# Seed 000: f(x1, x2) = x1·x2·w0 = u, g(u) = w1·u + w2 = z, h(z) = 5·z = y; and the small ANN
# u1 = x1·w1 + x2·w2, u2 = x1·w3 + x2·w4, hat_y = u1·w5 + u2·w6 with a loss L(hat_y, y).
# --------------------------------------------------------------------------------------------

def test_seed_000_fgh_chain(run_json):
    x1, x2, w0, w1, w2 = 2.0, -3.0, 0.5, 4.0, 1.0
    document = run_json("eval", "u = x1*x2*w0; z = w1*u + w2; y = 5*z",
                        "--at", f"x1={x1},x2={x2},w0={w0},w1={w1},w2={w2}")
    u = x1 * x2 * w0           # -3
    z = w1 * u + w2            # -11
    assert document["value"] == 5 * z   # -55
    forward = forward_rows(document)
    assert forward["u"]["value"] == u and forward["z"]["value"] == z
    # dy/dz = 5, dy/du = 5·w1, then through the product x1·x2·w0
    backward = backward_rows(document)
    assert backward["z"]["adjoint"] == 5
    assert backward["u"]["adjoint"] == 5 * w1
    assert document["gradient"] == {
        "x1": 5 * w1 * x2 * w0, "x2": 5 * w1 * x1 * w0, "w0": 5 * w1 * x1 * x2,
        "w1": 5 * u, "w2": 5,
    }


ANN = """
# the ANN of seed 000: two inputs, two hidden sums, one output, squared loss
u1 = x1*w1 + x2*w2
u2 = x1*w3 + x2*w4
hat_y = u1*w5 + u2*w6
L = (hat_y - y)^2
"""


def test_seed_000_ann_hand_derivation_and_finite_differences(run_json):
    p = {"x1": 0.5, "x2": -1.25, "w1": 0.3, "w2": -0.8, "w3": 1.1, "w4": 0.45, "w5": -0.7, "w6": 1.6,
         "y": 2.0}
    document = run_json("eval", ANN, "--at", ",".join(f"{k}={v}" for k, v in p.items()))

    def loss(q):
        u1 = q["x1"] * q["w1"] + q["x2"] * q["w2"]
        u2 = q["x1"] * q["w3"] + q["x2"] * q["w4"]
        return u1, u2, (u1 * q["w5"] + u2 * q["w6"] - q["y"]) ** 2

    u1, u2, L = loss(p)
    hat_y = u1 * p["w5"] + u2 * p["w6"]
    assert close(document["value"], L)
    gradient = document["gradient"]
    dL_dhat = 2 * (hat_y - p["y"])
    # summary of the seed: dL/dw5 = dL/du3 · du3/dw5, with u3 = hat_y
    assert close(backward_rows(document)["hat_y"]["adjoint"], dL_dhat)
    assert close(gradient["w5"], dL_dhat * u1)
    assert close(gradient["w6"], dL_dhat * u2)
    assert close(gradient["w1"], dL_dhat * p["w5"] * p["x1"])
    assert close(gradient["w2"], dL_dhat * p["w5"] * p["x2"])
    assert close(gradient["w3"], dL_dhat * p["w6"] * p["x1"])
    assert close(gradient["w4"], dL_dhat * p["w6"] * p["x2"])
    assert close(gradient["x1"], dL_dhat * (p["w5"] * p["w1"] + p["w6"] * p["w3"]))
    assert close(gradient["y"], -dL_dhat)
    for name in p:
        fd = central_difference(lambda q: loss(q)[-1], p, name)
        assert gradient[name] == pytest.approx(fd, rel=1e-6, abs=1e-9), name


def test_seed_000_ann_gradient_descent_lowers_the_loss():
    # Target: fit hat_y to y by gradient descent on the weights (the inputs stay fixed).
    p = {"x1": 0.5, "x2": -1.25, "w1": 0.3, "w2": -0.8, "w3": 1.1, "w4": 0.45, "w5": -0.7, "w6": 1.6,
         "y": 2.0}
    weights = [f"w{i}" for i in range(1, 7)]
    losses = []
    for _ in range(50):
        trace = api(ANN, wrt=weights, **p)
        assert list(trace.gradient) == weights
        losses.append(trace.value)
        for name in weights:
            p[name] -= 0.05 * trace.gradient[name]
    assert losses[-1] < 1e-6 * losses[0]
    assert all(later <= earlier for earlier, later in zip(losses, losses[1:]))
