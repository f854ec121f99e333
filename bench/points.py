"""Benchmark of issue 12's jobs: many points and many formulas, whole processes.

    .venv/bin/python bench/points.py [--rows 1000000] [--large-rows 10000000] [--repeats 3] [--stages]

- `eval --points` over ROWS points of sin(x*y) + x^2/(1 + y^2), CSV in, CSV out, against the
  6-line polars script (bench/peers/points_polars.py: issue 24's yardstick, goal <= 1.3), the
  best hand-written NumPy script (bench/peers/points_numpy.py) and a sympy lambdify script
  (bench/peers/points_sympy.py), in the same run, interleaved; the outputs must agree (1e-12
  relative; "same bytes" if they are equal, which they are not with polars: it writes 1.9e-05 as
  0.000019, and its partials, derived by hand, differ in the last digit where the reverse pass
  rounds otherwise). Wall and CPU (user + system) seconds of the whole process tree: polars runs
  on every core, cgrad on two past 2 MiB of input (its writer process).
- the start-up of both: cgrad on an empty input, python importing polars.
- with --stages, where one process's time goes (NumPy's import, reading, parsing, the kernel, the text).
- the same rows as JSON lines, and through --on-error null with a failing row in every 100.
- peak memory (max RSS) of `eval --points` at ROWS and LARGE_ROWS rows: streaming keeps it flat.
- `eval --each` over 1000 lines of small formulas, whole process.
- `eval --points --exact` over 10^4 rows: rows per second.
The peers run with this python (they need NumPy and sympy, which cgrad's test extras install).
"""
from __future__ import annotations

import argparse
import csv
import filecmp
import importlib.util
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import find_cgrad

BENCH = Path(__file__).resolve().parent
FORMULA = "sin(x*y) + x^2/(1 + y^2)"
SMALL_FORMULAS = ["x^2 + y", "x*y", "sin(x)*y", "exp(x/y)", "log(1 + x^2)*y", "sqrt(x*x + y*y)", "tanh(x - y)",
                  "relu(x*y - 1)", "x/(1 + y^2)", "atan2(y, x)", "u = x*y; u + sin(u)", "max(x, y)^3"]


def write_points(path: Path, rows: int, seed: int = 1) -> None:
    """The CSV of `rows` random points, written by a child process: a child forked from a parent
    that once held the data would count the parent's memory in its own peak RSS."""
    subprocess.run([sys.executable, __file__, "--write-points", str(path), str(rows), str(seed)], check=True)


def _write_points(path: Path, rows: int, seed: int) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    with path.open("w") as handle:
        handle.write("x,y\n")
        for start in range(0, rows, 1_000_000):
            size = min(1_000_000, rows - start)
            xs, ys = rng.uniform(-3, 3, size).tolist(), rng.uniform(-3, 3, size).tolist()
            handle.write("".join(f"{a!r},{b!r}\n" for a, b in zip(xs, ys)))


def timed(argv: list[str], stdout_path: Path | None = None, stdin_path: Path | None = None,
          cpu: list | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one whole process; its CPU seconds appended to `cpu`."""
    with open(stdout_path or os.devnull, "w") as out, open(stdin_path or os.devnull) as inp:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stdin=inp, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
    error = child.stderr.read().decode()
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(argv)[:200]}\n{error[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def _stage_times(path: Path) -> None:
    """Where one process's time goes on `path` (milliseconds, summed over the blocks; one process does
    every stage, as `eval --points` does below 2 MiB): NumPy's import, the kernel's build, the reader
    (read and split), the parse of the decimals, the kernel, the writer's text, the write to /dev/null."""
    spent: dict[str, float] = {}

    def timed_stage(name: str, work):
        start = time.perf_counter()
        result = work()
        spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
        return result

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as eval --points sets it
    timed_stage("import NumPy", lambda: __import__("numpy"))
    from cgcli.api.compiled import compile as compiled
    from cgcli.cli.point_rows import PointReader, float_columns
    from cgcli.cli.row_writer import float_lines

    function = timed_stage("build the kernel", lambda: compiled(FORMULA))
    with path.open("rb") as stream, open(os.devnull, "wb") as sink:
        reader = timed_stage("read and split", lambda: PointReader(stream, str(path)))
        blocks = reader.blocks()
        while (block := timed_stage("read and split", lambda: next(blocks, None))) is not None:
            columns = timed_stage("parse the decimals", lambda: float_columns(block, [0, 1], 2))
            batch = timed_stage("the kernel (value, partials, finite rows)", lambda: function.batch(columns))
            text = timed_stage("write the text (orjson)", lambda: float_lines([batch.value] + batch.gradient))
            timed_stage("write to /dev/null", lambda: sink.write(text.encode("ascii")))
    print("| stage | ms |\n|---|---:|")
    for name, seconds in spent.items():
        print(f"| {name} | {seconds * 1000:.0f} |")


def median_time(argv: list[str], repeats: int, stdout_path: Path | None = None, stdin_path: Path | None = None):
    runs = [timed(argv, stdout_path, stdin_path) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def agree(first: Path, second: Path) -> str:
    """Whether two result CSVs agree cell by cell (1e-12, relative or absolute: the values are of order 1)."""
    with first.open() as a, second.open() as b:
        for number, (row_a, row_b) in enumerate(zip(csv.reader(a), csv.reader(b))):
            if number == 0:
                continue
            for cell_a, cell_b in zip(row_a, row_b):
                if not math.isclose(float(cell_a), float(cell_b), rel_tol=1e-12, abs_tol=1e-12):  # values are O(1)
                    return f"row {number}: {cell_a} vs {cell_b}"
    return "agree"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--large-rows", type=int, default=10_000_000, help="0: leave out the memory job")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stages", action="store_true",
                        help="also where one process's time goes, stage by stage (in the cgcli this python imports)")
    args = parser.parse_args()
    cgrad = find_cgrad()
    if cgrad is None:
        print("error: cgrad not found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        points = data / "points.csv"
        write_points(points, args.rows)
        if args.stages:  # in a child, so that this process stays small (see the peak memory below)
            subprocess.run([sys.executable, __file__, "--stage-times", str(points)], check=True)
        outputs = {name: data / f"{name}.csv" for name in ("cgrad", "polars", "numpy", "sympy")}
        commands = {"cgrad": cgrad + ["eval", FORMULA, "--points", str(points)],
                    "polars": [sys.executable, str(BENCH / "peers" / "points_polars.py"), str(points)],
                    "numpy": [sys.executable, str(BENCH / "peers" / "points_numpy.py"), str(points)],
                    "sympy": [sys.executable, str(BENCH / "peers" / "points_sympy.py"), FORMULA, str(points)]}
        # found, not imported: a bench process grown by polars' libraries would lend its size to the
        # peak RSS of each child it starts (the 159 MB once reported for 10^7 rows)
        if importlib.util.find_spec("polars") is None:  # pip install "cgrad[bench]", or bench/setup_peers.sh
            print("polars is not installed: pip install 'cgrad[bench]' for issue 24's yardstick", file=sys.stderr)
            del commands["polars"]
        times = {name: [] for name in commands}
        cpu = {name: [] for name in commands}
        rss = {}
        for _ in range(args.repeats):  # interleaved, so that the machine's load falls on all alike
            for name, argv in commands.items():
                seconds, peak = timed(argv, outputs[name], cpu=cpu[name])
                times[name].append(seconds)
                rss[name] = max(rss.get(name, 0), peak)
        median = {name: statistics.median(values) for name, values in times.items()}
        cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
        print("| job | cgrad wall / CPU | peer wall / CPU | ratio wall / CPU |\n|---|---:|---:|---:|")
        for name, label in (("polars", "the polars script"), ("numpy", "hand-written NumPy"),
                            ("sympy", "sympy lambdify")):
            if name not in commands:
                continue
            same = "same bytes" if filecmp.cmp(outputs["cgrad"], outputs[name], shallow=False) else \
                agree(outputs["cgrad"], outputs[name])
            print(f"| --points, {args.rows:,} rows, vs {label} ({same}) | "
                  f"{median['cgrad']:.2f} / {cpu_median['cgrad']:.2f} s | {median[name]:.2f} / {cpu_median[name]:.2f} s | "
                  f"{median['cgrad'] / median[name]:.2f} / {cpu_median['cgrad'] / cpu_median[name]:.2f} |")
        starts = {"cgrad": cgrad + ["eval", FORMULA, "--points", "-"]}
        if "polars" in commands:
            starts["polars"] = [sys.executable, "-c", "import polars"]
        start_cpu = {name: [] for name in starts}
        start_wall = {name: [] for name in starts}
        for _ in range(args.repeats):
            for name, argv in starts.items():
                start_wall[name].append(timed(argv, cpu=start_cpu[name])[0])
        print(" | ".join(f"start-up of {name}: {statistics.median(start_wall[name]):.3f} / "
                         f"{statistics.median(start_cpu[name]):.3f} s" for name in starts))
        lines = data / "points.jsonl"
        with points.open() as source, lines.open("w") as target:
            next(source)
            target.writelines('{"x": %s, "y": %s}\n' % tuple(line.rstrip("\n").split(",")) for line in source)
        wall, _ = median_time(cgrad + ["eval", FORMULA, "--points", str(lines)], args.repeats)
        print(f"| --points, {args.rows:,} JSON lines → JSON lines | {wall:.2f} s | | |")
        lines.unlink()
        failing = data / "failing.csv"
        with points.open() as source, failing.open("w") as target:
            target.writelines(line if number % 100 or number == 0 else "-9,1\n" for number, line in enumerate(source))
        wall, _ = median_time(cgrad + ["eval", "log(x + 4)*y + x", "--points", str(failing), "--on-error", "null"],
                              args.repeats)
        print(f"| --points --on-error null, {args.rows:,} rows, 1 in 100 failing | {wall:.2f} s | | |")
        failing.unlink()
        print(f"| peak memory at {args.rows:,} rows | {rss['cgrad']:.0f} MB | NumPy {rss['numpy']:.0f} MB, "
              f"sympy {rss['sympy']:.0f} MB | |")
        if args.large_rows:
            points.unlink()
            large = data / "large.csv"
            write_points(large, args.large_rows, seed=2)
            seconds, peak = timed(cgrad + ["eval", FORMULA, "--points", str(large)], data / "large-out.csv")
            print(f"| peak memory at {args.large_rows:,} rows ({seconds:.1f} s) | {peak:.0f} MB | | |")
            large.unlink()
        rng = random.Random(3)
        formulas = data / "formulas.txt"
        formulas.write_text("".join(rng.choice(SMALL_FORMULAS).replace("y", f"(y + {rng.randint(1, 9)})") + "\n"
                                    for _ in range(1000)))
        seconds, _ = median_time(cgrad + ["eval", "-f", str(formulas), "--each", "--at", "x=0.5,y=2"], args.repeats)
        print(f"| --each, 1000 lines, whole process | {seconds:.2f} s | | target ≤ 2 s |")
        exact_points = data / "exact.csv"
        exact_points.write_text("x,y\n" + "".join(f"{rng.randint(-99, 99)}/{rng.randint(1, 99)},{rng.randint(1, 9)}.{rng.randint(0, 99)}\n"
                                                 for _ in range(10_000)))
        seconds, _ = median_time(cgrad + ["eval", "x^3*y - x/(1 + y^2)", "--points", str(exact_points), "--exact"],
                                 args.repeats)
        print(f"| --points --exact, 10,000 rows | {seconds:.2f} s | | {10_000 / seconds:,.0f} rows/s |")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write-points"]:
        _write_points(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        sys.exit(0)
    if sys.argv[1:2] == ["--stage-times"]:
        _stage_times(Path(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
