"""Benchmark of issue 25: `cgrad uncertainty --monte-carlo 10^6` on GUM H.2 against the hand-written NumPy
script that does the same job (bench/peers/monte_carlo_numpy.py), whole processes, in the same run.

    .venv/bin/python bench/uncertainty.py [--draws 1000000] [--repeats 5]

Both draw the same correlated normals from the same seed, so their Monte Carlo results must agree to the last
digit; the ratio is of the median wall times of REPEATS runs each, interleaved.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import find_cgrad

BENCH = Path(__file__).resolve().parent
H2 = ["R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I", "--at", "V=4.999±3.2e-3,I=19.661e-3±9.5e-6,phi=1.04446±7.5e-4",
      "--correlation", "V,I=-0.36", "--correlation", "V,phi=0.86", "--correlation", "I,phi=-0.65", "--output", "R,X,Z"]


def timed(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds: user + system, stdout) of one whole process; on a machine shared with
    other jobs the CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv[:3])}… failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    cgrad = find_cgrad() or [sys.executable, "-m", "cgcli"]
    ours = cgrad + ["uncertainty", *H2, "--monte-carlo", str(options.draws), "--seed", "1", "--format", "json"]
    peer = [sys.executable, str(BENCH / "peers" / "monte_carlo_numpy.py"), str(options.draws), "1"]
    times: dict[str, list[float]] = {"cgrad": [], "numpy": []}
    cpu: dict[str, list[float]] = {"cgrad": [], "numpy": []}
    outputs = {}
    for _ in range(options.repeats):
        for name, argv in (("cgrad", ours), ("numpy", peer)):
            seconds, used, outputs[name] = timed(argv)
            times[name].append(seconds)
            cpu[name].append(used)
    mc = {name: output["monte_carlo"] for name, output in json.loads(outputs["cgrad"])["outputs"].items()}
    reference = json.loads(outputs["numpy"])
    for name, expected in reference.items():
        got = {key: mc[name][key] for key in expected}
        assert got == expected, (name, got, expected)
    wall = {name: statistics.median(values) for name, values in times.items()}
    used = {name: statistics.median(values) for name, values in cpu.items()}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; Python "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print(f"{options.draws} Monte Carlo draws of GUM H.2 (3 outputs, correlated inputs), median of {options.repeats} "
          f"whole processes (wall, CPU):")
    print(f"  cgrad uncertainty --monte-carlo: {wall['cgrad']:.3f} s, {used['cgrad']:.3f} s")
    print(f"  hand-written NumPy script:       {wall['numpy']:.3f} s, {used['numpy']:.3f} s")
    print(f"  ratio: {wall['cgrad'] / wall['numpy']:.2f}x wall, {used['cgrad'] / used['numpy']:.2f}x CPU "
          "(goal: at most 1.5x); results identical")


if __name__ == "__main__":
    main()
