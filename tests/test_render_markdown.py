"""`cgrad eval --format markdown`: the worked solution for notes, read back by parsing it. Also the
worksheets (--blank, --answers) of every eval format and -o FILE."""
from __future__ import annotations

import json
import re

import pytest

from conftest import run_cgrad_inprocess

SEED_001 = ["u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3"]
SEED_001_B = (r"$$\frac{\partial J}{\partial b} = \frac{\partial J}{\partial u}\frac{\partial u}{\partial b} "
              r"= 3 \cdot 3 = 9$$")


def run_eval(*args: str, expect: int = 0) -> str:
    code, out, err = run_cgrad_inprocess("eval", *args)
    assert code == expect, f"exit {code}; stderr:\n{err}"
    return out if expect == 0 else err


def markdown(*args: str) -> str:
    return run_eval(*args, "--format", "markdown")


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the GFM table under `heading`, split at unescaped pipes."""
    lines = text.split(heading, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line)[1:-1]
        rows.append([cell.strip() for cell in cells])
    return rows


def test_seed_001_worked_solution():
    out = markdown(*SEED_001)
    assert out.startswith("## `u = b*c; v = a + u; J = 3v`\n")
    assert "**J = 21**" in out
    assert SEED_001_B in out.splitlines()  # the chain rule for ∂J/∂b, as the brief writes it
    assert r"$$\frac{\partial J}{\partial v} = 3$$" in out
    mermaid = out.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert "graph LR" in mermaid and mermaid.count(":::") == 7 and mermaid.count("-->") == 6
    forward = {row[0]: row for row in table_rows(out, "### Forward pass")}
    assert forward["u"] == ["u", "b · c", "`b*c`", "6"] and forward["J"][3] == "21"
    backward = {row[0]: row for row in table_rows(out, "### Backward pass")}
    assert backward["b"][1:] == ["∂J/∂u · ∂u/∂b", "∂u/∂b = c = 3", "3 × 3", "9"]
    assert backward["J"][1] == "(output)"
    gradient = {row[0]: row[2] for row in table_rows(out, "### Gradient")}
    assert gradient == {"a": "3", "b": "9", "c": "6"}


def test_fan_out_lists_every_use():
    out = markdown("a = x; b = a + a; c = b + b", "--at", "x=1")
    backward = {row[0]: row for row in table_rows(out, "### Backward pass")}
    assert backward["a"][1] == "∂c/∂b · ∂b/∂a<br>+ ∂c/∂b · ∂b/∂a"
    assert backward["a"][3] == "2 × 1<br>+ 2 × 1" and backward["a"][4] == "4"
    assert (r"$$\frac{\partial c}{\partial a} = \frac{\partial c}{\partial b}\frac{\partial b}{\partial a} + "
            r"\frac{\partial c}{\partial b}\frac{\partial b}{\partial a} = 2 \cdot 1 + 2 \cdot 1 = 4$$") in out


def test_markdown_escapes_what_tables_would_misread():
    from cgcli.render.markdown import cell, code

    assert cell("a | b") == r"a \| b"
    assert cell("hat_y*2") == r"hat\_y\*2"
    assert cell("[x > 0]") == r"\[x \> 0\]"
    assert code("a`b") == "``a`b``" and code("x | y") == r"`x \| y`"
    out = markdown("max(a, b) + hat_y*_z_", "--at", "a=1,b=2,hat_y=3,_z_=4")
    backward = {row[0]: row for row in table_rows(out, "### Backward pass")}
    assert backward[r"\_z\_"][2] == r"∂t2/∂\_z\_ = hat\_y = 3"
    assert backward["a"][2] == r"∂t1/∂a = \[a ≥ b\] = 0"
    for row in table_rows(out, "### Backward pass"):
        assert len(row) == 5


def test_exact_and_digits_in_tables_and_equations():
    out = markdown("x/3 + y^2/7", "--at", "x=1,y=2", "--exact")
    assert "**f = 19/21 ≈ 0.9047619**" in out
    assert r"$$\frac{\partial f}{\partial y} = \frac{\partial f}{\partial t_{2}}\frac{\partial t_{2}}{\partial y} = \frac{1}{7} \cdot 4 = \frac{4}{7}$$" in out
    digits = markdown("sin(x)", "--at", "x=1", "--digits", "40")
    gradient = {row[0]: row[2] for row in table_rows(digits, "### Gradient")}
    assert gradient["x"] == "0.5403023058681397174009366074429766037323"  # full in tables
    assert r"\frac{\partial f}{\partial x} = 0.540302305868\ldots{}$$" in digits  # shortened in equations


def test_no_trace_and_max_rows():
    out = markdown(*SEED_001, "--no-trace")
    assert "```mermaid" not in out and "### Backward pass" not in out and "### Gradient" in out
    long = markdown(" + ".join(f"x{i}" for i in range(30)), "--at", ",".join(f"x{i}={i}" for i in range(30)),
                    "--max-rows", "10")
    assert "| ⋮ | " in long and "more rows (--max-rows 0 shows all)" in long
    assert "$$\\vdots$$" in long


def test_large_graph_is_not_drawn_but_said_so():
    source = " + ".join(f"x{i}*y{i}" for i in range(200))
    at = ",".join(f"x{i}=1,y{i}=2" for i in range(200))
    out = markdown(source, "--at", at, "--max-rows", "0")
    assert "```mermaid" not in out and "more than the 500 Mermaid draws by default" in out


def test_deterministic():
    assert markdown(*SEED_001) == markdown(*SEED_001)


# --------------------------------------------------------------------------------------------
# worksheets
# --------------------------------------------------------------------------------------------

def test_markdown_worksheet_and_key():
    sheet = markdown(*SEED_001, "--blank", "grads")
    assert sheet.startswith("# Worksheet\n")
    backward = {row[0]: row for row in table_rows(sheet, "### Backward pass")}
    assert backward["b"][2:] == [r"∂u/∂b = c = \_\_\_\_", r"\_\_\_\_ × \_\_\_\_", r"\_\_\_\_"]
    assert backward["J"][4] == "1"
    assert {row[2] for row in table_rows(sheet, "### Gradient")} == {r"\_\_\_\_"}
    forward = {row[0]: row for row in table_rows(sheet, "### Forward pass")}
    assert forward["u"][3] == "6"  # the forward pass is given
    assert r"= \underline{\qquad} \cdot \underline{\qquad} = \underline{\qquad}$$" in sheet
    for number in ("= 9", "∂J/∂b = 9"):
        assert number not in sheet
    key = markdown(*SEED_001, "--blank", "grads", "--answers")
    assert key.startswith("# Answer key\n") and SEED_001_B in key
    assert len(key.splitlines()) == len(sheet.splitlines()) - 2  # the same layout, less the instructions


def test_blank_all_leaves_the_forward_values_too():
    sheet = markdown(*SEED_001, "--blank", "all")
    forward = {row[0]: row for row in table_rows(sheet, "### Forward pass")}
    assert forward["u"][3] == r"\_\_\_\_" and forward["b"][3] == "2"
    assert "**J = \\_\\_\\_\\_**" in sheet


def test_table_worksheet():
    sheet = run_eval(*SEED_001, "--blank", "grads")
    assert sheet.startswith("Worksheet: fill in every ____")
    assert " 9\n" not in sheet and "× 3" not in sheet
    lines = [line for line in sheet.splitlines() if line.strip().startswith("b ")]
    assert len(lines) == 3 and "____" not in lines[0] and all("____" in line for line in lines[1:])
    key = run_eval(*SEED_001, "--answers")
    assert key.startswith("Answer key\n")
    assert key.split("\n", 2)[2] == run_eval(*SEED_001)


def test_latex_worksheet():
    sheet = run_eval(*SEED_001, "--blank", "grads", "--format", "latex")
    assert sheet.startswith("% Worksheet\n")
    assert r"\frac{\partial J}{\partial b} &= \frac{\partial J}{\partial u}\frac{\partial u}{\partial b} = \underline{\qquad} \cdot \underline{\qquad} = \underline{\qquad}" in sheet


def test_json_refuses_worksheets():
    err = run_eval(*SEED_001, "--blank", "grads", "--format", "json", expect=2)
    assert err.startswith("error: --blank and --answers make worksheets")


# --------------------------------------------------------------------------------------------
# -o FILE for every format
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "latex"])
def test_output_file_for_every_format(tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    assert run_eval(*SEED_001, "--format", fmt, "-o", str(target)) == ""
    assert target.read_text(encoding="utf-8") == run_eval(*SEED_001, "--format", fmt)
    if fmt == "json":
        assert json.loads(target.read_text())["gradient"] == {"a": 3, "b": 9, "c": 6}
