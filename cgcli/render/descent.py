"""A descent's result and steps as a terminal table with a loss curve, CSV, JSON or Markdown."""
from __future__ import annotations

import csv
import io
import json
import math

from ..descent import Descent
from .console import text_console, text_of

_BARS = "▁▂▃▄▅▆▇█"


def _columns(result: Descent) -> list[str]:
    names = list(result.params)
    return ["step", "loss"] + names + [f"dL/d{name}" for name in names]


def _cells(result: Descent, convert) -> list[list]:
    return [[step.step, convert(step.loss)] + [convert(step.params[name]) for name in result.params]
            + [convert(step.gradient[name]) for name in result.params] for step in result.history]


def csv_text(result: Descent) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_columns(result))
    to_json = result.numbers.to_json
    writer.writerows(_cells(result, lambda value: _flat(to_json(value))))
    return buffer.getvalue()


def _flat(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


def json_text(result: Descent) -> str:
    to_json = result.numbers.to_json
    document = {
        "params": {name: to_json(value) for name, value in result.params.items()},
        "loss": to_json(result.loss),
        "steps": result.updates,
        "stopped": result.stopped,
        "numbers": result.numbers.name,
        "trace": [{"step": step.step, "loss": to_json(step.loss),
                   "params": {name: to_json(value) for name, value in step.params.items()},
                   "gradient": {name: to_json(value) for name, value in step.gradient.items()}}
                  for step in result.history],
    }
    return json.dumps(document, ensure_ascii=False) + "\n"


def markdown(result: Descent) -> str:
    fmt = result.numbers.format
    header = _columns(result)
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |"
              for row in _cells(result, fmt)]
    summary = ", ".join(f"{name} = {fmt(value)}" for name, value in result.params.items())
    return ("\n".join(lines) + f"\n\nAfter {result.updates} steps ({result.stopped}): {summary}; "
            f"loss = {fmt(result.loss)}.\n")


def loss_curve(losses: list, width: int = 60) -> str:
    """The loss per step as one line of bars on a log scale (evenly sampled when there are many steps)."""
    values = [_approximately(loss) for loss in losses]
    if len(values) > width:
        values = [values[round(i * (len(values) - 1) / (width - 1))] for i in range(width)]
    logs = [math.log10(v) if v > 0 else None for v in values]
    known = [v for v in logs if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join(_BARS[0] if v is None else _BARS[round((v - low) / span * (len(_BARS) - 1))] for v in logs)


def _approximately(value) -> float:
    if hasattr(value, "bounds"):  # an interval: its midpoint
        low, high = value.bounds()
        return float((low + high) / 2)
    return float(value)


def table(result: Descent, terminal: bool, show_trace: bool, max_rows: int) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = text_console(terminal)
    fmt = result.numbers.format_reading
    if show_trace:
        steps = Table(box=box.SIMPLE_HEAD, header_style="bold")
        for index, name in enumerate(_columns(result)):
            steps.add_column(name, justify="right", style="cyan" if index == 0 else None)
        rows = _cells(result, fmt)
        half = max_rows // 2
        if max_rows and len(rows) > max_rows:
            rows = rows[:half] + [["⋮"] + [""] * (len(rows[0]) - 1)] + rows[-half:]
        for row in rows:
            steps.add_row(*(Text(str(cell)) for cell in row))
        console.print(Text("Steps", style="bold"))
        console.print(steps)
    start = result.history[0].params
    final = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for header in ("parameter", "start", "final", "dL/dparameter at the end"):
        final.add_column(header, justify="left" if header == "parameter" else "right")
    for name, value in result.params.items():
        final.add_row(Text(name, style="cyan"), Text(fmt(start[name])), Text(fmt(value)), Text(fmt(result.gradient[name])))
    console.print(Text(f"Result · {result.numbers.description}", style="bold"))  # a Table title would wrap
    console.print(final)
    steps = f"{result.updates} step" + ("" if result.updates == 1 else "s")
    console.print(Text(f"loss {fmt(result.loss)} after {steps}: stopped because {result.stopped}"))
    curve = loss_curve([step.loss for step in result.history])
    if curve and len(result.history) > 1:
        console.print(Text(f"loss (log scale, step 0 → {result.history[-1].step}): {curve}"))
    return text_of(console)
