"""Issue 13: tables laid out by cgcli/render/grid.py instead of Rich's Table. Differential tests against
Rich's Table (SIMPLE_HEAD, the layout the tables had before) on random tables, character by
character and style by style; and the full trace of a real expression, checked against its JSON."""
from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys

import pytest

import cgcli.cli.output
from cgcli.render.console import print_table, text_console, text_of
from cgcli.render.grid import Grid, cell_width
from conftest import REPO, _environment, run_cgrad_inprocess

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# letters, digits, math signs, a wide CJK character, an emoji, a combining accent, a zero-width joiner
# sequence, a control character Rich drops (not tabs: Rich measures a tab as 0 cells, then folds its cell)
ALPHABET = list("abxyz0123456789.-+*/=()") + ["∂", "·", "×", "−", "ε", "⋮", "中", "😀", "e\u0301", "👩\u200d💻",
                                                "\x07", " "]


def rich_table(headers, rows, right):
    """The table as Rich lays it out: the code this module's Grid replaced."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for index, header in enumerate(headers):
        table.add_column(header, justify="right" if index in right else "left", overflow="fold",
                         style="cyan" if index == 0 else None)
    for row in rows:
        if isinstance(row, str):
            table.add_row(Text("⋮"), Text(row, style="dim"))
        else:
            table.add_row(*(Text(cell) for cell in row))
    return table


def random_table(rng: random.Random, notes: bool = True):
    columns = rng.randint(2, 5)

    def text(lines: int) -> str:
        return "\n".join("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 9))).strip()
                         for _ in range(lines))

    headers = [text(1) or "h" for _ in range(columns)]
    rows = []
    for _ in range(rng.randint(0, 6)):
        if notes and rng.random() < 0.15:
            rows.append(f"{rng.randint(1, 99)} more rows")
        else:
            rows.append([text(rng.choice([1, 1, 1, 2, 3])) for _ in range(columns)])
    right = frozenset(index for index in range(columns) if rng.random() < 0.5)
    return headers, rows, right


def styled_characters(console, renderable) -> list[tuple[str, str]]:
    """Each character printed and its style's effect (what a terminal shows), lines' trailing blanks
    dropped."""
    from rich.segment import Segment

    lines = Segment.split_lines(console.render(renderable, console.options))
    shown = []
    for line in lines:
        characters = [(character, str(segment.style or "none").replace("none", ""))
                      for segment in line for character in segment.text]
        while characters and characters[-1][0] == " ":
            characters.pop()
        shown.append(characters)
    return shown


@pytest.mark.parametrize("seed", range(40))
def test_grid_is_laid_out_as_rich_lays_out_the_table(seed):
    from rich.console import Console

    # without notes: a note spans the columns after the first, which a Rich table cannot do
    headers, rows, right = random_table(random.Random(seed), notes=False)
    grid = Grid(headers, rows, right)
    console = Console(file=io.StringIO(), force_terminal=True, width=grid.width, markup=False, emoji=False,
                      highlight=False)
    expected = styled_characters(console, rich_table(headers, rows, right))
    assert styled_characters(console, grid) == expected
    plain = ["".join(character for character, _ in line) for line in expected]
    assert [line.rstrip() for line in grid.plain().split("\n")[:-1]] == plain


def test_the_measured_width_is_the_narrowest_rich_keeps_whole():
    """One cell narrower and Rich's table would have to wrap or cut: the widths are tight."""
    from rich.console import Console

    headers, rows = ["node", "value"], [["∂J/∂b 中😀", "3"], ["e\u0301e\u0301", "12345"]]
    grid = Grid(headers, rows)
    assert grid.widths == [len("∂J/∂b ") + 4, 5]
    console = Console(file=io.StringIO(), width=grid.width - 1, color_system=None)
    console.print(rich_table(headers, rows, frozenset()))
    assert "∂J/∂b 中😀" not in console.file.getvalue()


@pytest.mark.parametrize("text, width", [("abc", 3), ("∂J/∂v · ∂v/∂a", 13), ("中文", 4), ("e\u0301", 1),
                                         ("👩\u200d💻", 2), ("", 0), ("x\x1by", 2)])
def test_cell_width_is_the_terminal_width(text, width):
    assert cell_width(text) == width
    assert cell_width(text) == width  # the second time from the characters it learnt


def test_a_pipe_gets_plain_aligned_lines_without_rich():
    console = text_console(False)
    print_table(console, "T", ["a", "bb"], [["1", "22"], "3 more rows", ["∂x", "4\n55"]], frozenset({1}))
    # widths 2 and 11 (the note's); a space at each edge, around each cell and between cells
    assert text_of(console).split("\n") == ["T", "", "  a" + " " * 13 + "bb", " " + "─" * 18, "  1" + " " * 13 + "22",
                                            "  ⋮    3 more rows", "  ∂x" + " " * 13 + "4", " " * 16 + "55", "", ""]
    assert "\x1b" not in text_of(console)


def test_a_piped_table_does_not_import_richs_console():
    """Rich's console costs ~70 ms to import; a pipe's tables need only its cell widths."""
    script = ("import sys\nfrom cgcli.cli.main import main\nsys.argv = ['cgrad', 'eval', 'x*y', '--at', 'x=1,y=2']\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write(' '.join(sorted(m for m in sys.modules if m.startswith('rich'))))")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                               env=_environment())
    assert "Forward pass" in completed.stdout and "x · y" in completed.stdout
    assert "rich.cells" in completed.stderr and "rich.console" not in completed.stderr


def test_full_trace_table_has_every_row_of_the_json_trace(monkeypatch):
    """Rosenbrock with 12 variables: every forward value and adjoint of the JSON trace, in its row of
    the full table, aligned: piped, and on a 200-column terminal."""
    terms = " + ".join(f"100*(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, 12))
    at = ",".join(f"x{i}={0.5 + 0.001 * i:.3f}" for i in range(1, 13))
    code, out, err = run_cgrad_inprocess("eval", terms, "--at", at, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    for terminal in (False, True):
        monkeypatch.setattr(cgcli.cli.output, "is_terminal", lambda: terminal)
        code, out, err = run_cgrad_inprocess("eval", terms, "--at", at, "--max-rows", "0", env={"COLUMNS": "200"})
        assert (code, err) == (0, "")
        assert ("\x1b[" in out) == terminal
        lines = ANSI.sub("", out).split("\n")
        forward = _table(lines, "Forward pass")
        assert len(forward) == len(document["forward"])
        for line, record in zip(forward, document["forward"]):
            assert line.split()[0] == record["name"] and float(line.split()[-1]) == record["value"]
        assert len({len(line) for line in forward if line.split()[1] != "input"}) <= 2  # right-aligned values
        backward = [line for line in _table(lines, "Backward pass") if line[:3].strip()]
        adjoints = {line.split()[0]: float(line.split()[-1]) for line in backward}
        assert adjoints == {record["name"]: record["adjoint"] for record in document["backward"]}


def _table(lines: list[str], title: str) -> list[str]:
    """The rows of the table under `title`: the lines after its rule, to the blank line."""
    start = next(index for index, line in enumerate(lines) if line.startswith(title))
    rule = next(index for index in range(start, len(lines)) if lines[index].startswith(" ─"))
    end = next(index for index in range(rule, len(lines)) if not lines[index].strip())
    return lines[rule + 1:end]


@pytest.mark.parametrize("seed", range(20))
def test_a_note_spans_the_columns_after_the_first(seed):
    """`⋮ 40 more rows (--max-rows 0 shows all)` widened the second column to its length (a Jacobian's
    values stood 40 columns from their outputs); now it widens the table only when all of them are too narrow."""
    from rich.console import Console

    rng = random.Random(seed)
    headers, rows, right = random_table(rng, notes=False)
    note = "x" * rng.randint(1, 60) + " more rows"
    without = Grid(headers, rows, right)
    grid = Grid(headers, rows[:1] + [note] + rows[1:], right)
    room = sum(without.widths[1:]) + 3 * (len(without.widths) - 2)
    assert grid.widths[:-1] == [max(without.widths[0], 1)] + without.widths[1:-1]
    assert grid.widths[-1] == without.widths[-1] + max(0, len(note) - room)
    lines = grid.plain().split("\n")
    spot = next(line for line in lines if line.rstrip().endswith(note))
    assert spot.index(note) == 2 + grid.widths[0] + 3 and spot.strip().startswith("⋮")
    console = Console(file=io.StringIO(), force_terminal=True, width=grid.width, markup=False, emoji=False,
                      highlight=False, color_system=None)
    console.print(grid, crop=False)
    shown = console.file.getvalue().split("\n")
    assert [line.rstrip() for line in shown] == [line.rstrip() for line in lines[:len(shown)]]
