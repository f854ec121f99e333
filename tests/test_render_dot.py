"""cgrad's DOT drawn by Graphviz's own `dot -Tsvg`: no error, and the expected nodes and edges in the SVG.

Needs the dot program (Debian package graphviz), which .ci/run installs; skipped with the reason
where it is missing, except under CI, where that is a failure.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from conftest import run_cgrad_inprocess

CASES = {  # name → (cgrad diagram arguments, nodes, edges), counted by hand
    "seed001": (["u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3", "--highlight", "b", "--products"], 7, 6),
    "seed004": (["t1 = w1*x1; a1 = relu(t1); t2 = w1*x1; a2 = sigmoid(t2); o = a1 + a2", "--at", "w1=0.5,x1=2",
                 "--direction", "TB"], 7, 8),
    "odd_names": (['θ*w_1 + hat_y - (-3) + x₁ + _z', "--at", "θ=-1/3,w_1=2,hat_y=3,x₁=2,_z=-0.5", "--exact"], 11, 10),
    "layers_200": (["; ".join(["h0 = x"] + [f"h{i} = tanh(w{i}*h{i - 1})" for i in range(1, 67)])], 200, 199),
    "worksheet": (["u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3", "--blank", "all"], 7, 6),
}


@pytest.mark.parametrize("name", list(CASES))
def test_dot_renders(dot, name):
    args, nodes, edges = CASES[name]
    code, source, err = run_cgrad_inprocess("diagram", *args, "--format", "dot")
    assert code == 0, err
    done = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    svg = done.stdout.decode("utf-8")
    assert len(re.findall(r'<g id="node\d+" class="node">', svg)) == nodes
    assert len(re.findall(r'<g id="edge\d+" class="edge">', svg)) == edges


def test_labels_survive_graphviz(dot):
    code, source, err = run_cgrad_inprocess("diagram", 'θ*w_1 + hat_y - (-3)', "--at", "θ=-1/3,w_1=2,hat_y=3",
                                          "--exact", "--format", "dot")
    assert code == 0, err
    svg = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True).stdout.decode("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for expected in ("θ = &#45;1/3", "∂f/∂θ = 2", "w_1 = 2", "f = t2 &#45; (&#45;3) = 16/3", "&#45;3"):
        assert expected in texts, (expected, texts)
