"""Gradient descent on the mean of (w*x + b - y)^2 over a CSV file's rows, written by hand in NumPy:
the peer of `cgrad descend "(w*x + b - y)^2" --data FILE --params w=0,b=0 --lr LR --steps N`.

    python numpy_descend.py FILE LR STEPS

Prints the final parameters and loss as JSON (cgrad's keys), and on stderr the time to read the
file and the time per step, both in CPU seconds. Like cgrad, it stops early when the gradient's
Euclidean norm falls below 1e-10 (cgrad's default --grad-tol).
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
        if grad_w * grad_w + grad_b * grad_b < 1e-20 or step == steps:
            break
        w, b, done = w - lr * grad_w, b - lr * grad_b, done + 1
    per_step = (time.process_time() - started) / (done + 1)
    print(json.dumps({"params": {"w": w, "b": b}, "loss": loss, "steps": done}))
    print(f"read {read * 1e3:.1f} ms, {per_step * 1e3:.3f} ms per step", file=sys.stderr)


if __name__ == "__main__":
    main()
