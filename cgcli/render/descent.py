"""A descent's steps and result as a terminal table with a loss curve, CSV, JSON or Markdown.

Steps arrive one at a time (`StepWriter.step`) and their text is written as it comes, so a run
of any length keeps no history; `StepWriter.end` closes the text with the result. Tables and
Markdown head the gradient columns ∂L/∂name; CSV headers stay ASCII (dL/dname), so that scripts
and plotting tools can name the columns; JSON holds the gradient under "gradient"."""
from __future__ import annotations

import csv
import io
import json
import math
from collections import deque

from ..passes.descent import Descent, Step
from .console import print_table, show, text_console, text_of
from .derivation import kept_ends
from .formats import RenderOptions

_BARS = "▁▂▃▄▅▆▇█"


def _columns(names: list[str], derivative: str) -> list[str]:
    return ["step", "loss"] + names + [f"{derivative}L/{derivative}{name}" for name in names]


def _cells(step: Step, names: list[str], convert) -> list:
    return ([step.step, convert(step.loss)] + [convert(step.params[name]) for name in names]
            + [convert(step.gradient[name]) for name in names])


class StepWriter:
    """The text of each step as it arrives (a header before the first), then the end."""

    def __init__(self, names: list[str], options: RenderOptions = RenderOptions()) -> None:
        self.names, self.started = names, False

    def step(self, step: Step, numbers) -> str:
        head = "" if self.started else self.header(numbers)
        self.started = True
        return head + self.row(step, numbers)

    def header(self, numbers) -> str:
        return ""

    def row(self, step: Step, numbers) -> str:
        return ""

    def end(self, result: Descent) -> str:
        return ""


class CsvSteps(StepWriter):
    def header(self, numbers) -> str:
        return _csv_line(_columns(self.names, "d"))

    def row(self, step: Step, numbers) -> str:
        return _csv_line(_cells(step, self.names, lambda value: _flat(numbers.to_json(value))))


def _csv_line(cells: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _flat(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


class JsonSteps(StepWriter):
    """One JSON object; its "trace" comes before the result, which is known only at the end."""

    separator = ""  # before the next trace record

    def header(self, numbers) -> str:
        return '{"numbers": ' + json.dumps(numbers.name) + ', "trace": ['

    def row(self, step: Step, numbers) -> str:
        to_json = numbers.to_json
        record = {"step": step.step, "loss": to_json(step.loss),
                  "params": {name: to_json(value) for name, value in step.params.items()},
                  "gradient": {name: to_json(value) for name, value in step.gradient.items()}}
        separator, self.separator = self.separator, ", "
        return separator + json.dumps(record, ensure_ascii=False)

    def end(self, result: Descent) -> str:
        to_json = result.numbers.to_json
        rest = {"params": {name: to_json(value) for name, value in result.params.items()},
                "loss": to_json(result.loss), "steps": result.updates, "stopped": result.stopped}
        return "], " + json.dumps(rest, ensure_ascii=False)[1:] + "\n"


class MarkdownSteps(StepWriter):
    def header(self, numbers) -> str:
        columns = _columns(self.names, "∂")
        return "| " + " | ".join(columns) + " |\n|" + "---:|" * len(columns) + "\n"

    def row(self, step: Step, numbers) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in _cells(step, self.names, numbers.format)) + " |\n"

    def end(self, result: Descent) -> str:
        fmt = result.numbers.format
        summary = ", ".join(f"{name} = {fmt(value)}" for name, value in result.params.items())
        return f"\nAfter {result.updates} steps ({result.stopped}): {summary}; loss = {fmt(result.loss)}.\n"


class TableSteps(StepWriter):
    """The terminal table, written at the end. With --trace it keeps the steps it will show: both
    ends of the run as derivation.kept_ends says (every step with --max-rows 0, which asks for all)."""

    def __init__(self, names: list[str], options: RenderOptions = RenderOptions()) -> None:
        super().__init__(names, options)
        self.terminal, self.show_trace = options.terminal, options.with_trace
        self.first, last = kept_ends(options.max_rows) if options.max_rows else (None, None)
        self.head: list[list[str]] = []
        self.tail: deque = deque(maxlen=last)
        self.count = 0

    def row(self, step: Step, numbers) -> str:
        if self.show_trace:
            self.count += 1
            cells = [str(cell) for cell in _cells(step, self.names, numbers.format_reading)]
            keep = self.head if self.first is not None and len(self.head) < self.first else self.tail
            keep.append(cells)
        return ""

    def end(self, result: Descent) -> str:
        console = text_console(self.terminal)
        columns = _columns(self.names, "∂")
        if self.show_trace:
            print_table(console, "Steps", columns, self._rows(len(columns)), frozenset(range(len(columns))))
        fmt = result.numbers.format_reading
        print_table(console, f"Result · {result.numbers.description}",
                    ["parameter", "start", "final", "∂L/∂parameter at the end"],
                    [(name, fmt(result.start[name]), fmt(value), fmt(result.gradient[name]))
                     for name, value in result.params.items()], frozenset({1, 2, 3}))
        steps = f"{result.updates} step" + ("" if result.updates == 1 else "s")
        show(console, f"loss {fmt(result.loss)} after {steps}: stopped because {result.stopped}")
        curve = loss_curve(result.curve.losses())
        if curve and result.updates:
            show(console, f"loss (log scale, step 0 → {result.updates}): {curve}")
        return text_of(console)

    def _rows(self, width: int) -> list[list[str]]:
        """The kept steps; where steps were left out, a ⋮ row (the step numbers say which)."""
        left_out = self.count - len(self.head) - len(self.tail)
        return self.head + [["⋮"] + [""] * (width - 1)] * bool(left_out) + list(self.tail)


def loss_curve(losses: list, width: int = 60) -> str:
    """The loss per step as one line of bars on a log scale (evenly sampled when there are many steps)."""
    if len(losses) > width:
        losses = [losses[round(i * (len(losses) - 1) / (width - 1))] for i in range(width)]
    logs = [_log10(loss) for loss in losses]
    known = [v for v in logs if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join(_BARS[0] if v is None else _BARS[round((v - low) / span * (len(_BARS) - 1))] for v in logs)


def _log10(value) -> float | None:
    """log10 of a loss (an interval's midpoint), None for 0 and below; exact values beyond a
    double's range too (an exact loss of 10^400 is possible)."""
    if hasattr(value, "bounds"):
        low, high = value.bounds()
        value = (low + high) / 2
    if value <= 0:
        return None
    if isinstance(value, float):
        return math.log10(value)
    return math.log10(value.numerator) - math.log10(value.denominator)  # a Fraction: math.log10 takes big ints
