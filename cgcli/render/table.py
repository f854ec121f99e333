"""Terminal tables (Rich): the forward pass, the backward pass and the gradient, as a textbook lays them out."""
from __future__ import annotations

from ..errors import excerpt
from ..graph import CONSTANT, VARIABLE
from ..trace import Trace
from .console import text_console, text_of
from .notation import definition, local_rule, partial


def shape_of(value) -> str:
    shape = getattr(value, "shape", ())
    return "×".join(map(str, shape)) if shape else "scalar"


def render(trace: Trace, terminal: bool, max_rows: int = 60, with_trace: bool = True) -> str:
    """The three tables; passes longer than `max_rows` (0: no limit) show both ends. For a terminal
    they fit its width and may be coloured; elsewhere lines are whole, plain and unpadded."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = text_console(terminal)
    fmt, reading = trace.numbers.format, trace.numbers.format_reading
    mode = trace.numbers.description
    top = trace.output

    def table(title: str, headers: list[str], right: set[int]) -> Table:
        # the title is printed on its own line (print_table): as a Table title it wraps at the table's width
        grid = Table(box=box.SIMPLE_HEAD, header_style="bold")
        grid.heading = title
        for index, header in enumerate(headers):
            grid.add_column(header, justify="right" if index in right else "left",
                            style="cyan" if index == 0 else None)
        return grid

    def add_rows(grid: Table, rows: list, cells) -> None:
        shown = rows if not max_rows or len(rows) <= max_rows else rows[: max_rows // 2] + [None] + rows[-(max_rows // 2):]
        for row in shown:
            if row is None:
                grid.add_row(Text("⋮"), Text(f"{len(rows) - 2 * (max_rows // 2)} more rows (--max-rows 0 shows all)",
                                             style="dim"))
            else:
                grid.add_row(*(Text(cell) for cell in cells(row)))

    shaped = any(getattr(row.value, "shape", ()) for row in trace.forward)  # tensors: add a shape column
    forward = table(f"Forward pass (inputs to output) · {mode}",
                    ["node", "definition", "source"] + ["shape"] * shaped + ["value"], {3 + shaped})
    add_rows(forward, trace.forward, lambda row: (
        row.name, definition(row),
        "" if row.op in (VARIABLE, CONSTANT) else excerpt(trace.source, *row.span),
        *[shape_of(row.value)] * shaped, reading(row.value)))

    def chain(row) -> str:
        return "\n".join(("" if i == 0 else "+ ") + f"{partial(top, t.consumer)} · {partial(t.consumer, row.name)}"
                         for i, t in enumerate(row.terms)) or "(output)"

    def local(row) -> str:
        lines = []
        for term in row.terms:
            if term.local is None:  # a tensor op: its vector-Jacobian product, as seed 003 writes it
                lines.append(f"{partial(top, row.name)} += {local_rule(term, partial(top, term.consumer))}")
                continue
            rule, value = local_rule(term), fmt(term.local)
            constant = not any(character.isalpha() for character in rule)  # "3": the rule is its value
            lines.append(f"{partial(term.consumer, row.name)} = " + (value if constant else
                                                                      rule if rule == value else f"{rule} = {value}"))
        return "\n".join(lines)

    def factor(value) -> str:
        text = fmt(value)
        return f"({text})" if text.startswith("-") else text

    def products(row) -> str:
        return "\n".join(("" if i == 0 else "+ ") + (fmt(t.contribution) if t.local is None
                                                       else f"{fmt(t.upstream)} × {factor(t.local)}")
                         for i, t in enumerate(row.terms))

    backward = table(f"Backward pass (output to inputs): {partial(top, 'node')} · {mode}",
                     ["node", "chain rule", "local derivative", "upstream × local", partial(top, "node")], {4})
    add_rows(backward, trace.backward, lambda row: (row.name, chain(row), local(row), products(row),
                                                    reading(row.adjoint)))

    values = {row.name: row.value for row in trace.forward if row.op == VARIABLE}
    gradient = table(f"Gradient · {mode}", ["variable", "value", partial(top, "variable")], {1, 2})
    add_rows(gradient, list(trace.gradient.items()), lambda item: (
        item[0], reading(values[item[0]]) if item[0] in values else "", reading(item[1])))

    def print_table(grid: Table) -> None:
        console.print(Text(grid.heading, style="bold"))
        console.print(grid)

    if with_trace:
        print_table(forward)
        print_table(backward)
    print_table(gradient)
    notes = [f"{top} = {reading(trace.value)}", f"numbers: {mode}"] + trace.conventions
    console.print(Text(" · ".join(notes), style="dim"))
    return text_of(console)
