"""`cgrad codegen`: the value and gradient of a formula as straight-line Python, NumPy or C."""
from __future__ import annotations

import click

from ...api import output_graph
from ...errors import InputError
from ..options import ExpressionCommand, expression_input, output_option, read_program, relu0_option, timeout_option
from .shared import emit, out_option


def _float_code_only(ctx: click.Context, param: click.Parameter, value):
    """Generated code computes in doubles: a number mode asked of it is refused, not ignored."""
    if value:
        name = param.opts[0]
        raise InputError(f"codegen {name}: generated code computes in float (IEEE double) only, so it "
                         f"cannot honour {name} (cgrad eval can)")
    return value


def _refused(name: str, **kwargs):
    return click.option(name, expose_value=False, callback=_float_code_only,
                        help="Refused (exit 2): generated code computes in float; cgrad eval takes it.", **kwargs)


@click.command("codegen", cls=ExpressionCommand)
@expression_input
@click.option("--lang", "language", type=click.Choice(["python", "numpy", "c"]), default="python", show_default=True,
              help="python and numpy: def value_and_grad(x, y, ...) -> (value, (df/dx, df/dy, ...)); "
                   "c: double value_and_grad(const double *in, double *grad).")
@output_option("Generate the code of this assigned name instead of the last statement.")
@out_option
@relu0_option
@timeout_option()
@_refused("--exact", is_flag=True)
@_refused("--interval", is_flag=True)
@_refused("--digits", type=click.IntRange(min=1), metavar="N")
@_refused("--max-digits", type=click.IntRange(min=1), metavar="N")
def codegen_command(expression, program_file, language, output_name, out_file, relu0, timeout):
    """Print code computing the value of EXPR and its gradient: the forward pass, then the reverse
    pass unrolled, the program's names kept (t1, t2, ... for unnamed steps). The inputs and the
    gradient come in the order the variables are first written.

    \b
    Examples:
      cgrad codegen "sin(x*y) + x^2/(1 + y^2)"
      cgrad codegen "relu(w*x + b)" --lang numpy --relu0 0.5
      cgrad codegen "u = x*y; u + sin(u)" --lang c -o f.c
    """
    from ...passes.timeout import within

    within(timeout, lambda: _generate(expression, program_file, language, output_name, out_file, relu0))


def _generate(expression, program_file, language, output_name, out_file, relu0) -> None:
    from ...compiled.codegen import generate
    from ...language.syntax import parse

    source = read_program(expression, program_file)
    program = parse(source)
    graph = output_graph(program, output_name)
    used = {graph.names[i] for i in graph.variables()}
    variables = [name for name in program.variables if name in used]
    emit(generate(graph, variables, language, relu0, source), out_file)
