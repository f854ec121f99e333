"""Graphviz DOT: a figure as a digraph with quoted ids and escaped labels, in the Mermaid colours."""
from __future__ import annotations

from .formats import RenderOptions
from .figure import CONSTANT_KIND, OP_KIND, OUTPUT_KIND, SUMMARY_KIND, VARIABLE_KIND, Figure

FONT = "Helvetica,Arial,sans-serif"
# Per kind: node attributes (values as DOT writes them). Shapes as the README describes them:
# variables boxes, ops rounded boxes, the output a green rounded box, constants small dashed circles.
STYLES = {
    VARIABLE_KIND: {"shape": "box", "style": '"filled"', "fillcolor": '"#dbeafe"', "color": '"#1d4ed8"', "penwidth": "2"},
    OP_KIND: {"shape": "box", "style": '"rounded,filled"', "fillcolor": '"#fef3c7"', "color": '"#b45309"',
              "penwidth": "1.5"},
    OUTPUT_KIND: {"shape": "box", "style": '"rounded,filled"', "fillcolor": '"#dcfce7"', "color": '"#15803d"',
                  "penwidth": "3"},
    CONSTANT_KIND: {"shape": "circle", "style": '"dashed,filled"', "fillcolor": '"#f8fafc"', "color": '"#94a3b8"',
                    "fontsize": "10", "fontcolor": '"#334155"', "margin": "0.02", "width": "0.3"},
    SUMMARY_KIND: {"shape": "box3d", "style": '"dashed,filled"', "fillcolor": '"#f1f5f9"', "color": '"#64748b"'},
}
HIGHLIGHT = {"fillcolor": '"#ff99ff"', "color": '"#333333"', "penwidth": "4"}  # seed 000's fill:#f9f,stroke:#333
HIGHLIGHT_EDGE = {"color": '"#c2185b"', "fontcolor": '"#880e4f"', "penwidth": "3"}


def attributes(values: dict[str, str]) -> str:
    """`key=value, …`: each attribute once, so a highlight replaces the kind's colours."""
    return ", ".join(f"{key}={value}" for key, value in values.items())


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as centred lines."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + escaped.replace("\n", "\\n") + '"'


def label(lines: list[str]) -> str:
    return quote("\n".join(" ".join(line.split("\n")) for line in lines))


def render(figure: Figure, options: RenderOptions = RenderOptions()) -> str:
    """The figure as DOT; with `options.ids`, nodes and edges carry `id` attributes (n0…, e0…) that
    Graphviz's SVG keeps, for a page to find them."""
    ids = options.ids
    out = ["digraph cgrad {",
           f'    graph [rankdir={"LR" if figure.direction == "LR" else "TB"}, fontname="{FONT}", '
           f'bgcolor="white", nodesep=0.35, ranksep=0.6{", label=" + quote(figure.title) + ", labelloc=t" if figure.title else ""}];',
           f'    node [fontname="{FONT}", fontsize=12, color="#475569"];',
           f'    edge [fontname="{FONT}", fontsize=10, color="#475569", fontcolor="#334155", arrowsize=0.7];']
    for node in figure.nodes:
        style = {**STYLES[node.kind], **HIGHLIGHT} if node.highlight else STYLES[node.kind]
        named = {"id": quote(node.id)} if ids else {}
        out.append(f"    {node.id} [{attributes({'label': label(node.lines), **style, **named})}];")
    for number, edge in enumerate(figure.edges):
        values = ({"label": label(edge.lines)} if edge.lines else {}) | (HIGHLIGHT_EDGE if edge.highlight else {})
        values |= {"id": quote(f"e{number}")} if ids else {}
        out.append(f"    {edge.source} -> {edge.target}" + (f" [{attributes(values)}]" if values else "") + ";")
    out.append("}")
    return "\n".join(out) + "\n"
