"""`cgrad eval`: value, gradient and the derivation of a formula at a point."""
from __future__ import annotations

import click

from ...errors import InputError
from ..options import (ExpressionCommand, at_option, bindings_option, expression_input, format_option, max_rows_option,
                       number_options, output_option, read_program, wrt_option)
from ...api import output_graph, trace_of
from ...language.bindings import unused_left_out
from ...language.syntax import parse
from .shared import eval_output, out_option, worksheet_options


@click.command("eval", cls=ExpressionCommand)
@expression_input
@at_option
@wrt_option("Only these partial derivatives, in this order: of variables or any named node (u = b*c, c = 3).")
@output_option("Differentiate this assigned name instead of the last statement; several (R,X,Z), or all: "
               "each one's value and the Jacobian (output × variable).", several=True)
@click.option("--each", is_flag=True,
              help="Each line of '-' or -f FILE is its own program: one result per line (JSON lines, or "
                   "--format csv), errors as records; exit 2 if a line's input was wrong, else 1 if a line's "
                   "math failed. --at names a line does not use are ignored.")
@click.option("--points", "points", metavar="FILE|-",
              help="Every row of a CSV file (header row: the variables' names) or of JSON lines, one record per row "
                   "in order: the value and the partial derivatives (csv or jsonl, as the input); --at values are "
                   "shared by every row. Streams: rows are answered as they arrive.")
@click.option("--on-error", type=click.Choice(["stop", "skip", "null"]), default="stop", show_default=True,
              help="With --points, a row that fails: stop there (exit 1 or 2, the rows before it written), skip it, "
                   "or write it empty; skip and null report on stderr.")
@click.option("--no-header", is_flag=True, help="With --points and CSV output: no header row (to join outputs).")
@format_option("eval")
@out_option
@worksheet_options
@number_options
@click.option("--no-trace", is_flag=True,
              help="Only the value and the gradient: no forward and backward records (faster on large graphs).")
@click.option("--mode", type=click.Choice(["reverse", "forward", "both"]), default="reverse", show_default=True,
              help="reverse: the backward pass; forward: dual numbers push tangents from the inputs to the output "
                   "(one tangent column per variable, or --tangent); both: the two, and whether they agree.")
@bindings_option("--tangent", "With --mode forward|both: the direction v (variables not named: 0); prints the JVP "
                 "∇f·v. --mode forward then carries that one direction alone: no gradient.")
@click.option("--naive", is_flag=True,
              help="Also the classic mistake: a backward pass that assigns each node's derivative (grad = …) "
                   "instead of adding to it (grad += …); its wrong partial derivatives marked, and why.")
@max_rows_option()
def eval_command(expression, program_file, at, each, wrt, output_name, ignore_unused, points, on_error, no_header,
                 output_format, out_file, blank, answers, numbers, no_trace, mode, tangent, naive, max_rows):
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
      cgrad eval "R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I" --at V=5,I=0.02,phi=1.04 --output R,X,Z
      cgrad eval "x*y + x^3/y" --at x=1,y=2 --mode both --exact
      cgrad eval "a = x; b = a + a; c = b + b" --at x=1 --naive
      printf 'x^2\\nx*y\\n' | cgrad eval - --each --at x=2,y=3
      cgrad eval "sin(x*y) + x^2/(1 + y^2)" --points examples/points.csv
    """
    if output_name is not None and "," in output_name and (points is not None or each):
        raise InputError(f"--output {output_name} names several outputs: with {'--points' if points else '--each'} "
                         "give one")
    if points is not None:
        return _points(expression, program_file, points, at, each, wrt, output_name, on_error, no_header, output_format,
                       out_file, blank, answers, numbers, mode, tangent, naive, ignore_unused)
    if on_error != "stop" or no_header:
        raise InputError(f"{'--on-error' if on_error != 'stop' else '--no-header'} is for --points: add --points FILE")
    text = read_program(expression, program_file)
    if naive:
        _check_naive(each, mode, blank, answers)
    if each:
        from .each import run_each

        return run_each(text, at, numbers, wrt, output_name, output_format, out_file, ignore_unused)
    if output_format in ("jsonl", "csv"):
        raise InputError(f"--format {output_format} writes one record per formula or per point: add --each or --points FILE")
    output_format = output_format or "table"
    program = parse(text)
    if expression == "-" or program_file is not None:
        from .each import note_discarded

        note_discarded(program)
    pairs = unused_left_out(program, at) if ignore_unused else at
    if program.several(output_name):
        from .jacobian import jacobian_output, refuse_with_several

        refuse_with_several(output_name, [option for option, given in (("--tangent", tangent), ("--naive", naive),
                                                                        ("--blank", blank), ("--answers", answers))
                                          if given])
        return jacobian_output(program, output_name, pairs, numbers, wrt, mode, output_format, out_file, max_rows,
                               not no_trace)
    if tangent and mode == "reverse":
        raise InputError("--tangent is a direction for forward mode: add --mode forward or --mode both")
    if mode == "reverse":
        trace = trace_of(program, pairs, numbers, wrt and list(wrt), output_name, record=not no_trace,
                         naive=naive, ignore_unused=ignore_unused)
        del program  # the trace is all the output needs: a large program's nodes go before it is written
        eval_output(trace, output_format, out_file, blank, answers, max_rows, with_trace=not no_trace)
        return
    if blank or answers or wrt is not None:
        raise InputError(f"--mode {mode} does not take --blank, --answers or --wrt (forward mode gives every variable)")
    from .forward import forward_output

    graph = output_graph(program, output_name)
    forward_output(graph, program, pairs, numbers, tangent or None, mode,
                   output_format, out_file, max_rows, not no_trace)


def _points(expression, program_file, points, at, each, wrt, output_name, on_error, no_header, output_format, out_file,
            blank, answers, numbers, mode, tangent, naive, ignore_unused) -> None:
    if points == "-" and (expression == "-" or program_file == "-"):
        raise InputError("--points - reads the points from standard input, so the program cannot come from it too: "
                         "give EXPR or -f FILE")
    refused = [name for name, given in (("--each", each), ("--naive", naive), ("--blank", blank), ("--answers", answers),
                                        ("--mode " + mode, mode != "reverse"), ("--tangent", tangent)) if given]
    if refused:
        raise InputError(f"--points answers each row with the value and gradient; it does not take {refused[0]}")
    from .points import run_points

    program = parse(read_program(expression, program_file))
    run_points(points, program, unused_left_out(program, at) if ignore_unused else at, numbers, wrt and list(wrt),
               output_name, output_format,
               out_file, on_error, header=not no_header)


def _check_naive(each: bool, mode: str, blank: str | None, answers: bool) -> None:
    """--naive sets one wrong backward pass beside the right one: there must be exactly one right one."""
    if each:
        raise InputError("--naive shows the classic mistake beside one backward pass: not with --each")
    if mode != "reverse":
        raise InputError(f"--naive is a mistake of the backward pass: not with --mode {mode}")
    if blank or answers:
        raise InputError("--naive gives the answers away: not with the worksheets --blank and --answers")
