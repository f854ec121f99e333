"""`cgrad derive`: ∂f/∂x as a formula, a program in the input language that `cgrad eval` runs."""
from __future__ import annotations

import json

import click

from .. import output
from ...api import output_graph, wanted_names
from ...language.bindings import unused_left_out
from ...errors import InputError
from ...text import listing
from ..options import (ExpressionCommand, at_option, expression_input, format_option, number_options, output_option,
                       read_program, wrt_option)
from .shared import emit, out_option


@click.command("derive", cls=ExpressionCommand)
@expression_input
@at_option
@wrt_option("Differentiate with respect to these names (variables or named nodes) [default: every variable].")
@output_option("Differentiate this assigned name instead of the last statement.")
@format_option("derive")
@out_option
@number_options
def derive_command(expression, program_file, at, wrt, output_name, ignore_unused, output_format, out_file, numbers):
    """Print the derivative of EXPR as a formula: a program whose value is ∂f/∂x.

    Intermediates used more than once are named once (t1, t2 for forward values, g1, g2 for the
    backward pass), so the program grows linearly with EXPR; ∂f/∂x is named df_dx (dJ_dx for J = ...).
    With --at, the values of the formulas follow as comments (# ...), so the text stays a program.

    \b
    Examples:
      cgrad derive "x^2*sin(x)" --wrt x
      cgrad derive "x^3" --wrt x | cgrad eval - --at x=2
      cgrad derive "x^3" --wrt x | cgrad derive - --wrt x
      cgrad derive "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --exact
      cgrad derive "relu(w*x + b)" --wrt w --format latex
    """
    from ...passes.adjoint import derivatives
    from ...render.formula import statements
    from ...language.syntax import parse

    program = parse(read_program(expression, program_file))
    graph = output_graph(program, output_name)
    wanted = _wrt_names(wrt, program, graph, ignore_unused)
    derived = derivatives(graph, wanted, numbers.relu0_text or "0")
    text = "\n".join(statements(derived)) + "\n"
    values = _values(text, derived, graph, program, unused_left_out(program, at) if ignore_unused else at,
                     numbers) if at else None
    if len(wanted) > 1 and output_format == "text":
        lines = list(_line_names(derived).values())
        shown = ", ".join(lines) if len(lines) <= 6 else f"{', '.join(lines[:3])}, …, {lines[-1]}"
        output.say(f"note: the last {len(lines)} lines are the derivatives: {shown}")
    emit(_render(output_format, text, derived, values, numbers, at), out_file)
    _note_absent(wanted, graph)


def _wrt_names(wrt: tuple[str, ...] | None, program, graph, ignore_unused: bool = False) -> list[str]:
    """The --wrt names (default: the variables), checked as every command checks them
    (api.wanted_names); with --ignore-unused a name the program does not have has derivative 0
    (said on stderr): derive of a derivative that lost x still answers."""
    if wrt is None:
        used = {graph.names[i] for i in graph.variables()}
        return [name for name in program.variables if name in used]  # in the order they are first written
    return wanted_names(program, graph, list(wrt), ignore_unused)


def _note_absent(names: list[str], graph) -> None:
    """Said after the work succeeded, so that a failure's stderr is its one error line."""
    known = set(graph.names) - {None}
    absent = [name for name in names if name not in known]
    if absent:
        output.say(f"note: {listing(absent)} {'does' if len(absent) == 1 else 'do'} not occur in the expression: "
                   f"{'its derivative is' if len(absent) == 1 else 'their derivatives are'} 0")


def derivative_program(program, wrt: tuple[str, ...] | None, relu0: str = "0") -> tuple[str, list[str]]:
    """The text of the program computing ∂f/∂name for the --wrt names, and the names of its
    derivative lines: what `cgrad diagram --derivative` draws."""
    from ...passes.adjoint import derivatives
    from ...render.formula import statements

    graph = program.graph()
    derived = derivatives(graph, _wrt_names(wrt, program, graph), relu0)
    return "\n".join(statements(derived)) + "\n", list(_line_names(derived).values())


def _line_names(derived) -> dict[str, str]:
    from ...render.formula import derivative_names

    return derivative_names(derived)


def _values(text: str, derived, graph, program, at, numbers) -> dict:
    """f's value and each formula's value at --at, by evaluating the printed program itself (what
    the user sees is what is checked): one forward pass over all its statements, certified for --digits."""
    from ...language.bindings import bind
    from ...passes.certification import until_certified
    from ...passes.evaluation import evaluate
    from ...graph.nodes import Graph
    from ...passes.forward_backward import forward_values
    from ...language.syntax import parse
    from ...passes.trace import Trace

    pairs = at
    value = evaluate(graph, pairs, program, numbers, wrt=[], record=False).value
    tensors = [name for name, given in pairs if isinstance(given, list) or given.lstrip().startswith("[")]
    if tensors:
        raise InputError(f"--at {listing(tensors)}: derive writes scalar formulas; it does not evaluate "
                         "them at tensor values yet (cgrad eval does)")
    formulas = parse(text)
    whole = Graph.build(formulas.source, formulas.nodes, list(range(len(formulas.nodes))), graph.taken)
    own = [(name, given) for name, given in pairs if name in formulas.variables]
    lines = {name: formulas.assigned[line] for name, line in _line_names(derived).items()}

    def at_precision(numbers) -> Trace:
        values = forward_values(whole, bind(formulas, own, numbers), numbers)
        gradient = {name: values[index] for name, index in lines.items()}
        return Trace(text, derived.output, value, gradient, [], [], numbers, [])

    gradient = until_certified(at_precision, numbers).gradient
    return {"value": value, "gradient": gradient, "at": ",".join(f"{name}={given}" for name, given in at)}


def _render(output_format: str, text: str, derived, values, numbers, at) -> str:
    from ...render.formula import _latex_style, statements

    if output_format == "json":
        document = {"output": derived.output, "program": text,
                    "derivatives": {name: "\n".join(statements(derived, [name])) + "\n" for name in derived.formulas}}
        if values:
            document["value"] = numbers.to_json(values["value"])
            document["gradient"] = {name: numbers.to_json(v) for name, v in values["gradient"].items()}
        return json.dumps(document, ensure_ascii=False) + "\n"
    lines = _value_lines(derived, values, numbers) if values else []
    if output_format == "text":
        return text + "".join(f"# {line}\n" for line in lines)
    latex = "\\begin{align*}\n" + " \\\\\n".join(statements(derived, style=_latex_style())) + "\n\\end{align*}\n"
    if output_format == "latex":
        return latex + "".join(f"% {line}\n" for line in lines)
    names = ", ".join(f"∂{derived.output}/∂{name}" for name in derived.formulas)
    notes = "".join(f"- {line}\n" for line in lines)
    return (f"## {names}\n\nAs a program (`cgrad eval` runs it):\n\n```\n{text}```\n\n$$\n{latex}$$\n"
            + (f"\nAt {values['at']}:\n\n{notes}" if lines else ""))


def _value_lines(derived, values, numbers) -> list[str]:
    names = _line_names(derived)
    return ([f"at {values['at']}: {derived.output} = {numbers.format(values['value'])}"]
            + [f"{names[name]} = {numbers.format(value)}" for name, value in values["gradient"].items()])
