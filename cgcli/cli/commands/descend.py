"""`cgrad descend`: gradient descent on any expression, the seeds' training loop."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from .. import output
from ...api import output_graph
from ...language.bindings import bind, converted, unused_left_out
from ..data_rows import place, read_columns
from ..point_rows import cell_value
from ...passes.descent import OPTIMIZERS, Settings, check_names, descend
from ...errors import InputError, TooLarge
from ...compiled.heap import freed_memory_kept
from ...text import listing, shorten
from ..options import (ExpressionCommand, at_option, bindings_option, expression_input, format_option, max_rows_option,
                       number_options, output_option, read_program)
from ...language.syntax import parse


@click.command("descend", cls=ExpressionCommand)
@expression_input
@bindings_option("--params", "The parameters to train and their starting values (tensors as nested lists).",
                 "params_text", required=True)
@at_option
@output_option("Minimise this assigned name instead of the last statement.")
@click.option("--data", "data_file", metavar="FILE",
              help="CSV with a header, or JSON lines: its columns bind the other variables, one row each.")
@click.option("--reduce", type=click.Choice(["mean", "sum"]), default="mean", show_default=True,
              help="How the per-row losses of --data combine.")
@click.option("--batch-size", type=click.IntRange(min=1), help="Rows per update (default: all rows).")
@click.option("--lr", default="0.01", show_default=True, help="The learning rate.")
@click.option("--steps", type=click.IntRange(min=0), default=1000, show_default=True, help="The most updates.")
@click.option("--tol", help="Stop when the loss changes by less than this between steps.")
@click.option("--grad-tol", default="1e-10", show_default=True,
              help="Stop when the gradient's Euclidean norm is below this (0: never).")
@click.option("--optimizer", type=click.Choice(sorted(OPTIMIZERS)), default="gd", show_default=True,
              help="gd: W = W - lr·g (the seeds' rule); momentum: torch's SGD momentum; adam: Adam.")
@click.option("--momentum", default="0.9", show_default=True, help="μ of --optimizer momentum.")
@click.option("--beta1", default="0.9", show_default=True, help="β1 of --optimizer adam.")
@click.option("--beta2", default="0.999", show_default=True, help="β2 of --optimizer adam.")
@click.option("--eps", default="1e-8", show_default=True, help="ε of --optimizer adam.")
@click.option("--trace", "show_trace", is_flag=True, help="One row per step: loss, parameters, gradient.")
@format_option("descend")
@max_rows_option("step table")
@number_options
def descend_command(expression, program_file, params_text, at, ignore_unused, output_name, data_file, reduce,
                    batch_size, lr, steps, tol, grad_tol, optimizer, momentum, beta1, beta2, eps, show_trace,
                    output_format, max_rows, numbers):
    """Minimise EXPR by gradient descent over the --params.

    \b
    Examples:
      cgrad descend "(x-3)^2 + 10*(y+1)^2" --params x=0,y=0 --lr 0.05
      cgrad descend "(w*x + b - y)^2" --data examples/points.csv --params w=0,b=0 --lr 0.05 --steps 500 --tol 1e-12
      cgrad descend "(x-3)^2" --params x=0 --lr 1/4 --steps 3 --exact --trace
    """
    settings = Settings(
        lr=_option_value("--lr", lr, numbers), steps=steps,
        tol=None if tol is None else _option_value("--tol", tol, numbers),
        grad_tol=_off_if_zero(_option_value("--grad-tol", grad_tol, numbers), numbers), optimizer=optimizer,
        hyper={name: _option_value(f"--{name}", text, numbers)
               for name, text in (("momentum", momentum), ("beta1", beta1), ("beta2", beta2), ("eps", eps))},
        reduce=reduce, batch_size=batch_size)
    program = parse(read_program(expression, program_file))
    graph = output_graph(program, output_name)
    start = bind(program, params_text, numbers, "--params")
    fixed = bind(program, unused_left_out(program, at) if ignore_unused else at, numbers)
    overlap = sorted(set(start) & set(fixed))
    if overlap:
        raise InputError(f"{listing(overlap)}: given both as --params and --at")
    columns, lines = read_columns(data_file, floats=numbers.name == "float") if data_file else ({}, [])
    needed = check_names(program, list(start), list(fixed), list(columns), data_file)
    data = {name: _column(columns[name], lines, name, data_file, numbers) for name in needed}
    rows = len(lines)
    from ...render.formats import RenderOptions, step_writer

    steps_out = step_writer(output_format, list(start), RenderOptions(terminal=output.is_terminal(),
                                                                      with_trace=show_trace, max_rows=max_rows))
    stream = _Stream()
    with freed_memory_kept(), _progress(steps) as progress:
        def on_step(step, step_numbers) -> None:
            stream.write(steps_out.step(step, step_numbers))
            if progress:
                progress(step.step)

        result = descend(graph, start, fixed, data, rows, numbers, settings, on_step)
    stream.write(steps_out.end(result))
    stream.close()


class _Stream:
    """Standard output for a text that grows step by step: held back until it passes `limit`
    characters (so a short run that fails prints nothing), then written in pieces of that size,
    so that memory stays flat however many steps are written."""

    def __init__(self, limit: int = 1 << 16) -> None:
        self.limit, self.pieces, self.size = limit, [], 0

    def write(self, text: str) -> None:
        if text:
            self.pieces.append(text)
            self.size += len(text)
            if self.size >= self.limit:
                self.close()

    def close(self) -> None:
        output.write("".join(self.pieces))
        self.pieces, self.size = [], 0


@dataclass(frozen=True)
class _Domain:
    """Where an option's value must lie: its allowed signs, and whether it must stay below 1."""

    signs: frozenset[int]
    below_one: bool
    rule: str  # the domain in words, for the message

    def holds(self, value, numbers) -> bool:
        # signs(), not comparisons: an --interval range must lie wholly inside the domain
        return (numbers.signs(value) <= self.signs
                and (not self.below_one or numbers.signs(value - numbers.one) == {-1}))


_POSITIVE = _Domain(frozenset({1}), False, "must be positive")
_NOT_NEGATIVE = _Domain(frozenset({0, 1}), False, "must be 0 or more")
_FRACTION = _Domain(frozenset({0, 1}), True, "must be at least 0 and below 1")

# Every numeric option of descend: what it is, its domain, and why, where the domain is not obvious.
_OPTION_DOMAINS = {
    "--lr": ("the learning rate", _POSITIVE, "a step of W − lr·∂L/∂W with lr ≤ 0 stands still or climbs the loss"),
    "--tol": ("the tolerance on the loss change", _NOT_NEGATIVE, ""),
    "--grad-tol": ("the tolerance on the gradient's norm", _NOT_NEGATIVE, "0 turns it off"),
    "--momentum": ("μ", _FRACTION, "at 1 or more the velocity never decays"),
    "--beta1": ("β1", _FRACTION, "Adam divides by 1 − β1^t"),
    "--beta2": ("β2", _FRACTION, "Adam divides by 1 − β2^t"),
    "--eps": ("ε", _POSITIVE, "Adam divides by √v + ε"),
}


def _option_value(option: str, text: str, numbers):
    """The value of a numeric option, refused (exit 2) unless it is a finite number in its domain."""
    meaning, domain, why = _OPTION_DOMAINS[option]
    shown = f"{option} {shorten(text)}"
    value = converted(text, numbers, shown, tensors=False)
    if not domain.holds(value, numbers):
        raise InputError(f"{shown}: {meaning} {domain.rule}" + (f" ({why})" if why else ""))
    return value


def _off_if_zero(value, numbers):
    """--grad-tol 0 turns the criterion off."""
    return None if numbers.signs(value) == {0} else value


def _column(cells, lines, name: str, path: str, numbers):
    """A data column as a 1-D tensor (read_columns may have made it one); an error (exit 2) naming
    the first cell the number system cannot hold: not a number, p/0, or beyond its range (1e400
    as a double)."""
    from ...numbers.tensor import from_nested

    if hasattr(cells, "dtype"):
        return cells
    try:
        column = from_nested(cells, numbers)
    except (ZeroDivisionError, TooLarge):
        column = None  # the cell by cell reading below says which cell
    if column is None:
        for row, (line, cell) in enumerate(zip(lines, cells), start=1):
            text, shown = cell_value(f"--data {shorten(path)}: {place(row, line)}, column {name}", cell)
            converted(text, numbers, shown, tensors=False)
    return column


class _progress:
    """A Rich progress bar on stderr while the loop runs, when stderr is a terminal."""

    def __init__(self, steps: int) -> None:
        self.steps, self.bar = steps, None

    def __enter__(self):
        if not sys.stderr.isatty() or self.steps < 50:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("descending", total=self.steps)
        return lambda step: self.bar.update(task, completed=step)

    def __exit__(self, *failure) -> None:
        if self.bar is not None:
            self.bar.stop()
