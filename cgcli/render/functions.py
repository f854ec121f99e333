"""The function-level graph of a program (seed 000's first figure): its variables and named values as
boxes, each call of a defined function an edge from its arguments to its value, labelled with the function."""
from __future__ import annotations

from ..graph.nodes import CONSTANT, Graph, Program
from . import dot, mermaid


def edges(program: Program, graph: Graph) -> list[tuple[str, str, str]]:
    """(arguments, function, value) for each call whose value the graph needs, in program order:
    `("x_1, x_2", "f", "u")`. A constant argument is its literal; an unnamed one, its node's name."""
    needed = set(graph.order)
    out = []
    for call in program.calls:
        if call.result not in needed:
            continue
        arguments = ", ".join(graph.nodes[i].literal if graph.nodes[i].op == CONSTANT and graph.names[i] is None
                              else graph.names[i] for i in call.arguments)
        out.append((arguments or "()", call.function, graph.names[call.result]))
    return out


def _boxes(calls: list[tuple[str, str, str]]) -> dict[str, str]:
    """Each box's text → its id (n0, n1, … in order of appearance)."""
    boxes: dict[str, str] = {}
    for arguments, _, value in calls:
        for text in (arguments, value):
            boxes.setdefault(text, f"n{len(boxes)}")
    return boxes


def render_mermaid(calls: list[tuple[str, str, str]], direction: str = "LR") -> str:
    boxes = _boxes(calls)
    lines = [f"graph {direction}"]
    lines += [f"    {ident}[{mermaid.label([text])}]" for text, ident in boxes.items()]
    lines += [f"    {boxes[arguments]} -->|{mermaid.label([function])}| {boxes[value]}"
              for arguments, function, value in calls]
    return "\n".join(lines) + "\n"


def render_dot(calls: list[tuple[str, str, str]], direction: str = "LR") -> str:
    boxes = _boxes(calls)
    lines = ["digraph functions {", f"  rankdir={direction};", "  node [shape=box];"]
    lines += [f"  {ident} [label={dot.quote(text)}];" for text, ident in boxes.items()]
    lines += [f"  {boxes[arguments]} -> {boxes[value]} [label={dot.quote(function)}];"
              for arguments, function, value in calls]
    return "\n".join(lines + ["}"]) + "\n"
