"""Terminal tables (Rich): the forward pass, the backward pass and the gradient, as a textbook lays them out."""
from __future__ import annotations

from ..errors import excerpt
from ..graph import CONSTANT, VARIABLE
from ..trace import Trace
from .console import print_table, text_console, text_of
from .notation import definition, local_rule, partial


def shape_of(value) -> str:
    shape = getattr(value, "shape", ())
    return "×".join(map(str, shape)) if shape else "scalar"


def render(trace: Trace, terminal: bool, max_rows: int = 60, with_trace: bool = True, width: int | None = None) -> str:
    """The three tables; passes longer than `max_rows` (0: no limit) show both ends. For a terminal
    (`width` columns, else its own) they fit its width and may be coloured; elsewhere lines are
    whole, plain and unpadded. Either way no cell is ever cut (console.print_table)."""
    from rich.text import Text

    console = text_console(terminal, width)
    fmt, reading = trace.numbers.format, trace.numbers.format_reading
    mode = trace.numbers.description
    top = trace.output

    def shown(rows: list, cells) -> list:
        if max_rows and len(rows) > max_rows:
            half = max_rows // 2
            note = f"{len(rows) - 2 * half} more rows (--max-rows 0 shows all)"
            return [cells(row) for row in rows[:half]] + [note] + [cells(row) for row in rows[-half:]]
        return [cells(row) for row in rows]

    shaped = any(getattr(row.value, "shape", ()) for row in trace.forward)  # tensors: add a shape column
    forward = shown(trace.forward, lambda row: (
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

    backward = shown(trace.backward, lambda row: (row.name, chain(row), local(row), products(row),
                                                   reading(row.adjoint)))
    values = {row.name: row.value for row in trace.forward if row.op == VARIABLE}
    gradient = shown(list(trace.gradient.items()), lambda item: (
        item[0], reading(values[item[0]]) if item[0] in values else "", reading(item[1])))

    if with_trace:
        print_table(console, f"Forward pass (inputs to output) · {mode}",
                    ["node", "definition", "source"] + ["shape"] * shaped + ["value"], forward, frozenset({3 + shaped}))
        print_table(console, f"Backward pass (output to inputs): {partial(top, 'node')} · {mode}",
                    ["node", "chain rule", "local derivative", "upstream × local", partial(top, "node")],
                    backward, frozenset({4}))
    print_table(console, f"Gradient · {mode}", ["variable", "value", partial(top, "variable")], gradient,
                frozenset({1, 2}))
    notes = [f"{top} = {reading(trace.value)}", f"numbers: {mode}"] + trace.conventions
    console.print(Text(" · ".join(notes), style="dim"))
    return text_of(console)
