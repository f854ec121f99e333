"""Terminal tables (Rich): the forward pass, the backward pass and the gradient, as a textbook lays them out."""
from __future__ import annotations

from .console import print_table, show, text_console, text_of
from .derivation import NAIVE_HEADER, Derivation, Elided, Partial, grouped_by_call, laid_out


def render(derivation: Derivation, terminal: bool, with_trace: bool = True, width: int | None = None) -> str:
    """The three tables, their rows as the derivation shows them (long passes by both ends). For a
    terminal (`width` columns, else its own) they fit its width and may be coloured; elsewhere lines
    are whole, plain and unpadded. Either way no cell is ever cut (console.print_table)."""
    console = text_console(terminal, width)
    mode, top, shaped = derivation.description, derivation.output, derivation.shaped

    def note(elided) -> str:
        return elided.text

    forward = grouped_by_call(derivation.forward_shown, lambda line: note(line) if isinstance(line, Elided) else (
        ("  " if line.call else "") + line.name, line.definition, line.source, *[line.shape_text] * shaped,
        line.value.reading), lambda call: (call, "", "", *[""] * shaped, ""))
    backward = laid_out(derivation.backward_shown, lambda line: (
        line.name, "\n".join(line.chain_lines), "\n".join(line.local_lines), "\n".join(line.product_lines),
        line.adjoint.reading), note)
    naive = derivation.naive is not None
    gradient = laid_out(derivation.gradient_shown, lambda line: (
        line.name, line.value.reading if line.value else "", line.gradient.reading,
        *([line.naive_cell] if naive else [])), note)
    if with_trace:
        print_table(console, f"Forward pass (inputs to output) · {mode}",
                    ["node", "definition", "source"] + ["shape"] * shaped + ["value"], forward, frozenset({3 + shaped}))
        print_table(console, f"Backward pass (output to inputs): {Partial(top, 'node')} · {mode}",
                    ["node", "chain rule", "local derivative", "upstream × local", str(Partial(top, "node"))],
                    backward, frozenset({4}))
    print_table(console, f"Gradient · {mode}", ["variable", "value", str(Partial(top, "variable"))]
                + [NAIVE_HEADER] * naive, gradient, frozenset({1, 2, 3}))
    if naive:
        show(console, derivation.naive.line)
        show(console, "")
    notes = [f"{top} = {derivation.value.reading}", f"numbers: {mode}"] + derivation.conventions
    show(console, " · ".join(notes), "dim")
    return text_of(console)
