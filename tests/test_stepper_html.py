"""The stepper page of `--format html` in headless Chromium, driven with the arrow keys
(tests/mermaid/stepper.mjs): the lit node and table row follow the passes' orders, and no request
leaves the page, for seed 001 and seed 004. (A sample of `--steps` Mermaid frames is drawn with the
other Mermaid cases in tests/test_render_mermaid.py: one browser for all.)

Needs node, /usr/bin/chromium, the node packages of tests/mermaid and Graphviz's dot; skipped
with the reason where one is missing, except under CI (CI=true), where that is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import run_cgrad_inprocess
from test_render_mermaid import HERE, _missing

SEED_001 = ("u = b*c; v = a + u; J = 3v", "a=1,b=2,c=3")
SEED_004 = ("t1 = w1*x1; a1 = relu(t1); t2 = w1*x1; a2 = sigmoid(t2); o = a1 + a2", "w1=0.5,x1=2")  # weight sharing


def _require() -> None:
    reason = _missing() or (None if shutil.which("dot") else "Graphviz's dot is not installed (Debian package graphviz)")
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the Chromium checks are required in CI: {reason}")
        pytest.skip(reason)


def _node(*args: str) -> list[dict]:
    done = subprocess.run(["node", *args], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _passes(source: str, at: str) -> list[tuple[str, str]]:
    code, out, err = run_cgrad_inprocess("eval", source, "--at", at, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    return [("forward", row["name"]) for row in result["forward"]] + [("backward", row["name"]) for row in result["backward"]]


def test_stepping_the_page(tmp_path):
    _require()
    cases = {"seed001": SEED_001, "seed004": SEED_004}
    pages = []
    for label, (source, at) in cases.items():
        page = tmp_path / f"{label}.html"
        code, _, err = run_cgrad_inprocess("diagram", source, "--at", at, "--format", "html", "-o", str(page))
        assert code == 0, err
        pages.append(str(page))
    reports = {os.path.basename(report["page"])[:-5]: report for report in _node(os.path.join(HERE, "stepper.mjs"), *pages)}
    assert set(reports) == set(cases)
    for label, (source, at) in cases.items():
        report, order = reports[label], _passes(source, at)
        assert report["external"] == [] and report["requests"]  # only the file itself was read
        assert all(url.startswith("file://") for url in report["requests"])
        visits = report["visits"]
        assert [visit["node"].split(" = ")[0] for visit in visits] == [name for _, name in order]
        assert [visit["counter"] for visit in visits] == [f"Step {i} of {len(order)} · {phase} pass"
                                                          for i, (phase, _) in enumerate(order, 1)]
        forward = sum(phase == "forward" for phase, _ in order)
        assert [visit["row"] for visit in visits] == [f"f{i}" for i in range(forward)] + [
            f"b{i}" for i in range(len(order) - forward)]
        assert report["back"] == visits[-2] and report["hashed"] == visits[2]
        assert report["hiddenAtStart"] > 0 and report["hiddenAtEnd"] == 0
    # seed 001, backward at v (step 8): the one use of v, by J, carries ∂J/∂J back; forward at u: b and c flow in
    assert reports["seed001"]["visits"][7]["lit"] == 1 and reports["seed001"]["visits"][2]["lit"] == 2
    # weight sharing: w1 is used by t1 and t2, so its backward step lights both uses
    w1 = next(visit for visit, (phase, name) in zip(reports["seed004"]["visits"], _passes(*SEED_004))
              if (phase, name) == ("backward", "w1"))
    assert w1["lit"] == 2
