"""Optional cross-check of cgrad's tensor gradients against torch.autograd (float64, CPU).

torch is not a dependency of cgrad or of its test extras; this module is skipped when it is not
installed. Random shapes and values come from a fixed seed, so every run checks the same cases.
The same computation is written once in cgrad's language and once with torch operations
(torch.nn.functional's mse_loss and cross_entropy with their default mean reduction), and the
values and gradients must agree to 1e-10 relative.
"""
from __future__ import annotations

import numpy as np
import pytest

from test_tensors import RNG_SEED, evaluate

torch = pytest.importorskip("torch", reason="torch is not installed (optional: pip install torch, CPU build)")
F = torch.nn.functional


def _compare(source: str, values: dict, torch_loss, no_grad: tuple[str, ...] = ()) -> None:
    trace = evaluate(source, values)
    leaves = {name: torch.tensor(np.asarray(value, dtype=float), dtype=torch.float64, requires_grad=name not in no_grad)
              for name, value in values.items()}
    loss = torch_loss(leaves)
    if loss.dim():            # cgrad differentiates a tensor output as the sum of its elements
        loss = loss.sum()
    loss.backward()
    np.testing.assert_allclose(float(np.sum(trace.value)), loss.item(), rtol=1e-10, atol=1e-12, err_msg="value")
    for name, leaf in leaves.items():
        if name in no_grad:
            continue
        got = np.asarray(trace.gradient[name], dtype=float)
        assert got.shape == tuple(leaf.shape), name
        np.testing.assert_allclose(got, leaf.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=f"∂/∂{name}")


def _shapes(seed: int):
    rng = np.random.default_rng([RNG_SEED, 100, seed])
    return rng, tuple(int(v) for v in rng.integers(1, 9, size=4))


SEEDS = range(8)


@pytest.mark.parametrize("seed", SEEDS)
def test_torch_two_layer_mse(seed):
    rng, (n, d, h, o) = _shapes(seed)
    values = {"X": rng.standard_normal((n, d)), "W1": rng.standard_normal((d, h)), "b1": rng.standard_normal(h),
              "W2": rng.standard_normal((h, o)), "b2": rng.standard_normal(o), "Y": rng.standard_normal((n, o))}
    _compare("h = relu(X @ W1 + b1); yhat = h @ W2 + b2; L = mse(yhat, Y)", values,
             lambda t: F.mse_loss(torch.relu(t["X"] @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"], t["Y"]))


@pytest.mark.parametrize("seed", SEEDS)
def test_torch_cross_entropy_class_indices(seed):
    rng, (n, d, h, o) = _shapes(seed)
    o = max(o, 2)
    values = {"X": rng.standard_normal((n, d)), "W1": rng.standard_normal((d, h)), "b1": rng.standard_normal(h),
              "W2": rng.standard_normal((h, o)), "b2": rng.standard_normal(o),
              "k": rng.integers(0, o, size=n).astype(float)}
    _compare("h = tanh(X @ W1 + b1); z = h @ W2 + b2; L = cross_entropy(z, k)", values,
             lambda t: F.cross_entropy(torch.tanh(t["X"] @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"], t["k"].long()),
             no_grad=("k",))


@pytest.mark.parametrize("seed", SEEDS)
def test_torch_cross_entropy_probabilities(seed):
    rng, (n, d, _, o) = _shapes(seed)
    raw = rng.uniform(0.05, 1.0, size=(n, o))
    values = {"X": rng.standard_normal((n, d)), "W": rng.standard_normal((d, o)), "P": raw / raw.sum(axis=1, keepdims=True)}
    _compare("L = cross_entropy(X @ W, P)", values, lambda t: F.cross_entropy(t["X"] @ t["W"], t["P"]))


@pytest.mark.parametrize("seed", SEEDS)
def test_torch_mixed_tensor_ops(seed):
    rng, (n, d, h, _) = _shapes(seed)
    values = {"X": rng.standard_normal((n, d)), "W": rng.standard_normal((d, h)), "b": rng.standard_normal(h),
              "C": rng.standard_normal((n, h)), "v": rng.standard_normal(d), "k": rng.standard_normal((n, 1)),
              "c": float(rng.standard_normal())}
    source = ("S = softmax(X @ W + b); "
              "L = sum(S * C) + mean(logsumexp(X * k)) + sum(X.T, 1)[0] * X[0, 0] - mean(X @ v, 0) "
              "+ c * sum(sigmoid(X) / (2 + X^2)) + mean(transpose(X @ W), -1)[h1]").replace("h1", str(h - 1))

    def loss(t):
        S = torch.softmax(t["X"] @ t["W"] + t["b"], dim=-1)
        X = t["X"]
        return ((S * t["C"]).sum() + torch.logsumexp(X * t["k"], dim=-1).mean() + X.T.sum(dim=1)[0] * X[0, 0]
                - (X @ t["v"]).mean(dim=0) + t["c"] * (torch.sigmoid(X) / (2 + X ** 2)).sum()
                + (X @ t["W"]).T.mean(dim=-1)[h - 1])

    _compare(source, values, loss)


@pytest.mark.parametrize("seed", SEEDS)
def test_torch_broadcasting(seed):
    rng, (n, d, _, _) = _shapes(seed)
    values = {"A": rng.standard_normal((n, 1)), "B": rng.standard_normal((1, d)), "r": rng.standard_normal(d),
              "c": float(rng.standard_normal()), "M": rng.standard_normal((n, d))}
    _compare("L = sum(tanh(A * B + r) * M - c / (1 + (M - A)^2) + max(M, r))", values,
             lambda t: (torch.tanh(t["A"] * t["B"] + t["r"]) * t["M"] - t["c"] / (1 + (t["M"] - t["A"]) ** 2)
                        + torch.maximum(t["M"], t["r"])).sum())
