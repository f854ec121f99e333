"""Generate the n-variable Rosenbrock function as a cgrad expression.

    f(x) = sum_{i=1}^{n-1} 100*(x{i+1} - x{i}^2)^2 + (1 - x{i})^2

The point is x_i = 0.5 + 0.001*i, written with exactly three decimals so every
tool parses the same decimal strings.  n=2000 gives an expression of ~86 000
characters.

Usage:
    python gen_rosenbrock.py N [OUTDIR]

writes OUTDIR/rosenbrock-N.expr (the expression) and OUTDIR/rosenbrock-N.at
(the comma-joined `x1=0.501,x2=0.502,...` list for `--at`).  OUTDIR defaults
to the current directory.  run.py imports the functions below instead.
"""

import sys
from pathlib import Path


def expression(n: int) -> str:
    """The Rosenbrock sum over x1..xn as one line, terms joined with ' + '."""
    terms = [f"100*(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, n)]
    return " + ".join(terms)


def point(n: int) -> dict[str, str]:
    """Variable name -> decimal string, x_i = 0.5 + 0.001*i."""
    return {f"x{i}": f"{0.5 + 0.001 * i:.3f}" for i in range(1, n + 1)}


def at_argument(values: dict[str, str]) -> str:
    """The value list as one `--at` argument: x1=0.501,x2=0.502,..."""
    return ",".join(f"{name}={text}" for name, text in values.items())


def closed_form(n: int) -> tuple[float, dict[str, float]]:
    """Value and gradient at point(n), computed by hand (for checking the tools)."""
    x = [0.0] + [float(text) for text in point(n).values()]  # 1-based
    value = 0.0
    grad = [0.0] * (n + 1)
    for i in range(1, n):
        d = x[i + 1] - x[i] ** 2
        value += 100 * d ** 2 + (1 - x[i]) ** 2
        grad[i] += -400 * x[i] * d - 2 * (1 - x[i])
        grad[i + 1] += 200 * d
    return value, {f"x{i}": grad[i] for i in range(1, n + 1)}


def write_files(n: int, outdir: Path) -> tuple[Path, Path]:
    """Write rosenbrock-N.expr and rosenbrock-N.at into outdir; return both paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    expr_path = outdir / f"rosenbrock-{n}.expr"
    at_path = outdir / f"rosenbrock-{n}.at"
    expr_path.write_text(expression(n) + "\n")
    at_path.write_text(at_argument(point(n)) + "\n")
    return expr_path, at_path


if __name__ == "__main__":
    n = int(sys.argv[1])
    outdir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(".")
    for path in write_files(n, outdir):
        print(f"{path}  ({path.stat().st_size} bytes)")
