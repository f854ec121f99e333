"""The stepper page: one self-contained HTML file (no request leaves it) with the graph as inline
SVG drawn by Graphviz, the forward and backward tables under it, the walk's steps as JSON, and a
few lines of script that light the current node, its edges and its table row."""
from __future__ import annotations

import json
from html import escape
from typing import NamedTuple

from ..language.syntax import one_line
from ..text import shorten, LazyPattern
from .derivation import Derivation, ForwardModeDerivation, Partial
from .figure import Figure
from .formats import RenderOptions
from .steps import BACKWARD, FORWARD, TANGENT, Walk

_SVG_START = LazyPattern(r"<svg\b")
_NAMESPACES = LazyPattern(r'\s+xmlns(:xlink)?="[^"]*"')  # inline SVG in HTML needs none: the page names no URL

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.2em auto;max-width:1200px;padding:0 1em;color:#0f172a}
h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:1.4em 0 .4em}code{background:#f1f5f9;padding:0 .25em;border-radius:3px}
#controls{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #e2e8f0;z-index:1}
#controls button{font:inherit;padding:.25em .8em;margin-right:.3em;cursor:pointer}
#counter{font-weight:600;margin:0 .6em}.hint{color:#64748b;font-size:.9em}
#caption{font-family:ui-monospace,Menlo,Consolas,monospace;background:#fdf4ff;border-left:4px solid #c026d3;padding:.4em .7em;min-height:1.4em;overflow-x:auto;white-space:pre}
#picture{overflow:auto;border:1px solid #e2e8f0;margin:.6em 0}#picture svg{max-width:100%;height:auto;display:block;margin:auto}
@media (max-width:800px){#picture svg{max-width:none}}.scroll{overflow-x:auto}
g.pending{opacity:.28}
g.current polygon,g.current path,g.current ellipse{fill:#f9f;stroke:#333;stroke-width:4px}
g.lit path{stroke:#c2185b;stroke-width:3.5px}g.lit polygon{fill:#c2185b;stroke:#c2185b}g.lit text{fill:#880e4f;font-weight:700}
table{border-collapse:collapse;font-size:.92em;width:100%}th,td{border:1px solid #e2e8f0;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f8fafc}td.num{text-align:right;font-family:ui-monospace,Menlo,Consolas,monospace}
tr.pending td{color:#94a3b8}tr.pending td.num span,tr.pending td.later span{visibility:hidden}tr.current td{background:#fbd5fb}
"""

SCRIPT = """
(() => {
  const data = JSON.parse(document.getElementById("frames").textContent);
  const count = data.steps.length;
  const byId = (id) => document.getElementById(id);
  let done = 0;
  const seen = (at) => at > 0 && at <= done;
  function show(k) {
    done = Math.max(0, Math.min(count, k));
    document.querySelectorAll(".current,.lit").forEach((el) => el.classList.remove("current", "lit"));
    for (const [id, [forward, backward]] of Object.entries(data.nodes)) {
      const node = byId(id);
      if (!node) continue;
      node.classList.toggle("pending", forward > done);
      node.querySelectorAll("text").forEach((line, i) => { if (i > 0) line.style.visibility = seen(backward) ? "" : "hidden"; });
    }
    for (const [id, backward] of Object.entries(data.edges)) {
      const edge = byId(id);
      if (edge) edge.querySelectorAll("text").forEach((line) => { line.style.visibility = seen(backward) ? "" : "hidden"; });
    }
    data.steps.forEach((step, i) => { const row = byId(step.row); if (row) row.classList.toggle("pending", i >= done); });
    const step = data.steps[done - 1];
    if (step) {
      [byId(step.node), byId(step.row)].forEach((el) => el && el.classList.add("current"));
      step.edges.forEach((id) => { const edge = byId(id); if (edge) edge.classList.add("lit"); });
    }
    byId("counter").textContent = step ? `Step ${done} of ${count} \\u00b7 ${step.title}` : `Step 0 of ${count}`;
    byId("caption").textContent = step ? step.text : "Before the passes: press \\u2192 (or Next) to take the first step.";
    byId("back").disabled = done === 0;
    byId("next").disabled = done === count;
    history.replaceState(null, "", "#step=" + done);
  }
  const fromHash = () => { const m = /step=(\\d+)/.exec(location.hash); return m ? Number(m[1]) : 0; };
  byId("first").onclick = () => show(0);
  byId("back").onclick = () => show(done - 1);
  byId("next").onclick = () => show(done + 1);
  byId("last").onclick = () => show(count);
  document.addEventListener("keydown", (event) => {
    const moves = { ArrowRight: done + 1, ArrowLeft: done - 1, Home: 0, End: count };
    if (event.key in moves && !event.altKey && !event.ctrlKey && !event.metaKey) { event.preventDefault(); show(moves[event.key]); }
  });
  window.addEventListener("hashchange", () => { if (fromHash() !== done) show(fromHash()); });
  show(fromHash());
})();
"""


class Page(NamedTuple):
    """What the stepper page shows: a derivation, its walk of steps, and its picture drawn as SVG."""
    derivation: Derivation | ForwardModeDerivation
    walk: Walk
    picture: Figure
    svg: str  # the picture drawn by Graphviz, with ids (RenderOptions(ids=True))


def render(page: Page, options: RenderOptions = RenderOptions()) -> str:
    """The page: heading (options.title), controls, the SVG of the picture, the tables, the frames."""
    derivation, walk, picture, svg, title = *page, options.title
    top = derivation.output
    if walk.tangents:
        rows = {TANGENT: {line.name: f"t{i}" for i, line in enumerate(derivation.tangent_lines)}}
        tables = [f"<p>{escape(derivation.seeding)}.</p>"] + _tangent_table(derivation, rows[TANGENT])
    else:
        rows = {FORWARD: {line.name: f"f{i}" for i, line in enumerate(derivation.forward)},
                BACKWARD: {line.name: f"b{i}" for i, line in enumerate(derivation.backward)}}
        tables = _forward_table(derivation, rows[FORWARD]) + _backward_table(derivation, rows[BACKWARD])
    heading = f"{escape(title)}: " if title else ""
    out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width,initial-scale=1">',
           f"<title>cgrad, step by step: {escape(shorten(one_line(derivation.source)))}</title>",
           f"<style>{STYLE}</style></head><body>",
           f"<h1>{heading}Step by step: <code>{escape(one_line(derivation.source))}</code></h1>",
           f"<p>At {escape(derivation.at)}: <b>{escape(top)} = {escape(derivation.value.reading)}</b>. "
           f"Numbers: {escape(derivation.description)}."
           + "".join(f" {escape(note)}." for note in derivation.conventions) + "</p>",
           '<nav id="controls"><button id="first" title="Home">&#xAB; First</button>'
           '<button id="back" title="Left arrow">&#x25C0; Back</button><span id="counter"></span>'
           '<button id="next" title="Right arrow">Next &#x25B6;</button><button id="last" title="End">Last &#xBB;</button>'
           '<span class="hint">keys: &#x2190; &#x2192; Home End</span></nav>',
           '<p id="caption"></p>',
           f'<div id="picture">{inline_svg(svg)}</div>']
    out += tables
    frames = _frames(walk, picture, rows)
    out += [f'<script type="application/json" id="frames">{_json(frames)}</script>',
            f"<script>{SCRIPT}</script>", "</body></html>"]
    return "\n".join(out) + "\n"


def inline_svg(svg: str) -> str:
    """Graphviz's SVG document as an element of the page: no XML prolog, DOCTYPE or namespace URLs."""
    start = _SVG_START.search(svg)
    return _NAMESPACES.sub("", svg[start.start():] if start else svg).strip()


def _frames(walk: Walk, picture: Figure, rows: dict[str, dict[str, str]]) -> dict:
    """The steps for the script; per node the steps that show it and its second line (adjoint or
    tangent), per edge the step that shows what it carried. `rows`: per phase, node → table row id."""
    node_id = {node.name: node.id for node in picture.nodes if node.name is not None}
    edge_id = {edge.use: f"e{i}" for i, edge in enumerate(picture.edges) if edge.use is not None}
    steps = [{"phase": step.phase, "title": step.title, "name": step.name, "node": node_id.get(step.name),
              "edges": [edge_id[use] for use in step.edges if use in edge_id],
              "row": rows[step.phase][step.name], "text": step.equation(walk.output)} for step in walk.steps]
    nodes = {node_id[name]: [walk.forward_at.get(name, 0), walk.label_at(name)] for name in node_id}
    edges = {edge_id[use]: walk.edge_at(use) for use in edge_id}
    return {"steps": steps, "nodes": nodes, "edges": edges}


def _json(data: dict) -> str:
    """JSON safe inside <script>: no `</script>` or `<!--` can end or confuse it."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _lines(lines: list[str]) -> str:
    return "<br>".join(escape(line) for line in lines)


def _table(table_id: str, headers: list[str], kinds: list[str], rows: list[tuple[str, list[str]]]) -> list[str]:
    """A table; each row (id, cells as HTML); per column its kind: '' (always shown), 'later'
    (shown once its step is done) or 'num' (the same, right-aligned)."""
    out = [f'<div class="scroll"><table id="{table_id}"><thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead><tbody>"]
    for row_id, cells in rows:
        texts = [f'<td class="{kind}"><span>{c}</span></td>' if kind else f"<td>{c}</td>" for kind, c in zip(kinds, cells)]
        out.append(f'<tr id="{row_id}">' + "".join(texts) + "</tr>")
    return out + ["</tbody></table></div>"]


def _forward_table(derivation: Derivation, row_ids: dict) -> list[str]:
    shaped = derivation.shaped
    rows = [(row_ids[line.name], [escape(line.name), escape(line.definition)] + [escape(line.shape_text)] * shaped
             + [escape(line.value.reading)]) for line in derivation.forward]
    return ["<h2>Forward pass (inputs to output)</h2>"] + _table(
        "forward", ["node", "definition"] + ["shape"] * shaped + ["value"], ["", ""] + [""] * shaped + ["num"], rows)


def _backward_table(derivation: Derivation, row_ids: dict) -> list[str]:
    adjoint = str(Partial(derivation.output, "node"))
    rows = [(row_ids[line.name], [escape(line.name), _lines(line.chain_lines), _lines(line.local_lines),
                                  _lines(line.product_lines), escape(line.adjoint.reading)])
            for line in derivation.backward]
    return [f"<h2>Backward pass (output to inputs): {escape(adjoint)}</h2>"] + _table(
        "backward", ["node", "chain rule", "local derivative", "upstream × local", adjoint],
        ["", "", "later", "num", "num"], rows)


def _tangent_table(derivation: ForwardModeDerivation, row_ids: dict) -> list[str]:
    """Forward mode's rows, as `eval --mode forward` tabulates them."""
    directions = derivation.directions
    rows = [(row_ids[line.name], [escape(line.name), escape(line.definition), escape(line.value.reading),
                                  *[escape(t.reading) for t in line.tangents], _lines(line.term_lines)])
            for line in derivation.tangent_lines]
    return ["<h2>Forward mode (inputs to output, dual numbers)</h2>"] + _table(
        "tangents", ["node", "definition", "value", *[f"tangent {d}" for d in directions],
                     "local derivative · operand tangent"], ["", "", "num", *["num"] * len(directions), "later"], rows)
