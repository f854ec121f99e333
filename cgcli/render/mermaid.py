"""Mermaid: a figure as a `graph LR` flowchart in seed 000's style, variables as squares, ops as
rounded nodes, the highlighted path in `fill:#f9f`; every label quoted and escaped."""
from __future__ import annotations

from .formats import RenderOptions
from .figure import CONSTANT_KIND, OP_KIND, OUTPUT_KIND, SUMMARY_KIND, VARIABLE_KIND, Figure

HIGHLIGHT = "fill:#f9f,stroke:#333,stroke-width:4px"  # seed 000's
HIGHLIGHT_EDGE = "stroke:#c2185b,stroke-width:4px,color:#880e4f"
CLASSES = {
    VARIABLE_KIND: "fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px,color:#0f172a",
    OP_KIND: "fill:#fef3c7,stroke:#b45309,stroke-width:1.5px,color:#1c1917",
    OUTPUT_KIND: "fill:#dcfce7,stroke:#15803d,stroke-width:3px,color:#052e16",
    CONSTANT_KIND: "fill:#f8fafc,stroke:#94a3b8,stroke-width:1px,stroke-dasharray:3 3,color:#334155,font-size:13px",
    SUMMARY_KIND: "fill:#f1f5f9,stroke:#64748b,stroke-width:1px,stroke-dasharray:6 4,color:#334155",
}
SHAPES = {  # opening and closing brackets of each kind's shape
    VARIABLE_KIND: ("[", "]"),  # a square, as seed 000 draws variables
    OP_KIND: ("([", "])"),  # a rounded (stadium) node, as seed 000 draws ops
    OUTPUT_KIND: ("([", "])"),
    CONSTANT_KIND: ("((", "))"),  # a small circle
    SUMMARY_KIND: ("[[", "]]"),
}
WIDER = '%%{init: {"flowchart": {"wrappingWidth": 400}}}%%'  # a value and a gradient fit on one line
MAX_EDGES, MAX_TEXT = 500, 50_000  # mermaid's defaults for maxEdges and maxTextSize

# Mermaid reads #name; as an HTML entity, so '#' itself must be escaped too.
_ESCAPES = str.maketrans({"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;",
                          "|": "#124;", "\n": " ", "\r": " "})


def escape(text: str) -> str:
    """Text for inside a quoted Mermaid label."""
    return text.translate(_ESCAPES)


def label(lines: list[str]) -> str:
    return '"' + "<br/>".join(escape(line) for line in lines) + '"'


def render(figure: Figure, options: RenderOptions = RenderOptions()) -> str:
    out = []
    if figure.title:
        out += ["---", f"title: {figure.title}", "---"]  # our own words, never user text
    out.append(WIDER)
    out.append(f"graph {figure.direction}")
    for node in figure.nodes:
        opening, closing = SHAPES[node.kind]
        out.append(f"    {node.id}{opening}{label(node.lines)}{closing}:::{node.kind}")
    highlighted = []
    for number, edge in enumerate(figure.edges):
        text = f'|{label(edge.lines)}|' if edge.lines else ""
        out.append(f"    {edge.source} -->{text} {edge.target}")
        if edge.highlight:
            highlighted.append(str(number))
    used = {node.kind for node in figure.nodes}
    out += [f"    classDef {kind} {style}" for kind, style in CLASSES.items() if kind in used]
    out += [f"    style {node.id} {HIGHLIGHT}" for node in figure.nodes if node.highlight]
    if highlighted:
        out.append(f"    linkStyle {','.join(highlighted)} {HIGHLIGHT_EDGE}")
    return "\n".join(out) + "\n"


def too_large(figure: Figure, text: str) -> str | None:
    """Why a stock Mermaid would refuse to draw this, or None."""
    if len(figure.edges) > MAX_EDGES:
        return f"{len(figure.edges)} edges, more than the {MAX_EDGES} Mermaid draws by default (maxEdges)"
    if len(text) > MAX_TEXT:
        return f"{len(text)} characters, more than the {MAX_TEXT} Mermaid reads by default (maxTextSize)"
    return None
