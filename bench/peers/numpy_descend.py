"""Gradient descent on the mean of (w*x + b - y)^2 over a CSV file's rows, written by hand in NumPy:
the peer of `cgrad descend "(w*x + b - y)^2" --data FILE --params w=0,b=0 --lr LR --steps N`.

    python numpy_descend.py FILE LR STEPS

Runs STEPS updates (as cgrad with --grad-tol 0) and prints the final parameters and the loss there
as JSON (cgrad's keys); on stderr the CPU time to read the file and per step.
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    path, lr, steps = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    started = time.process_time()
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    read = time.process_time() - started
    x, y = data[:, 0], data[:, 1]
    w = b = 0.0
    started, done = time.process_time(), 0
    for step in range(steps + 1):
        residual = w * x + b - y
        loss = float(np.mean(residual * residual))
        grad_w, grad_b = float(np.mean(2 * residual * x)), float(np.mean(2 * residual))
        if step == steps:
            break
        w, b, done = w - lr * grad_w, b - lr * grad_b, done + 1
    per_step = (time.process_time() - started) / (done + 1)
    print(json.dumps({"params": {"w": w, "b": b}, "loss": loss, "steps": done}))
    print(f"read {read * 1e3:.1f} ms, {per_step * 1e3:.3f} ms per step", file=sys.stderr)


if __name__ == "__main__":
    main()
