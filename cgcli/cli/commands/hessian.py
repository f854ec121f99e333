"""`cgrad hessian`: second derivatives by running the backward pass in dual numbers (forward-over-reverse)."""
from __future__ import annotations

import click

from ...api import output_graph, wanted_names
from ...language.bindings import unused_left_out
from ..options import (ExpressionCommand, at_option, bindings_option, expression_input, format_option, max_rows_option,
                       number_options, output_option, read_program, wrt_option)
from ...language.syntax import parse
from .shared import emit, out_option

DEFAULT_MAX_ENTRIES = 10 ** 6  # 1000 variables: about 1 s and 170 MB (the Rosenbrock sum); 10 000 would be 10⁸


@click.command("hessian", cls=ExpressionCommand)
@expression_input
@at_option
@wrt_option("Only these variables, in this order (tensor variables become one row per element: w[0], w[1], …).")
@bindings_option("--hvp", "The Hessian-vector product H·v along this direction (variables not named: 0), with one "
                 "dual backward pass and no matrix.")
@output_option("Differentiate this assigned name instead of the last statement.")
@format_option("hessian")
@out_option
@number_options
@click.option("--no-trace", is_flag=True, help="Only the matrix (or H·v), the value and the gradient.")
@max_rows_option()
@click.option("--max-entries", type=click.IntRange(min=1), default=DEFAULT_MAX_ENTRIES, show_default=True,
              help="Refuse, before computing it, a matrix of more entries than this (n variables: n² entries, "
                   "n² work and memory); --hvp and --wrt need fewer.")
def hessian_command(expression, program_file, at, ignore_unused, wrt, hvp, output_name, output_format, out_file,
                    numbers, no_trace, max_rows, max_entries):
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
    at = unused_left_out(program, at) if ignore_unused else at
    graph = output_graph(program, output_name)
    record = not no_trace and output_format != "json"
    wanted = wanted_names(program, graph, wrt, None)  # unknown names refused as every command refuses them
    result = hessian(graph, at, program, numbers, wanted, hvp or None, record, max_entries)
    emit(_rendered(result, output_format, out_file, record, max_rows), out_file)


def _rendered(result, output_format: str, out_file: str | None, record: bool, max_rows: int) -> str:
    from ...render import tangents

    if output_format == "json":
        return tangents.hessian_json(result)
    from ...render.derivation import derive

    headers, rows = tangents.hessian_cells(result)
    title = "Hessian-vector product H·v" if result.hessian is None else "Hessian H (row i: ∂/∂xᵢ of the gradient)"
    from ...render.formats import RenderOptions, render

    if output_format == "markdown":
        # H2, as every command's Markdown begins: it goes in a note, under the note's own title
        text = "## Hessian by forward-over-reverse\n\n" + tangents.HESSIAN_NOTE + ".\n\n"
        if record:
            text += render("markdown", derive(result.trace, None, max_rows), RenderOptions(graph=False)) + "\n"
        return text + tangents.hessian_markdown(title, headers, rows)
    from .. import output

    terminal = out_file in (None, "-") and output.is_terminal()
    text = render("table", derive(result.trace, None, max_rows), RenderOptions(terminal=terminal)) + "\n" if record else ""
    return text + tangents.hessian_table(title, headers, rows, terminal) + tangents.HESSIAN_NOTE + "\n"
