"""Worksheets hide every number of the backward pass, in every format (issue 10).

The answers come from a separate run without a worksheet (`--format json`): every adjoint but
∂out/∂out, every term's upstream, local derivative and contribution, the gradient. From each
worksheet the test cuts out what shows the backward pass (the backward and gradient tables'
derivative cells, the chain-rule equations, the diagram labels that name a partial, the paths'
local derivatives, products and sums), leaving out the parts that the exercise gives (forward
values, inputs, the output's own ∂out/∂out = 1). No answer may appear there. The same cut of
the answer key (--answers) must show the answers, which proves the cut looks in the right place.

The programs avoid numbers that are answers and also given (a local derivative equal to an input
shows in the gradient table's value column), except where the given one is cut away.
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import run_cgrad_inprocess

PROGRAMS = {
    # seed 001's shape with a subtraction (local -1) and a constant rule (∂J/∂v = 7, the literal)
    "seed001": ("u = b*c; v = a - u; J = 7v", ["--at", "a=0.5,b=2.5,c=-1.5"]),
    # fan-out: b uses a twice, c uses b twice (dc/dx = 4)
    "fanout": ("a = x; b = a + a; c = b + b", ["--at", "x=1.5"]),
    # seed 004's weight sharing (t feeds two nodes), with exp's long decimals; not sigmoid, whose
    # rule s·(1 - s) writes the 1 that is also an answer here
    "seed004": ("t = w*x; r = relu(t); s = exp(t); o = r + s", ["--at", "w=0.5,x=2.5"]),
    "exact": ("u = x/y; f = u*u - 3x", ["--at", "x=2/3,y=-5/7", "--exact"]),
    "tensor": ("L = sum(X @ W)", ["--at", "X=[[1.5,-2.5]]", "--at", "W=[[0.5],[3.5]]"]),
}
EVAL_FORMATS = ["table", "markdown", "latex"]
DIAGRAM_FORMATS = ["mermaid", "dot"]
PATHS_FORMATS = ["table", "markdown"]
SHEETS = [["--blank", "grads"], ["--blank", "all"]]
BLANKS = ("____", r"\_\_\_\_", r"\underline{\qquad}")  # as text, in Markdown, in LaTeX


def run(*args: str) -> str:
    code, out, err = run_cgrad_inprocess(*args)
    assert (code, err) == (0, ""), (args, code, err)
    return out


# ---- the answers, from a run without a worksheet ----

def elements(value) -> list:
    return [x for item in value for x in elements(item)] if isinstance(value, list) else [value]


def text(number) -> str:
    """A JSON number as the number systems print it: 7 for 7.0; exact fractions are strings already."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def answers(source: str, at: list[str]) -> tuple[str, set[str], set[str]]:
    """The output's name, every number of the backward pass, and the local derivatives alone."""
    document = json.loads(run("eval", source, *at, "--format", "json"))
    numbers, local_derivatives = set(), set()
    for row in document["backward"]:
        if row["name"] != document["output"]:
            numbers.update(map(text, elements(row["adjoint"])))
        for term in row["terms"]:
            for key in ("upstream", "contribution"):
                numbers.update(map(text, elements(term[key])))
            if term["local"] is not None:
                local_derivatives.update(map(text, elements(term["local"])))
    numbers |= local_derivatives
    for value in document["gradient"].values():
        numbers.update(map(text, elements(value)))
    return document["output"], numbers, local_derivatives


def found(number: str, shown: str) -> bool:
    """Whether `number` is written in `shown` as a number of its own (1 is not found in t1 or -1);
    a long decimal by its first digits, as pictures shorten it."""
    pattern = r"(?<![\w.\-/])" + re.escape(number[:10])
    return re.search(pattern if len(number) > 10 else pattern + r"(?![\w./])", shown) is not None


# ---- what shows the backward pass, per format ----

def between(text: str, start: str, end: str | None) -> str:
    head = text.index(start)
    return text[head:text.index(end, head) if end else len(text)]


def cells(line: str, separator: str = "|") -> list[str]:
    return [cell.strip() for cell in line.split(separator)]


def table_part(out: str, top: str) -> str:
    backward = [line for line in between(out, "Backward pass", "Gradient ·").splitlines() if "(output)" not in line]
    gradient = between(out, "Gradient ·", f"\n{top} = ").splitlines()[4:]  # title, blank, header, rule
    return "\n".join(backward + [re.split(r"\s{2,}", line.strip())[-1] for line in gradient if line.strip()])


def latex_part(text: str, top: str) -> str:
    """LaTeX lines without the output's own ∂out/∂out = 1; subscripts (t_{1}) and fractions
    (\\frac{14}{15}) read as the other formats write them."""
    own = rf"\frac{{\partial {top}}}{{\partial {top}}} &= 1"
    text = "\n".join(line for line in text.splitlines() if not line.replace("$$", "").replace("&", "").startswith(
        own.replace("&", "")))
    text = re.sub(r"_\{[^{}]*\}", "", text)
    return re.sub(r"\\frac\{(\d+)\}\{(\d+)\}", r"\1/\2", text)


def latex_backward_part(out: str, top: str) -> str:
    return latex_part(between(out, r"\intertext{Backward", None), top)


def labels_part(out: str, top: str) -> str:
    """Diagram labels: every edge label whole; of a node label, the lines naming a partial."""
    shown = []
    for line in out.splitlines():
        for label in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
            pieces = re.split(r"<br/>|\\n", label)
            edge = "-->" in line or "->" in line
            shown += [piece for piece in pieces if edge or ("∂" in piece and not piece.startswith(f"∂{top}/∂{top} ="))]
    return "\n".join(shown)


def markdown_part(out: str, top: str) -> str:
    graph = labels_part(between(out, "```mermaid", "### Forward"), top)
    backward = [line for line in between(out, "### Backward pass", "### The chain rule").splitlines()
                if "(output)" not in line]
    equations = latex_part(between(out, "### The chain rule", "### Gradient"), top)
    gradient = [cells(line)[3] for line in between(out, "### Gradient", None).splitlines()[4:] if line]
    return "\n".join([graph, *backward, equations, *gradient])


def paths_table_part(out: str) -> str:
    shown = []
    for line in out.splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) == 5 and parts[0].isdigit():
            shown += parts[3:]  # local derivatives, product
        elif " = " in line:
            shown.append(line.split(" = ", 1)[1])
    return "\n".join(shown)


def paths_markdown_part(out: str) -> str:
    shown = []
    for line in out.splitlines():
        if line.startswith("| ") and cells(line)[1].isdigit():
            shown += cells(line)[3:5]
        elif line.startswith("$$"):
            shown.append(latex_part(" = ".join(line.split(" = ")[2:]), ""))
        elif " = " in line:
            shown.append(line.split(" = ", 1)[1])
    return "\n".join(shown)


def backward_parts(source: str, at: list[str], options: list[str], top: str) -> dict[str, str]:
    """Per format, what of the output of `options` (a worksheet or its key) shows the backward pass."""
    parts = {}
    for output_format in EVAL_FORMATS:
        out = run("eval", source, *at, *options, "--format", output_format)
        parts[f"eval {output_format}"] = {"table": table_part, "markdown": markdown_part,
                                          "latex": latex_backward_part}[output_format](out, top)
    for output_format in DIAGRAM_FORMATS:
        out = run("diagram", source, *at, "--products", *options, "--format", output_format)
        parts[f"diagram {output_format}"] = labels_part(out, top)
    variables = ",".join(name for name in json.loads(run("eval", source, *at, "--format", "json"))["gradient"])
    for output_format in PATHS_FORMATS:
        out = run("paths", source, *at, "--wrt", variables, *options, "--format", output_format)
        part = paths_table_part(out) if output_format == "table" else paths_markdown_part(out)
        parts[f"paths {output_format}"] = part
    return parts


@pytest.mark.parametrize("sheet", SHEETS, ids=["grads", "all"])
@pytest.mark.parametrize("program", list(PROGRAMS))
def test_a_worksheet_shows_no_answer_in_any_format(program, sheet):
    source, at = PROGRAMS[program]
    top, numbers, _ = answers(source, at)
    for where, shown in backward_parts(source, at, sheet, top).items():
        assert any(blank in shown for blank in BLANKS), (where, shown)
        leaked = sorted(number for number in numbers if found(number, shown))
        assert not leaked, f"{program}, {where}: the worksheet shows {leaked}:\n{shown}"


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_the_answer_key_shows_the_answers_where_the_worksheet_blanks_them(program):
    source, at = PROGRAMS[program]
    top, numbers, local_derivatives = answers(source, at)
    gradient = {text(x) for value in json.loads(run("eval", source, *at, "--format", "json"))["gradient"].values()
                for x in elements(value)}
    for where, shown in backward_parts(source, at, ["--blank", "grads", "--answers"], top).items():
        assert not any(blank in shown for blank in BLANKS), (where, shown)
        expected = gradient | (set() if where.startswith("paths") else local_derivatives)
        missing = sorted(number for number in expected if not found(number, shown))
        assert not missing, f"{program}, {where}: the answer key lacks {missing}:\n{shown}"


def test_the_constant_rule_is_blank_in_markdown():
    # the example: ∂J/∂v = 3 (the rule of 3v is its value) was printed next to the blank
    code, out, err = run_cgrad_inprocess("eval", "u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3", "--blank",
                                         "grads", "--format", "markdown")
    assert (code, err) == (0, "")
    assert r"| v | ∂J/∂J · ∂J/∂v | ∂J/∂v = \_\_\_\_ |" in out
    assert r"∂v/∂a = \_\_\_\_" in out and r"∂u/∂c = b = \_\_\_\_" in out


@pytest.mark.parametrize("literal, value", [("pi", "3.141592653589793"), ("1e1", "10"), ("2.50", "2.5")])
def test_a_rule_written_in_literals_alone_is_its_value(literal, value):
    # ∂(k·v)/∂v = k for a literal k: shown as its value (π to 16 digits, 10, 2.5), blanked in a worksheet
    code, out, _ = run_cgrad_inprocess("eval", f"J = {literal}*v", "--at", "v=2")
    assert code == 0 and f"∂J/∂v = {value}\n" in out.replace(" " * 3, "\n")
    code, sheet, _ = run_cgrad_inprocess("eval", f"J = {literal}*v", "--at", "v=2", "--blank", "grads",
                                         "--format", "markdown")
    backward = between(sheet, "### Backward pass", "### The chain rule")
    assert code == 0 and r"∂J/∂v = \_\_\_\_ |" in backward and literal not in backward


def test_paths_refuse_a_json_worksheet():
    code, out, err = run_cgrad_inprocess("paths", "a = x; b = a + a", "--at", "x=1", "--wrt", "x", "--blank",
                                         "grads", "--format", "json")
    assert (code, out) == (2, "") and err.startswith("error: --blank and --answers make worksheets")
