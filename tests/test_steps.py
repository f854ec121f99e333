"""`cgrad diagram --steps` and `--format html`, in-process: the frames follow the passes' orders,
the last frame's numbers are `cgrad eval`'s, fan-out contributions add up frame by frame (hand
derived), worksheets stay blank, files are numbered, the page is self-contained, bad input is refused.
The Chromium checks (Mermaid drawing the frames, stepping the page) are in test_stepper_html.py."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from conftest import run_cgrad_inprocess

SEED_001, SEED_001_AT = "u = b*c; v = a + u; J = 3v", "a=1,b=2,c=3"
SHARED = "u = x*y; v = u + x; w = v*u"  # x and u both fan out
HEADING = re.compile(r"^## Step (\d+) of (\d+) · (forward|backward) pass: (.+)$", re.M)
NODE = re.compile(r'^    (n\d+)[\[(]+"([^"]*)"', re.M)
EDGE = re.compile(r'^    (n\d+) -->(?:\|"([^"]*)"\|)? (n\d+)$', re.M)
dot_installed = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def run(*args: str, expect: int = 0) -> tuple[str, str]:
    code, out, err = run_cgrad_inprocess(*args)
    assert code == expect, (code, err)
    return out, err


def slides(*args: str) -> list[str]:
    """The deck's slides after the introduction."""
    out, _ = run("diagram", *args, "--steps")
    return out.split("\n---\n")[1:]


class Frame:
    """One Mermaid frame: its heading, node labels by id, edges, the lit node and edges."""

    def __init__(self, slide: str) -> None:
        number, count, self.phase, self.name = HEADING.search(slide).groups()
        self.number, self.count = int(number), int(count)
        self.labels = {node: label.split("<br/>") for node, label in NODE.findall(slide)}
        self.edges = [(source, label, target) for source, label, target in EDGE.findall(slide)]
        self.lit = re.findall(r"style (n\d+) fill:#f9f", slide)
        links = re.search(r"linkStyle ([\d,]+) ", slide)
        self.lit_edges = [self.edges[int(i)] for i in links.group(1).split(",")] if links else []

    def node(self, name: str) -> str:
        return next(node for node, lines in self.labels.items() if re.split(r" [=:] ", lines[0])[0] == name)

    def lines(self, name: str) -> list[str]:
        return self.labels[self.node(name)]


def frames(*args: str) -> list[Frame]:
    return [Frame(slide) for slide in slides(*args)]


def evaluated(*args: str) -> dict:
    out, _ = run("eval", *args, "--format", "json")
    return json.loads(out)


@pytest.mark.parametrize("args", [
    (SEED_001, "--at", SEED_001_AT),
    (SHARED, "--at", "x=2,y=3"),
    ("k = 2; h = relu(w*x + b) * k", "--at", "w=0.5,x=2,b=-1"),  # seed 004's neuron, a named constant
    ("Y = X @ W + b; L = sum(Y)", "--at", "X=[[1,2],[3,4]]", "--at", "W=[[1,0],[0,1]]", "--at", "b=[1,1]"),
])
def test_frames_follow_the_passes(args):
    result = evaluated(*args)
    expected = ([("forward", row["name"]) for row in result["forward"]]
                + [("backward", row["name"]) for row in result["backward"]])
    walk = frames(*args)
    assert [(frame.phase, frame.name) for frame in walk] == expected
    assert [frame.number for frame in walk] == list(range(1, len(expected) + 1))
    assert {frame.count for frame in walk} == {len(expected)}
    operands = {row["name"]: row["operands"] for row in result["forward"]}
    forward = [name for phase, name in expected if phase == "forward"]
    backward = [name for phase, name in expected if phase == "backward"]
    for i, name in enumerate(forward):  # topological: operands before the node
        assert all(operand not in forward[i:] for operand in operands[name])
    for i, name in enumerate(backward):  # reverse: every consumer before the node
        assert all(name not in operands[later] for later in backward[i + 1:])


def test_each_frame_lights_its_node_and_edges():
    walk = frames(SHARED, "--at", "x=2,y=3")
    for frame in walk:
        node = frame.node(frame.name)
        assert frame.lit == [node]
        if frame.phase == "forward":  # the operands flowing in: x and y into u, u and x into v, v and u into w
            assert all(target == node for _, _, target in frame.lit_edges)
        else:  # the uses carrying ∂w/∂consumer back
            assert all(source == node for source, _, _ in frame.lit_edges)
    lit = {(frame.phase, frame.name): len(frame.lit_edges) for frame in walk}
    assert lit[("forward", "u")] == 2 and lit[("forward", "x")] == 0
    assert lit[("backward", "x")] == 2 and lit[("backward", "u")] == 2 and lit[("backward", "w")] == 0


def test_fan_out_contributions_add_up_over_the_frames():
    # w = v·u, v = u + x, u = x·y at x=2, y=3: u = 6, v = 8, w = 48.
    # ∂w/∂u = v (direct) + ∂w/∂v · 1 = 8 + 6 = 14; ∂w/∂x = ∂w/∂v · 1 + ∂w/∂u · y = 6 + 42 = 48
    by_name = {(frame.phase, frame.name): frame for frame in frames(SHARED, "--at", "x=2,y=3")}
    assert by_name[("forward", "w")].lines("x") == ["x = 2"]
    assert by_name[("forward", "u")].lines("v") == ["v = u + x"]  # not computed yet
    assert by_name[("backward", "w")].lines("u")[1] == "∂w/∂u = 8 + …"
    after_v = by_name[("backward", "v")]
    assert after_v.lines("u")[1] == "∂w/∂u = 8 + 6" and after_v.lines("x")[1] == "∂w/∂x = 6 + …"
    after_u = by_name[("backward", "u")]
    assert after_u.lines("u")[1] == "∂w/∂u = 14" and after_u.lines("x")[1] == "∂w/∂x = 6 + 42"
    assert by_name[("backward", "x")].lines("x")[1] == "∂w/∂x = 48"
    assert by_name[("backward", "v")].lines("y") == ["y = 3"]  # one use: no running sum


def test_the_chain_rule_line_under_each_backward_frame():
    decks = slides(SHARED, "--at", "x=2,y=3")
    assert decks[-1].rstrip().endswith(r"= 6 \cdot 1 + 14 \cdot 3 = 48$$")  # ∂w/∂x
    assert r"$$u = x \cdot y = 2 \cdot 3 = 6$$" in decks[2]


@pytest.mark.parametrize("args", [
    (SEED_001, "--at", SEED_001_AT),
    ("x/3 + y^2/7", "--at", "x=1,y=2", "--exact"),
    ("t1 = w1*x1; a1 = relu(t1); t2 = w1*x1; a2 = sigmoid(t2); o = a1 + a2", "--at", "w1=0.5,x1=2"),
])
def test_the_last_frame_has_the_numbers_of_eval(args):
    result = evaluated(*args)
    last = frames(*args)[-1]
    exact = "--exact" in args
    for row in result["forward"]:
        shown = last.lines(row["name"])[0].rsplit(" = ", 1)[-1]
        assert shown == row["value"] if exact else _near(shown, row["value"])
    for row in result["backward"]:
        shown = last.lines(row["name"])[1].rsplit(" = ", 1)[-1]
        assert shown == row["adjoint"] if exact else _near(shown, row["adjoint"])
    assert len(result["backward"]) > 2


def _near(shown: str, value) -> bool:
    """A picture's number (12 significant digits, `…` when cut) against the full one."""
    return float(shown.rstrip("…")) == pytest.approx(float(value), rel=1e-11)


def test_worksheet_frames_leave_the_numbers_blank():
    blank = frames(SEED_001, "--at", SEED_001_AT, "--blank", "grads")
    assert blank[-1].lines("b") == ["b = 2", "∂J/∂b = ____"]
    assert blank[-1].lines("J")[1] == "∂J/∂J = 1"
    assert all("____" not in line for frame in blank[:6] for lines in frame.labels.values() for line in lines)
    every = frames(SEED_001, "--at", SEED_001_AT, "--blank", "all")
    assert every[-1].lines("u") == ["u = b · c = ____", "∂J/∂u = ____"]
    key = frames(SEED_001, "--at", SEED_001_AT, "--blank", "grads", "--answers")
    assert key[-1].lines("b") == ["b = 2", "∂J/∂b = 9"]  # ∂J/∂b = 3c = 9


def test_number_systems_in_frames():
    digits = frames("sin(x)*exp(x)", "--at", "x=1/3", "--digits", "40")
    value = evaluated("sin(x)*exp(x)", "--at", "x=1/3", "--digits", "40")["value"]
    shown = digits[-1].lines("f")[0].rsplit(" = ", 1)[-1]  # 12 significant digits of the 40
    assert shown.endswith("…") and abs(Decimal(shown[:-1]) - Decimal(value)) <= Decimal("5e-13")
    interval = frames("x*x", "--at", "x=1..2", "--interval")
    assert interval[-1].lines("x")[1].startswith("∂f/∂x = [2")  # 2x over [1, 2]


def test_frames_in_a_folder(tmp_path):
    folder = tmp_path / "frames"
    run("diagram", SEED_001, "--at", SEED_001_AT, "--steps", "-o", f"{folder}/")
    names = sorted(path.name for path in folder.iterdir())
    assert names == [f"frame-{i:03d}.md" for i in range(1, 13)]  # 6 nodes forward, 6 back
    seventh = (folder / "frame-007.md").read_text(encoding="utf-8")
    assert Frame(seventh).name == "J" and Frame(seventh).phase == "backward"
    assert seventh.count("```mermaid") == 1
    run("diagram", SEED_001, "--at", SEED_001_AT, "--steps", "--format", "dot", "-o", str(folder))  # an existing folder
    assert len(list(folder.glob("frame-*.dot"))) == 12


@dot_installed
def test_dot_frames_draw_with_graphviz():
    out, _ = run("diagram", SHARED, "--at", "x=2,y=3", "--steps", "--format", "dot", "--blank", "grads")
    assert out.count("digraph cgrad {") == 10
    done = subprocess.run(["dot", "-Tsvg"], input=out.encode("utf-8"), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"<svg") == 10 and b"Worksheet" in done.stdout


def test_collapse_keeps_the_steps_of_the_drawn_nodes():
    program = "; ".join(["h0 = x"] + [f"h{i} = tanh(h{i - 1})" for i in range(1, 8)])
    walk = frames(program, "--at", "x=0.5", "--collapse", "2")
    assert [frame.name for frame in walk] == ["h5", "h6", "h7", "h7", "h6", "h5"]


def test_a_large_graph_says_how_many_frames():
    program = " + ".join(f"x{i}*y{i}" for i in range(11))  # 22 inputs, 11 products, 10 sums: 43 nodes
    at = ",".join(f"x{i}=1,y{i}=2" for i in range(11))
    out, err = run("diagram", program, "--at", at, "--steps")
    assert err.startswith("note: 43 nodes: writing 86 frames")
    assert out.count("```mermaid") == 86


@pytest.mark.parametrize("args, message", [
    (("--steps",), "--steps walks through the passes at a point: give the values with --at"),
    (("--format", "html"), "--format html walks through the passes at a point"),
    (("--at", "x=1", "--steps", "--format", "png", "-o", "x.png"), "--steps writes Mermaid (Markdown) or DOT frames"),
    (("--at", "x=1", "--steps", "--highlight", "x"), "--steps lights each step's node and edges itself"),
    (("--at", "x=1", "--format", "html", "--highlight", "x"), "--format html lights each step's node"),
    (("--at", "x=1", "--format", "html", "-o", "somewhere/"), "--format html writes one file"),
    (("--at", "x=oops", "--steps"), "x"),
])
def test_bad_input_is_refused(args, message):
    code, out, err = run_cgrad_inprocess("diagram", "3*x", *args)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and message in err and err.count("\n") <= 3


def test_math_failure_is_status_1():
    code, out, err = run_cgrad_inprocess("diagram", "log(x)", "--at", "x=-1", "--steps")
    assert code == 1 and out == ""  # no frame written before the math fails
    assert err.startswith("error: in f = log(x): log of a non-positive number, where x = -1")


def test_unwritable_folder_is_status_74(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run_cgrad_inprocess("diagram", "3*x", "--at", "x=1", "--steps", "-o", f"{blocker}/sub/")
    assert code == 74 and err.startswith("error: cannot write")


@dot_installed
def test_the_page_is_one_offline_file(tmp_path):
    target = tmp_path / "walk.html"
    run("diagram", SHARED, "--at", "x=2,y=3", "--format", "html", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    for external in ("http", "src=", "href=", "url(", "@import", "<link"):
        assert external not in page
    assert page.count("<svg") == 1 and page.count("<table") == 2
    data = json.loads(re.search(r'<script type="application/json" id="frames">(.*?)</script>', page, re.S).group(1))
    result = evaluated(SHARED, "--at", "x=2,y=3")
    assert [step["name"] for step in data["steps"]] == ([row["name"] for row in result["forward"]]
                                                        + [row["name"] for row in result["backward"]])
    for step in data["steps"]:  # the node, its edges and its row are elements of the page
        for element in [step["node"], step["row"], *step["edges"]]:
            assert f'id="{element}"' in page
    assert data["steps"][-1]["text"] == "∂w/∂x = ∂w/∂v · ∂v/∂x + ∂w/∂u · ∂u/∂x = 6 × 1 + 14 × 3 = 48"


def test_the_page_names_the_missing_program(tmp_path):
    code, out, err = run_cgrad_inprocess("diagram", "3*x", "--at", "x=1", "--format", "html",
                                         env={"PATH": str(tmp_path)})
    assert (code, out) == (1, "")
    assert err.startswith("error: --format html needs the 'dot' program of Graphviz")


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_frames_are_written_as_they_are_made(monkeypatch, fmt):
    # each frame reaches the output before the next one's figure is built: memory holds one frame
    import cgcli.cli.output as output
    import cgcli.render.frames as frames

    built, writes = [], []
    build = frames.figures.build
    monkeypatch.setattr(frames.figures, "build", lambda *a, **k: built.append(1) or build(*a, **k))
    write = output.write
    monkeypatch.setattr(output, "write", lambda text: writes.append((len(built), text)) or write(text))
    out, _ = run("diagram", SEED_001, "--at", SEED_001_AT, "--steps", "--format", fmt)
    steps = 12  # 6 nodes, forward then backward
    first = next(k for k, (_, text) in enumerate(writes) if "step 1 of 12" in text.lower())
    counts = [count for count, _ in writes[first:]]  # figures built when each piece went out
    assert len(counts) == steps and counts == list(range(counts[0], counts[0] + steps))
    assert counts[0] <= 2  # the first frame's (and, for Mermaid, the size check's, built before)
    assert "".join(text for _, text in writes) == out
