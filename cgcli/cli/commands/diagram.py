"""`cgrad diagram`: the computational graph as Mermaid or DOT (or SVG/PNG through Graphviz)."""
from __future__ import annotations

import shutil
import subprocess
import click

from .. import output
from ...api import output_graph
from ...language.bindings import unused_left_out
from ...errors import InputError, MissingProgram
from ...text import shorten
from ..options import (NAME, ExpressionCommand, at_option, bindings_option, expression_input, format_option,
                       number_options, output_option, read_program, wrt_option)
from .shared import emit, out_option, worksheet_options, worksheet_title


@click.command("diagram", cls=ExpressionCommand)
@expression_input
@at_option
@output_option("Draw the graph of this assigned name; of several (R,X,Z, or all), their shared graph, each drawn as "
               "an output.", several=True)
@format_option("diagram")
@out_option
@click.option("--direction", type=click.Choice(["LR", "TB"], case_sensitive=False), default="LR", show_default=True,
              help="LR: inputs on the left, output on the right; TB: inputs on top.")
@click.option("--highlight", type=NAME, metavar="NAME",
              help="Colour every node and edge on a path from the output down to NAME.")
@click.option("--products", is_flag=True, help="With --at: each edge also shows upstream × local = contribution.")
@click.option("--collapse", type=click.IntRange(min=0), metavar="DEPTH",
              help="Fold the nodes more than DEPTH edges below the output into one summary node per place.")
@click.option("--steps", is_flag=True,
              help="With --at: one frame per step of the forward, then the backward pass (Markdown slides with "
                   "Mermaid, or DOT); -o DIR/ writes numbered files.")
@click.option("--derivative", is_flag=True,
              help="Draw the graph of the derivative ∂f/∂x (the program `cgrad derive` prints) instead of f's.")
@wrt_option("With --derivative: the name x of ∂f/∂x [default: the only variable].")
@click.option("--mode", type=click.Choice(["reverse", "forward", "both"]), default="reverse", show_default=True,
              help="With --at: reverse: nodes show ∂output/∂node (--steps: the forward, then the backward pass); "
                   "forward: nodes show their tangents, as `cgrad eval --mode forward` computes them (--steps: one "
                   "frame per node, tangents flowing forward).")
@bindings_option("--tangent", "With --mode forward: the direction v (variables not named: 0); without it, one "
                 "tangent per variable.")
@click.option("--by", type=click.Choice(["node", "function"]), default="node", show_default=True,
              help="node: every op a node; function: the functions the program defines (f(x) = …) on the edges "
                   "between the values they take and give (seed 000's first figure).")
@number_options
@worksheet_options
def diagram_command(expression, program_file, at, ignore_unused, output_name, output_format, out_file, direction,
                    highlight, products, steps, collapse, derivative, wrt, mode, tangent, by, numbers, blank, answers):
    """Draw the computational graph of EXPR. Without --at: its structure. With --at: each node shows
    its value and ∂output/∂node, each edge its local derivative.

    \b
    Examples:
      cgrad diagram "u = b*c; v = a + u; J = 3v"
      cgrad diagram "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --highlight b
      cgrad diagram "t = w1*x1; a1 = relu(t); a2 = sigmoid(t); o = a1 + a2" --at w1=0.5,x1=2 --products
      cgrad diagram "3*(a+b*c)" --format dot
      cgrad diagram "3*(a+b*c)" --at a=1,b=2,c=3 --format svg -o graph.svg
      cgrad diagram "x^2*sin(x)" --derivative --wrt x
      cgrad diagram "a = x; b = a + a; c = b + b" --at x=2 --steps -o frames/
      cgrad diagram "u = x*y; v = u + x; w = v*u" --at x=2,y=3 --steps --mode forward --tangent x=1
      cgrad diagram '$$f(x_1,x_2) = x_1x_2w_0 = u; g(u) = w_1u+w_2 = z; h(z) = 5*z = y$$' --by function
    """
    from ...render import figure as figures
    from ...language.syntax import parse

    if not at and (products or blank or answers):
        option = "--products" if products else "--blank" if blank else "--answers"
        raise InputError(f"{option} needs values: give them with --at")
    _check_mode(mode, tangent, at, blank or answers)
    walking = steps or output_format == "html"
    if walking:
        from .stepping import check_options

        check_options(steps, output_format, at, highlight, out_file)
    if output_format == "png" and out_file in (None, "-"):
        raise InputError("--format png is binary: give -o FILE.png")
    program = parse(read_program(expression, program_file))
    at = unused_left_out(program, at) if ignore_unused else at
    if program.several(output_name):
        return _several(program, output_name, at, numbers, output_format, out_file, direction, highlight, collapse,
                        [option for option, given in (("--products", products), ("--steps", steps),
                                                      ("--format html", output_format == "html"),
                                                      ("--mode forward", mode == "forward"),
                                                      ("--derivative", derivative), ("--blank", blank),
                                                      ("--answers", answers)) if given])
    if derivative:
        program, output_name = _derivative(program, output_name, wrt, numbers)
    elif wrt is not None:
        raise InputError("--wrt draws a derivative: use it with --derivative")
    graph = output_graph(program, output_name)
    if by == "function":
        return _by_function(program, graph, output_format, out_file, direction.upper(),
                            at or highlight or products or collapse is not None or blank or answers or walking)
    title = worksheet_title(blank, answers)
    if at:
        from ...passes.evaluation import evaluate
        from ...render.derivation import derive

        if mode == "forward":
            derivation = _forward_mode(graph, program, at, numbers, tangent)
        else:
            derivation = derive(evaluate(graph, at, program, numbers), None if answers else blank)
        rows, top = derivation.forward, derivation.output
        if walking:
            _walk(derivation, output_format, out_file, title, collapse=collapse, direction=direction.upper())
            return
    else:
        derivation, rows, top = None, figures.structure_rows(graph), graph.names[graph.output]
    figure = figures.build(rows, top, derivation, products=products, highlight=highlight, collapse=collapse,
                           direction=direction.upper(), title=title)
    _draw(figure, output_format, out_file)


def _several(program, output_name: str, at, numbers, output_format: str, out_file: str | None, direction: str,
             highlight: str | None, collapse: int | None, refused: list[str]) -> None:
    """The shared graph of several outputs, each drawn as an output; with --at, every node's value
    (its derivatives are one per output: `cgrad eval --output` gives them)."""
    from ...render import figure as figures
    from .jacobian import refuse_with_several

    refuse_with_several(output_name, refused)
    names = program.outputs(output_name)
    graph = program.outputs_graph(names)
    if at:
        from ...api import jacobian_of
        from ...render.jacobian import view

        rows = view(jacobian_of(program, at, numbers, names)).forward.forward
    else:
        rows = figures.structure_rows(graph)
    _draw(figures.build(rows, names[-1], None, highlight=highlight,
                        collapse=collapse, direction=direction.upper(), outputs=tuple(names)), output_format, out_file)


def _draw(figure, output_format: str, out_file: str | None) -> None:
    from ...render.formats import render

    text = render("mermaid" if output_format == "mermaid" else "dot", figure, kind="figure")
    if output_format == "mermaid":
        from ...render.mermaid import too_large

        problem = too_large(figure, text)
        if problem:
            output.say(f"note: this graph has {problem}; --collapse DEPTH folds the deep nodes")
        emit(text, out_file)
        return
    emit(text if output_format == "dot" else run_dot(text, output_format), out_file)


def _by_function(program, graph, output_format: str, out_file, direction: str, decorated) -> None:
    """The function-level graph: the calls of the program's functions, as Mermaid or DOT."""
    from ...render import functions

    if decorated:
        raise InputError("--by function draws the functions alone: without --at, --highlight, --products, "
                         "--collapse, --steps or a worksheet")
    if output_format == "html":
        raise InputError("--by function draws mermaid, dot, svg or png")
    calls = functions.edges(program, graph)
    if not calls:
        raise InputError("--by function: the program calls no function it defines (define one as f(x) = …)")
    if output_format == "mermaid":
        emit(functions.render_mermaid(calls, direction), out_file)
        return
    text = functions.render_dot(calls, direction)
    emit(text if output_format == "dot" else run_dot(text, output_format), out_file)


def _check_mode(mode: str, tangent: tuple[str, ...], at, worksheet: bool) -> None:
    """Refuse, before any work, what --mode and --tangent cannot do."""
    if mode == "both":
        raise InputError("--mode both: a diagram draws one mode: use --mode reverse or --mode forward "
                         "(`cgrad eval --mode both` compares the two)")
    if tangent and mode != "forward":
        raise InputError("--tangent is a direction for forward mode: add --mode forward")
    if mode == "forward" and not at:
        raise InputError("--mode forward pushes tangents through the values at a point: give them with --at")
    if mode == "forward" and worksheet:
        raise InputError("--mode forward does not make worksheets: leave out --blank and --answers")


def _forward_mode(graph, program, pairs, numbers, tangent: list):
    """The forward-mode derivation, from the passes `cgrad eval --mode forward` runs."""
    from ...passes.dual import forward_mode
    from ...render.derivation import forward_mode_derivation

    return forward_mode_derivation(forward_mode(graph, pairs, program, numbers, tangent or None))


def _walk(derivation, output_format: str, out_file: str | None, title: str | None, **options) -> None:
    from . import stepping

    if output_format == "html":
        stepping.write_page(derivation, out_file, title, lambda source: run_dot(source, "svg", "--format html"), **options)
    else:
        stepping.write_frames(derivation, output_format, out_file, title, **options)


def _derivative(program, output_name: str | None, wrt: tuple[str, ...] | None, numbers):
    """The program of ∂f/∂wrt and the name of its derivative line, to draw in place of f's."""
    from .derive import derivative_program
    from ...language.syntax import parse

    if output_name is not None:
        raise InputError("--derivative draws the derivative of the last statement: --output does not apply")
    if wrt is None and len(program.variables) != 1:
        raise InputError("--derivative: say which derivative with --wrt NAME")
    if wrt is not None and len(wrt) > 1:
        raise InputError(f"--wrt {shorten(','.join(wrt))}: --derivative draws one derivative; give one name")
    text, lines = derivative_program(program, wrt, numbers.relu0_text or "0")
    return parse(text), lines[0]


def run_dot(source: str, output_format: str, asked: str | None = None) -> bytes | str:
    """Graphviz's drawing of `source`: SVG text or PNG bytes; `asked`: the option that needs it
    (--format OUTPUT_FORMAT when not given)."""
    program = shutil.which("dot")
    if program is None:
        raise MissingProgram(f"{asked or '--format ' + output_format} needs the 'dot' program of Graphviz, which is not installed "
                             "(Debian/Ubuntu: apt-get install graphviz); --format dot prints the source instead")
    try:
        done = subprocess.run([program, f"-T{output_format}"], input=source.encode("utf-8"), capture_output=True,
                              timeout=600)
    except (OSError, subprocess.TimeoutExpired) as failure:
        raise MissingProgram(f"could not run {program}: {failure}") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MissingProgram(f"{program} failed (exit {done.returncode}): {reason[0] if reason else 'no message'}")
    return done.stdout.decode("utf-8") if output_format == "svg" else done.stdout
