"""Several outputs (eval --output) on inputs nobody tuned them to, read as a terminal shows them."""
from __future__ import annotations

import mpmath
import pytest

from test_hardening_cli import on_terminal

GAS = ["p = n*R*T/V; ρ = n*M/V", "--at", "n=1,R=8.314462618,T=293.15,V=0.024,M=0.02897", "--output", "all",
       "--no-trace", "--digits", "30"]


@pytest.mark.parametrize("columns", [40, 80])
def test_every_entry_whole_on_a_line_of_a_narrow_terminal(monkeypatch, columns):
    # a cell too wide beside its header goes under it, whole, instead of folding at the edge
    shown = on_terminal(monkeypatch, columns, "eval", *GAS)
    with mpmath.workdps(50):  # p = nRT/V, ρ = nM/V: ∂p/∂n = p, ∂p/∂T = nR/V, ∂p/∂V = -p/V, ∂ρ/∂V = -ρ/V
        n, R, T, V, M = map(mpmath.mpf, ("1", "8.314462618", "293.15", "0.024", "0.02897"))
        p, rho = n * R * T / V, n * M / V
        entries = [p, R * T / V, n * T / V, n * R / V, -p / V, rho, M / V, -rho / V, n / V]
        texts = [mpmath.nstr(x, 30, strip_zeros=False) for x in entries]
    lines = shown.splitlines()
    assert max(len(line) for line in lines) <= columns
    missing = [text for text in texts if not any(text in line for line in lines)]
    assert not missing, f"not whole on a line: {missing}\n{shown}"


def test_more_than_ten_columns_compile(tmp_path):
    # amsmath's bmatrix stops at 10 columns (MaxMatrixCols): pdflatex failed on a 12-variable Jacobian
    from conftest import compile_latex, run_cgrad_inprocess

    names = [f"x{i}" for i in range(12)]
    at = ",".join(f"{name}={i}" for i, name in enumerate(names))
    total = "+".join(names)
    code, jacobian, _ = run_cgrad_inprocess("eval", f"a = {total}; b = 2*({total})", "--at", at, "--output", "all",
                                            "--format", "latex", "--no-trace")
    assert code == 0 and r"\left[\begin{array}{" + "c" * 12 + "}1 & 1" in jacobian
    code, gradient, _ = run_cgrad_inprocess("eval", "sum(w*y)", "--at", "w=[1,2,3,4,5,6,7,8,9,10,11,12],y=1",
                                            "--format", "latex", "--no-trace")
    assert code == 0 and r"\begin{array}{" + "c" * 12 + "}" in gradient
    compile_latex([jacobian, gradient], tmp_path, "wide")


def test_rows_left_out_do_not_widen_a_column():
    from conftest import run_cgrad_inprocess

    code, out, _ = run_cgrad_inprocess("eval", "R = V/I; Z = V*I; Q = V+I", "--at", "V=5,I=2", "--output", "all",
                                       "--max-rows", "2", "--no-trace")
    lines = out.splitlines()
    # R = 5/2 with ∂/∂V = 1/I = 0.5: next to its output, not 40 columns away behind the note's width
    assert code == 0 and any(line.startswith("  R          2.5    0.5   ") for line in lines)
    assert "  ⋮        1 more row (--max-rows 0 shows all)" in lines


@pytest.mark.parametrize("digits", [-1, 0, 1.5, True])
def test_the_api_checks_digits_as_the_option_does(digits):
    import cgcli

    # -1 gave the digits '0.0e-1', 1.5 a TypeError from inside the number system
    for call in (cgcli.evaluate, cgcli.jacobian):
        with pytest.raises(cgcli.InputError, match="expected a whole number of significant digits"):
            call("R = V/I; Z = V*I", {"V": 5, "I": 2}, numbers="digits", digits=digits)
