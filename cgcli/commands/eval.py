"""`cgrad eval`: value, gradient and the derivation of a formula at a point."""
from __future__ import annotations

import unicodedata

import click

from ..bindings import split_bindings
from ..errors import InputError
from ..options import ExpressionCommand, at_option, expression_input, number_options, read_program
from ..evaluation import evaluate
from ..syntax import parse
from .shared import eval_output, names_option, out_option, worksheet_options


@click.command("eval", cls=ExpressionCommand)
@expression_input
@at_option
@click.option("--wrt", metavar="NAME[,NAME...]",
              help="Only these partial derivatives, in this order: of variables or any named node (u = b*c, c = 3).")
@click.option("--output", "output_name", metavar="NAME", help="Differentiate this assigned name instead of the last statement.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown", "latex"]), default="table",
              show_default=True, help="table: the forward pass, backward pass and gradient as tables; json: one "
              "object; markdown: a worked solution for notes (Mermaid graph, tables, chain rule in LaTeX); "
              "latex: the derivation as an align* fragment.")
@out_option
@worksheet_options
@number_options
@click.option("--no-trace", is_flag=True,
              help="Only the value and the gradient: no forward and backward records (faster on large graphs).")
@click.option("--mode", type=click.Choice(["reverse", "forward", "both"]), default="reverse", show_default=True,
              help="reverse: the backward pass; forward: dual numbers push tangents from the inputs to the output "
                   "(one tangent column per variable, or --tangent); both: the two, and whether they agree.")
@click.option("--tangent", metavar="NAME=VALUE[,...]", multiple=True,
              help="With --mode forward|both: the direction v (variables not named: 0); prints the JVP ∇f·v.")
@click.option("--max-rows", type=click.IntRange(min=0), default=60, show_default=True,
              help="Longest table before its middle rows are elided (0: no limit).")
def eval_command(expression, program_file, at, wrt, output_name, output_format, out_file, blank, answers, numbers,
                 no_trace, mode, tangent, max_rows):
    """Evaluate EXPR at the given point and differentiate it with respect to every variable.

    \b
    Examples:
      cgrad eval "3*(a+b*c)" --at a=1,b=2,c=3
      cgrad eval "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3
      cgrad eval "relu(w*x + b)" --at w=2,x=1.5,b=-1 --format json
      cgrad eval -x^2 --at x=3
      echo "p = x + y; g = p*z" | cgrad eval - --at x=1,y=3,z=-3
      cgrad eval "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --format markdown
      cgrad eval "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --blank grads
      cgrad eval "x*y + sin(x)" --at x=1,y=2 --mode forward --tangent x=1,y=0
      cgrad eval "x*y + x^3/y" --at x=1,y=2 --mode both --exact
    """
    program = parse(read_program(expression, program_file))
    graph = program.graph(output_name and unicodedata.normalize("NFC", output_name))
    pairs = split_bindings(at)
    # --wrt takes any named node: a variable, an assigned name (u = b*c, c = 3), or t1, t2, f
    wanted = None
    if wrt is not None:
        wanted = names_option(wrt, "--wrt", {**program.variables, **program.assigned,
                                              **{name: i for i, name in enumerate(graph.names) if name}})
        if not wanted:
            raise InputError("--wrt: give the name of a variable or node")
    if tangent and mode == "reverse":
        raise InputError("--tangent is a direction for forward mode: add --mode forward or --mode both")
    if mode == "reverse":
        trace = evaluate(graph, pairs, program, numbers, wanted, record=not no_trace)
        eval_output(trace, output_format, out_file, blank, answers, max_rows, with_trace=not no_trace)
        return
    if blank or answers or wanted is not None:
        raise InputError(f"--mode {mode} does not take --blank, --answers or --wrt (forward mode gives every variable)")
    from .forward import forward_output

    forward_output(graph, program, pairs, numbers, split_bindings(tangent) if tangent else None, mode,
                   output_format, out_file, max_rows, not no_trace)
