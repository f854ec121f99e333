"""Terminal tables (Rich): the forward pass, the backward pass and the gradient, as a textbook lays them out."""
from __future__ import annotations

from .console import print_table, show, text_console, text_of
from .derivation import NAIVE_HEADER, Derivation, Elided, Partial, grouped_by_call, laid_out
from .formats import RenderOptions


def render(derivation: Derivation, options: RenderOptions = RenderOptions()) -> str:
    """The three tables, their rows as the derivation shows them (long passes by both ends). For a
    terminal (options.width columns, else its own) they fit its width and may be coloured; elsewhere
    lines are whole, plain and unpadded. Either way no cell is ever cut (console.print_table)."""
    console = text_console(options.terminal, options.width)
    with_trace = options.with_trace
    mode, top = derivation.description, derivation.output
    naive = derivation.naive is not None
    gradient = laid_out(derivation.gradient_shown, lambda line: (
        line.name, line.value.reading if line.value else "", line.gradient.reading,
        *([line.naive_cell] if naive else [])), _note)
    if with_trace:
        print_forward(console, derivation)
        print_backward(console, derivation)
    print_table(console, f"Gradient · {mode}", ["variable", "value", str(Partial(top, "variable"))]
                + [NAIVE_HEADER] * naive, gradient, frozenset({1, 2, 3}))
    if naive:
        show(console, derivation.naive.line)
        show(console, "")
    notes = [f"{top} = {derivation.value.reading}", f"numbers: {mode}"] + derivation.conventions
    show(console, " · ".join(notes), "dim")
    return text_of(console)


def _note(elided) -> str:
    return elided.text


def print_forward(console, derivation: Derivation, outputs: str = "output") -> None:
    """The forward pass's table: node, definition, source (shape) and value."""
    shaped = derivation.shaped
    # the rows of a call of a defined function stand under the call, indented
    forward = grouped_by_call(derivation.forward_shown, lambda line: _note(line) if isinstance(line, Elided) else (
        ("  " if line.call else "") + line.name, line.definition, line.source, *[line.shape_text] * shaped,
        line.value.reading), lambda call: (call, "", "", *[""] * shaped, ""))
    print_table(console, f"Forward pass (inputs to {outputs}) · {derivation.description}",
                ["node", "definition", "source"] + ["shape"] * shaped + ["value"], forward, frozenset({3 + shaped}))


def print_backward(console, derivation: Derivation, origin: str = "output") -> None:
    """The backward pass's table: each node's chain rule, local derivatives, products and ∂output/∂node."""
    top = derivation.output
    backward = laid_out(derivation.backward_shown, lambda line: (
        line.name, "\n".join(line.chain_lines), "\n".join(line.local_lines), "\n".join(line.product_lines),
        line.adjoint.reading), _note)
    print_table(console, f"Backward pass ({origin} to inputs): {Partial(top, 'node')} · {derivation.description}",
                ["node", "chain rule", "local derivative", "upstream × local", str(Partial(top, "node"))],
                backward, frozenset({4}))
