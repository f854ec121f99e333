"""`cgrad diagram`: the Mermaid and DOT graphs, read back by parsing the output (no snapshots).

Node and edge counts are counted by hand from the expressions: seed 001 `u = b*c; v = a + u;
J = 3v` has three variables, three ops and the constant 3 (7 nodes) and six edges. Values and
gradients in labels are the seed's hand-worked numbers.
"""
from __future__ import annotations

import html
import math
import os
import re
import shutil
import sys

import pytest

from conftest import REPO, run_cgrad_inprocess

SEED_001 = "u = b*c; v = a + u; J = 3v"
SEED_001_AT = "a=1,b=2,c=3"
SEED_004 = "t1 = w1*x1; a1 = relu(t1); t2 = w1*x1; a2 = sigmoid(t2); o = a1 + a2"

NODE = re.compile(r'^    (n\d+)(\[\[|\(\[|\(\(|\[)"(.*)"(\]\]|\]\)|\)\)|\]):::(\w+)$')
EDGE = re.compile(r'^    (n\d+) -->(?:\|"(.*)"\|)? (n\d+)$')


def unescape(label: str) -> str:
    """A Mermaid label as the reader sees it: <br/> as line breaks, #quot; and #35; decoded."""
    def entity(match: re.Match) -> str:
        code = match.group(1)
        return chr(int(code)) if code.isdigit() else html.unescape(f"&{code};")

    return re.sub(r"#(\w+);", entity, label.replace("<br/>", "\n"))


class Mermaid:
    """The nodes, edges and highlights of a Mermaid flowchart as cgrad writes it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes: dict[str, tuple[str, str, str]] = {}  # id → (shape, label, class)
        self.edges: list[tuple[str, str, str]] = []  # (source, target, label)
        self.styled: set[str] = set()
        self.link_styled: set[int] = set()
        self.header = None
        for line in text.splitlines():
            if line.startswith("graph "):
                self.header = line
            elif match := NODE.match(line):
                self.nodes[match.group(1)] = (match.group(2), unescape(match.group(3)), match.group(5))
            elif match := EDGE.match(line):
                self.edges.append((match.group(1), match.group(3), unescape(match.group(2) or "")))
            elif line.startswith("    style "):
                self.styled.add(line.split()[1])
            elif line.startswith("    linkStyle "):
                self.link_styled |= {int(i) for i in line.split()[1].split(",")}
            elif line.strip() and not line.startswith(("    classDef ", "%%{", "---", "title:")):
                raise AssertionError(f"unexpected line: {line!r}")

    def find(self, start: str) -> str:
        """The id of the one node whose label starts with `start`."""
        found = [i for i, (_, label, _) in self.nodes.items() if label.startswith(start)]
        assert len(found) == 1, (start, found, self.nodes)
        return found[0]

    def label(self, start: str) -> str:
        return self.nodes[self.find(start)][1]

    def edge(self, source: str, target: str) -> tuple[int, str]:
        found = [(i, e[2]) for i, e in enumerate(self.edges) if e[:2] == (self.find(source), self.find(target))]
        assert len(found) == 1, (source, target, found)
        return found[0]


def diagram(*args: str, expect: int = 0, env: dict | None = None) -> str:
    code, out, err = run_cgrad_inprocess("diagram", *args, env=env)
    assert code == expect, f"exit {code}; stderr:\n{err}"
    assert "Traceback" not in err
    return out if expect == 0 else err


# --------------------------------------------------------------------------------------------
# structure only: no --at, no evaluation
# --------------------------------------------------------------------------------------------

def test_structure_of_seed_001():
    graph = Mermaid(diagram(SEED_001))
    assert graph.header == "graph LR"
    assert len(graph.nodes) == 7 and len(graph.edges) == 6
    shapes = {label: (shape, kind) for shape, label, kind in graph.nodes.values()}
    for variable in "abc":
        assert shapes[variable] == ("[", "var")  # variables are squares, as in seed 000
    assert shapes["u = b · c"] == ("([", "op")  # ops are rounded nodes
    assert shapes["v = a + u"] == ("([", "op")
    assert shapes["J = 3 · v"] == ("([", "out")
    assert shapes["3"][1] == "const"
    assert all(label == "" for _, _, label in graph.edges)  # no values without --at
    assert graph.edge("b", "u = b")[1] == "" and graph.edge("u = b", "v = a")[1] == ""


def test_structure_needs_no_values_and_evaluates_nothing():
    # log(x - 1) at no point: nothing is evaluated, so no domain error
    graph = Mermaid(diagram("log(x - 1) / y"))
    assert len(graph.nodes) == 6 and len(graph.edges) == 5


def test_direction_tb():
    assert Mermaid(diagram(SEED_001, "--direction", "TB")).header == "graph TB"


def test_fan_out_draws_one_edge_per_use():
    graph = Mermaid(diagram("a = x; b = a + a; c = b + b"))
    assert len(graph.nodes) == 4 and len(graph.edges) == 5
    assert sum(1 for e in graph.edges if e[:2] == (graph.find("a = x"), graph.find("b = a + a"))) == 2


# --------------------------------------------------------------------------------------------
# with --at: values, gradients and local derivatives
# --------------------------------------------------------------------------------------------

def test_values_gradients_and_local_derivatives_of_seed_001():
    graph = Mermaid(diagram(SEED_001, "--at", SEED_001_AT))
    assert len(graph.nodes) == 7 and len(graph.edges) == 6
    assert graph.label("u = ") == "u = b · c = 6\n∂J/∂u = 3"
    assert graph.label("v = ") == "v = a + u = 7\n∂J/∂v = 3"
    assert graph.label("J = ") == "J = 3 · v = 21\n∂J/∂J = 1"
    assert graph.label("b = ") == "b = 2\n∂J/∂b = 9"
    assert graph.label("c = ") == "c = 3\n∂J/∂c = 6"
    assert graph.label("a = ") == "a = 1\n∂J/∂a = 3"
    assert graph.edge("b = ", "u = ")[1] == "∂u/∂b = 3"  # ∂(b·c)/∂b = c = 3
    assert graph.edge("c = ", "u = ")[1] == "∂u/∂c = 2"
    assert graph.edge("v = ", "J = ")[1] == "∂J/∂v = 3"
    assert graph.edge("3", "J = ")[1] == ""  # a constant has no derivative to show


def test_products_show_upstream_times_local():
    graph = Mermaid(diagram(SEED_001, "--at", SEED_001_AT, "--products"))
    assert graph.edge("b = ", "u = ")[1] == "∂u/∂b = 3\n3 × 3 = 9"
    assert graph.edge("c = ", "u = ")[1] == "∂u/∂c = 2\n3 × 2 = 6"
    assert graph.edge("a = ", "v = ")[1] == "∂v/∂a = 1\n3 × 1 = 3"


def test_negative_factors_are_parenthesised_in_products():
    graph = Mermaid(diagram("p = x + y; g = p*z", "--at", "x=1,y=3,z=-3", "--products"))
    assert graph.edge("p = ", "g = ")[1] == "∂g/∂p = -3\n1 × (-3) = -3"
    assert graph.label("x = ") == "x = 1\n∂g/∂x = -3"


def test_highlight_colours_every_path_to_the_name():
    graph = Mermaid(diagram(SEED_004, "--at", "w1=0.5,x1=2", "--highlight", "w1"))
    on_path = {graph.find(start) for start in ("w1 = ", "t1 = ", "a1 = ", "t2 = ", "a2 = ", "o = ")}
    assert graph.styled == on_path  # x1 is not on a path from o to w1
    highlighted = {graph.edges[i][:2] for i in graph.link_styled}
    assert len(highlighted) == len(graph.link_styled) == 6
    assert (graph.find("x1 = "), graph.find("t1 = ")) not in highlighted
    assert (graph.find("w1 = "), graph.find("t2 = ")) in highlighted
    assert "style " + graph.find("w1 = ") + " fill:#f9f,stroke:#333,stroke-width:4px" in graph.text  # seed 000's


def test_highlight_works_without_values_and_on_intermediate_nodes():
    graph = Mermaid(diagram(SEED_001, "--highlight", "u"))
    assert graph.styled == {graph.find("u = "), graph.find("v = "), graph.find("J = ")}
    assert len(graph.link_styled) == 2


def test_highlight_unknown_name_is_an_input_error():
    err = diagram(SEED_001, "--highlight", "zz", expect=2)
    assert err.startswith("error: --highlight zz") and "nodes: b, c, u, a, v, J" in err


@pytest.mark.parametrize("args, option", [(["--products"], "--products"), (["--blank", "grads"], "--blank"),
                                          (["--answers"], "--answers")])
def test_value_options_need_at(args, option):
    assert diagram(SEED_001, *args, expect=2).startswith(f"error: {option} needs values")


def test_collapse_folds_deep_nodes_into_summaries():
    layers = "; ".join(["h0 = x"] + [f"h{i} = tanh(w{i}*h{i - 1})" for i in range(1, 30)])
    full = Mermaid(diagram(layers))
    assert len(full.nodes) == 2 + 3 * 29
    graph = Mermaid(diagram(layers, "--collapse", "2"))
    # drawn: h29 (depth 0), t29 and w29 (1), h28 (2); the rest is one summary node feeding h28
    summaries = [i for i, (_, _, kind) in graph.nodes.items() if kind == "summary"]
    assert len(summaries) == 1 and len(graph.nodes) == 5
    assert graph.nodes[summaries[0]][1].startswith(f"… {len(full.nodes) - 4} more nodes\ninputs: x, w1, w2, w3, … (+")
    assert (summaries[0], graph.find("h28 = ")) in {e[:2] for e in graph.edges}


def test_collapse_keeps_the_highlight_visible():
    layers = "; ".join(["h0 = x"] + [f"h{i} = tanh(w{i}*h{i - 1})" for i in range(1, 10)])
    graph = Mermaid(diagram(layers, "--collapse", "1", "--highlight", "x"))
    summary = next(i for i, (_, _, kind) in graph.nodes.items() if kind == "summary")
    assert summary in graph.styled and graph.find("h9 = ") in graph.styled


# --------------------------------------------------------------------------------------------
# number modes
# --------------------------------------------------------------------------------------------

def test_exact_fractions_in_labels():
    graph = Mermaid(diagram("x/3 + y^2/7", "--at", "x=1,y=2", "--exact"))
    assert graph.label("f = ") == "f = t1 + t3 = 19/21\n∂f/∂f = 1"
    assert graph.label("x = ") == "x = 1\n∂f/∂x = 1/3"
    assert graph.label("y = ") == "y = 2\n∂f/∂y = 4/7"


def test_digits_are_shortened_for_display():
    graph = Mermaid(diagram("sin(x)*exp(x)/(1+x^2)", "--at", "x=1/3", "--digits", "60"))
    # 0.410973285843887221239080392452716401011117754014476921183928 to 12 digits and an ellipsis
    assert graph.label("f = ").splitlines()[0].endswith("= 0.410973285844…")
    assert graph.label("x = ").splitlines()[1] == "∂f/∂x = 1.35130360424…"
    x = 1 / 3
    t1 = graph.label("t1 = ")  # ∂f/∂sin(x) = exp(x)/(1 + x²)
    assert t1.startswith(f"t1 = sin(x) = {math.sin(x):.15f}"[:25]) and t1.endswith("…")
    assert t1.split("\n")[1].startswith(f"∂f/∂t1 = {math.exp(x) / (1 + x * x):.15f}"[:20])


def test_intervals_in_labels():
    graph = Mermaid(diagram("x*x", "--at", "x=1..2", "--interval"))
    assert graph.label("f = ") == "f = x · x = [1.0, 4.0]\n∂f/∂f = [1.0, 1.0]" or \
        graph.label("f = ").startswith("f = x · x = [1")
    assert "∂f/∂x = [2" in graph.label("x = ")


# --------------------------------------------------------------------------------------------
# names and escaping
# --------------------------------------------------------------------------------------------

def test_odd_names_and_negative_numbers_round_trip():
    source = "θ*w_1 + hat_y - (-3) + x₁ + _z"
    graph = Mermaid(diagram(source, "--at", "θ=-1/3,w_1=2,hat_y=3,x₁=2,_z=-0.5", "--exact"))
    assert graph.label("θ = ") == "θ = -1/3\n∂f/∂θ = 2"
    assert graph.label("w_1 = ") == "w_1 = 2\n∂f/∂w_1 = -1/3"
    assert graph.label("hat_y = ") == "hat_y = 3\n∂f/∂hat_y = 1"
    assert graph.label("_z = ") == "_z = -1/2\n∂f/∂_z = 1"
    assert graph.label("t1 = ") == "t1 = θ · w_1 = -2/3\n∂f/∂t1 = 1"
    assert graph.label("t3 = ").startswith("t3 = t2 - (-3) = ")
    assert graph.label("-3") == "-3"


def test_mermaid_escape_covers_every_special_character():
    from cgcli.render.mermaid import escape

    text = 'a "quoted" <b>bold</b> #35; & | `tick` ]) ]] ))'
    escaped = escape(text)
    for bad in ('"', "<", ">", "`", "|"):
        assert bad not in escaped
    assert unescape(escaped) == text


def test_dot_quotes_and_escapes():
    from cgcli.render.dot import quote

    assert quote('a "b" \\n c\nd') == '"a \\"b\\" \\\\n c\\nd"'


# --------------------------------------------------------------------------------------------
# determinism, DOT, files, errors
# --------------------------------------------------------------------------------------------

def test_output_is_byte_identical_across_runs():
    args = (SEED_004, "--at", "w1=0.5,x1=2", "--highlight", "w1", "--products")
    first = diagram(*args)
    assert diagram(*args) == first
    assert diagram(*args, "--format", "dot") == diagram(*args, "--format", "dot")
    ids = re.findall(r"^    (n\d+)[\[(]", first, re.M)
    assert ids == [f"n{i}" for i in range(len(ids))]  # ids follow the node order


def test_dot_output_structure():
    out = diagram(SEED_001, "--at", SEED_001_AT, "--format", "dot", "--highlight", "b")
    assert out.startswith("digraph cgrad {") and out.rstrip().endswith("}")
    assert len(re.findall(r"^    n\d+ \[label=", out, re.M)) == 7
    assert len(re.findall(r"^    n\d+ -> n\d+", out, re.M)) == 6
    assert 'label="u = b · c = 6\\n∂J/∂u = 3"' in out
    assert out.count('fillcolor="#ff99ff"') == 4  # b, u, v, J
    assert "rankdir=LR" in out


def test_output_file(tmp_path):
    target = tmp_path / "g.mmd"
    out = diagram(SEED_001, "-o", str(target))
    assert out == ""
    assert target.read_text(encoding="utf-8") == diagram(SEED_001)


def test_unwritable_output_file(tmp_path):
    # an -o FILE the system refuses is an output failure: 74 (EX_IOERR), like a full stdout
    err = diagram(SEED_001, "-o", str(tmp_path / "missing" / "g.mmd"), expect=74)
    assert err.startswith("error: cannot write") and "No such file or directory" in err


def test_png_needs_a_file():
    assert diagram(SEED_001, "--format", "png", expect=2).startswith("error: --format png is binary")


def test_missing_dot_program_is_named(tmp_path):
    env = {"PATH": str(tmp_path)}  # a PATH without Graphviz
    err = diagram(SEED_001, "--format", "svg", env=env, expect=1)
    assert err.count("\n") == 1
    assert "'dot' program of Graphviz" in err and "apt-get install graphviz" in err


@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz (dot) not installed")
@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_svg_and_png_through_graphviz(tmp_path, fmt, magic):
    target = tmp_path / f"g.{fmt}"
    diagram(SEED_004, "--at", "w1=0.5,x1=2", "--highlight", "w1", "--format", fmt, "-o", str(target))
    assert magic in target.read_bytes()[:400]


def test_large_graph_note_on_stderr():
    source = " + ".join(f"x{i}*y{i}" for i in range(200))  # 200 products (400 edges), 199 sums (398)
    code, out, err = run_cgrad_inprocess("diagram", source)
    assert code == 0 and out.startswith("%%{init")
    assert err.startswith("note: this graph has 798 edges, more than the 500 Mermaid draws by default")


def test_help_examples_run(tmp_path):
    code, out, _ = run_cgrad_inprocess("diagram", "--help")
    assert code == 0
    import shlex

    examples = [line.strip() for line in out.splitlines() if line.strip().startswith("cgrad diagram ")]
    assert len(examples) >= 4
    for example in examples:
        if "--format svg" in example and shutil.which("dot") is None:
            continue
        words = shlex.split(example)[1:]
        code, _, err = run_cgrad_inprocess(*words, cwd=str(tmp_path))
        assert code == 0, (example, err)


def test_worksheet_diagram_blanks_gradients_and_locals():
    graph = Mermaid(diagram(SEED_001, "--at", SEED_001_AT, "--blank", "grads"))
    assert graph.text.startswith("---\ntitle: Worksheet\n---\n")
    assert graph.label("u = ") == "u = b · c = 6\n∂J/∂u = ____"
    assert graph.label("J = ") == "J = 3 · v = 21\n∂J/∂J = 1"
    assert graph.edge("b = ", "u = ")[1] == "∂u/∂b = ____"
    key = Mermaid(diagram(SEED_001, "--at", SEED_001_AT, "--blank", "grads", "--answers"))
    assert key.text.startswith("---\ntitle: Answer key\n---\n")
    assert key.label("u = ") == "u = b · c = 6\n∂J/∂u = 3"
    assert len(key.nodes) == len(graph.nodes) and len(key.edges) == len(graph.edges)
    everything = Mermaid(diagram(SEED_001, "--at", SEED_001_AT, "--blank", "all"))
    assert everything.label("u = ") == "u = b · c = ____\n∂J/∂u = ____"
    assert everything.label("b = ") == "b = 2\n∂J/∂b = ____"  # the inputs are given


def test_tensors_show_shapes_and_vector_jacobian_products():
    graph = Mermaid(diagram("Y = X @ W + b; L = sum(Y)", "--at", "X=[[1,2],[3,4]]", "--at", "W=[[1,0],[0,1]]",
                            "--at", "b=[1,1]"))
    assert graph.label("X : ") == "X : 2×2 = [[1, 2], [3, 4]]\n∂L/∂X = [[1, 1], [1, 1]]"
    assert graph.label("b : ") == "b : 2 = [1, 1]\n∂L/∂b = [2, 2]"
    assert graph.label("L = ") == "L = sum(Y) = 14\n∂L/∂L = 1"
    assert graph.edge("W : ", "t1 : ")[1] == "∂L/∂W += Xᵀ @ ∂L/∂t1"
