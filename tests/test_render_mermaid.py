"""cgrad's Mermaid drawn by the real mermaid library in headless Chromium (tests/mermaid/render.mjs).

Each case is rendered to SVG; the test asserts that Mermaid reported no error and drew the
expected number of nodes and edges, counted by hand from the expression, and that labels with
odd names and numbers come out as the reader should see them.

Needs node, /usr/bin/chromium (Debian package chromium) and `npm ci` in tests/mermaid, which
.ci/run installs. Where they are missing the test is skipped with the reason, except under CI
(CI=true), where a missing renderer is a failure. CGRAD_MERMAID_SHOTS=DIR keeps the SVGs and a
PNG screenshot of each in DIR.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import REPO, run_cgrad_inprocess, unavailable

HERE = os.path.join(REPO, "tests", "mermaid")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SEED_000 = ("u1 = w1*x1 + w2*x2; u2 = w3*x1 + w4*x2; hat_y = w5*u1 + w6*u2; L = (hat_y - y)^2")
SEED_000_AT = "x1=1,x2=2,w1=0.1,w2=0.2,w3=0.3,w4=0.4,w5=0.5,w6=0.6,y=1"
LAYERS_200 = "; ".join(["h0 = x"] + [f"h{i} = tanh(w{i}*h{i - 1})" for i in range(1, 67)])
LAYERS_200_AT = ",".join(["x=0.5"] + [f"w{i}=0.9" for i in range(1, 67)])

# name → (cgrad diagram arguments, nodes, edges, labels that must appear as drawn)
CASES = {
    "seed001_structure": (["u = b*c; v = a + u; J = 3v"], 7, 6, ["u = b · c", "J = 3 · v"]),
    "seed001_products": (["u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3", "--products", "--highlight", "b"],
                         7, 6, ["u = b · c = 6∂J/∂u = 3", "b = 2∂J/∂b = 9"]),
    "seed002_negative": (["p = x + y; g = p*z", "--at", "x=1,y=3,z=-3"], 5, 4, ["z = -3∂g/∂z = 4", "g = p · z = -12∂g/∂g = 1"]),
    # seed 000's ANN: 9 inputs, 11 ops, the constant 2; 11 binary ops draw 22 edges
    "seed000_ann": ([SEED_000, "--at", SEED_000_AT, "--highlight", "w5"], 21, 22, ["w5 = 0.5"]),
    "seed004_sharing": (["t1 = w1*x1; a1 = relu(t1); t2 = w1*x1; a2 = sigmoid(t2); o = a1 + a2", "--at", "w1=0.5,x1=2",
                         "--highlight", "w1", "--direction", "TB"], 7, 8, ["a1 = relu(t1) = 1∂o/∂a1 = 1"]),
    # x, h0 and 66 layers of w, w·h, tanh: 200 nodes, 199 edges
    "layers_200": ([LAYERS_200, "--at", LAYERS_200_AT, "--products"], 200, 199, ["x = 0.5∂h66/∂x = "]),
    # drawn: h66, t66, w66, h65, t65 (at most 3 edges below h66) and one summary of the other 195
    "layers_collapsed": ([LAYERS_200, "--collapse", "3", "--highlight", "x"], 6, 5,
                         ["… 195 more nodesinputs: x, w1, w2, w3, … (+62)"]),
    "odd_names_exact": (["θ*w_1 + hat_y - (-3) + x₁ + _z", "--at", "θ=-1/3,w_1=2,hat_y=3,x₁=2,_z=-0.5", "--exact"],
                        11, 10, ["θ = -1/3∂f/∂θ = 2", "w_1 = 2∂f/∂w_1 = -1/3", "-3", "t3 = t2 - (-3) = 16/3∂f/∂t3 = 1",
                                 "_z = -1/2∂f/∂_z = 1"]),
    "fractions": (["x/3 + y^2/7", "--at", "x=1,y=2", "--exact", "--products"], 9, 8, ["f = t1 + t3 = 19/21∂f/∂f = 1"]),
    "digits": (["sin(x)*exp(x)/(1+x^2)", "--at", "x=1/3", "--digits", "50"], 9, 10, ["f = t3 / t5 = 0.410973285844…"]),
    "interval": (["x*exp(x) + relu(x - 1)", "--at", "x=0.99..1.01", "--interval"], 7, 8, []),
    "worksheet": (["u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3", "--blank", "grads"], 7, 6, ["u = b · c = 6∂J/∂u = ____"]),
    # X, W, X @ W, b, b repeated, the sum and L: tensors show their shapes
    "tensors": (["Y = X @ W + b; L = sum(Y)", "--at", "X=[[1,2],[3,4]]", "--at", "W=[[1,0],[0,1]]", "--at", "b=[1,1]",
                 "--products"], 7, 7, ["X : 2×2 = [[1, 2], [3, 4]]∂L/∂X = [[1, 1], [1, 1]]"]),
    "greek_words": (["alpha*beta + Δ*λ", "--at", "alpha=1,beta=2,Δ=3,λ=4", "--highlight", "λ"], 7, 6, ["λ = 4∂f/∂λ = 3"]),
}


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (Debian package nodejs)"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (Debian package chromium)"
    for package in ("mermaid/dist/mermaid.min.js", "playwright-core/package.json"):
        if not os.path.exists(os.path.join(HERE, "node_modules", package)):
            return "the node packages are not installed: run `npm ci` in tests/mermaid"
    return None


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every case rendered in one browser: name → the renderer's report."""
    reason = _missing()
    if reason:
        unavailable("the Mermaid renderer", reason)
    folder = os.environ.get("CGRAD_MERMAID_SHOTS") or str(tmp_path_factory.mktemp("mermaid"))
    os.makedirs(folder, exist_ok=True)
    pairs, names = [], {}
    for name, (args, *_rest) in CASES.items():
        code, out, err = run_cgrad_inprocess("diagram", *args)
        assert code == 0, (name, err)
        source = os.path.join(folder, f"{name}.mmd")
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(out)
        pairs += [source, os.path.join(folder, f"{name}.svg")]
        names[source] = name
    pairs += _synthetic(folder, names)
    pairs += _step_frames(folder, names)
    pairs += _note_blocks(folder, names)
    command = ["node", os.path.join(HERE, "render.mjs")]
    if os.environ.get("CGRAD_MERMAID_SHOTS"):
        command.append("--png")
    done = subprocess.run(command + pairs, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), f"the renderer could not run:\n{done.stderr}"
    reports = {}
    for line in done.stdout.splitlines():
        report = json.loads(line)
        reports[names[report["input"]]] = report
    assert set(reports) == set(names.values()), done.stderr
    return reports


SYNTHETIC_LABELS = [['a "quoted" <b>not bold</b>', "#35; & | `tick`"], ["]) ]] )) [[ (( {x} ;"], ["ünïcödé ∂θ/∂w₁ ≥ ≤ · ×"]]


def _synthetic(folder: str, names: dict) -> list[str]:
    """A figure whose labels hold every character Mermaid treats specially."""
    from cgcli.render.figure import Edge, Figure, Node
    from cgcli.render.mermaid import render

    nodes = [Node(f"n{i}", kind, lines) for i, (kind, lines) in enumerate(zip(("var", "op", "summary"), SYNTHETIC_LABELS))]
    edges = [Edge("n0", "n1", ['|pipe| "quote" <tag>']), Edge("n1", "n2", ["#quot; #lt;"])]
    source = os.path.join(folder, "synthetic.mmd")
    with open(source, "w", encoding="utf-8") as handle:
        handle.write(render(Figure(nodes, edges)))
    names[source] = "synthetic"
    return [source, os.path.join(folder, "synthetic.svg")]


# `diagram --steps`: the first, middle and last frames of seed 001 and of seed 004 (in --digits 30)
STEP_CASES = {"seed001": ["u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3"],
              "seed004": ["t1 = w1*x1; a1 = relu(t1); t2 = w1*x1; a2 = sigmoid(t2); o = a1 + a2", "--at", "w1=0.5,x1=2",
                          "--digits", "30"]}
STEP_LINES: dict[str, int] = {}  # frame → its node and edge lines (one drawn node or edge each)


def _step_frames(folder: str, names: dict) -> list[str]:
    pairs = []
    for label, args in STEP_CASES.items():
        frames = os.path.join(folder, f"steps-{label}")
        code, _, err = run_cgrad_inprocess("diagram", *args, "--steps", "-o", frames + "/")
        assert code == 0, err
        files = sorted(os.listdir(frames))
        for which, file in zip(("first", "middle", "last"), (files[0], files[len(files) // 2], files[-1])):
            with open(os.path.join(frames, file), encoding="utf-8") as handle:
                text = handle.read()
            source = os.path.join(folder, f"steps-{label}-{which}.mmd")
            with open(source, "w", encoding="utf-8") as handle:
                handle.write(text.split("```mermaid\n", 1)[1].split("```", 1)[0])
            names[source] = f"steps-{label}-{which}"
            STEP_LINES[names[source]] = text.count("\n    n")
            pairs += [source, source[:-4] + ".svg"]
    return pairs


def _note_blocks(folder: str, names: dict) -> list[str]:
    """The Mermaid blocks `cgrad notes` writes into tests/test_notes.py's note (eval's worked solution, the diagram)."""
    from test_notes import NOTE

    note = os.path.join(folder, "note.md")
    with open(note, "w", encoding="utf-8") as handle:
        handle.write(NOTE)
    code, _, err = run_cgrad_inprocess("notes", note)
    assert code == 0, err
    with open(note, encoding="utf-8") as handle:
        blocks = [part.split("\n```", 1)[0] for part in handle.read().split("```mermaid\n")[1:]]
    pairs = []
    for index, block in enumerate(blocks):
        source = os.path.join(folder, f"note-{index}.mmd")
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(block)
        names[source] = f"note-{index}"
        pairs += [source, source[:-4] + ".svg"]
    return pairs


@pytest.mark.parametrize("block", ["note-0", "note-1"])
def test_a_filled_notes_mermaid_blocks_render(rendered, block):
    report = rendered[block]
    assert report["ok"], report["error"]
    assert (report["nodes"], report["edges"]) == (7, 6)  # seed 001: a, b, c, 3 and u, v, J; 6 edges
    if block == "note-0":  # eval's worked solution draws the values at a=5, b=3, c=2
        assert "J = 3 · v = 33∂J/∂J = 1" in report["labels"] and "c = 2∂J/∂c = 9" in report["labels"]


@pytest.mark.parametrize("frame", [f"steps-{label}-{which}" for label in STEP_CASES
                                   for which in ("first", "middle", "last")])
def test_step_frames_render(rendered, frame):
    report = rendered[frame]
    assert report["ok"], report["error"]
    assert report["nodes"] + report["edges"] == STEP_LINES[frame]
    if frame == "steps-seed001-last":  # every value and ∂J/∂node drawn
        assert "b = 2∂J/∂b = 9" in report["labels"] and "u = b · c = 6∂J/∂u = 3" in report["labels"]


@pytest.mark.parametrize("name", list(CASES))
def test_mermaid_renders(rendered, name):
    _, nodes, edges, labels = CASES[name]
    report = rendered[name]
    assert report["ok"], report["error"]
    assert report["nodes"] == nodes
    assert report["edges"] == edges
    for label in labels:
        assert any(drawn.startswith(label) for drawn in report["labels"]), (label, report["labels"][:12])


def test_special_characters_reach_the_picture_unchanged(rendered):
    report = rendered["synthetic"]
    assert report["ok"], report["error"]
    assert report["nodes"] == 3 and report["edges"] == 2
    assert report["labels"] == ["".join(lines) for lines in SYNTHETIC_LABELS]
