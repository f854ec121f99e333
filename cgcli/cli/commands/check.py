"""`cgrad check`: is this gradient right? cgrad's (or someone else's) against finite differences,
an interval enclosure, or cgrad's own, kinks included."""
from __future__ import annotations

import json
import math
import unicodedata

import click

from ...language.bindings import bind, split_bindings
from ...errors import InputError, MathError
from ...passes.gradcheck import (DEFAULT_ATOL, DEFAULT_RTOL, CheckResult, against_check, failures,
                         finite_difference_check, interval_check)
from ...numbers import number_system
from ..options import ExpressionCommand, at_option, expression_input, read_program
from ...language.syntax import parse
from ...text import shorten
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
@click.option("--output", "output_name", metavar="NAME", help="Check this assigned name instead of the last statement.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: one row per variable, then the kinks; json: one object.")
@out_option
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Give up (exit 1) after this many seconds [default: no limit].")
def check_command(expression, program_file, at, rtol, atol, interval, against, output_name, output_format, out_file,
                  timeout):
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
    within(timeout, lambda: _check(expression, program_file, at, rtol, atol, interval, against, output_name,
                                   output_format, out_file))


def _check(expression, program_file, at, rtol, atol, interval, against, output_name, output_format, out_file):
    program = parse(read_program(expression, program_file))
    graph = program.graph(output_name and unicodedata.normalize("NFC", output_name))
    pairs = split_bindings(at)
    numbers = number_system("float")
    bindings = _scalars(bind(program, pairs, numbers))
    if against is not None:
        result = against_check(graph, bindings, _their_gradient(against, numbers), numbers, rtol, atol)
    elif interval:
        enclosure = _enclosure(graph, program, pairs)
        result = interval_check(graph, bindings, enclosure, numbers, rtol, atol)
    else:
        result = finite_difference_check(graph, bindings, numbers, rtol, atol)
    emit(_json(result) if output_format == "json" else _table(result), out_file)
    if not result.passed:
        raise MathError(f"gradient check failed for {failures(result)}")


def _scalars(bindings: dict) -> dict:
    tensors = [name for name, value in bindings.items() if getattr(value, "shape", ())]
    if tensors:
        raise InputError(f"--at {shorten(tensors[0])}: cgrad check takes scalar values; "
                         "check a tensor's gradient element by element with index expressions (X[0])")
    return bindings


def _enclosure(graph, program, pairs) -> dict[str, tuple[float, float]]:
    """The derivative's enclosure at the point, by the backward pass in interval arithmetic, as floats
    rounded outward."""
    from ...passes.forward_backward import differentiate

    numbers = number_system("interval")
    gradient = differentiate(graph, bind(program, pairs, numbers), numbers, record=False).gradient
    return {name: _outward(value.bounds()) for name, value in gradient.items()}


def _outward(bounds) -> tuple[float, float]:
    """Exact ends (Fractions) as floats, each moved one ulp outward unless the float is exact."""
    low, high = bounds
    return (float(low) if float(low) == low else math.nextafter(float(low), -math.inf),
            float(high) if float(high) == high else math.nextafter(float(high), math.inf))


def _their_gradient(source: str, numbers) -> dict[str, float]:
    """--against FILE.json (or '-'): a JSON object of name → number, each name once."""
    shown = f"--against {shorten(source)}"
    text = read_program(source if source == "-" else None, None if source == "-" else source)
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
        gradient[unicodedata.normalize("NFC", name)] = float(number)
    return gradient


def _once(pairs: list, shown: str) -> dict:
    names = [name for name, _ in pairs]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        raise InputError(f"{shown}: {shorten(repeated)} is given twice")
    return dict(pairs)


def _number(x: float | None) -> str:
    return "" if x is None else f"{x:.12g}"


def _error(x: float | None) -> str:
    return "" if x is None else f"{x:.2e}"


def _reference(check) -> str:
    if check.enclosure is not None:
        return "[{:.12g}, {:.12g}]".format(*check.enclosure)
    return _number(check.reference)


_HEADINGS = {"finite_difference": "finite difference", "theirs": "theirs", None: "enclosure"}


def _table(result: CheckResult) -> str:
    """One row per variable, the kinks, and the verdict."""
    head = ["variable", "gradient", _HEADINGS[result.reference], "abs error", "rel error", "verdict", "note"]
    rows = [head] + [[check.name, _number(check.gradient), _reference(check), _error(check.abs_error),
                      _error(check.rel_error), check.verdict, check.note] for check in result.variables]
    widths = [max(len(row[column]) for row in rows) for column in range(len(head))]
    lines = [f"check: {result.method}; rtol {result.rtol:g}, atol {result.atol:g}", ""]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    if result.kinks:
        lines += ["", "kinks at this point:"]
        lines += [f"  {kink.node} = {kink.source}: {_kink_text(kink)}" for kink in result.kinks]
    lines += ["", "passed" if result.passed else "FAILED: " + ", ".join(
        check.name for check in result.variables if not check.passed)]
    return "\n".join(lines) + "\n"


def _kink_text(kink) -> str:
    sides = f"one-sided slopes {kink.left:.6g} (left), {kink.right:.6g} (right)"
    if kink.jump:
        return f"{sides} (they grow as 1/step): a jump, no derivative; the convention takes {kink.convention:g}"
    low, high = kink.subgradient
    where = "inside" if kink.inside else "OUTSIDE"
    return f"{sides}: subgradient [{low:.6g}, {high:.6g}]; the convention's {kink.convention:g} is {where}"


def _json(result: CheckResult) -> str:
    variables = {}
    for check in result.variables:
        entry = {"gradient": check.gradient}
        if result.reference is not None:
            entry[result.reference] = check.reference
        if check.enclosure is not None:
            entry["enclosure"] = list(check.enclosure)
        if check.one_sided is not None:
            entry["one_sided"] = list(check.one_sided)
        entry.update({"abs_error": check.abs_error, "rel_error": check.rel_error, "verdict": check.verdict,
                      "passed": check.passed, "note": check.note})
        variables[check.name] = entry
    kinks = [{"node": kink.node, "source": kink.source, "one_sided": [kink.left, kink.right],
              "subgradient": None if kink.jump else list(kink.subgradient), "jump": kink.jump,
              "convention": kink.convention, "inside": kink.inside} for kink in result.kinks]
    return json.dumps({"passed": result.passed, "method": result.method, "rtol": result.rtol, "atol": result.atol,
                       "variables": variables, "kinks": kinks}, ensure_ascii=False, indent=2) + "\n"
