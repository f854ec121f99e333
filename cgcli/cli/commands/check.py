"""`cgrad check`: is this gradient right? cgrad's (or someone else's) against finite differences,
an interval enclosure, or cgrad's own, kinks included."""
from __future__ import annotations

import json
import math

import click

from ...api import output_graph, wanted_names
from ...language.bindings import bind, unused_left_out
from ...errors import InputError, MathError
from ...passes.gradcheck import (DEFAULT_ATOL, DEFAULT_RTOL, against_check, failures,
                                 finite_difference_check, interval_check)
from ...numbers import number_system
from ..options import (ExpressionCommand, at_option, expression_input, format_option, output_option,
                       read_program, timeout_option, wrt_option)
from ...language.syntax import parse
from ...text import language_form, read_text, shorten
from ...passes.timeout import within
from .shared import emit, out_option

_TOLERANCE = click.FloatRange(min=0)


@click.command("check", cls=ExpressionCommand)
@expression_input
@at_option
@click.option("--rtol", type=_TOLERANCE, default=DEFAULT_RTOL, show_default=True,
              help="Relative tolerance: |gradient - reference| ≤ atol + rtol·max(|gradient|, |reference|).")
@click.option("--atol", type=_TOLERANCE, default=DEFAULT_ATOL, show_default=True, help="Absolute tolerance.")
@click.option("--interval", is_flag=True,
              help="Rigorous: compare with an interval enclosure of the derivative instead of finite differences.")
@click.option("--against", metavar="FILE.json",
              help="Check a gradient computed elsewhere (a JSON object name → number; '-' for stdin) against cgrad's.")
@output_option("Check this assigned name instead of the last statement.")
@wrt_option("Check only these variables' partial derivatives [default: every variable].")
@format_option("check")
@out_option
@timeout_option()
def check_command(expression, program_file, at, ignore_unused, rtol, atol, interval, against, output_name, wrt,
                  output_format, out_file, timeout):
    """Check the gradient of EXPR at a point: exit 0 if every partial derivative passes, 1 if one fails.

    Central differences (Richardson-extrapolated, a step per variable) estimate each partial derivative
    from the forward pass alone. On a kink (relu or abs at 0, a max/min tie, sign's step) the one-sided
    differences bound the subgradient, and the convention's value passes if it lies inside.

    \b
    Examples:
      cgrad check "3*(a+b*c)" --at a=1,b=2,c=3
      cgrad check "relu(w*x + b)" --at w=2,x=1,b=-2
      cgrad check "sin(x)*exp(y)" --at x=1,y=2 --interval
      echo '{"x": 6, "y": 1}' | cgrad check "x^3 + y" --at x=2,y=0 --against -
    """
    if interval and against:
        raise InputError("--interval and --against check different things: give one of them")
    within(timeout, lambda: _check(expression, program_file, at, ignore_unused, rtol, atol, interval, against, output_name, wrt,
                                   output_format, out_file))


def _check(expression, program_file, at, ignore_unused, rtol, atol, interval, against, output_name, wrt, output_format,
           out_file):
    program = parse(read_program(expression, program_file))
    at = unused_left_out(program, at) if ignore_unused else at
    graph = output_graph(program, output_name)
    wanted = _variables(program, graph, wrt)
    _points_only(at)
    numbers = number_system("float")
    bindings = _scalars(bind(program, at, numbers))
    if against is not None:
        result = against_check(graph, bindings, _their_gradient(against, numbers), numbers, rtol, atol, wanted)
    elif interval:
        enclosure = _enclosure(graph, program, at, wanted)
        result = interval_check(graph, bindings, enclosure, numbers, rtol, atol, wanted)
    else:
        result = finite_difference_check(graph, bindings, numbers, rtol, atol, wanted)
    from ...render.formats import render

    emit(render(output_format, result, kind="check"), out_file)
    if not result.passed:
        raise MathError(f"gradient check failed for {failures(result)}")


def _variables(program, graph, wrt: tuple[str, ...] | None) -> list[str] | None:
    """The --wrt names, checked as every command checks them; check perturbs variables only."""
    wanted = wanted_names(program, graph, wrt, None)
    computed = [name for name in wanted or () if name not in program.variables]
    if computed:
        raise InputError(f"--wrt {shorten(computed[0])}: check perturbs the variables, and {shorten(computed[0])} "
                         "is computed by the program; `cgrad eval --wrt` gives the derivative with respect to it")
    return wanted


def _points_only(pairs) -> None:
    """A range (--at x=1..2) is an interval, which check does not take: it checks at a point."""
    ranged = next((name for name, given in pairs if isinstance(given, str) and ".." in given), None)
    if ranged is not None:
        raise InputError(f"--at {shorten(ranged)}: check checks the gradient at a point, not over a range; "
                         "its --interval compares with an enclosure of the derivative at that point "
                         "(`cgrad eval --interval` takes ranges)")


def _scalars(bindings: dict) -> dict:
    tensors = [name for name, value in bindings.items() if getattr(value, "shape", ())]
    if tensors:
        raise InputError(f"--at {shorten(tensors[0])}: cgrad check takes scalar values; "
                         "check a tensor's gradient element by element with index expressions (X[0])")
    return bindings


def _enclosure(graph, program, pairs, wrt: list[str] | None) -> dict[str, tuple[float, float]]:
    """The derivative's enclosure at the point, by the backward pass in interval arithmetic, as floats
    rounded outward."""
    from ...passes.forward_backward import differentiate

    numbers = number_system("interval")
    gradient = differentiate(graph, bind(program, pairs, numbers), numbers, wrt, record=False).gradient
    return {name: _outward(value.bounds()) for name, value in gradient.items()}


def _outward(bounds) -> tuple[float, float]:
    """Exact ends (Fractions) as floats, each moved one ulp outward unless the float is exact."""
    low, high = bounds
    return (float(low) if float(low) == low else math.nextafter(float(low), -math.inf),
            float(high) if float(high) == high else math.nextafter(float(high), math.inf))


def _their_gradient(source: str, numbers) -> dict[str, float]:
    """--against FILE.json (or '-'): a JSON object of name → number, each name once."""
    shown = f"--against {shorten(source)}"
    text = read_text(source, shown)
    try:
        document = json.loads(text, object_pairs_hook=lambda pairs: _once(pairs, shown))
    except ValueError as failure:
        raise InputError(f"{shown}: not JSON ({failure})") from None
    if not isinstance(document, dict):
        raise InputError(f"{shown}: expected a JSON object of name → number, e.g. {{\"x\": 1.5}}")
    gradient = {}
    for name, value in document.items():
        number = numbers.parse(value) if isinstance(value, str) else value
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise InputError(f"{shown}: the value of {shorten(name)} is {shorten(json.dumps(value))}, not a number")
        gradient[language_form(name)] = float(number)
    return gradient


def _once(pairs: list, shown: str) -> dict:
    seen: set[str] = set()
    repeated = next((name for name, _ in pairs if name in seen or seen.add(name)), None)
    if repeated is not None:
        raise InputError(f"{shown}: {shorten(repeated)} is given twice")
    return dict(pairs)
