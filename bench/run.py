"""Benchmark cgrad against the tools a user would otherwise reach for.

Every command runs as a whole process (start-up included), timed with
time.perf_counter: one untimed warm-up run whose output is checked, then N
timed runs; the table shows the median.

    bench/setup_peers.sh                      # once: bench/.venv-peers with sympy, micrograd
    .venv/bin/python bench/run.py             # cgrad next to this python, or:
    CGRAD=/path/to/cgrad python3 bench/run.py [--repeats N]

Each run's CPU time (user + system, from wait4) and peak memory (GNU time's %M where
/usr/bin/time exists) are reported beside the wall time; a job may state its ratio in CPU time
and limits on peak memory (issue 24's rows). `--only TEXT` runs the jobs whose name contains TEXT.

Jobs are plain entries in jobs() below.  A "vs" job times cgrad and a peer on the
same input, checks they print the same value and gradient (1e-9 relative; long
decimal strings from --digits N in all but their last two digits) and
compares the time ratio cgrad/peer with its target.  A "seconds" job times cgrad
alone against a target in seconds (`check`, `hessian`: no peer does that job).  A "linearity" job times
cgrad on a small and a 10x larger input and checks that the time per input
character, after subtracting cgrad's start-up time, does not grow by more than
1.5x.
"""

import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import gen_rosenbrock

BENCH = Path(__file__).resolve().parent
PEER_PYTHON = str(BENCH / ".venv-peers" / "bin" / "python")
CGRAD = "<cgrad>"  # placeholder in argv, replaced by the cgrad command
SHORT, LONG = 7, 5  # repeats for short and long jobs
REL_TOL = 1e-9
MIN_NET_SECONDS = 0.005  # below this, net time of the small input is noise


@dataclass
class Run:
    tool: str  # label in the table
    argv: list[str]  # may start with CGRAD
    repeats: int = SHORT
    chars: int = 0  # input size in characters (linearity jobs)
    prints_json: bool = True  # False: a table, whose output is not compared
    expect_exit: int = 0  # a refusal job expects its exit status (2), and its output is not JSON
    compare: bool = True  # False: JSON, but not the peer's fields (forward mode along a tangent has no gradient)


@dataclass
class Job:
    name: str
    kind: str  # "vs", "linearity" or "seconds" (the whole process within `target` seconds; no other run)
    cgrad: Run  # linearity: the large input
    other: Run | None  # vs: the peer tool; linearity: cgrad on the small input; seconds: None
    target: float  # vs: max cgrad/peer time; linearity: max growth of time per char
    clock: str = "wall"  # vs: the ratio of "wall" or "cpu" (user + system) time
    max_mb: float | None = None  # the cgrad run's peak memory (max RSS) must stay below this
    bytes_per_byte: tuple[int, float] | None = None  # (input bytes, limit): peak memory per input byte


def cgrad_eval(tool: str, args: list[str], repeats: int = SHORT, chars: int = 0) -> Run:
    """A `cgrad eval ARGS --format json` run."""
    return Run(tool, [CGRAD, "eval", *args, "--format", "json"], repeats, chars)


def cgrad_command(tool: str, args: list[str], repeats: int = SHORT) -> Run:
    """A `cgrad ARGS --format json` run of any command."""
    return Run(tool, [CGRAD, *args, "--format", "json"], repeats)


def write_rosenbrock_json(n: int, directory: Path) -> tuple[str, str]:
    """The Rosenbrock point and an all-ones direction as @FILE.json files (20 000 names are past
    the argument-list limit on the command line)."""
    point = gen_rosenbrock.point(n)
    at, direction = directory / f"rosenbrock-{n}.json", directory / f"direction-{n}.json"
    at.write_text(json.dumps(point))
    direction.write_text(json.dumps({name: 1 for name in point}))
    return str(at), str(direction)


def peer(tool: str, script: str, args: list[str], repeats: int = SHORT) -> Run:
    """A run of bench/peers/SCRIPT with the peers' python."""
    return Run(tool, [PEER_PYTHON, str(BENCH / "peers" / script), *args], repeats)


def local(tool: str, script: str, args: list[str], repeats: int = SHORT) -> Run:
    """A run of bench/peers/SCRIPT with the runner's python (for scripts that need NumPy, a
    dependency of cgrad; the peers' venv has none)."""
    return Run(tool, [sys.executable, str(BENCH / "peers" / script), *args], repeats)


LAYER = "sum(relu(X @ W + b))"
LINE_LOSS = "(w*x + b - y)^2"  # descend's job: the loss numpy_descend.py writes by hand


def write_points(rows: int, directory: Path) -> str:
    """A CSV file x,y of `rows` points near y = 2.5·x − 1 (fixed seed), for descend; its path."""
    import random

    rng = random.Random(f"points {rows}")
    lines = ["x,y"]
    for _ in range(rows):
        x = rng.uniform(-2, 2)
        lines.append(f"{x:.4f},{2.5 * x - 1 + rng.gauss(0, 0.2):.4f}")
    path = directory / f"points-{rows}.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def write_layer_values(n: int, d: int, h: int, directory: Path) -> str:
    """X (N×D), W (D×H) and b (H) for `cgrad eval LAYER --at @FILE`, as a JSON file; normal random
    numbers with a fixed seed, W scaled by 1/sqrt(D) so X·W + b is of order 1 and about half the
    relus are active. Returns the file's path."""
    import random

    rng = random.Random(f"layer {n}x{d}x{h}")
    values = {"X": [[rng.gauss(0, 1) for _ in range(d)] for _ in range(n)],
              "W": [[rng.gauss(0, d ** -0.5) for _ in range(h)] for _ in range(d)],
              "b": [rng.gauss(0, 0.1) for _ in range(h)]}
    path = directory / f"layer_{n}x{d}x{h}.json"
    path.write_text(json.dumps(values))
    return str(path)


def jobs(data: Path) -> list[Job]:
    """The benchmark jobs.  Add new ones here (e.g. --digits 1000 vs sympy evalf, tensors vs NumPy)."""
    rb = {}  # n -> (expression file, --at list, expression length)
    for n in (200, 2000):
        expr_file, at_file = gen_rosenbrock.write_files(n, data)
        rb[n] = (str(expr_file), at_file.read_text().strip(), len(expr_file.read_text().strip()))
    # seed 003's layer, 64×256 @ 256×128, against NumPy. micrograd, a scalar engine, builds one
    # Value per product (2.1 million) and needs minutes and gigabytes for that size, so it is
    # compared on a 16×64 @ 64×32 layer (1/64 of the products).
    hvp_expr, _ = gen_rosenbrock.write_files(20000, data)
    hvp_at, hvp_direction = write_rosenbrock_json(20000, data)
    big = write_layer_values(64, 256, 128, data)
    small = write_layer_values(16, 64, 32, data)
    points = write_points(100_000, data)
    return [
        Job("(a) seed 001: 3*(a+b*c)", "vs",
            cgrad_eval("cgrad", ["3*(a+b*c)", "--at", "a=1,b=2,c=3"]),
            peer("sympy script", "sympy_seed001.py", ["3*(a+b*c)", "a=1,b=2,c=3"]),
            target=1 / 3),
        Job("(b) Rosenbrock n=2000", "vs",
            cgrad_eval("cgrad", ["-f", rb[2000][0], "--at", rb[2000][1]], LONG),
            peer("micrograd", "micrograd_eval.py", [rb[2000][0], rb[2000][1]], LONG),
            target=1.5),
        Job("(b') Rosenbrock n=2000, --no-trace (CPU)", "vs",
            cgrad_eval("cgrad --no-trace", ["-f", rb[2000][0], "--at", rb[2000][1], "--no-trace"], LONG),
            peer("micrograd", "micrograd_eval.py", [rb[2000][0], rb[2000][1]], LONG),
            target=0.5, clock="cpu"),
        *issue_24_jobs(data, rb),
        # issue 13: start-up weighs on the small sum, the parse on the large one
        Job("(j) Rosenbrock n=200, --no-trace", "vs",
            cgrad_eval("cgrad --no-trace", ["-f", rb[200][0], "--at", rb[200][1], "--no-trace"]),
            peer("micrograd", "micrograd_eval.py", [rb[200][0], rb[200][1]]),
            target=2.0),
        Job("(k) Rosenbrock n=20000, --no-trace", "vs",
            cgrad_eval("cgrad --no-trace", ["-f", str(hvp_expr), "--at", f"@{hvp_at}", "--no-trace"], LONG),
            peer("micrograd", "micrograd_eval.py", [str(hvp_expr), f"@{hvp_at}"], LONG),
            target=0.3),
        Job("(c) linearity: Rosenbrock n=200 -> 2000", "linearity",
            cgrad_eval("cgrad n=2000", ["-f", rb[2000][0], "--at", rb[2000][1]], LONG, chars=rb[2000][2]),
            cgrad_eval("cgrad n=200", ["-f", rb[200][0], "--at", rb[200][1]], SHORT, chars=rb[200][2]),
            target=1.5),
        Job("(d) --digits 1000: sin(x)*exp(x)/(1+x^2) at x=1/3", "vs",
            cgrad_eval("cgrad --digits 1000", ["sin(x)*exp(x)/(1+x^2)", "--at", "x=1/3", "--digits", "1000"]),
            peer("sympy diff + evalf(1000)", "sympy_digits.py",
                 ["sin(x)*exp(x)/(1+x^2)", "x=1/3", "--digits", "1000"]),
            target=0.5),
        Job("(e) layer 64×256 @ 256×128: sum(relu(X @ W + b)), --no-trace", "vs",
            cgrad_eval("cgrad --no-trace", [LAYER, "--at", f"@{big}", "--no-trace"]),
            local("NumPy, hand-written formulas", "numpy_layer.py", [big]),
            target=3),
        Job("(e') layer 64×256 @ 256×128, full trace", "vs",
            cgrad_eval("cgrad (full trace)", [LAYER, "--at", f"@{big}"]),
            local("NumPy, hand-written formulas", "numpy_layer.py", [big]),
            target=3),
        # the derivative of Rosenbrock-2000 as formulas (target: at most 1 s whole process); sympy's
        # diff + str for every variable takes minutes (about 4 at n=1000), so it runs once
        Job("(g) derive Rosenbrock n=2000 (formulas, no --at)", "vs",
            Run("cgrad derive", [CGRAD, "derive", "-f", rb[2000][0], "--format", "json"], LONG),
            peer("sympy diff + str", "sympy_derive.py", [rb[2000][0]], 0),
            target=1),
        Job("(f) layer 16×64 @ 64×32, --no-trace", "vs",
            cgrad_eval("cgrad --no-trace", [LAYER, "--at", f"@{small}", "--no-trace"]),
            peer("micrograd", "micrograd_layer.py", [small], LONG),
            target=0.5),
        Job("(f') layer 16×64 @ 64×32, full trace", "vs",
            cgrad_eval("cgrad (full trace)", [LAYER, "--at", f"@{small}"]),
            peer("micrograd", "micrograd_layer.py", [small], LONG),
            target=0.5),
        # issue 11: the Hessian by the backward pass in dual numbers (forward-over-reverse)
        Job("(h) hessian of Rosenbrock n=200 (200×200), whole process", "seconds",
            cgrad_command("cgrad hessian", ["hessian", "-f", rb[200][0], "--at", rb[200][1]]), None, target=1.0),
        Job("(h') hessian --hvp on Rosenbrock n=20000 vs one gradient", "vs",
            cgrad_command("cgrad hessian --hvp", ["hessian", "-f", str(hvp_expr), "--at", f"@{hvp_at}",
                                                  "--hvp", f"@{hvp_direction}"], LONG),
            cgrad_eval("cgrad eval --no-trace", ["-f", str(hvp_expr), "--at", f"@{hvp_at}", "--no-trace"], LONG),
            target=3),
        # descend on 10^5 CSV rows, 100 steps of gd, against NumPy written by hand (np.loadtxt, the
        # gradient's formulas); the loss and the parameters must agree
        Job("(l) descend (w*x + b - y)^2 on 10^5 CSV rows, 100 steps", "vs",
            cgrad_command("cgrad descend", ["descend", LINE_LOSS, "--data", points, "--params", "w=0,b=0",
                                            "--lr", "0.1", "--steps", "100", "--grad-tol", "0"]),
            local("NumPy, hand-written gradient", "numpy_descend.py", [points, "0.1", "100"]),
            target=2),
        # issue 13: the full trace as Rich-free tables (piped) against the same trace as JSON
        Job("(m) Rosenbrock n=2000, full trace table (--max-rows 0) vs full JSON", "vs",
            Run("cgrad table", [CGRAD, "eval", "-f", rb[2000][0], "--at", rb[2000][1], "--max-rows", "0"], LONG,
                prints_json=False),
            cgrad_eval("cgrad --format json", ["-f", rb[2000][0], "--at", rb[2000][1], "--max-rows", "0"], LONG),
            target=2),
        Job("(i) check seed 001: 3*(a+b*c)", "seconds",
            cgrad_command("cgrad check", ["check", "3*(a+b*c)", "--at", "a=1,b=2,c=3"]), None, target=0.2),
        Job("(i') check seed 002: p = x + y; g = p*z", "seconds",
            cgrad_command("cgrad check", ["check", "p = x + y; g = p*z", "--at", "x=1,y=3,z=-3"]), None, target=0.2),
        Job("(i'') check seed 004 on relu's kink: relu(w*x + b)", "seconds",
            cgrad_command("cgrad check", ["check", "relu(w*x + b)", "--at", "w=2,x=1,b=-2"]), None, target=0.2),
    ]


def issue_24_jobs(data: Path, rb: dict) -> list[Job]:
    """Start-up, forward mode along one tangent, check, the largest programs, the Hessian's guard and
    --steps' memory (issue 24), each next to its yardstick."""
    seed = data / "seed-001.expr"
    seed.write_text("3*(a+b*c)\n")
    wide_expr, _ = gen_rosenbrock.write_files(6430, data)  # 90 000 nodes
    wide_at, _ = write_rosenbrock_json(6430, data)
    huge_expr, _ = gen_rosenbrock.write_files(46001, data)  # 2.04 MB of program text
    huge_at, _ = write_rosenbrock_json(46001, data)
    sums = {}
    for terms in (10 ** 5, 10 ** 6):
        sums[terms] = data / f"sum-{terms}.expr"
        sums[terms].write_text(" + ".join(["x"] * terms) + "\n")
    hessian_expr, _ = gen_rosenbrock.write_files(10000, data)
    hessian_at, _ = write_rosenbrock_json(10000, data)
    steps = data / "steps-899.expr"  # 450 variables, 225 products, 224 sums: 899 nodes, 1 798 frames
    steps.write_text(" + ".join(f"w{i}*x{i}" for i in range(225)) + "\n")
    steps_at = data / "steps-899.json"
    steps_at.write_text(json.dumps({**{f"w{i}": 0.5 for i in range(225)}, **{f"x{i}": 2 for i in range(225)}}))
    rb2000 = ["-f", rb[2000][0], "--at", rb[2000][1]]
    wide = ["-f", str(wide_expr), "--at", f"@{wide_at}"]
    forward = ["--mode", "forward", "--tangent", "x1=1", "--no-trace"]
    return [
        Job("(24a) start-up: seed 001 as JSON, whole process (CPU)", "vs",
            cgrad_eval("cgrad", ["3*(a+b*c)", "--at", "a=1,b=2,c=3"], 15),
            peer("micrograd", "micrograd_eval.py", [str(seed), "a=1,b=2,c=3"], 15),
            target=2.0, clock="cpu"),
        # cgrad against cgrad: CPU time, which the machine's other jobs disturb less than the wall clock
        Job("(24b) forward mode along --tangent x1=1, Rosenbrock n=2000, vs the reverse pass (CPU)", "vs",
            Run("cgrad forward mode", [CGRAD, "eval", *rb2000, *forward, "--format", "json"], LONG, compare=False),
            cgrad_eval("cgrad reverse", [*rb2000, "--no-trace"], LONG),
            target=1.5, clock="cpu"),
        Job("(24b') forward mode along --tangent x1=1 on 90 000 nodes (n=6430), vs the reverse pass (CPU)", "vs",
            Run("cgrad forward mode", [CGRAD, "eval", *wide, *forward, "--format", "json"], 3, compare=False),
            cgrad_eval("cgrad reverse", [*wide, "--no-trace"], 3),
            target=1.5, clock="cpu", max_mb=400),
        Job("(24c) check Rosenbrock n=2000 vs eval --no-trace (CPU)", "vs",
            Run("cgrad check", [CGRAD, "check", *rb2000, "--format", "json"], LONG, compare=False),
            cgrad_eval("cgrad eval --no-trace", [*rb2000, "--no-trace"], LONG),
            target=3, clock="cpu"),
        Job("(24d) a 10^6-term sum vs the 10^5-term sum, --no-trace (CPU)", "vs",
            Run("cgrad 10^6 terms", [CGRAD, "eval", "-f", str(sums[10 ** 6]), "--at", "x=0.5", "--no-trace", "--format",
                                     "json"], 3, compare=False),
            cgrad_eval("cgrad 10^5 terms", ["-f", str(sums[10 ** 5]), "--at", "x=0.5", "--no-trace"], 3),
            target=12, clock="cpu", max_mb=300),
        Job("(24e) a 2 MB program (Rosenbrock n=46001), --no-trace", "seconds",
            cgrad_eval("cgrad", ["-f", str(huge_expr), "--at", f"@{huge_at}", "--no-trace"], 3), None,
            target=10, bytes_per_byte=(huge_expr.stat().st_size, 30)),
        Job("(24f) hessian of 10 000 variables: refused (--max-entries)", "seconds",
            Run("cgrad hessian", [CGRAD, "hessian", "-f", str(hessian_expr), "--at", f"@{hessian_at}", "--format",
                                  "json"], 3, expect_exit=2), None, target=2),
        Job("(24g) diagram --steps on 899 nodes (1 798 Mermaid frames, streamed)", "seconds",
            Run("cgrad diagram --steps", [CGRAD, "diagram", "-f", str(steps), "--at", f"@{steps_at}", "--steps"], 1,
                prints_json=False), None, target=60, max_mb=100),
    ]


# The smallest possible cgrad job, timed once to subtract start-up in linearity jobs.
STARTUP = cgrad_eval("cgrad start-up", ["x", "--at", "x=1"])


def find_cgrad() -> list[str] | None:
    """The cgrad command: $CGRAD, else cgrad next to this python, else cgrad on PATH."""
    if os.environ.get("CGRAD"):
        return shlex.split(os.environ["CGRAD"])
    beside = Path(sys.executable).parent / "cgrad"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("cgrad")
    return [found] if found else None


@dataclass
class Result:
    seconds: float | None  # median wall time, None if the command failed
    output: dict | None  # parsed JSON of the warm-up run
    error: str = ""
    cpu: float | None = None  # median CPU time (user + system) of the process
    peak_mb: float | None = None  # the largest max RSS over the runs


GNU_TIME = "/usr/bin/time"  # its %M is the child's own peak; wait4's max RSS starts at the runner's (kept across exec)


def run_once(argv: list[str], keep_output: bool = True) -> tuple[int, str, str, float, float, float]:
    """(exit status, stdout, stderr, wall s, CPU s, peak MB) of one whole process: CPU time by wait4,
    the peak by GNU time where it is installed (else wait4's, which cannot be below the runner's own)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as peak:
        measured = os.access(GNU_TIME, os.X_OK)
        command = [GNU_TIME, "-q", "-f", "%M", "-o", peak.name, *argv] if measured else argv
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace") if keep_output else ""
        kilobytes = usage.ru_maxrss
        if measured:
            peak.seek(0)
            kilobytes = int(peak.read().split()[-1])
        return (code, text, err.read().decode("utf-8", "replace"), elapsed, usage.ru_utime + usage.ru_stime,
                kilobytes / 1024)


def measure(run: Run, cgrad: list[str] | None, repeats: int | None) -> Result:
    """Warm up once (keeping the output), then time `repeats` runs and return the median."""
    if run.argv[0] == CGRAD:
        if cgrad is None:
            return Result(None, None, "cgrad not found")
        argv = cgrad + run.argv[1:]
    else:
        argv = run.argv
    times, cpus, peak, output = [], [], 0.0, None
    count = run.repeats if repeats is None else repeats
    single = count == 0  # one run, timed and kept: for a peer that takes minutes
    for i in range(1 + count):
        code, stdout, stderr, elapsed, cpu, mb = run_once(argv, keep_output=i == 0 and run.prints_json)
        if code != run.expect_exit:
            last = stderr.strip().splitlines()[-1:] or [""]
            return Result(None, None, f"exit {code}: {last[0][:200]}")
        if i == 0 and run.prints_json and not run.expect_exit:
            try:
                output = json.loads(stdout)
            except json.JSONDecodeError:
                return Result(None, None, f"not JSON: {stdout[:80]!r}")
            if not run.compare:
                output = None
        if i > 0 or single:
            times.append(elapsed)
            cpus.append(cpu)
            peak = max(peak, mb)
    return Result(statistics.median(times), output, cpu=statistics.median(cpus), peak_mb=peak)


def agree(x, y) -> bool:
    """Numbers agree to REL_TOL; decimal strings that both carry more than 17 significant digits
    (--digits N) must agree in all but their last two digits; tensors (nested lists) element by element."""
    if isinstance(x, list) or isinstance(y, list):
        return isinstance(x, list) and isinstance(y, list) and len(x) == len(y) and all(map(agree, x, y))
    if isinstance(x, str) and isinstance(y, str):
        digits = min(len(re.sub(r"[eE].*|[^0-9]", "", s).lstrip("0")) for s in (x, y))
        if digits > 17:
            dx, dy = Decimal(x), Decimal(y)
            return abs(dx - dy) <= max(abs(dx), abs(dy)) * Decimal(10) ** (2 - digits)
    return math.isclose(float(x), float(y), rel_tol=REL_TOL, abs_tol=1e-12)


def disagreement(a: dict, b: dict) -> str:
    """'' if value and every gradient entry agree to REL_TOL (for descend: the loss and every
    parameter), else a description (nothing to compare where neither has a gradient: formulas,
    whose sizes the derive job prints)."""
    if "params" in a and "params" in b:
        a, b = ({"value": x["loss"], "gradient": x["params"]} for x in (a, b))
    if "gradient" not in a and "gradient" not in b:
        return ""
    try:
        if set(a["gradient"]) != set(b["gradient"]):
            return "different gradient variables"
        pairs = [("value", a["value"], b["value"])]
        pairs += [(f"d/d{name}", a["gradient"][name], b["gradient"][name]) for name in a["gradient"]]
        for label, x, y in pairs:
            if not agree(x, y):
                return f"{label}: {str(x)[:40]} vs {str(y)[:40]}"
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        return f"cannot compare outputs: {exc!r}"
    return ""


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.4f}"


def mb(result: Result) -> str:
    return "-" if result.peak_mb is None else f"{result.peak_mb:.0f}"


def memory_status(job: Job, result: Result) -> str:
    """The peak-memory verdicts of a job that states limits ('' if none)."""
    if result.peak_mb is None:
        return ""
    notes = []
    if job.max_mb is not None:
        notes.append(f"peak {result.peak_mb:.0f} MB ≤ {job.max_mb:.0f} MB "
                     + ("ok" if result.peak_mb <= job.max_mb else "OVER"))
    if job.bytes_per_byte is not None:
        size, limit = job.bytes_per_byte
        per = result.peak_mb * 2 ** 20 / size
        notes.append(f"{per:.0f} bytes of memory per input byte ≤ {limit:.0f} " + ("ok" if per <= limit else "OVER"))
    return "; ".join(notes)


def report_vs(job: Job, cg: Result, peer: Result) -> list[str]:
    ratio, status = "-", "not run"
    timing = (lambda r: r.cpu) if job.clock == "cpu" else (lambda r: r.seconds)
    if cg.seconds is not None and peer.seconds is not None:
        r = timing(cg) / timing(peer)
        ratio, status = f"{r:.3f} ({job.clock})", "ok" if r <= job.target else "SLOWER THAN TARGET"
    memory = memory_status(job, cg)
    if memory:
        status += f"; {memory}"
    rows = [f"| {job.name} | {job.cgrad.tool} | {fmt(cg.seconds)} | {fmt(cg.cpu)} | {mb(cg)} | {ratio} "
            f"| ≤ {job.target:.3g} | {status} |",
            f"| | {job.other.tool} | {fmt(peer.seconds)} | {fmt(peer.cpu)} | {mb(peer)} | | | |"]
    if cg.output and "program" in cg.output:  # derive: the formulas' size states the growth
        theirs = (peer.output or {}).get("output_chars", "-")
        rows.append(f"| | output size | cgrad {len(cg.output['program'])} chars, {job.other.tool} {theirs} chars "
                    "| | | | | |")
    if cg.output and peer.output:
        problem = disagreement(cg.output, peer.output)
        if problem:
            rows.append(f"| **WARNING** | outputs disagree | | | | | | {problem} |")
    return rows


def report_seconds(job: Job, result: Result) -> list[str]:
    status = "not run" if result.seconds is None else "ok" if result.seconds <= job.target else "SLOWER THAN TARGET"
    memory = memory_status(job, result)
    if memory:
        status += f"; {memory}"
    return [f"| {job.name} | {job.cgrad.tool} | {fmt(result.seconds)} | {fmt(result.cpu)} | {mb(result)} | - "
            f"| ≤ {job.target:.3g} s | {status} |"]


def report_linearity(job: Job, big: Result, small: Result, startup: Result) -> list[str]:
    """Time per input character, net of start-up, for the small and the large input."""
    rows = [f"| {job.name} | cgrad start-up (`eval x`) | {fmt(startup.seconds)} | | | | | |"]
    ratio, status, per_char = "-", "not run", ["-", "-"]
    if None not in (big.seconds, small.seconds, startup.seconds):
        ratio = f"{big.seconds / small.seconds:.2f}"
        net_big, net_small = big.seconds - startup.seconds, small.seconds - startup.seconds
        if net_small < MIN_NET_SECONDS:
            status = f"small input within {MIN_NET_SECONDS * 1000:.0f} ms of start-up: not measurable"
        else:
            per_char = [f"{1e6 * net_big / job.cgrad.chars:.3f} µs/char net",
                        f"{1e6 * net_small / job.other.chars:.3f} µs/char net"]
            growth = (net_big / job.cgrad.chars) / (net_small / job.other.chars)
            ratio += f" (net {net_big / net_small:.2f})"
            status = f"per-char x{growth:.2f} " + ("ok" if growth <= job.target else "NOT LINEAR")
    rows.append(f"| | {job.other.tool} ({job.other.chars} chars) | {fmt(small.seconds)} | | | | | {per_char[1]} |")
    rows.append(f"| | {job.cgrad.tool} ({job.cgrad.chars} chars) | {fmt(big.seconds)} | | | {ratio} "
                f"| per-char ≤ x{job.target:.3g} | {per_char[0]} — {status} |")
    return rows


def machine_info(cgrad: list[str] | None) -> list[str]:
    peer_version = subprocess.run([PEER_PYTHON, "--version"], capture_output=True, text=True).stdout.strip()
    return [
        f"- machine: {platform.platform()}, nproc {os.cpu_count()} "
        f"(usable {len(os.sched_getaffinity(0))})",
        f"- python (runner): {platform.python_version()} at {sys.executable}",
        f"- python (peers): {peer_version} at {PEER_PYTHON}",
        f"- cgrad: {shlex.join(cgrad) if cgrad else 'NOT FOUND'}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, help="timed runs per command (default 7 short / 5 long)")
    parser.add_argument("--skip", action="append", default=[], metavar="TEXT",
                        help="leave out the jobs whose name contains TEXT (repeatable), e.g. a peer that takes minutes")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only the jobs whose name contains TEXT (repeatable), e.g. --only '(24'")
    args = parser.parse_args()

    if not Path(PEER_PYTHON).exists():
        print(f"error: {PEER_PYTHON} missing; run bench/setup_peers.sh first", file=sys.stderr)
        return 2
    cgrad = find_cgrad()
    print("\n".join(machine_info(cgrad)) + "\n")
    if cgrad is None:
        print("**cgrad not found**: set CGRAD=/path/to/cgrad or run with the python of the venv "
              "where cgrad is installed (e.g. .venv/bin/python bench/run.py). Timing the peers only.\n")

    rows = ["| job | tool | median wall s | median CPU s | peak MB | ratio | target | status |",
            "|---|---|---:|---:|---:|---|---|---|"]
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        startup = None
        for job in jobs(Path(tmp)):
            if any(text in job.name for text in args.skip) or (args.only and not any(t in job.name for t in args.only)):
                continue
            first = measure(job.cgrad, cgrad, args.repeats)
            second = measure(job.other, cgrad, args.repeats) if job.other else Result(None, None)
            errors += [f"{job.name} / {run.tool}: {res.error}"
                       for run, res in ((job.cgrad, first), (job.other, second)) if run and res.error]
            if job.kind == "seconds":
                rows += report_seconds(job, first)
            elif job.kind == "vs":
                rows += report_vs(job, first, second)
            else:
                if startup is None:
                    startup = measure(STARTUP, cgrad, args.repeats)
                rows += report_linearity(job, first, second, startup)
    print("\n".join(rows))
    if errors:
        print("\nfailed commands:\n" + "\n".join(f"- {e}" for e in errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
