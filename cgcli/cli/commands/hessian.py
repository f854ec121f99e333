"""`cgrad hessian`: second derivatives by running the backward pass in dual numbers (forward-over-reverse)."""
from __future__ import annotations

import unicodedata

import click

from ...language.bindings import split_bindings
from ...errors import InputError
from ..options import ExpressionCommand, at_option, expression_input, number_options, read_program
from ...language.syntax import parse
from .shared import emit, out_option

DEFAULT_MAX_ENTRIES = 10 ** 6  # 1000 variables: about 1 s and 170 MB (the Rosenbrock sum); 10 000 would be 10⁸


@click.command("hessian", cls=ExpressionCommand)
@expression_input
@at_option
@click.option("--wrt", metavar="NAME[,NAME...]", help="Only these variables, in this order (tensor variables "
              "become one row per element: w[0], w[1], …).")
@click.option("--hvp", metavar="NAME=VALUE[,...]", multiple=True,
              help="The Hessian-vector product H·v along this direction (variables not named: 0), with one dual "
                   "backward pass and no matrix.")
@click.option("--output", "output_name", metavar="NAME", help="Differentiate this assigned name instead of the last statement.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="table: the second pass traced and the matrix; json: one object; markdown: "
              "a worked solution.")
@out_option
@number_options
@click.option("--no-trace", is_flag=True, help="Only the matrix (or H·v), the value and the gradient.")
@click.option("--max-rows", type=click.IntRange(min=0), default=60, show_default=True,
              help="Longest table before its middle rows are elided (0: no limit).")
@click.option("--max-entries", type=click.IntRange(min=1), default=DEFAULT_MAX_ENTRIES, show_default=True,
              help="Refuse, before computing it, a matrix of more entries than this (n variables: n² entries, "
                   "n² work and memory); --hvp and --wrt need fewer.")
def hessian_command(expression, program_file, at, wrt, hvp, output_name, output_format, out_file, numbers, no_trace,
                    max_rows, max_entries):
    """The Hessian of EXPR at the given point: the backward pass run in dual numbers a + bε, each
    variable seeded with its unit tangent; the ε parts of the gradient are the Hessian's rows.

    \b
    Examples:
      cgrad hessian "x^2*y + sin(x*y)" --at x=1,y=2
      cgrad hessian "x^3*y - y^2/x" --at x=1,y=2 --exact
      cgrad hessian "x^2*y + y^3" --at x=1,y=2 --hvp x=1,y=0
      cgrad hessian "mse(X @ w, y)" --at "X=[[1,2],[3,4],[5,6]],w=[0.5,-1],y=[1,2,3]" --wrt w
    """
    from ...passes.dual import hessian

    program = parse(read_program(expression, program_file))
    graph = program.graph(output_name and unicodedata.normalize("NFC", output_name))
    wanted = [unicodedata.normalize("NFC", n.strip()) for n in wrt.split(",") if n.strip()] if wrt is not None else None
    if wanted is not None and not wanted:
        raise InputError("--wrt: give the name of a variable")
    record = not no_trace and output_format != "json"
    result = hessian(graph, split_bindings(at), program, numbers, wanted, split_bindings(hvp) if hvp else None,
                     record, max_entries)
    emit(_rendered(result, output_format, out_file, record, max_rows), out_file)


def _rendered(result, output_format: str, out_file: str | None, record: bool, max_rows: int) -> str:
    from ...render import tangents

    if output_format == "json":
        return tangents.hessian_json(result)
    from ...render.derivation import derive

    headers, rows = tangents.hessian_cells(result)
    title = "Hessian-vector product H·v" if result.hessian is None else "Hessian H (row i: ∂/∂xᵢ of the gradient)"
    if output_format == "markdown":
        from ...render.markdown import render

        # H2, as every command's Markdown begins: it goes in a note, under the note's own title
        text = "## Hessian by forward-over-reverse\n\n" + tangents.HESSIAN_NOTE + ".\n\n"
        if record:
            text += render(derive(result.trace, None, max_rows), True, None, graph=False) + "\n"
        return text + tangents.hessian_markdown(title, headers, rows)
    from .. import output
    from ...render.table import render

    terminal = out_file in (None, "-") and output.is_terminal()
    text = render(derive(result.trace, None, max_rows), terminal) + "\n" if record else ""
    return text + tangents.hessian_table(title, headers, rows, terminal) + tangents.HESSIAN_NOTE + "\n"
