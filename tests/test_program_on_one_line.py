"""A program of several lines shown on one line (LaTeX comments, headings) or as a block: its statements stay
apart (joined with spaces, `R = V/I` and `Z = V*I` read `R = V/I Z = V*I`)."""
from __future__ import annotations

import pytest

from conftest import run_cgrad_inprocess
from cgcli.language.syntax import one_line


@pytest.mark.parametrize("source, line", [
    ("R = V/I\nZ = V*I\n", "R = V/I; Z = V*I"), ("R = V/I;\n\nZ = V*I  # the impedance\n", "R = V/I; Z = V*I"),
    ("a = (x +\\\n 1)\nb = a", "a = (x + 1); b = a"), ("3*(a+b*c)", "3*(a+b*c)"),
    # as the lexers read them: a line end inside brackets or after an operator goes on
    ("a = (x\n + 1)\nb = a +\n 2", "a = (x + 1); b = a + 2"),
    ("$a = \\frac{x\n}{2} \\\\\nb = a\nc = b$", "$a = \\frac{x }{2}; b = a; c = b$")])
def test_one_line(source, line):
    from cgcli.language.syntax import parse

    assert one_line(source) == line
    # the same program: the same statements, the same names
    assert list(parse(line).assigned) == list(parse(source).assigned)
    assert len(parse(line).nodes) == len(parse(source).nodes)


def test_every_format_keeps_the_statements_apart(tmp_path):
    program = tmp_path / "circuit.cg"
    program.write_text("R = V/I\nZ = V*I  # the product\n", encoding="utf-8")
    at = ["-f", str(program), "--output", "all"]
    for command, args, shown in [
            ("eval", ["--at", "V=5,I=2", "--format", "latex", "--no-trace"], "% cgrad: R = V/I; Z = V*I\n"),
            ("eval", ["--at", "V=5,I=2", "--format", "markdown", "--no-trace"],
             "```text\nR = V/I\nZ = V*I  # the product\n```"),
            ("uncertainty", ["--at", "V=5±1,I=2±1", "--format", "latex"], "% cgrad uncertainty: R = V/I; Z = V*I\n"),
            ("uncertainty", ["--at", "V=5±1,I=2±1", "--format", "markdown"],
             "## Uncertainty budget: `R = V/I; Z = V*I`\n")]:
        code, out, err = run_cgrad_inprocess(command, *at, *args)
        assert code == 0 and shown in out, (command, args, err, out[:300])
