"""The graph's nodes held as columns (graph.nodes.Nodes) behave as the Node objects they replace: built
from a list they give the same fields back, a view writes through to the columns, names and literals
land where they are read, the parser's build in memory maps gives what appending gives, the columns
widen past 2³¹, and the passes that release their values as they go give the answers worked out by
hand here. The JSON writer's encoding in pieces is checked against json.dumps itself."""
from __future__ import annotations

import json
import math

import pytest

from cgcli.graph.nodes import CONSTANT, PARAMETER, VARIABLE, Graph, Node, Nodes, Program
from cgcli.language.syntax import parse
from cgcli.render.json import json_text
from conftest import run_cgrad_inprocess


def _fields(node) -> tuple:
    return node.op, tuple(node.inputs), node.start, node.end, node.name, node.literal, node.call


LIST = [
    Node(VARIABLE, (), 0, 1, "x"),
    Node(CONSTANT, (), 2, 3, None, "2"),
    Node("mul", (0, 1), 0, 3, "u"),
    Node(CONSTANT, (), 4, 5, "c", "3"),
    Node("if", (0, 2, 3), 0, 9, None, None, "f(x)"),
    Node("sin", (4,), 0, 12),
    Node(PARAMETER, (), 6, 7, None, "a"),
    Node(VARIABLE, (), 8, 9, "y", "odd"),  # a variable with a literal: only a hand-made node has one
    Node("add", (5, 7), 0, 14, None, "odd too"),
]


def test_nodes_made_from_a_list_give_back_every_field():
    nodes = Nodes(LIST)
    assert len(nodes) == len(LIST)
    assert [_fields(view) for view in nodes] == [_fields(node) for node in LIST]
    assert [_fields(view) for view in nodes[2:5]] == [_fields(node) for node in LIST[2:5]]
    assert _fields(nodes[-1]) == _fields(LIST[-1])
    with pytest.raises(IndexError):
        nodes[len(LIST)]


def test_a_program_and_a_graph_take_a_list_of_nodes():
    program = Program("x*2", LIST[:3], {"u": 2}, {"x": 0}, 2)
    assert type(program.nodes) is Nodes
    graph = Graph.build("x*2", LIST[:3], [0, 1, 2], frozenset({"x", "u"}))
    assert list(graph.active) == [1, 0, 1] and graph.names == ["x", None, "u"]


def test_a_view_writes_through_to_the_columns():
    nodes = Nodes(LIST)
    view = nodes[1]
    view.literal, view.start, view.end, view.name = "-2", 1, 4, "k"
    view.call = "g(1)"
    again = nodes[1]
    assert _fields(again) == (CONSTANT, (), 1, 4, "k", "-2", "g(1)")
    nodes[0].name = "z"  # a variable's name is in its column; renaming it keeps the rest
    assert nodes.name(0) == "z" and nodes[0].literal is None and dict(nodes.named())[0] == "z"
    nodes[2].name = None
    assert nodes[2].name is None and 2 not in dict(nodes.named())
    nodes[0].op = CONSTANT  # a leaf changing kind keeps its name and its literal
    assert _fields(nodes[0]) == (CONSTANT, (), 0, 1, "z", None, None)
    assert nodes[2].inputs == (0, 1) and nodes[4].inputs == (0, 2, 3) and nodes[5].inputs == (4,)


def test_equal_literals_share_one_text():
    nodes = Nodes([Node(CONSTANT, (), 0, 1, None, "2"), Node(CONSTANT, (), 2, 3, None, "2")])
    assert nodes.seconds[0] == nodes.seconds[1] and nodes.texts.count("2") == 1


@pytest.mark.parametrize("source", [
    "u = x*y; c = 3; v = sin(u) + c - -2; f(a) = a^2; w = f(v) + pi",
    "s = sum(i = 1..40, x_i^2 * i); t = if(s > 1, s, -s) + max(x_1, x_2)",
    " + ".join(f"{k}*x{k % 7}^2" for k in range(3000)),  # more nodes than the first maps hold
])
def test_the_parsers_build_in_maps_gives_what_appending_gives(source):
    parsed = parse(source).nodes
    assert type(parsed.codes) is bytearray and parsed._maps is None  # frozen into arrays
    assert [_fields(view) for view in Nodes(parsed)] == [_fields(view) for view in parsed]
    mapped = Nodes.mapped()
    for view in parsed:
        mapped.add(view.op, view.inputs, view.start, view.end, view.name, view.literal, view.call)
    mapped.freeze()
    assert [_fields(view) for view in mapped] == [_fields(view) for view in parsed]


def test_the_columns_widen_past_two_to_the_31():
    for nodes in (Nodes(), Nodes.mapped()):
        nodes.add(VARIABLE, (), 0, 1, "x")
        nodes.add("neg", (0,), 0, 2 ** 40)
        nodes.add("add", (0, 1), 2 ** 33, 2 ** 34)
        nodes.freeze()
        assert [_fields(view) for view in nodes] == [(VARIABLE, (), 0, 1, "x", None, None),
                                                     ("neg", (0,), 0, 2 ** 40, None, None, None),
                                                     ("add", (0, 1), 2 ** 33, 2 ** 34, None, None, None)]


def test_a_pass_without_records_gives_the_gradient_by_hand():
    # f = Σ_k (x_k − x_{k+1})² + c·x_1, c = 3 named: ∂f/∂x_1 = 2(x_1 − x_2) + 3, ∂f/∂x_k = 2(x_k − x_{k+1}) − 2(x_{k−1} − x_k)
    n = 6000  # past the 4096 nodes at which the pass cuts its values back
    x = [0.5 + 0.001 * k for k in range(1, n + 1)]
    source = "c = 3; " + " + ".join(f"(x{k} - x{k + 1})^2" for k in range(1, n)) + " + c*x1"
    at = ",".join(f"x{k}={x[k - 1]!r}" for k in range(1, n + 1))
    code, out, err = run_cgrad_inprocess("eval", source, "--at", at, "--format", "json", "--no-trace")
    assert code == 0, err
    result = json.loads(out)
    assert list(result["gradient"]) == [f"x{k}" for k in range(1, n + 1)]  # the variables' order
    expected = [2 * (x[0] - x[1]) + 3] + [2 * (x[k] - x[k + 1]) - 2 * (x[k - 1] - x[k]) for k in range(1, n - 1)]
    expected.append(-2 * (x[n - 2] - x[n - 1]))
    assert all(math.isclose(result["gradient"][f"x{k + 1}"], value, rel_tol=1e-9, abs_tol=1e-12)
               for k, value in enumerate(expected))
    assert math.isclose(result["value"], sum((x[k] - x[k + 1]) ** 2 for k in range(n - 1)) + 3 * x[0], rel_tol=1e-12)


def test_a_variable_the_output_does_not_reach_has_derivative_zero_without_records():
    code, out, err = run_cgrad_inprocess("eval", "y = 2*z; x*x", "--at", "x=3,z=1", "--format", "json", "--no-trace")
    assert code == 0, err
    assert json.loads(out)["gradient"] == {"x": 6}


@pytest.mark.parametrize("size", [0, 1, 4096, 4097, 10001])
def test_json_in_pieces_is_json_dumps(size):
    document = {"output": "f", "value": 0.1, "gradient": {f"x{k}": k / 7 for k in range(size)},
                "conventions": ["é \"quoted\""], "forward": [{"name": f"t{k}", "value": -k} for k in range(size)]}
    assert json_text(document) == json.dumps(document, ensure_ascii=False) + "\n"
