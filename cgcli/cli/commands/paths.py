"""`cgrad paths`: the multivariable chain rule spelled out, path by path (seed 004)."""
from __future__ import annotations

import click

from .. import output
from ...errors import InputError
from ...api import output_graph, wanted_names
from ...language.bindings import unused_left_out
from ..options import (ExpressionCommand, at_option, expression_input, format_option, number_options, output_option,
                       read_program, wrt_option)
from .shared import emit, out_option, titled, worksheet_options, worksheet_title


@click.command("paths", cls=ExpressionCommand)
@expression_input
@at_option
@wrt_option("The variables (or intermediate nodes) to trace the paths down to.", required=True)
@output_option("Start at this assigned name instead of the last statement.")
@click.option("--max-paths", type=click.IntRange(min=1), default=20, show_default=True, metavar="N",
              help="List at most N paths per name; the rest are counted and their sum given.")
@format_option("paths")
@out_option
@number_options
@worksheet_options
def paths_command(expression, program_file, at, ignore_unused, wrt, output_name, max_paths, output_format, out_file,
                  numbers, blank, answers):
    """Every path from the output down to each --wrt name, the product of the local derivatives along
    it, and their sum, which is the partial derivative (the multivariable chain rule).

    \b
    Examples:
      cgrad paths "t = w1*x1; a1 = relu(t); a2 = sigmoid(t); o = a1 + a2" --at w1=0.5,x1=2 --wrt w1
      cgrad paths "a = x; b = a + a; c = b + b" --at x=1 --wrt x
      cgrad paths "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --wrt b,u --format markdown
      cgrad paths "a = x; b = a + a; c = b + b" --at x=1 --wrt x --blank grads
    """
    from ...passes.chain_paths import paths
    from ...passes.evaluation import evaluate
    from ...language.syntax import parse

    if (blank or answers) and output_format == "json":
        raise InputError("--blank and --answers make worksheets: use them with --format table or markdown")
    program = parse(read_program(expression, program_file))
    at = unused_left_out(program, at) if ignore_unused else at
    graph = output_graph(program, output_name)
    targets = wanted_names(program, graph, list(wrt), None)
    # only the derivatives asked for: the backward pass then skips every node that cannot lead there
    trace = evaluate(graph, at, program, numbers, targets)
    reports = [paths(trace, target, max_paths) for target in targets]
    if output_format == "json":
        from ...render.paths import render_json

        emit(render_json(reports, trace.numbers), out_file)
        return
    from ...render.path_listing import path_listing

    title = worksheet_title(blank, answers)
    listings = [path_listing(trace, report, blank is not None and not answers) for report in reports]
    from ...render.formats import RenderOptions, render

    options = RenderOptions(terminal=out_file in (None, "-") and output.is_terminal(), title=title)
    text = render(output_format, listings, options, kind="paths")
    text = titled(text, title) if output_format == "table" else text
    emit(text, out_file)
