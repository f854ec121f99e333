"""Benchmark of several outputs (`eval --output all`): the Jacobian, whole processes, against a SymPy script.

    .venv/bin/python bench/jacobian.py [--repeats 5]      # CGRAD="python -m cgcli" for a checkout

- GUM H.2 (3 outputs × 3 variables): cgrad reverse and forward mode, and bench/peers/sympy_jacobian.py
  (Matrix.jacobian, then evalf at the point), which a user would write instead.
- wide: 40 outputs of 4 variables, where reverse mode runs 40 backward passes and forward mode carries
  4 tangents; tall: 4 outputs of 40 variables, the other way round.
Every run's JSON must agree with the others (1e-12 relative); the table shows medians of wall time.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import find_cgrad

BENCH = Path(__file__).resolve().parent
GUM = ("R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I", "V=4.999,I=0.019661,phi=1.04446")


def wide(outputs: int = 40) -> tuple[str, str]:
    """Many outputs of few variables: o_k = sin(k·x + y)·z / (1 + w²) + k·x·w."""
    program = "; ".join(f"o{k} = sin({k}*x + y)*z/(1 + w^2) + {k}*x*w" for k in range(1, outputs + 1))
    return program, "x=0.5,y=-0.25,z=2,w=1.5"


def tall(variables: int = 40) -> tuple[str, str]:
    """Few outputs of many variables: sums of products, a sine and an exponential of them."""
    names = [f"x{i}" for i in range(variables)]
    s = " + ".join(f"{name}*{names[(i + 1) % variables]}" for i, name in enumerate(names))
    program = f"s = {s}; a = sin(s); b = exp(s/100); c = a*b + s"
    return program, ",".join(f"{name}={(i % 7 - 3) / 10}" for i, name in enumerate(names))


def run(argv: list[str], repeats: int) -> tuple[float, dict]:
    """The median wall time of `argv` and its parsed JSON (from an untimed warm-up run)."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(argv)[:200]}\n{done.stderr[-500:]}")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), json.loads(done.stdout)


def agree(first: dict, second: dict) -> bool:
    return all(math.isclose(first["jacobian"][o][v], second["jacobian"][o][v], rel_tol=1e-12, abs_tol=1e-12)
               for o in second["jacobian"] for v in second["jacobian"][o])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cgrad = find_cgrad() or [sys.executable, "-m", "cgcli"]
    print(f"{'job':34} {'reverse':>9} {'forward':>9} {'sympy':>9}  reverse/sympy  forward/reverse")
    for label, (program, at) in (("GUM H.2 (3 × 3)", GUM), ("wide: 40 outputs × 4 variables", wide()),
                                 ("tall: 4 outputs × 40 variables", tall())):
        common = [*cgrad, "eval", program, "--at", at, "--output", "all", "--format", "json", "--no-trace"]
        reverse, by_reverse = run(common, args.repeats)
        forward, by_forward = run([*common, "--mode", "forward"], args.repeats)
        peer, by_sympy = run([sys.executable, str(BENCH / "peers" / "sympy_jacobian.py"), program, at], args.repeats)
        if not (agree(by_reverse, by_sympy) and agree(by_forward, by_sympy)):
            raise SystemExit(f"{label}: the Jacobians differ")
        print(f"{label:34} {reverse:8.3f}s {forward:8.3f}s {peer:8.3f}s  {reverse / peer:13.2f}  {forward / reverse:15.2f}")


if __name__ == "__main__":
    main()
