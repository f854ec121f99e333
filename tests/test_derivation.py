"""The derivation model (cgcli/render/derivation.py) decides once what every format shows: these
tests hold the formats to the same rows, the same elision and the same factors. Expected values
are worked out by hand in the comments."""
from __future__ import annotations

import importlib
import re

import pytest

import cgcli.cli.output
from conftest import run_cgrad_inprocess

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# f = x1 + 2·x2 + … + 12·x12 at xi = i: twelve products t1…t11 (k·xk for k ≥ 2) and eleven sums
LONG = " + ".join(["x1"] + [f"{k}*x{k}" for k in range(2, 13)])
LONG_AT = ",".join(f"x{k}={k}" for k in range(1, 13))


def run(*args: str) -> str:
    code, out, err = run_cgrad_inprocess(*args)
    assert (code, err) == (0, ""), (args, code, err)
    return out


def on_terminal(monkeypatch, columns: int, *args: str) -> str:
    monkeypatch.setattr(cgcli.cli.output, "is_terminal", lambda: True)
    code, out, err = run_cgrad_inprocess(*args, env={"COLUMNS": str(columns)})
    assert (code, err) == (0, "")
    return ANSI.sub("", out)


def forward_names(out: str, output_format: str) -> list[str]:
    """The node names of the forward rows each format prints, and ⋮ where rows are left out."""
    if output_format == "table":
        part = out[out.index("Forward pass"):out.index("Backward pass")]
        return [line.split()[0] for line in part.splitlines()[4:] if line.strip()]
    if output_format == "markdown":
        part = out[out.index("### Forward pass"):out.index("### Backward pass")]
        return [line.split("|")[1].strip() for line in part.splitlines()[4:] if line.startswith("|")]
    part = out[out.index(r"\intertext{Forward"):out.index(r"\intertext{Backward")]
    return ["⋮" if r"\vdots" in line else line.split(" &=")[0] for line in part.splitlines()[1:]]


@pytest.mark.parametrize("max_rows, head, tail", [(6, 3, 3), (5, 3, 2), (1, 1, 0), (2, 1, 1)])
@pytest.mark.parametrize("output_format", ["table", "markdown", "latex"])
def test_every_format_keeps_the_same_rows(output_format, max_rows, head, tail):
    # 12 inputs + 11 products + 11 sums = 34 forward rows in topological order; the first rows are
    # x1, x2, t1 (= 2·x2); --max-rows N keeps N of them: the extra one of an odd N at the start
    out = run("eval", LONG, "--at", LONG_AT, "--max-rows", str(max_rows), "--format", output_format)
    full = run("eval", LONG, "--at", LONG_AT, "--max-rows", "0", "--format", output_format)
    every = forward_names(full, output_format)
    assert len(every) == 34 and "⋮" not in every
    expected = every[:head] + ["⋮"] + every[len(every) - tail:]
    names = forward_names(out, output_format)
    if output_format == "latex":
        names = [re.sub(r"_\{(\d+)\}", r"\1", name) for name in names]
        expected = [re.sub(r"_\{(\d+)\}", r"\1", name) for name in expected]
    assert names == expected
    if output_format != "latex":
        assert f"{34 - head - tail} more rows (--max-rows 0 shows all)" in out


def test_the_gradient_is_elided_alike_in_latex_and_tables():
    # 12 variables, --max-rows 4: x1, x2, …, x11, x12 in the LaTeX vector and in the table
    latex = run("eval", LONG, "--at", LONG_AT, "--max-rows", "4", "--format", "latex")
    gradient = latex[latex.index(r"\intertext{Gradient}"):]
    assert r"&= \left(1, 2, \ldots, 11, 12\right)" in gradient     # ∂f/∂xk = k
    table = run("eval", LONG, "--at", LONG_AT, "--max-rows", "4")
    rows = table[table.index("Gradient ·"):].splitlines()[4:9]
    assert [row.split()[0] for row in rows] == ["x1", "x2", "⋮", "x11", "x12"]


def test_negative_factors_are_parenthesised_in_every_format():
    # f = x·y at x = 3, y = -2: ∂f/∂x = y = -2, upstream 1: the product 1 × (-2)
    table = run("eval", "f = x*y", "--at", "x=3,y=-2")
    assert "1 × (-2)" in table and "1 × 3" in table
    markdown = run("eval", "f = x*y", "--at", "x=3,y=-2", "--format", "markdown")
    assert "| 1 × (-2) |" in markdown
    mermaid = run("diagram", "f = x*y", "--at", "x=3,y=-2", "--products")
    assert "1 × (-2) = -2" in mermaid and "1 × 3 = 3" in mermaid
    latex = run("eval", "u = x*y; f = u*x", "--at", "x=3,y=-2", "--format", "latex")
    # u = -6, f = -18; ∂f/∂x = ∂f/∂f·∂f/∂x + ∂f/∂u·∂u/∂x = 1·u + x·y = 1·(-6) + 3·(-2) = -12
    assert r"= 1 \cdot \left(-6\right) + 3 \cdot \left(-2\right) = -12" in latex


def test_tensor_elements_print_as_numbers_in_latex():
    latex = run("eval", "L = sum(X @ W)", "--at", "X=[[1.5,-2.5]]", "--at", "W=[[0.5],[3.5]]", "--format", "latex")
    assert "np." not in latex
    assert r"X &= \begin{bmatrix}1.5 & -2.5\end{bmatrix}" in latex
    # ∂L/∂X = G·Wᵀ = [[0.5, 3.5]], ∂L/∂W = Xᵀ·G = [[1.5], [-2.5]] (G = [[1]])
    assert r"\begin{bmatrix}0.5 & 3.5\end{bmatrix}, \begin{bmatrix}1.5 \\ -2.5\end{bmatrix}" in latex


@pytest.mark.parametrize("columns", [40, 60])
def test_paths_on_a_narrow_terminal_cut_no_cell(monkeypatch, columns):
    # seed 004: ∂o/∂w1 through a2 = sigmoid(t), t = 1: local σ'(1) = 0.19661193324148185, product ×2
    shown = on_terminal(monkeypatch, columns, "paths", "t = w1*x1; a1 = relu(t); a2 = sigmoid(t); o = a1 + a2",
                        "--at", "w1=0.5,x1=2", "--wrt", "w1")
    assert "…" not in shown
    squeezed = re.sub(r"\s+", "", shown)
    assert "1×0.19661193324148185×2" in squeezed and "0.3932238664829637" in squeezed


def test_descend_on_a_narrow_terminal_cuts_no_cell(monkeypatch):
    # (x-3)^2 with lr 1/4 from 0: x1 = 0 - 1/4·(-6) = 3/2, loss (3/2 - 3)^2 = 9/4
    shown = on_terminal(monkeypatch, 40, "descend", "(x-3)^2", "--params", "x=0", "--lr", "1/4", "--steps", "3",
                        "--exact", "--trace")
    assert "…" not in shown
    squeezed = re.sub(r"\s+", "", shown)
    assert "3/2≈1.5" in squeezed and "9/4≈2.25" in squeezed


def test_the_path_analysis_has_its_own_name():
    assert importlib.util.find_spec("cgcli.passes.chain_paths") is not None
    assert importlib.util.find_spec("cgcli.paths") is None
