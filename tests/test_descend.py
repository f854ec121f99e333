"""`cgrad descend` (issue 6): the seeds' training loop, W = W − lr·∂L/∂W, repeated until a stop
criterion holds (seed 002: "We then update the weights by doing W = W - learning rate *
gradients. We repeat this process until stop criteria is met.").

Every expected value is computed independently of cgrad: by hand (the derivations are written
out in the comments, as fractions), by NumPy's least squares, or by plain-Python
re-implementations of the update rules written in this file (gradient descent, torch's SGD
momentum, torch's Adam), with gradients from hand-derived formulas. Nothing is pasted from
cgrad's output. The optional torch tests compare with torch.optim itself.

Semantics under test: step k evaluates the loss and its gradient at the current parameters
(trace row k holds the parameters before the k-th update), checks --grad-tol (norm < tol) and
--tol (|L_k − L_{k−1}| < tol), then updates; there are at most --steps updates.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from fractions import Fraction

import pytest

from conftest import parse_json_output

np = pytest.importorskip("numpy")

INPUT, MATH = 2, 1
DIVERGENCE_FACTOR = 1e8     # the bound: a loss past 1e8·max(1, |first loss|) has diverged


def close(actual: float, expected: float, rel: float = 1e-12, abs_: float = 1e-12) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_)


def descend_json(run_cgrad, *args: str, cwd=None) -> dict:
    code, out, err = run_cgrad("descend", *args, "--format", "json", cwd=cwd)
    assert code == 0, f"exit {code}; stderr:\n{err}"
    assert err == "", err
    return parse_json_output(out)


def assert_input_error(code: int, out: str, err: str, expected: int = INPUT) -> str:
    assert code == expected, f"exit {code}, expected {expected}; stdout:\n{out}\nstderr:\n{err}"
    assert err.startswith("error:"), err
    assert "Traceback" not in err and "internal error" not in err, err
    assert out == ""
    return err.splitlines()[0]


# --------------------------------------------------------------------------------------------
# Plain-Python references. `gradient_fn(params) -> (loss, gradient)` with dicts of numbers
# (floats or Fractions); the optimisers follow torch.optim's documented formulas.
# --------------------------------------------------------------------------------------------

def reference_descent(loss_and_gradient, start: dict, lr, steps: int, optimizer: str = "gd",
                      momentum=0.9, beta1=0.9, beta2=0.999, eps=1e-8, batches: int = 1) -> list[dict]:
    """One record {"loss", "params", "gradient"} per step, before the update, `steps` updates.
    `loss_and_gradient(params, k)` gets the step number k (to pick batch k mod `batches`)."""
    params, history = dict(start), []
    velocity, first, second = {}, {}, {}
    for k in range(steps + 1):
        loss, gradient = loss_and_gradient(params, k % batches)
        history.append({"loss": loss, "params": dict(params), "gradient": dict(gradient)})
        if k == steps:
            break
        t = k + 1
        new = {}
        for name, p in params.items():
            g = gradient[name]
            if optimizer == "gd":                      # seed 002: W = W − lr·g
                new[name] = p - lr * g
            elif optimizer == "momentum":              # torch.optim.SGD: b_1 = g, b_t = μ·b_{t−1} + g
                velocity[name] = g if name not in velocity else momentum * velocity[name] + g
                new[name] = p - lr * velocity[name]
            else:                                      # torch.optim.Adam (amsgrad=False)
                first[name] = beta1 * first.get(name, 0) + (1 - beta1) * g
                second[name] = beta2 * second.get(name, 0) + (1 - beta2) * g * g
                m_hat = first[name] / (1 - beta1 ** t)
                v_hat = second[name] / (1 - beta2 ** t)
                new[name] = p - lr * m_hat / (math.sqrt(v_hat) + eps)
        params = new
    return history


def assert_same_trajectory(trace: list[dict], reference: list[dict], rel: float = 1e-12, abs_: float = 1e-12):
    assert len(trace) == len(reference)
    for k, (row, expected) in enumerate(zip(trace, reference)):
        assert row["step"] == k
        assert close(row["loss"], expected["loss"], rel, abs_), (k, row["loss"], expected["loss"])
        for name, value in expected["params"].items():
            assert close(row["params"][name], value, rel, abs_), (k, name, row["params"][name], value)
        for name, value in expected["gradient"].items():
            assert close(row["gradient"][name], value, rel, abs_), (k, name, row["gradient"][name], value)


# L(x, y) = (x−3)² + 10(y+1)² + x·y: by hand ∂L/∂x = 2(x−3) + y, ∂L/∂y = 20(y+1) + x.
# The Hessian [[2, 1], [1, 20]] is positive definite, so every optimiser below settles.
BOWL = "(x-3)^2 + 10*(y+1)^2 + x*y"


def bowl(params: dict, _batch: int = 0):
    x, y = params["x"], params["y"]
    return (x - 3) ** 2 + 10 * (y + 1) ** 2 + x * y, {"x": 2 * (x - 3) + y, "y": 20 * (y + 1) + x}


# --------------------------------------------------------------------------------------------
# Generated data: a noisy line, written as CSV (repr keeps every float exact)
# --------------------------------------------------------------------------------------------

def line_data(n: int = 50, noise: float = 0.3, seed: int = 6) -> tuple:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 2.5 * x - 1.0 + noise * rng.normal(size=n)
    return x, y


def write_csv(path, columns: dict) -> None:
    names = list(columns)
    lines = [",".join(names)]
    lines += [",".join(repr(float(columns[name][i])) for name in names) for i in range(len(columns[names[0]]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_json_lines(path, columns: dict) -> None:
    names = list(columns)
    rows = [{name: float(columns[name][i]) for name in names} for i in range(len(columns[names[0]]))]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def least_squares(x, y) -> tuple[float, float]:
    design = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(w), float(b)


def line_gradient(x, y):
    """For L = reduce over rows of (w·x + b − y)²: ∂/∂w = 2·r·x, ∂/∂b = 2·r (mean over rows)."""
    def loss_and_gradient(params: dict, rows: list[int]):
        w, b = params["w"], params["b"]
        r = [w * x[i] + b - y[i] for i in rows]
        n = len(rows)
        return (sum(v * v for v in r) / n,
                {"w": sum(2 * v * x[i] for v, i in zip(r, rows)) / n, "b": sum(2 * v for v in r) / n})
    return loss_and_gradient


LINE = "(w*x + b - y)^2"


# ============================================================================================
# 1. Linear regression converges to NumPy's least-squares solution
# ============================================================================================

# The mean loss has Hessian 2·[[mean x², mean x], [mean x, 1]], whose eigenvalues for this data
# lie in about [1.5, 2.5]; lr = 0.1 contracts the error by ≤ 0.85 a step. The default
# --grad-tol 1e-10 stops with ‖g‖ < 1e-10, so the distance to the minimum is below
# 1e-10 / λ_min < 1e-9. We allow 1e-8.
REGRESSION_TOLERANCE = 1e-8


@pytest.mark.parametrize("writer, name", [(write_csv, "points.csv"), (write_json_lines, "points.jsonl")])
def test_linear_regression_mean_reaches_least_squares(run_cgrad, tmp_path, writer, name):
    x, y = line_data()
    writer(tmp_path / name, {"x": x, "y": y})
    w_star, b_star = least_squares(x, y)
    document = descend_json(run_cgrad, LINE, "--data", name, "--params", "w=0,b=0", "--lr", "0.1",
                            "--steps", "5000", cwd=tmp_path)
    assert "grad-tol" in document["stopped"]
    assert abs(document["params"]["w"] - w_star) < REGRESSION_TOLERANCE
    assert abs(document["params"]["b"] - b_star) < REGRESSION_TOLERANCE
    # the reported loss is the mean squared residual at the solution, computed here with NumPy
    residual = w_star * x + b_star - y
    assert close(document["loss"], float(np.mean(residual ** 2)), rel=1e-9)


def test_linear_regression_sum_reaches_least_squares(run_cgrad, tmp_path):
    # --reduce sum: the gradient is n = 50 times the mean's, so lr is 50 times smaller.
    x, y = line_data()
    write_csv(tmp_path / "points.csv", {"x": x, "y": y})
    w_star, b_star = least_squares(x, y)
    document = descend_json(run_cgrad, LINE, "--data", "points.csv", "--reduce", "sum", "--params", "w=0,b=0",
                            "--lr", "0.002", "--steps", "5000", cwd=tmp_path)
    assert "grad-tol" in document["stopped"]
    assert abs(document["params"]["w"] - w_star) < REGRESSION_TOLERANCE
    assert abs(document["params"]["b"] - b_star) < REGRESSION_TOLERANCE
    residual = w_star * x + b_star - y
    assert close(document["loss"], float(np.sum(residual ** 2)), rel=1e-9)
    # the first step's loss and gradient are sums over the rows (w = b = 0: r = −y)
    first = document["trace"][0]
    assert close(first["loss"], float(np.sum(y ** 2)))
    assert close(first["gradient"]["w"], float(np.sum(-2 * y * x)))
    assert close(first["gradient"]["b"], float(np.sum(-2 * y)))


def test_mean_and_sum_first_gradients_differ_by_the_row_count(run_cgrad, tmp_path):
    x, y = line_data(n=7)
    write_csv(tmp_path / "points.csv", {"x": x, "y": y})
    mean = descend_json(run_cgrad, LINE, "--data", "points.csv", "--params", "w=0.5,b=-0.25", "--steps", "0",
                        cwd=tmp_path)["trace"][0]
    total = descend_json(run_cgrad, LINE, "--data", "points.csv", "--params", "w=0.5,b=-0.25", "--steps", "0",
                         "--reduce", "sum", cwd=tmp_path)["trace"][0]
    assert close(total["loss"], 7 * mean["loss"])
    assert close(total["gradient"]["w"], 7 * mean["gradient"]["w"])
    assert close(total["gradient"]["b"], 7 * mean["gradient"]["b"])


def test_batches_follow_the_cycling_reference(run_cgrad, tmp_path):
    # 20 rows in batches of 8: batches rows 0–7, 8–15 and the short 16–19, then again from 0;
    # one update per batch, each batch's loss the mean over its own rows.
    x, y = line_data(n=20)
    write_csv(tmp_path / "points.csv", {"x": x, "y": y})
    batches = [list(range(0, 8)), list(range(8, 16)), list(range(16, 20))]
    gradient = line_gradient([float(v) for v in x], [float(v) for v in y])
    reference = reference_descent(lambda params, k: gradient(params, batches[k]), {"w": 0.0, "b": 0.0},
                                  0.05, 40, batches=3)
    document = descend_json(run_cgrad, LINE, "--data", "points.csv", "--params", "w=0,b=0", "--lr", "0.05",
                            "--steps", "40", "--batch-size", "8", "--grad-tol", "0", cwd=tmp_path)
    assert document["steps"] == 40
    assert_same_trajectory(document["trace"], reference)
    # the final loss is over all the data, at the final parameters
    final = {"w": document["params"]["w"], "b": document["params"]["b"]}
    assert close(final["w"], reference[-1]["params"]["w"]) and close(final["b"], reference[-1]["params"]["b"])
    assert close(document["loss"], gradient(final, list(range(20)))[0])


def test_batches_on_noise_free_data_reach_the_line(run_cgrad, tmp_path):
    # With y = 2.5x − 1 exactly, every batch has the same minimiser, so per-batch updates
    # converge to it (to rounding), which is also the least-squares solution.
    x, _ = line_data()
    y = 2.5 * x - 1.0
    write_csv(tmp_path / "points.csv", {"x": x, "y": y})
    w_star, b_star = least_squares(x, y)
    document = descend_json(run_cgrad, LINE, "--data", "points.csv", "--params", "w=0,b=0", "--lr", "0.05",
                            "--steps", "5000", "--batch-size", "8", cwd=tmp_path)
    assert abs(document["params"]["w"] - w_star) < REGRESSION_TOLERANCE
    assert abs(document["params"]["b"] - b_star) < REGRESSION_TOLERANCE


def test_batches_on_noisy_data_end_near_least_squares(run_cgrad, tmp_path):
    # Constant-lr SGD over consecutive batches ends in a cycle around the minimum whose size is
    # O(lr · spread of the batch gradients); with lr = 0.005 and noise 0.3 that is well under
    # 0.02 (the plain-Python reference of the same run ends about 2.5e-4 away).
    x, y = line_data()
    write_csv(tmp_path / "points.csv", {"x": x, "y": y})
    w_star, b_star = least_squares(x, y)
    document = descend_json(run_cgrad, LINE, "--data", "points.csv", "--params", "w=0,b=0", "--lr", "0.005",
                            "--steps", "4000", "--batch-size", "10", "--grad-tol", "0", cwd=tmp_path)
    assert abs(document["params"]["w"] - w_star) < 0.02
    assert abs(document["params"]["b"] - b_star) < 0.02


# ============================================================================================
# 2. Seed 002's rule step by step, by hand, in float and exact mode
# ============================================================================================

# Seed 002's graph p = x + y, g = p·z, at its values x = 1, y = 3, z = −3, trained as the loss
# L = g² with all three as parameters and lr = 1/100.
#
# Step 0 (the seed's forward pass): p = 4, g = −12, L = 144.
#   ∂L/∂g = 2g = −24; ∂L/∂x = ∂L/∂g·∂g/∂p·∂p/∂x = −24·z·1 = 72; ∂L/∂y = 72; ∂L/∂z = −24·p = −96.
#   Update: x = 1 − 72/100 = 7/25, y = 3 − 72/100 = 57/25, z = −3 + 96/100 = −51/25.
# Step 1: p = 64/25, g = (64/25)(−51/25) = −3264/625, L = 3264²/625² = 10653696/390625.
#   ∂L/∂g = −6528/625; ∂L/∂x = ∂L/∂y = (−6528/625)(−51/25) = 332928/15625;
#   ∂L/∂z = (−6528/625)(64/25) = −417792/15625.
#   Update: x = 7/25 − 332928/1562500 = 104572/1562500 = 26143/390625,
#           y = 57/25 − 332928/1562500 = 3229572/1562500 = 807393/390625,
#           z = −51/25 + 417792/1562500 = −2769708/1562500 = −692427/390625.
SEED_002 = "p = x + y; g = p*z; L = g^2"
SEED_002_STEPS = [
    {"loss": Fraction(144), "params": {"x": Fraction(1), "y": Fraction(3), "z": Fraction(-3)},
     "gradient": {"x": Fraction(72), "y": Fraction(72), "z": Fraction(-96)}},
    {"loss": Fraction(10653696, 390625),
     "params": {"x": Fraction(7, 25), "y": Fraction(57, 25), "z": Fraction(-51, 25)},
     "gradient": {"x": Fraction(332928, 15625), "y": Fraction(332928, 15625), "z": Fraction(-417792, 15625)}},
]
SEED_002_AFTER_TWO = {"x": Fraction(26143, 390625), "y": Fraction(807393, 390625), "z": Fraction(-692427, 390625)}


def test_seed_002_first_two_steps_exact(run_cgrad):
    document = descend_json(run_cgrad, SEED_002, "--params", "x=1,y=3,z=-3", "--lr", "1/100", "--steps", "2",
                            "--exact")
    assert document["numbers"] == "exact"
    assert document["steps"] == 2 and document["stopped"] == "--steps reached"
    trace = document["trace"]
    assert [row["step"] for row in trace] == [0, 1, 2]
    for row, expected in zip(trace, SEED_002_STEPS):
        # exact mode writes every number as a string holding the fraction
        assert isinstance(row["loss"], str)
        assert Fraction(row["loss"]) == expected["loss"]
        assert {k: Fraction(v) for k, v in row["params"].items()} == expected["params"]
        assert {k: Fraction(v) for k, v in row["gradient"].items()} == expected["gradient"]
    assert {k: Fraction(v) for k, v in trace[2]["params"].items()} == SEED_002_AFTER_TWO
    assert {k: Fraction(v) for k, v in document["params"].items()} == SEED_002_AFTER_TWO
    # the last row's loss, recomputed from the hand-derived parameters
    p = SEED_002_AFTER_TWO["x"] + SEED_002_AFTER_TWO["y"]
    assert Fraction(trace[2]["loss"]) == (p * SEED_002_AFTER_TWO["z"]) ** 2 == Fraction(document["loss"])


def test_seed_002_first_two_steps_float(run_cgrad):
    document = descend_json(run_cgrad, SEED_002, "--params", "x=1,y=3,z=-3", "--lr", "0.01", "--steps", "2")
    assert document["numbers"] == "float"
    for row, expected in zip(document["trace"], SEED_002_STEPS):
        assert close(row["loss"], float(expected["loss"]))
        for part in ("params", "gradient"):
            for name, value in expected[part].items():
                assert close(row[part][name], float(value)), (row["step"], part, name)
    for name, value in SEED_002_AFTER_TWO.items():
        assert close(document["params"][name], float(value))


def test_exact_descent_of_a_quadratic_halves_the_error(run_cgrad):
    # L = (x−3)², lr = 1/4: x ← x − (1/4)·2(x−3), so the error 3 − x halves each step:
    # x_k = 3 − 3/2^k, L_k = 9/4^k, dL/dx = −6/2^k.
    document = descend_json(run_cgrad, "(x-3)^2", "--params", "x=0", "--lr", "1/4", "--steps", "5", "--exact")
    for k, row in enumerate(document["trace"]):
        assert Fraction(row["params"]["x"]) == 3 - Fraction(3, 2 ** k)
        assert Fraction(row["loss"]) == Fraction(9, 4 ** k)
        assert Fraction(row["gradient"]["x"]) == Fraction(-6, 2 ** k)


def test_exact_descent_with_data_by_hand(run_cgrad, tmp_path):
    # Rows (x, y) = (1, 3), (2, 5); L = mean (w·x + b − y)², w = b = 0, lr = 1/10.
    # Step 0: r = (−3, −5), L = (9 + 25)/2 = 17, ∂L/∂w = (2·−3·1 + 2·−5·2)/2 = −13,
    #         ∂L/∂b = (2·−3 + 2·−5)/2 = −8; w = 13/10, b = 4/5.
    # Step 1: r = (13/10 + 4/5 − 3, 13/5 + 4/5 − 5) = (−9/10, −8/5),
    #         L = (81/100 + 256/100)/2 = 337/200, ∂L/∂w = (−9/5 − 32/5)/2 = −41/10,
    #         ∂L/∂b = (−9/5 − 16/5)/2 = −5/2; w = 13/10 + 41/100 = 171/100, b = 4/5 + 1/4 = 21/20.
    (tmp_path / "points.csv").write_text("x,y\n1,3\n2,5\n", encoding="utf-8")
    document = descend_json(run_cgrad, LINE, "--data", "points.csv", "--params", "w=0,b=0", "--lr", "1/10",
                            "--steps", "2", "--exact", cwd=tmp_path)
    fractions = [{"loss": Fraction(row["loss"]), **{f"d{k}": Fraction(v) for k, v in row["gradient"].items()},
                  **{k: Fraction(v) for k, v in row["params"].items()}} for row in document["trace"]]
    assert fractions[0] == {"loss": 17, "w": 0, "b": 0, "dw": -13, "db": -8}
    assert fractions[1] == {"loss": Fraction(337, 200), "w": Fraction(13, 10), "b": Fraction(4, 5),
                            "dw": Fraction(-41, 10), "db": Fraction(-5, 2)}
    assert fractions[2]["w"] == Fraction(171, 100) and fractions[2]["b"] == Fraction(21, 20)


def test_digits_mode_descends_too(run_cgrad):
    # L = (x−3)², lr = 0.1: the error shrinks by 1 − 0.2 = 0.8 a step, x_k = 3 − 3·0.8^k.
    document = descend_json(run_cgrad, "(x-3)^2", "--params", "x=0", "--lr", "0.1", "--steps", "3",
                            "--digits", "20")
    assert document["numbers"] == "digits"
    for k, row in enumerate(document["trace"]):
        assert Fraction(row["params"]["x"]) == 3 - 3 * Fraction(4, 5) ** k
        assert Fraction(row["loss"]) == 9 * Fraction(16, 25) ** k


# ============================================================================================
# 3. Momentum and Adam: torch's formulas, re-implemented here, to 1e-12
# ============================================================================================

@pytest.mark.parametrize("optimizer, options, lr, hyper", [
    ("gd", [], 0.04, {}),
    ("momentum", [], 0.01, {}),
    ("momentum", ["--momentum", "0.5"], 0.02, {"momentum": 0.5}),
    ("adam", [], 0.1, {}),
    ("adam", ["--beta1", "0.8", "--beta2", "0.99", "--eps", "1e-6"], 0.05,
     {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
])
def test_optimizer_matches_plain_python_reference(run_cgrad, optimizer, options, lr, hyper):
    steps = 60
    reference = reference_descent(bowl, {"x": 0.0, "y": 0.0}, lr, steps, optimizer, **hyper)
    document = descend_json(run_cgrad, BOWL, "--params", "x=0,y=0", "--optimizer", optimizer, *options,
                            "--lr", repr(lr), "--steps", str(steps), "--grad-tol", "0")
    assert document["steps"] == steps
    assert_same_trajectory(document["trace"], reference)


def test_momentum_exact_matches_fraction_reference(run_cgrad):
    # the momentum rule in rational arithmetic: every step's parameters as exact fractions
    reference = reference_descent(bowl, {"x": Fraction(0), "y": Fraction(0)}, Fraction(1, 50), 6, "momentum",
                                  momentum=Fraction(9, 10))
    document = descend_json(run_cgrad, BOWL, "--params", "x=0,y=0", "--optimizer", "momentum", "--lr", "1/50",
                            "--steps", "6", "--exact")
    for row, expected in zip(document["trace"], reference, strict=True):
        assert Fraction(row["loss"]) == expected["loss"]
        assert {k: Fraction(v) for k, v in row["params"].items()} == expected["params"]
        assert {k: Fraction(v) for k, v in row["gradient"].items()} == expected["gradient"]


def test_momentum_first_velocity_is_the_gradient(run_cgrad):
    # torch: the first buffer is g itself (not (1 − μ)·g nor μ·0 + g·lr): x₁ = x₀ − lr·g₀.
    # L = (x−3)², x₀ = 0: g₀ = −6, x₁ = 0 + 0.1·6 = 0.6; g₁ = 2(0.6 − 3) = −4.8,
    # v₁ = 0.9·(−6) − 4.8 = −10.2, x₂ = 0.6 + 0.1·10.2 = 1.62.
    document = descend_json(run_cgrad, "(x-3)^2", "--params", "x=0", "--optimizer", "momentum", "--lr", "0.1",
                            "--steps", "2")
    xs = [row["params"]["x"] for row in document["trace"]]
    assert close(xs[1], 0.6) and close(xs[2], 1.62)


def test_adam_first_step_is_lr_sized(run_cgrad):
    # Bias correction makes Adam's first step lr·g/(|g| + ε) ≈ lr·sign(g) whatever |g| is.
    # L = 1000·(x−3)², x₀ = 0: g₀ = −6000, x₁ = 0.25·6000/(6000 + 1e-8).
    document = descend_json(run_cgrad, "1000*(x-3)^2", "--params", "x=0", "--optimizer", "adam", "--lr", "0.25",
                            "--steps", "1")
    assert close(document["params"]["x"], 0.25 * 6000 / (6000 + 1e-8))


def _torch_trajectory(torch, optimizer: str, lr: float, steps: int, **hyper) -> list[dict]:
    x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    if optimizer == "gd":
        opt = torch.optim.SGD([x, y], lr=lr)
    elif optimizer == "momentum":
        opt = torch.optim.SGD([x, y], lr=lr, momentum=hyper.get("momentum", 0.9))
    else:
        opt = torch.optim.Adam([x, y], lr=lr, betas=(hyper.get("beta1", 0.9), hyper.get("beta2", 0.999)),
                               eps=hyper.get("eps", 1e-8))
    history = []
    for k in range(steps + 1):
        opt.zero_grad()
        loss = (x - 3) ** 2 + 10 * (y + 1) ** 2 + x * y
        loss.backward()
        history.append({"loss": loss.item(), "params": {"x": x.item(), "y": y.item()},
                        "gradient": {"x": x.grad.item(), "y": y.grad.item()}})
        if k < steps:
            opt.step()
    return history


@pytest.mark.parametrize("optimizer, options, lr, hyper", [
    ("gd", [], 0.04, {}),
    ("momentum", [], 0.01, {}),
    ("adam", [], 0.1, {}),
    ("adam", ["--beta1", "0.8", "--beta2", "0.99", "--eps", "1e-6"], 0.05,
     {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
])
def test_optimizer_matches_torch(run_cgrad, optimizer, options, lr, hyper):
    torch = pytest.importorskip("torch")
    steps = 60
    reference = _torch_trajectory(torch, optimizer, lr, steps, **hyper)
    document = descend_json(run_cgrad, BOWL, "--params", "x=0,y=0", "--optimizer", optimizer, *options,
                            "--lr", repr(lr), "--steps", str(steps), "--grad-tol", "0")
    assert_same_trajectory(document["trace"], reference)


def test_tensor_adam_matches_torch(run_cgrad):
    # a vector parameter: Adam acts elementwise, as torch's does on a tensor
    torch = pytest.importorskip("torch")
    X = [[1.0, 0.5], [1.0, -1.0], [0.0, 2.0]]
    y = [1.0, 0.0, 3.0]
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.05)
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    expected = []
    for k in range(31):
        opt.zero_grad()
        loss = ((Xt @ w - yt) ** 2).sum()
        loss.backward()
        expected.append((loss.item(), w.detach().tolist(), w.grad.tolist()))
        if k < 30:
            opt.step()
    document = descend_json(run_cgrad, "sum((X @ w - y)^2)", "--params", "w=[0,0]", "--at", f"X={X}",
                            "--at", f"y={y}", "--optimizer", "adam", "--lr", "0.05", "--steps", "30",
                            "--grad-tol", "0")
    for row, (loss, params, gradient) in zip(document["trace"], expected, strict=True):
        assert close(row["loss"], loss)
        assert all(close(a, b) for a, b in zip(row["params"]["w"], params, strict=True))
        assert all(close(a, b) for a, b in zip(row["gradient"]["w"], gradient, strict=True))


# ============================================================================================
# 4. Divergence and the stop reasons
# ============================================================================================

def divergence_step(x0: float, lr: float) -> int:
    """The first step at which plain GD on (x−3)² has a loss past 1e8·max(1, L₀)."""
    x, first = x0, (x0 - 3) ** 2
    for k in range(1000):
        loss = (x - 3) ** 2
        if k and loss > DIVERGENCE_FACTOR * max(1.0, abs(first)):
            return k
        x -= lr * 2 * (x - 3)
    raise AssertionError("no divergence")


@pytest.mark.parametrize("mode", [[], ["--exact"]])
@pytest.mark.parametrize("x0, lr, lr_text", [("0", 1.5, "3/2"), ("2.9", 1.5, "3/2"), ("0", 1.05, "21/20")])
def test_divergence_is_reported_with_its_step(run_cgrad, mode, x0, lr, lr_text):
    # lr·2 > 2: the error is multiplied by 1 − 2·lr (−2 or −1.1) each step and the loss grows.
    # x0 = 2.9 starts with a loss of 0.01 < 1, so the bound is 1e8 itself.
    expected = divergence_step(float(x0), lr)
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", f"x={x0}", "--lr", lr_text, "--steps", "1000",
                               *mode)
    line = assert_input_error(code, out, err, MATH)
    assert f"diverged at step {expected}" in line, line
    assert "--lr" in line


def test_divergence_to_overflow_names_the_step(run_cgrad):
    # lr = 1e200: x₁ = 6e200 and (x₁ − 3)² overflows a double at step 1.
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", "--lr", "1e200")
    line = assert_input_error(code, out, err, MATH)
    assert "diverged at step 1" in line


def test_divergence_with_data_and_json_format(run_cgrad, tmp_path):
    # mean (w·x − y)² over x = 1, 2: ∂²L/∂w² = mean 2x² = 5, so lr = 1 multiplies the error in w
    # by 1 − 5 = −4 a step; the loss (2.5·e² + const) passes 1e8·L₀ within a few more steps.
    (tmp_path / "points.csv").write_text("x,y\n1,1\n2,2\n", encoding="utf-8")
    w, first, expected = 0.0, None, None
    for k in range(100):
        loss = ((w * 1 - 1) ** 2 + (w * 2 - 2) ** 2) / 2
        first = loss if first is None else first
        if k and loss > DIVERGENCE_FACTOR * max(1.0, first):
            expected = k
            break
        w -= 1.0 * ((2 * (w - 1) * 1) + (2 * (2 * w - 2) * 2)) / 2
    assert expected is not None
    code, out, err = run_cgrad("descend", "(w*x - y)^2", "--params", "w=0", "--data", "points.csv", "--lr", "1",
                               "--format", "json", cwd=tmp_path)
    line = assert_input_error(code, out, err, MATH)
    assert f"diverged at step {expected}" in line


def test_stop_after_steps(run_cgrad):
    document = descend_json(run_cgrad, "(x-3)^2", "--params", "x=0", "--lr", "0.1", "--steps", "7")
    assert document["stopped"] == "--steps reached"
    assert document["steps"] == 7
    assert len(document["trace"]) == 8          # rows 0..7: the parameters before each update, and the last
    assert close(document["params"]["x"], 3 - 3 * 0.8 ** 7)


def test_stop_at_zero_steps(run_cgrad):
    document = descend_json(run_cgrad, "(x-3)^2", "--params", "x=0", "--steps", "0")
    assert document["steps"] == 0 and len(document["trace"]) == 1
    assert document["params"] == {"x": 0} and document["loss"] == 9


def test_stop_on_tol(run_cgrad):
    # exact (x−3)², lr 1/4: L_k = 9/4^k, |L_k − L_{k−1}| = 27/4^k; tol = 1/10 first holds at
    # the k where 27/4^k < 1/10, found by the loop below (k = 5: 27/1024 < 1/10 < 27/256).
    tol, k = Fraction(1, 10), 1
    while not Fraction(27, 4 ** k) < tol:
        k += 1
    assert k == 5
    document = descend_json(run_cgrad, "(x-3)^2", "--params", "x=0", "--lr", "1/4", "--tol", "1/10", "--exact")
    assert "--tol" in document["stopped"]
    assert document["steps"] == k              # the check at step k comes before its update
    assert len(document["trace"]) == k + 1
    assert Fraction(document["params"]["x"]) == 3 - Fraction(3, 2 ** k)


def test_stop_on_grad_tol(run_cgrad):
    # (x−3)², lr 1/4: |dL/dx| = 6/2^k; --grad-tol 1e-3 holds first at k = 13 (6/8192 < 1e-3 < 6/4096).
    k = 0
    while not 6 / 2 ** k < 1e-3:
        k += 1
    document = descend_json(run_cgrad, "(x-3)^2", "--params", "x=0", "--lr", "0.25", "--grad-tol", "1e-3")
    assert "--grad-tol" in document["stopped"]
    assert document["steps"] == k == 13
    assert len(document["trace"]) == k + 1


def test_grad_tol_uses_the_euclidean_norm(run_cgrad):
    # at (x, y) = (3 + 0.3, −1 + 0.02) the gradient of (x−3)² + 10(y+1)² is (0.6, 0.4), norm
    # sqrt(0.52) ≈ 0.7211: below 0.73, not below 0.72 (either component alone is below 0.72).
    # lr = 1e-12 keeps the parameters, and so the gradient, where they are to ~1e-12 (lr = 0 is
    # refused: a learning rate must be positive).
    stop = descend_json(run_cgrad, "(x-3)^2 + 10*(y+1)^2", "--params", "x=3.3,y=-0.98", "--grad-tol", "0.73",
                        "--steps", "5", "--lr", "1e-12")
    go = descend_json(run_cgrad, "(x-3)^2 + 10*(y+1)^2", "--params", "x=3.3,y=-0.98", "--grad-tol", "0.72",
                      "--steps", "5", "--lr", "1e-12")
    assert stop["steps"] == 0 and "--grad-tol" in stop["stopped"]
    assert go["steps"] == 5 and go["stopped"] == "--steps reached"


def test_grad_tol_zero_never_stops(run_cgrad):
    # starting at the minimum the gradient is exactly 0; --grad-tol 0 turns the criterion off
    at_minimum = descend_json(run_cgrad, "(x-3)^2", "--params", "x=3", "--steps", "4")
    assert at_minimum["steps"] == 0 and "--grad-tol" in at_minimum["stopped"]
    off = descend_json(run_cgrad, "(x-3)^2", "--params", "x=3", "--steps", "4", "--grad-tol", "0")
    assert off["steps"] == 4 and off["stopped"] == "--steps reached"


# ============================================================================================
# 5. Bad input: exit 2, naming the file, the row and the column
# ============================================================================================

def run_bad_data(run_cgrad, tmp_path, name: str, content: str, *extra: str, expression: str = LINE):
    (tmp_path / name).write_text(content, encoding="utf-8")
    code, out, err = run_cgrad("descend", expression, "--data", name, "--params", "w=0,b=0", *extra, cwd=tmp_path)
    return assert_input_error(code, out, err)


def test_missing_data_column(run_cgrad, tmp_path):
    line = run_bad_data(run_cgrad, tmp_path, "points.csv", "x,z\n1,3\n2,5\n")
    assert "points.csv" in line and re.search(r"\by\b", line), line


def test_parameter_not_in_the_expression(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0,q=1")
    line = assert_input_error(code, out, err)
    assert "--params" in line and re.search(r"\bq\b", line), line


@pytest.mark.parametrize("name, content, row, column, cell", [
    ("points.csv", "x,y\n1,3\n2,abc\n", 2, "y", "abc"),
    ("points.csv", "x,y\n1,3\n,5\n", 2, "x", ""),
    ("points.csv", "x,y\n1,nan\n2,5\n", 1, "y", "nan"),
    ("points.jsonl", '{"x": 1, "y": 3}\n{"x": "two", "y": 5}\n', 2, "x", "two"),
])
def test_non_numeric_cell(run_cgrad, tmp_path, name, content, row, column, cell):
    line = run_bad_data(run_cgrad, tmp_path, name, content)
    assert name in line and f"row {row}" in line and f"column {column}" in line, line
    assert repr(cell) in line or cell in line


@pytest.mark.parametrize("filename, content, words", [
    ("points.csv", "", ["empty"]),
    ("points.csv", "x,y\n", ["no data rows"]),
    ("points.csv", "x,y\n1,3\n2,5,7\n", ["row 2", "3 cells", "2"]),
    ("points.csv", "x,y\n1,3\n2\n", ["row 2", "1 cell for"]),
    ("points.jsonl", '{"x": 1, "y": 3}\n{"x": 2, "y": 5\n', ["line 2", "not JSON"]),
    ("points.jsonl", '{"x": 1, "y": 3}\n[2, 5]\n', ["row 2 (line 2)", "expected a JSON object"]),
    ("points.jsonl", '{"x": 1, "y": 3}\n{"x": 2}\n', ["row 2", "columns"]),
])
def test_malformed_data_files(run_cgrad, tmp_path, filename, content, words):
    line = run_bad_data(run_cgrad, tmp_path, filename, content)
    assert filename in line
    for word in words:
        assert word in line, line


def test_missing_data_file(run_cgrad, tmp_path):
    code, out, err = run_cgrad("descend", LINE, "--data", "nowhere.csv", "--params", "w=0,b=0", cwd=tmp_path)
    line = assert_input_error(code, out, err)
    assert "nowhere.csv" in line


def test_variable_bound_twice(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2 + y", "--params", "x=0", "--at", "x=1,y=2")
    line = assert_input_error(code, out, err)
    assert re.search(r"\bx\b", line) and "--params" in line and "--at" in line, line


def test_parameter_given_twice(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", "--params", "x=1")
    line = assert_input_error(code, out, err)
    assert "twice" in line


@pytest.mark.parametrize("option", ["--lr", "--tol", "--grad-tol", "--momentum", "--beta1", "--eps"])
def test_option_not_a_number(run_cgrad, option):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", option, "abc")
    line = assert_input_error(code, out, err)
    assert option in line


def test_unbound_variable_without_data(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-c)^2", "--params", "x=0")
    line = assert_input_error(code, out, err)
    assert re.search(r"\bc\b", line) and "--data" in line, line


def test_row_numbers_agree_across_errors_after_a_blank_line(run_cgrad, tmp_path):
    # The same offending line (the 4th line of the file, after a blank one) once with a cell
    # that is not a number and once with one cell too many: both messages should name the same
    # row, whatever the counting convention. (Known failure: the first counts data rows, the
    # second CSV records including the blank one.)
    good = "x,y\n1,3\n\n"
    not_number = run_bad_data(run_cgrad, tmp_path, "a.csv", good + "2,abc\n")
    ragged = run_bad_data(run_cgrad, tmp_path, "b.csv", good + "2,5,7\n")
    rows = [re.search(r"row (\d+)", text).group(1) for text in (not_number, ragged)]
    assert rows[0] == rows[1], (not_number, ragged)


def test_duplicate_column_name_is_an_input_error(run_cgrad, tmp_path):
    # A header naming x twice is ambiguous; cgrad should refuse it rather than silently bind
    # one of the two columns. (Known failure: the second x column is used.)
    line = run_bad_data(run_cgrad, tmp_path, "points.csv", "x,x,y\n1,9,3\n2,9,5\n")
    assert "points.csv" in line and re.search(r"\bx\b", line), line


# ============================================================================================
# 6. Output formats
# ============================================================================================

def test_csv_columns_rows_and_values(run_cgrad, tmp_path):
    x, y = line_data(n=9)
    write_csv(tmp_path / "points.csv", {"x": x, "y": y})
    args = (LINE, "--data", "points.csv", "--params", "w=0,b=0", "--lr", "0.1", "--steps", "6")
    code, out, err = run_cgrad("descend", *args, "--format", "csv", cwd=tmp_path)
    assert code == 0 and err == "", err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "loss", "w", "b", "dL/dw", "dL/db"]
    assert len(rows) == 1 + 7
    gradient = line_gradient([float(v) for v in x], [float(v) for v in y])
    reference = reference_descent(lambda p, _k: gradient(p, list(range(9))), {"w": 0.0, "b": 0.0}, 0.1, 6)
    for k, (row, expected) in enumerate(zip(rows[1:], reference, strict=True)):
        assert int(row[0]) == k
        values = [float(cell) for cell in row[1:]]
        wanted = [expected["loss"], expected["params"]["w"], expected["params"]["b"],
                  expected["gradient"]["w"], expected["gradient"]["b"]]
        assert all(close(a, b) for a, b in zip(values, wanted)), (k, values, wanted)


def test_csv_exact_fractions_are_strings(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", "--lr", "1/4", "--steps", "3", "--exact",
                               "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "loss", "x", "dL/dx"]
    # by hand: x_k = 3 − 3/2^k, L_k = 9/4^k, dL/dx = −6/2^k
    for k, row in enumerate(rows[1:]):
        assert [Fraction(cell) for cell in row] == [k, Fraction(9, 4 ** k), 3 - Fraction(3, 2 ** k),
                                                    Fraction(-6, 2 ** k)]
    assert rows[2][1:] == ["9/4", "3/2", "-3"]


def test_json_schema(run_cgrad):
    document = descend_json(run_cgrad, BOWL, "--params", "x=0,y=0", "--lr", "0.04", "--steps", "5")
    assert set(document) == {"params", "loss", "steps", "stopped", "numbers", "trace"}
    assert set(document["params"]) == {"x", "y"}
    assert isinstance(document["loss"], (int, float)) and isinstance(document["steps"], int)
    assert isinstance(document["stopped"], str) and document["numbers"] == "float"
    assert len(document["trace"]) == document["steps"] + 1
    for k, row in enumerate(document["trace"]):
        assert set(row) == {"step", "loss", "params", "gradient"}
        assert row["step"] == k
        assert set(row["params"]) == set(row["gradient"]) == {"x", "y"}
    last = document["trace"][-1]
    assert last["params"] == document["params"] and last["loss"] == document["loss"]
    # and the numbers are the plain-Python reference's
    assert_same_trajectory(document["trace"], reference_descent(bowl, {"x": 0.0, "y": 0.0}, 0.04, 5))


def test_markdown_table(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2 + 10*(y+1)^2", "--params", "x=0,y=0", "--lr", "0.05",
                               "--steps", "4", "--format", "markdown")
    assert code == 0 and err == "", err
    lines = out.splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert table[0].replace(" ", "") == "|step|loss|x|y|∂L/∂x|∂L/∂y|"
    assert re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", table[1]) and table[1].count("|") == 7
    assert len(table) == 2 + 5
    assert [row.split("|")[1].strip() for row in table[2:]] == ["0", "1", "2", "3", "4"]
    # step 0: L = 9 + 10 = 19, ∇L = (2(0−3), 20(0+1)) = (−6, 20)
    assert [cell.strip() for cell in table[2].split("|")[1:-1]] == ["0", "19", "0", "0", "-6", "20"]
    assert "--steps reached" in out


def _final_x(steps: int, lr: float = 0.1) -> float:
    x = 0.0
    for _ in range(steps):
        x -= lr * 2 * (x - 3)
    return x


def test_table_in_a_pipe(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", "--lr", "0.1", "--steps", "12")
    assert code == 0 and err == "", err              # no progress bar when stderr is not a terminal
    assert "\x1b" not in out
    assert repr(_final_x(12)) in out                 # the final parameter, shortest round-trip
    assert "--steps reached" in out
    assert "12 steps" in out
    assert "Steps" not in out                        # no step table without --trace


def test_table_shows_the_tol_reason(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", "--lr", "1/4", "--tol", "1/10", "--exact")
    assert code == 0, err
    assert "\x1b" not in out and "--tol" in out and "21/8" not in out
    assert "93/32" in out                            # x_5 = 3 − 3/32 = 93/32, by hand


def test_trace_table_has_one_row_per_step(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", "--lr", "0.1", "--steps", "9", "--trace")
    assert code == 0, err
    assert "\x1b" not in out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Steps")
    head = next(i for i in range(start + 1, len(lines)) if lines[i].split())
    assert lines[head].split() == ["step", "loss", "x", "∂L/∂x"]
    rows = []
    for line in lines[head + 1:]:
        cells = line.split()
        if cells and cells[0].isdigit():
            rows.append(cells)
        elif rows and not cells:
            break
    assert [int(row[0]) for row in rows] == list(range(10))
    for k, row in enumerate(rows):
        assert float(row[2]) == _final_x(k)


def test_trace_table_elides_past_max_rows(run_cgrad):
    code, out, err = run_cgrad("descend", "(x-3)^2", "--params", "x=0", "--lr", "0.1", "--steps", "30",
                               "--grad-tol", "0", "--trace", "--max-rows", "10")
    assert code == 0, err
    steps = [int(line.split()[0]) for line in out.split("Result")[0].splitlines()
             if line.split() and line.split()[0].isdigit()]
    assert steps == [0, 1, 2, 3, 4, 26, 27, 28, 29, 30]
    assert "⋮" in out


def test_table_final_gradient_with_batches_is_of_the_reported_loss(run_cgrad, tmp_path):
    # Rows (1, 3), (2, 5), --batch-size 1, lr 0.1, two updates (by hand):
    #   step 0, row 1: r = −3, g = (−6, −6) → w = b = 0.6
    #   step 1, row 2: r = 1.2 + 0.6 − 5 = −3.2, g = (−12.8, −6.4) → w = 1.88, b = 1.24
    # Over all the data at (1.88, 1.24): r = (0.12, 0), L = 0.0144/2 = 0.0072 (the loss the
    # table reports), ∇L = (2·0.12·1/2, 2·0.12/2) = (0.12, 0.12). The table's column
    # "dL/dparameter at the end" should be that gradient (or blank), not the last batch's
    # (0.24, 0.24). (Known failure: it shows the batch gradient.)
    (tmp_path / "points.csv").write_text("x,y\n1,3\n2,5\n", encoding="utf-8")
    code, out, err = run_cgrad("descend", LINE, "--data", "points.csv", "--params", "w=0,b=0", "--lr", "0.1",
                               "--steps", "2", "--batch-size", "1", cwd=tmp_path)
    assert code == 0, err
    assert "0.0072" in out                             # the full-data loss
    for name in ("w", "b"):
        cells = next(line.split() for line in out.splitlines() if line.split()[:1] == [name])
        assert len(cells) == 3 or close(float(cells[3]), 0.12, rel=1e-9), cells


# ============================================================================================
# 7. Tensor parameters
# ============================================================================================

def test_tensor_linear_layer_reaches_least_squares(run_cgrad):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 3))
    y = rng.normal(size=6)
    w_star, *_ = np.linalg.lstsq(X, y, rcond=None)
    hessian = 2 * X.T @ X
    eigenvalues = np.linalg.eigvalsh(hessian)
    lr = float(1.0 / eigenvalues[-1])           # stable: lr·λ_max = 1 < 2
    document = descend_json(run_cgrad, "sum((X @ w - y)^2)", "--params", "w=[0,0,0]",
                            "--at", f"X={X.tolist()}", "--at", f"y={y.tolist()}", "--lr", repr(lr),
                            "--steps", "20000")
    assert "--grad-tol" in document["stopped"]
    # ‖g‖ < 1e-10 at the end, so ‖w − w*‖ ≤ 1e-10 / λ_min
    tolerance = max(1e-10 / eigenvalues[0], 1e-12) * 10
    assert np.max(np.abs(np.array(document["params"]["w"]) - w_star)) < tolerance
    residual = X @ w_star - y
    assert close(document["loss"], float(residual @ residual), rel=1e-9)


def test_tensor_mean_loss_with_bias_reaches_least_squares(run_cgrad):
    # y ≈ w·x + b as a tiny linear layer: mean((X @ w + b - y)^2) with a scalar bias parameter
    X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0], [0.5, -1.0]]
    y = [1.0, 2.0, 2.5, 4.0, 0.0]
    design = np.column_stack([np.array(X), np.ones(5)])
    (w1, w2, b), *_ = np.linalg.lstsq(design, np.array(y), rcond=None)
    document = descend_json(run_cgrad, "mean((X @ w + b - y)^2)", "--params", "w=[0,0],b=0", "--at", f"X={X}",
                            "--at", f"y={y}", "--lr", "0.2", "--steps", "20000")
    assert "--grad-tol" in document["stopped"]
    assert np.allclose(document["params"]["w"], [w1, w2], atol=1e-8, rtol=0)
    assert abs(document["params"]["b"] - b) < 1e-8


def test_tensor_exact_first_step_by_hand(run_cgrad):
    # X = [[1,1],[1,2],[1,3]], y = [1,2,2], w = [0,0]: r = X·w − y = [−1,−2,−2], L = 9,
    # ∇L = 2·Xᵀr = 2·[−5, −11] = [−10, −22]; lr 1/20: w₁ = [1/2, 11/10];
    # r₁ = [8/5−1, 27/10−2, 19/5−2] = [3/5, 7/10, 9/5], L₁ = 36/100 + 49/100 + 324/100 = 409/100.
    document = descend_json(run_cgrad, "sum((X @ w - y)^2)", "--params", "w=[0,0]", "--at", "X=[[1,1],[1,2],[1,3]]",
                            "--at", "y=[1,2,2]", "--lr", "1/20", "--steps", "1", "--exact")
    first, second = document["trace"]
    assert Fraction(first["loss"]) == 9
    assert [Fraction(v) for v in first["gradient"]["w"]] == [-10, -22]
    assert [Fraction(v) for v in second["params"]["w"]] == [Fraction(1, 2), Fraction(11, 10)]
    assert Fraction(second["loss"]) == Fraction(409, 100)


def test_tensor_parameters_in_csv_are_json_lists(run_cgrad):
    code, out, err = run_cgrad("descend", "sum((X @ w - y)^2)", "--params", "w=[0,0]", "--at",
                               "X=[[1,1],[1,2],[1,3]]", "--at", "y=[1,2,2]", "--lr", "0.05", "--steps", "1",
                               "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "loss", "w", "dL/dw"]
    assert json.loads(rows[1][2]) == [0, 0] and json.loads(rows[1][3]) == [-10, -22]
    assert all(close(a, b) for a, b in zip(json.loads(rows[2][2]), [0.5, 1.1]))


# The loss with --data is "the mean over rows of EXPR with that row's columns bound". A small
# network of seed 004's kind on 1-D data, y ≈ Σ_i v_i·tanh(u_i·x + c_i) + d, has vector
# parameters and a scalar x per row. (Known failure: cgrad binds the whole column as one vector
# and evaluates EXPR once, so u*x broadcasts the hidden units against the rows: a shape error
# with 3 rows, and a silently different loss when the row count equals the hidden size.)
NETWORK = "(sum(v*tanh(u*x + c)) + d - y)^2"
NETWORK_START = {"u": [1.0, -1.0], "c": [0.0, 0.5], "v": [0.5, 0.5], "d": 0.0}


def network_loss_and_gradient(params: dict, rows: list[tuple[float, float]]):
    """Per row: a_i = u_i·x + c_i, r = Σ v_i tanh(a_i) + d − y, L = r²;
    ∂L/∂v_i = 2r·tanh(a_i), ∂L/∂u_i = 2r·v_i·(1 − tanh²a_i)·x, ∂L/∂c_i = 2r·v_i·(1 − tanh²a_i), ∂L/∂d = 2r.
    Means over the rows."""
    u, c, v, d = params["u"], params["c"], params["v"], params["d"]
    n, loss = len(rows), 0.0
    grad = {"u": [0.0, 0.0], "c": [0.0, 0.0], "v": [0.0, 0.0], "d": 0.0}
    for x, y in rows:
        t = [math.tanh(u[i] * x + c[i]) for i in range(2)]
        r = sum(v[i] * t[i] for i in range(2)) + d - y
        loss += r * r / n
        for i in range(2):
            grad["v"][i] += 2 * r * t[i] / n
            grad["u"][i] += 2 * r * v[i] * (1 - t[i] ** 2) * x / n
            grad["c"][i] += 2 * r * v[i] * (1 - t[i] ** 2) / n
        grad["d"] += 2 * r / n
    return loss, grad


@pytest.mark.parametrize("rows", [[(0.0, 0.0), (1.0, 1.0), (2.0, 0.0)], [(0.0, 0.0), (1.0, 1.0)]],
                         ids=["3-rows", "2-rows"])
def test_vector_parameters_with_data_rows(run_cgrad, tmp_path, rows):
    (tmp_path / "net.csv").write_text("x,y\n" + "".join(f"{x},{y}\n" for x, y in rows), encoding="utf-8")
    start = ",".join(f"{name}={value}" for name, value in NETWORK_START.items()).replace(" ", "")
    code, out, err = run_cgrad("descend", NETWORK, "--data", "net.csv", "--params", start, "--lr", "0.1",
                               "--steps", "0", "--format", "json", cwd=tmp_path)
    assert code == 0, f"exit {code}; stderr:\n{err}"
    first = parse_json_output(out)["trace"][0]
    loss, gradient = network_loss_and_gradient(NETWORK_START, rows)
    assert close(first["loss"], loss)
    for name in ("u", "c", "v"):
        assert all(close(a, b) for a, b in zip(first["gradient"][name], gradient[name], strict=True)), name
    assert close(first["gradient"]["d"], gradient["d"])


def test_vector_parameter_dot_product_with_data_rows(run_cgrad, tmp_path):
    # The smallest case of the same: per row the prediction is sum(v*x) = (v₁ + v₂)·x.
    # Rows (1, 3), (2, 5), (3, 7), v = [0, 0], lr 0: L = mean y² = (9 + 25 + 49)/3 = 83/3,
    # ∂L/∂v_i = mean 2·(0 − y)·x = −2(3 + 10 + 21)/3 = −68/3 for both i.
    (tmp_path / "points.csv").write_text("x,y\n1,3\n2,5\n3,7\n", encoding="utf-8")
    code, out, err = run_cgrad("descend", "(sum(v*x) - y)^2", "--data", "points.csv", "--params", "v=[0,0]",
                               "--steps", "0", "--format", "json", "--exact", cwd=tmp_path)
    assert code == 0, f"exit {code}; stderr:\n{err}"
    first = parse_json_output(out)["trace"][0]
    assert Fraction(first["loss"]) == Fraction(83, 3)
    assert [Fraction(g) for g in first["gradient"]["v"]] == [Fraction(-68, 3)] * 2
