"""Issue 13: descend's data read in a few passes of C, its steps without fresh pages. The fast CSV
reader against the row-by-row one on files of every shape; descend's result on a CSV file against
the same rows as JSON lines (the other reader) and against NumPy's formulas; the memory setting
restored."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from cgcli.cli import data_rows as data
from cgcli.compiled import heap
from conftest import run_cgrad_inprocess

LINE = "(w*x + b - y)^2"


def row_by_row(text: str, path: str = "f.csv"):
    """The columns and line numbers as the row-by-row reader (the only one before) makes them."""
    rows = data._csv_rows(text, path)
    columns = {name: [row[name] for _, row in rows] for name in rows[0][1]} if rows else {}
    return columns, [line for line, _ in rows]


CSV_FILES = [
    "x,y\n1,2\n3,4\n",
    "x,y\r\n1,2\r\n3,4\r\n",  # Windows line ends
    "x,y\n1,2\n3,4",  # no line end at the end
    "x,y\n1,2\n3,4\n\n\n",  # blank lines after the data
    " x , y \n 1 , 2 \n3,   4\n",  # blanks around names and cells
    "x,y\n1,2\n\n3,4\n",  # a blank line inside
    "x,y\n1,2\n,\n3,4\n",  # a row of empty cells
    'x,y\n"1",2\n3,4\n',  # quotes
    "x,y\n1\u3000,2\n3,4\n",  # an ideographic space, which str.strip removes
    "x,y\n1\t,2\n3,4\n",  # a tab
    "x,y\n1\x0c2,3\n4,5\n",  # a form feed: splitlines cuts the line there
    "x,y\n1,2\n3,4,5\n",  # a long row
    "x,x\n1,2\n",  # a repeated name
    "x\n1\n2\n",  # one column
    "x,,y\n1,2,3\n",  # an empty name
    "x,y\n1.5e-3,-2\n+7,.5\n",  # number forms
    "w,x\nabc,1\n2,2\n",  # not numbers: the error comes later, from the number system
]


@pytest.mark.parametrize("text", CSV_FILES)
def test_fast_reader_gives_what_the_row_by_row_reader_gives(text):
    fast = data._simple_csv(text)
    if fast is None:
        return  # read row by row, as before
    columns, lines = fast
    expected_columns, expected_lines = row_by_row(text)
    assert columns == expected_columns and list(lines) == expected_lines


def test_fast_reader_takes_the_plain_files_and_leaves_the_others():
    taken = [text for text in CSV_FILES if data._simple_csv(text) is not None]
    assert taken == [CSV_FILES[i] for i in (0, 1, 2, 3, 4, 13, 15, 16)]


def random_csv(seed: int) -> str:
    """A CSV file with mostly plain rows and, now and then, what the fast reader must leave alone."""
    rng = random.Random(seed)
    names = rng.sample(["x", "y", "z", "w"], rng.randint(1, 4))
    cells = ["1", "-2.5", "3e-2", " 4 ", "+.5", "abc"] * 5 + ["", '"6"', "7\u3000", "\t8", "9,0"]
    lines = [",".join(names)]
    for _ in range(rng.randint(1, 8)):
        width = len(names) + (rng.random() < 0.05) - (rng.random() < 0.05)
        lines.append("" if rng.random() < 0.05 else ",".join(rng.choice(cells) for _ in range(max(width, 1))))
    return rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n", "\n\n"])


@pytest.mark.parametrize("seed", range(60))
def test_fast_reader_on_random_files(seed):
    text = random_csv(seed)
    fast = data._simple_csv(text)
    if fast is not None:
        assert (fast[0], list(fast[1])) == row_by_row(text)


def test_the_random_files_exercise_both_readers():
    taken = sum(data._simple_csv(random_csv(seed)) is not None for seed in range(60))
    assert 10 <= taken <= 50


def test_an_error_names_the_row_and_line_of_a_plain_file(tmp_path):
    (tmp_path / "p.csv").write_text("x,y\n1,3\n2,5\n4,x9\n", encoding="utf-8")
    code, out, err = run_cgrad_inprocess("descend", LINE, "--data", str(tmp_path / "p.csv"), "--params", "w=0,b=0")
    assert code == 2 and out == ""
    assert err.startswith("error:") and "row 3 (line 4), column y: 'x9'" in err and len(err.splitlines()) == 1


def test_csv_and_json_lines_give_the_same_descent(tmp_path):
    """The same 2 000 rows through the fast CSV reader and through the JSON-lines reader."""
    rng = random.Random(7)
    points = [(f"{rng.uniform(-2, 2):.4f}", f"{rng.uniform(-6, 4):.4f}") for _ in range(2000)]
    (tmp_path / "p.csv").write_text("x,y\n" + "".join(f"{x},{y}\n" for x, y in points), encoding="utf-8")
    (tmp_path / "p.jsonl").write_text("".join(f'{{"x": {x}, "y": {y}}}\n' for x, y in points), encoding="utf-8")
    assert data._simple_csv((tmp_path / "p.csv").read_text()) is not None
    results = []
    for name in ("p.csv", "p.jsonl"):
        code, out, err = run_cgrad_inprocess("descend", LINE, "--data", str(tmp_path / name), "--params", "w=0,b=0",
                                             "--lr", "0.1", "--steps", "30", "--format", "json")
        assert code == 0, err
        results.append(json.loads(out))
    assert results[0] == results[1]


def test_descent_steps_match_numpy_formulas(tmp_path):
    """Each step's loss and gradient against the mean of (w·x + b − y)² and its derivatives written
    by hand in NumPy, from the same parameters."""
    rng = np.random.default_rng(3)
    x = np.round(rng.uniform(-2, 2, 500), 4)
    y = np.round(2.5 * x - 1 + rng.normal(0, 0.2, 500), 4)
    (tmp_path / "p.csv").write_text("x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(x, y)), encoding="utf-8")
    code, out, err = run_cgrad_inprocess("descend", LINE, "--data", str(tmp_path / "p.csv"), "--params", "w=0,b=0",
                                         "--lr", "0.1", "--steps", "5", "--format", "json")
    assert code == 0, err
    for step in json.loads(out)["trace"]:
        w, b = step["params"]["w"], step["params"]["b"]
        residual = w * x + b - y
        assert step["loss"] == pytest.approx(np.mean(residual ** 2), rel=1e-12)
        assert step["gradient"]["w"] == pytest.approx(np.mean(2 * residual * x), rel=1e-12, abs=1e-15)
        assert step["gradient"]["b"] == pytest.approx(np.mean(2 * residual), rel=1e-12, abs=1e-15)


def test_freed_memory_kept_sets_glibc_thresholds_and_puts_the_defaults_back(monkeypatch):
    calls = []
    monkeypatch.setattr(heap, "_mallopt", lambda: lambda parameter, value: calls.append((parameter, value)) or 1)
    with pytest.raises(ZeroDivisionError):
        with heap.freed_memory_kept():
            assert calls == [(-3, 32 << 20), (-1, 256 << 20)]
            1 / 0
    assert calls[2:] == [(-3, 128 << 10), (-1, 128 << 10)]


def test_freed_memory_kept_does_nothing_without_mallopt(monkeypatch):
    monkeypatch.setattr(heap, "_mallopt", lambda: None)
    ran = []
    with heap.freed_memory_kept():
        ran.append(True)
    assert ran == [True]  # the loop still runs, with the system's own thresholds
    with pytest.raises(ZeroDivisionError):  # and an error inside it is not swallowed
        with heap.freed_memory_kept():
            1 / 0


def random_decimal(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 22)))
    point = rng.randint(0, len(digits))
    text = digits[:point] + "." + digits[point:] if rng.random() < 0.7 and len(digits) > 1 else digits
    if rng.random() < 0.4:
        text += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 280))  # finite: < 1e303
    return rng.choice(["", "+", "-"]) + text


@pytest.mark.parametrize("seed", range(4))
def test_decimal_reader_gives_the_doubles_of_the_text_columns(seed):
    """NumPy's parser against the float mode's own reading of the same texts (from_nested), bit for bit."""
    from cgcli.numbers import number_system
    from cgcli.numbers.tensor import from_nested

    rng = random.Random(seed)
    rows = [[random_decimal(rng) for _ in range(3)] for _ in range(3000)]
    text = "a,b,c\n" + "".join(",".join(row) + "\n" for row in rows)
    fast = data._decimal_csv(text)
    assert fast is not None
    columns, lines = fast
    assert list(lines) == list(range(2, 3002))
    for index, name in enumerate("abc"):
        expected = from_nested([row[index] for row in rows], number_system("float"))
        assert columns[name].tobytes() == expected.tobytes()


@pytest.mark.parametrize("text", [
    "x,y\n1,2\n3,1e999\n",  # not finite: the text columns name the cell
    "x,y\n1,2\n\n3,4\n",  # a blank line
    "x,y\n1,\n3,4\n",  # an empty cell
    "x,y\n1, 2\n3,4\n",  # a blank
    "x,y\r\n1,2\r\n",  # Windows line ends
    "x,y\n1,2,3\n3,4\n",  # a long row
    "x,y\n1e,2\n",  # a malformed number
    "x,y\n1,2.5.1\n",
    "x,x\n1,2\n",  # a repeated name
    'x,"y"\n1,2\n',  # a quoted name
    "x,y\n",  # no rows
])
def test_decimal_reader_leaves_other_files_to_the_text_readers(text):
    assert data._decimal_csv(text) is None


def test_decimal_file_and_text_file_give_the_same_descent(tmp_path):
    """The same rows, once as bare decimals (NumPy's parser) and once with a blank after each
    comma (the text columns): the same descent, bit for bit."""
    rng = random.Random(11)
    points = [(f"{rng.uniform(-3, 3):.{rng.randint(0, 9)}e}", f"{rng.uniform(-9, 9):.{rng.randint(0, 15)}f}")
              for _ in range(300)]
    (tmp_path / "a.csv").write_text("x,y\n" + "".join(f"{x},{y}\n" for x, y in points), encoding="utf-8")
    (tmp_path / "b.csv").write_text("x,y\n" + "".join(f"{x}, {y}\n" for x, y in points), encoding="utf-8")
    assert data._decimal_csv((tmp_path / "a.csv").read_text()) is not None
    assert data._decimal_csv((tmp_path / "b.csv").read_text()) is None
    outputs = [run_cgrad_inprocess("descend", "(w*x/(1 + x^2) + b - y)^2", "--data", str(tmp_path / name),
                                   "--params", "w=0,b=0", "--lr", "0.1", "--steps", "20", "--format", "json")
               for name in ("a.csv", "b.csv")]
    assert outputs[0] == outputs[1] and outputs[0][0] == 0
