"""`%load_ext cgcli` in IPython's InteractiveShell: %cgrad and %%cgrad show Markdown; Results show themselves.

Seed 001 by hand: J = 3(a + bc) at a=5, b=3, c=2 is 33; ∂J/∂a = 3, ∂J/∂b = 3c = 6, ∂J/∂c = 3b = 9.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conftest import REPO

SEED = "u = b*c; v = a + u; J = 3v"


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell  # here, not at collection: every worker collects

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "cgcli")
    return shell


def _run(shell, cell: str):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(cell, store_history=False)
    assert result.error_in_exec is None and result.error_before_exec is None, (result, captured.stderr)
    return result.result, captured


def _shown_markdown(captured) -> str:
    """The one rich output displayed: Markdown (and plain text), no HTML to outrank it."""
    assert len(captured.outputs) == 1
    data = captured.outputs[0].data
    assert set(data) == {"text/markdown", "text/plain"}
    return data["text/markdown"]


def test_the_cell_magic_shows_the_worked_solution_as_markdown(shell):
    shown, captured = _run(shell, f"%%cgrad eval --at a=5,b=3,c=2\n{SEED}\n")
    markdown = _shown_markdown(captured)
    assert "**J = 33**" in markdown and "```mermaid\ngraph LR" in markdown.replace('%%{init: {"flowchart": {"wrappingWidth": 400}}}%%\n', "")
    for name, value, partial in (("b", 3, 6), ("c", 2, 9), ("a", 5, 3)):
        assert f"| {name} | {value} | {partial} |" in markdown
    assert shown._repr_markdown_() == markdown


def test_the_line_magic_takes_a_command_line_and_its_format(shell):
    shown, captured = _run(shell, f'%cgrad eval "{SEED}" --at a=5,b=3,c=2 --format json --no-trace')
    markdown = _shown_markdown(captured)
    document = json.loads(markdown.split("```json\n", 1)[1].split("\n```", 1)[0])
    assert (document["value"], document["gradient"]) == (33, {"b": 6, "c": 9, "a": 3})
    assert repr(shown) == markdown.split("```json\n", 1)[1].split("```", 1)[0]  # plain text: the output itself


def test_a_failing_command_reports_one_error_line_and_shows_nothing(shell):
    shown, captured = _run(shell, '%cgrad eval "1/x" --at x=0')
    assert shown is None and captured.outputs == []
    assert captured.stderr.startswith("error: in f = 1/x: division by zero, where x = 0")


def test_the_returned_object_has_markdown_html_and_latex(shell):
    shown, _ = _run(shell, f'x = %cgrad eval "{SEED}" --at a=5,b=3,c=2\nx')
    html = shown._repr_html_()
    tags = _tags(html)
    assert tags["table"] == 3 and tags["h3"] >= 3  # forward, backward, gradient
    assert '<pre class="mermaid">' in html and "<strong>J = 33</strong>" in html
    assert re.search(r"<tr><td>c</td><td style=\"text-align: right\">2</td><td style=\"text-align: right\">9</td></tr>",
                     html)
    latex = shown._repr_latex_()  # the same command with --format latex
    assert "\\begin{align*}" in latex and "J &= 3 \\cdot v = 3 \\cdot 11 = 33" in latex
    diagram, _ = _run(shell, f'%cgrad diagram "{SEED}"')
    assert diagram._repr_latex_() is None  # diagram writes no LaTeX
    assert diagram._repr_markdown_().startswith("```mermaid\n")


def test_a_result_of_the_python_api_shows_itself(shell):
    result, captured = _run(shell, f'import cgcli\ncgcli.evaluate("{SEED}", at={{"a": 5, "b": 3, "c": 2}})')
    markdown = _shown_markdown(captured)
    assert markdown == result._repr_markdown_()
    assert "**J = 33**" in markdown and "| c | 2 | 9 |" in markdown
    assert _tags(result._repr_html_())["table"] == 3
    assert "\\nabla J" in result._repr_latex_()
    assert result.gradient == {"b": 6, "c": 9, "a": 3}


def test_import_cgcli_does_not_import_ipython():
    script = ("import sys, cgcli; assert callable(cgcli.load_ipython_extension); "
              "assert 'IPython' not in sys.modules, 'IPython imported'; print('ok')")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr


def _tags(html: str) -> dict[str, int]:
    counts: dict[str, int] = {}

    class Counter(HTMLParser):
        def handle_starttag(self, tag, attrs):
            counts[tag] = counts.get(tag, 0) + 1

    Counter().feed(html)
    return counts


@pytest.mark.parametrize("magic, heading", [
    ("%%cgrad uncertainty --at x=1±0.1,y=2±0.2\nx*y", "## Uncertainty budget: `x*y`"),
    ("%%cgrad hessian --at x=1,y=2\nx^2*y", "## "), ("%%cgrad derive --wrt x\nx^3", "")])
def test_a_command_whose_format_has_a_default_still_shows_markdown(shell, magic, heading):
    # their --format defaults to table (or text): the magic asks for Markdown unless the line gives --format
    shown, _ = _run(shell, magic)
    markdown = shown._repr_markdown_()
    assert markdown.startswith(heading) and "```text" not in markdown.split("\n", 1)[0], markdown[:200]
    # x·y at 1 ± 0.1, 2 ± 0.2: u = √((2·0.1)² + (1·0.2)²) = 0.283
    assert "uncertainty" not in magic or "u\\_c(f) = 0.283" in markdown
    explicit, _ = _run(shell, magic.replace("\n", " --format json\n", 1))
    assert explicit._repr_markdown_().startswith("```json")


def test_html_reads_markdowns_backslash_escapes(shell):
    # the budget's Markdown escapes u\_c and \[…\]; its HTML shows u_c and […], not the backslashes
    shown, _ = _run(shell, "%%cgrad uncertainty --at x=1±0.1,y=2±0.2 --monte-carlo 200 --seed 2\nx*y")
    page = shown._repr_html_()
    assert "u\\_c" in shown._repr_markdown_() and "u_c(f) = 0.283" in page and "\\_" not in page
    assert "\\[" not in page and "interval [" in page


def test_an_uncertainty_budget_of_the_python_api_shows_itself(shell):
    # as cgcli.evaluate's Result does: Z = V/I at 4.999 ± 0.0032, 0.019661 ± 9.5e-6, u = 0.204 (GUM H.2's Z, uncorrelated)
    result, captured = _run(shell, 'import cgcli\ncgcli.uncertainty("Z = V/I", {"V": "4.999±0.0032", '
                                   '"I": (19.661e-3, 9.5e-6)})')
    markdown = _shown_markdown(captured)
    assert markdown == result._repr_markdown_() and markdown.startswith("## Uncertainty budget: `Z = V/I`")
    assert "**Z = 254.26(20)**" in markdown and "\\begin{tabular}" in result._repr_latex_()
    assert repr(result) == "UncertaintyResult(Z = 254.26(20))" and round(result.outputs["Z"].u, 4) == 0.2039
