"""The floor for `cgrad eval "sum(relu(X @ W + b))" --at @VALUES.json --format json --no-trace`:
the same value and gradients in one process with NumPy and the formulas written by hand.

Usage:
    python numpy_layer.py VALUES.json

VALUES.json holds {"X": [[...]] (N×D), "W": [[...]] (D×H), "b": [...] (H)}.  With
Y = X·W + b, G = [Y > 0] (relu'(0) = 0, as cgrad) and L = Σ relu(Y), seed 003 gives
∂L/∂X = G·Wᵀ, ∂L/∂W = Xᵀ·G and ∂L/∂b = Σ_batch G.  Prints
{"value": L, "gradient": {"X": [[...]], "W": [[...]], "b": [...]}} like cgrad's JSON.

This runs with the benchmark runner's python (NumPy is a dependency of cgrad, so it is there);
the peers' venv has no NumPy.
"""

import json
import sys

import numpy as np


def main() -> None:
    with open(sys.argv[1]) as handle:
        values = json.load(handle)
    X, W, b = (np.array(values[name], dtype=float) for name in ("X", "W", "b"))
    Y = X @ W + b
    G = (Y > 0).astype(float)
    result = {"value": float(np.maximum(Y, 0).sum()),
              "gradient": {"X": (G @ W.T).tolist(), "W": (X.T @ G).tolist(), "b": G.sum(axis=0).tolist()}}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
