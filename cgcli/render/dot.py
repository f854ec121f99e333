"""Graphviz DOT: a figure as a digraph with quoted ids and escaped labels, in the Mermaid colours."""
from __future__ import annotations

from .figure import CONSTANT_KIND, OP_KIND, OUTPUT_KIND, SUMMARY_KIND, VARIABLE_KIND, Figure

FONT = "Helvetica,Arial,sans-serif"
STYLES = {  # per kind: node attributes
    VARIABLE_KIND: 'shape=box, style="filled", fillcolor="#dbeafe", color="#1d4ed8", penwidth=2',
    OP_KIND: 'shape=box, style="rounded,filled", fillcolor="#fef3c7", color="#b45309", penwidth=1.5',
    OUTPUT_KIND: 'shape=box, style="rounded,filled", fillcolor="#dcfce7", color="#15803d", penwidth=3',
    CONSTANT_KIND: 'shape=box, style="dashed,filled", fillcolor="#f8fafc", color="#94a3b8", fontsize=10, '
                   'fontcolor="#334155", margin="0.05,0.02", height=0.3',
    SUMMARY_KIND: 'shape=box3d, style="dashed,filled", fillcolor="#f1f5f9", color="#64748b"',
}
HIGHLIGHT = 'fillcolor="#ff99ff", color="#333333", penwidth=4'  # seed 000's fill:#f9f,stroke:#333
HIGHLIGHT_EDGE = 'color="#c2185b", fontcolor="#880e4f", penwidth=3'


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as centred lines."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + escaped.replace("\n", "\\n") + '"'


def label(lines: list[str]) -> str:
    return quote("\n".join(" ".join(line.split("\n")) for line in lines))


def render(figure: Figure) -> str:
    out = ["digraph cgrad {",
           f'    graph [rankdir={"LR" if figure.direction == "LR" else "TB"}, fontname="{FONT}", '
           f'bgcolor="white", nodesep=0.35, ranksep=0.6{", label=" + quote(figure.title) + ", labelloc=t" if figure.title else ""}];',
           f'    node [fontname="{FONT}", fontsize=12, color="#475569"];',
           f'    edge [fontname="{FONT}", fontsize=10, color="#475569", fontcolor="#334155", arrowsize=0.7];']
    for node in figure.nodes:
        extra = f", {HIGHLIGHT}" if node.highlight else ""
        out.append(f"    {node.id} [label={label(node.lines)}, {STYLES[node.kind]}{extra}];")
    for edge in figure.edges:
        attributes = [f"label={label(edge.lines)}"] if edge.lines else []
        if edge.highlight:
            attributes.append(HIGHLIGHT_EDGE)
        out.append(f"    {edge.source} -> {edge.target}" + (f" [{', '.join(attributes)}]" if attributes else "") + ";")
    out.append("}")
    return "\n".join(out) + "\n"
