"""What a user would write with micrograd instead of
`cgrad eval "sum(relu(X @ W + b))" --at @VALUES.json --format json`.

Usage:
    python micrograd_layer.py VALUES.json

VALUES.json holds {"X": [[...]] (N×D), "W": [[...]] (D×H), "b": [...] (H)}.  Every element
becomes a micrograd `Value`; the layer is written out as a scalar engine needs it: one
product per (i, k, j) and a running sum over k, plus the bias, then relu, then the sum of all
N·H outputs.  Prints {"value": ..., "gradient": {"X": [[...]], "W": [[...]], "b": [...]}}.

As in micrograd_eval.py, Value.backward() builds its topological order recursively: the
final sum is a chain of N·H additions (8192 for 64×128) on top of chains of D additions, so
the recursion limit is raised and the work runs in a thread with a large stack.
"""

import json
import sys

from micrograd.engine import Value
from micrograd_eval import run_deep


def run(values: dict, result: dict) -> None:
    X = [[Value(float(v)) for v in row] for row in values["X"]]
    W = [[Value(float(v)) for v in row] for row in values["W"]]
    b = [Value(float(v)) for v in values["b"]]
    n, d, h = len(X), len(W), len(b)
    total = Value(0.0)
    for i in range(n):
        for j in range(h):
            y = b[j]
            for k in range(d):
                y = y + X[i][k] * W[k][j]
            total = total + y.relu()
    total.backward()
    result["value"] = total.data
    result["gradient"] = {"X": [[v.grad for v in row] for row in X],
                          "W": [[v.grad for v in row] for row in W],
                          "b": [v.grad for v in b]}


def main() -> None:
    with open(sys.argv[1]) as handle:
        values = json.load(handle)
    print(json.dumps(run_deep(run, values)))


if __name__ == "__main__":
    main()
