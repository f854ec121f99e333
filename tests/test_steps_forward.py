"""`cgrad diagram --steps --mode forward` (and `--format html --mode forward`), in-process: one frame
per node in topological order, each node's tangent appearing at its own step (and not before), the
edges carrying tangents into it lit with their local · tangent = share, the forward-mode chain rule
in LaTeX under each frame; the last frame's tangents are `cgrad eval --mode forward`'s and the
values derived by hand or by finite differences; DOT frames draw; bad input is refused (exit 2)."""
from __future__ import annotations

import json
import os
import re
import subprocess
from fractions import Fraction

import pytest

from conftest import run_cgrad_inprocess

SEED_001, SEED_001_AT = "u = b*c; v = a + u; J = 3v", "a=1,b=2,c=3"
SHARED = "u = x*y; v = u + x; w = v*u"  # x and u both fan out: w = (xy + x)·xy
HEADING = re.compile(r"^## Step (\d+) of (\d+) · forward mode: (.+)$", re.M)
NODE = re.compile(r'^    (n\d+)[\[(]+"([^"]*)"', re.M)
EDGE = re.compile(r'^    (n\d+) -->(?:\|"([^"]*)"\|)? (n\d+)$', re.M)
DOT_DOT = "\u0307"  # the combining dot of ẋ


def run(*args: str, expect: int = 0) -> tuple[str, str]:
    code, out, err = run_cgrad_inprocess(*args)
    assert code == expect, (code, err)
    return out, err


class Frame:
    """One Mermaid frame of forward mode: heading, node labels, edges, what is lit, the LaTeX lines."""

    def __init__(self, slide: str) -> None:
        number, count, self.name = HEADING.search(slide).groups()
        self.number, self.count = int(number), int(count)
        self.labels = {node: label.split("<br/>") for node, label in NODE.findall(slide)}
        self.edges = EDGE.findall(slide)
        self.lit = re.findall(r"style (n\d+) fill:#f9f", slide)
        links = re.search(r"linkStyle ([\d,]+) ", slide)
        self.lit_edges = [self.edges[int(i)] for i in links.group(1).split(",")] if links else []
        self.equations = re.findall(r"^\$\$(.*)\$\$$", slide, re.M)

    def node(self, name: str) -> str:
        return next(node for node, lines in self.labels.items() if re.split(r" [=:] ", lines[0])[0] == name)

    def tangent(self, name: str) -> str | None:
        """The text after `ṅ = ` in the node's label, or None while it is not shown."""
        lines = [line for line in self.labels[self.node(name)] if line.startswith(f"{name}{DOT_DOT} = ")]
        return lines[0].split(" = ", 1)[1] if lines else None


def frames(*args: str) -> list[Frame]:
    out, _ = run("diagram", *args, "--steps", "--mode", "forward")
    return [Frame(slide) for slide in out.split("\n---\n")[1:]]


def forward_json(*args: str) -> dict:
    out, _ = run("eval", *args, "--mode", "forward", "--format", "json")
    return json.loads(out)


def test_one_frame_per_node_in_topological_order():
    walk = frames(SHARED, "--at", "x=2,y=3", "--tangent", "x=1")
    order = [row["name"] for row in forward_json(SHARED, "--at", "x=2,y=3", "--tangent", "x=1")["tangents"]]
    assert order == ["x", "y", "u", "v", "w"]
    assert [frame.name for frame in walk] == order
    assert [(frame.number, frame.count) for frame in walk] == [(k, 5) for k in range(1, 6)]
    assert all(frame.lit == [frame.node(frame.name)] for frame in walk)


def test_a_tangent_appears_at_its_nodes_step_and_not_before():
    walk = frames(SHARED, "--at", "x=2,y=3", "--tangent", "x=1")
    for k, frame in enumerate(walk):
        for later in walk[k + 1:]:
            assert frame.tangent(later.name) is None
        assert all(frame.tangent(earlier.name) is not None for earlier in walk[:k + 1])


def test_the_edges_into_the_node_are_lit_with_local_times_tangent():
    walk = frames(SHARED, "--at", "x=2,y=3", "--tangent", "x=1")
    w = walk[-1]  # w = v·u: ∂w/∂v = u = 6, ∂w/∂u = v = 8; v̇ = 4, u̇ = 3 (by hand, along x)
    lit = {(source, target): label.split("<br/>") for source, label, target in w.lit_edges}
    assert lit == {(w.node("v"), w.node("w")): ["∂w/∂v = 6", "6 · 4 = 24"],
                   (w.node("u"), w.node("w")): ["∂w/∂u = 8", "8 · 3 = 24"]}
    u = walk[2]
    assert {target for _, _, target in u.lit_edges} == {u.node("u")} and len(u.lit_edges) == 2
    assert not walk[0].lit_edges  # an input's step carries nothing in


def test_the_forward_chain_rule_is_written_under_each_frame():
    w = frames(SHARED, "--at", "x=2,y=3", "--tangent", "x=1")[-1]
    assert w.equations == [r"w = v \cdot u = 8 \cdot 6 = 48",
                           r"\dot{w} = \frac{\partial w}{\partial v} \cdot \dot{v} + \frac{\partial w}{\partial u} "
                           r"\cdot \dot{u} = 6 \cdot 4 + 8 \cdot 3 = 48"]


def test_last_frame_is_eval_forward_and_the_hand_derivative():
    # w = (xy + x)·xy = x²y² + x²y: dw/dx = 2xy² + 2xy = 48, dw/dy = 2x²y + x² = 28 at (2, 3)
    last = frames(SHARED, "--at", "x=2,y=3")[-1]
    result = forward_json(SHARED, "--at", "x=2,y=3")
    for row in result["tangents"]:
        assert last.tangent(row["name"]) == "(" + ", ".join(f"{t:g}" for t in row["tangent"]) + ")"
    assert last.tangent("w") == "(48, 28)" and result["gradient"] == {"x": 48, "y": 28}


def test_seed_001_along_a():
    walk = frames(SEED_001, "--at", SEED_001_AT, "--tangent", "a=1,b=0,c=0")
    result = forward_json(SEED_001, "--at", SEED_001_AT, "--tangent", "a=1,b=0,c=0")
    assert result["jvp"] == 3  # J = 3(a + bc): ∂J/∂a = 3
    assert [frame.name for frame in walk] == [row["name"] for row in result["tangents"]]
    assert {name: walk[-1].tangent(name) for name in ("b", "c", "u", "a", "v", "J")} == {
        "b": "0", "c": "0", "u": "0", "a": "1", "v": "1", "J": "3"}


def test_a_directional_derivative_against_finite_differences():
    program, x, y, dx, dy = "p = sin(x*y); q = p*x + exp(y)/x", 1.5, -0.7, 1.0, 2.0
    last = frames(program, "--at", f"x={x},y={y}", "--tangent", f"x={dx},y={dy}", "--digits", "20")[-1]

    def f(t: float) -> float:
        import math
        a, b = x + t * dx, y + t * dy
        return math.sin(a * b) * a + math.exp(b) / a

    h = 1e-5
    central = (f(h) - f(-h)) / (2 * h)
    shown = float(last.tangent("q").rstrip("…"))
    assert abs(shown - central) < 1e-7


def test_exact_numbers_in_the_frames():
    # w = x²/y² + x: along (1, 1) at (1, 3): 2x/y² − 2x²/y³ + 1 = 2/9 − 2/27 + 1 = 31/27
    last = frames("u = x/y; w = u*u + x", "--at", "x=1,y=3", "--tangent", "x=1,y=1", "--exact")[-1]
    assert Fraction(last.tangent("w")) == Fraction(2, 9) - Fraction(2, 27) + 1
    result = forward_json("u = x/y; w = u*u + x", "--at", "x=1,y=3", "--tangent", "x=1,y=1", "--exact")
    assert result["jvp"] == "31/27"


def test_interval_frames_enclose_the_tangent():
    last = frames("w = x*x*x", "--at", "x=1/3", "--tangent", "x=1", "--interval")[-1]
    low, high = (float(part) for part in last.tangent("w").strip("[]").split(","))
    assert low <= 1 / 3 <= high  # d(x³)/dx = 3x² = 1/3


def test_frames_to_a_folder(tmp_path):
    run("diagram", SHARED, "--at", "x=2,y=3", "--steps", "--mode", "forward", "-o", f"{tmp_path}/")
    assert sorted(os.listdir(tmp_path)) == [f"frame-00{k}.md" for k in range(1, 6)]
    assert "## Step 5 of 5 · forward mode: w" in (tmp_path / "frame-005.md").read_text(encoding="utf-8")


def test_the_static_diagram_shows_tangents():
    out, _ = run("diagram", SHARED, "--at", "x=2,y=3", "--mode", "forward", "--tangent", "x=0,y=1")
    assert f'"w = v · u = 48<br/>w{DOT_DOT} = 28"' in out and "∂w/∂u = 8" in out and "8 · " not in out
    out, _ = run("diagram", SHARED, "--at", "x=2,y=3", "--mode", "forward", "--tangent", "x=0,y=1", "--products")
    assert "8 · 2 = 16" in out  # ∂w/∂u · u̇ with u̇ = x = 2 along y


def test_dot_frames_draw(dot):
    out, _ = run("diagram", SHARED, "--at", "x=2,y=3", "--steps", "--mode", "forward", "--format", "dot")
    assert out.count("digraph cgrad {") == 5 and "// step 5 of 5, forward mode: w" in out
    done = subprocess.run([dot, "-Tsvg"], input=out.encode("utf-8"), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"<svg") == 5


def test_the_page_steps_through_forward_mode(dot, tmp_path):
    target = tmp_path / "walk.html"
    run("diagram", SHARED, "--at", "x=2,y=3", "--format", "html", "--mode", "forward", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="frames">(.*?)</script>', page, re.S).group(1))
    assert [step["name"] for step in data["steps"]] == ["x", "y", "u", "v", "w"]
    assert {step["title"] for step in data["steps"]} == {"forward mode"}
    assert data["steps"][-1]["text"] == (f"w = v · u = 48, w{DOT_DOT} = ∂w/∂v · v{DOT_DOT} + ∂w/∂u · u{DOT_DOT} "
                                         "= 6 · (4, 2) + 8 · (3, 2) = (48, 28)")
    assert all(forward == second for forward, second in data["nodes"].values())  # the tangent with the value
    assert page.count("<table") == 1 and "tangent ∂/∂y" in page


@pytest.mark.parametrize("args, message", [
    (["--mode", "both", "--steps"], "--mode both"),
    (["--tangent", "x=1", "--steps"], "--tangent is a direction for forward mode"),
    (["--mode", "forward", "--steps", "--blank", "grads"], "worksheets"),
    (["--mode", "forward", "--steps", "--tangent", "z=1"], "--tangent z"),
    (["--mode", "forward", "--steps", "--tangent", "x=two"], "--tangent x=two"),
])
def test_refusals(args, message):
    _, err = run("diagram", SHARED, "--at", "x=2,y=3", *args, expect=2)
    assert err.startswith("error:") and message in err and len(err.strip().splitlines()) == 1


def test_forward_mode_needs_a_point():
    _, err = run("diagram", SHARED, "--mode", "forward", "--steps", expect=2)
    assert err.startswith("error:") and "--at" in err
