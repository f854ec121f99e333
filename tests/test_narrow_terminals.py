"""Narrow terminals: at every width from 20 columns up, every number a table shows is there whole:
folded onto the next line of its cell when it must be, never cropped (issue 23).

The sweep runs in-process with the terminal path forced and COLUMNS set (what Rich reads for a
terminal's width); one test runs cgrad in a real pseudo-terminal, resized between runs of one
process, so that the width comes from the terminal itself.
"""
from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

import cgcli.cli.output
from conftest import REPO, read_pseudo_terminal, run_cgrad_inprocess

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
# between two characters of a number: nothing, or the end of the line and the same cell's next
# line (the record's label column may hold a folded piece of its label there)
FOLD = r"(?:[ ]*\n[ ]*(?:\S+[ ]{2,})?)?"

CASES = {
    "eval": ["eval", "sin(x)*y", "--at", "x=1,y=0.1"],  # issue 23: 0.5403023058681398 cut at 36 columns
    "descend": ["descend", "(x-3)^2", "--params", "x=0", "--lr", "0.45", "--steps", "6", "--trace"],  # exponents
    "paths": ["paths", "t = w1*x1; a1 = relu(t); a2 = sigmoid(t); o = a1 + a2", "--at", "w1=0.5,x1=2",
              "--wrt", "w1"],
}


def _terminal_run(args: list[str], width: int, monkeypatch) -> str:
    monkeypatch.setattr(cgcli.cli.output, "is_terminal", lambda: True)
    code, out, err = run_cgrad_inprocess(*args, env={"COLUMNS": str(width)})
    assert code == 0, err
    return ANSI.sub("", out)


def _missing(numbers: set[str], text: str) -> list[str]:
    return sorted(number for number in numbers if not re.search(FOLD.join(map(re.escape, number)), text))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_number_is_whole_at_every_width(case, monkeypatch):
    args = CASES[case]
    numbers = set(NUMBER.findall(_terminal_run(args, 400, monkeypatch)))
    assert len(numbers) >= 3
    for width in range(20, 72):
        text = _terminal_run(args, width, monkeypatch)
        assert not _missing(numbers, text), f"{width} columns:\n{text}"


def test_the_fold_check_sees_a_cropped_number():
    # the check itself: the layout of the bug (digits dropped at the fold) fails it, a fold passes it
    assert _missing({"0.5403023058681398"}, "x\n  value         0.54030230586813\n                8\n")
    assert not _missing({"0.5403023058681398"}, "x\n  ∂f/∂variable  0.540302305868\n                1398\n")
    assert not _missing({"0.5403023058681398"}, "  local         0.540302\n  derivative    305868\n  s             1398\n")


CHILD = """
import fcntl, struct, sys, termios
from cgcli.cli.main import main
for width, args in RUNS:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    sys.stdout.write(f"=== {width}\\n")
    sys.stdout.flush()
    try:
        main(args)
    except SystemExit:
        pass
    sys.stdout.flush()
"""


def test_in_a_real_pseudo_terminal(monkeypatch):
    """One process in a pseudo-terminal, resized before each run: Rich reads the width from it."""
    runs = [(width, CASES[case]) for case in ("eval", "descend") for width in (24, 36, 44)]
    expected = {case: set(NUMBER.findall(_terminal_run(CASES[case], 400, monkeypatch))) for case in CASES}
    master, slave = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    child = subprocess.Popen([sys.executable, "-c", f"RUNS = {runs!r}\n{CHILD}"], stdin=slave, stdout=slave,
                             stderr=slave, cwd=REPO, env=env, close_fds=True)
    os.close(slave)
    written = read_pseudo_terminal(master, child)
    assert child.returncode == 0
    text = ANSI.sub("", written.decode("utf-8").replace("\r\n", "\n"))
    pieces = text.split("=== ")[1:]
    assert len(pieces) == len(runs), text
    for (width, args), piece in zip(runs, pieces):
        shown = piece.split("\n", 1)[1]
        assert max(map(len, shown.split("\n"))) <= width, f"{width} columns:\n{shown}"
        case = next(name for name, case_args in CASES.items() if case_args == args)
        assert not _missing(expected[case], shown), f"{width} columns:\n{shown}"
