"""Issue 13: descend's data read in a few passes of C, its steps without fresh pages. The row reader
against the csv module on files of every shape; descend's result on a CSV file against
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


def by_csv_module(text: str):
    """The columns and line numbers of a CSV file as the csv module reads it (a reference that
    shares no code with cgrad's reader): blank lines skipped, names stripped, cells as written."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline=""))
    names = [name.strip() for name in next(reader)]
    columns, lines = {name: [] for name in names}, []
    start = reader.line_num + 1
    for cells in reader:
        if cells and any(cell.strip() for cell in cells):
            lines.append(start)
            for name, cell in zip(names, cells):
                columns[name].append(cell)
        start = reader.line_num + 1
    return columns, lines


CSV_FILES = [
    "x,y\n1,2\n3,4\n",
    "x,y\r\n1,2\r\n3,4\r\n",  # Windows line ends
    "x,y\n1,2\n3,4",  # no line end at the end
    "x,y\n1,2\n3,4\n\n\n",  # blank lines after the data
    " x , y \n 1 , 2 \n3,   4\n",  # blanks around names and cells
    "x,y\n1,2\n\n3,4\n",  # a blank line inside
    'x,y\n"1",2\n3,4\n',  # quotes
    'x,y\n"1\n",2\n3,4\n',  # a quoted line end
    'x,y\n"1,5",2\n3,"4"""\n',  # a quoted comma, a doubled quote
    "x,y\n1\u3000,2\n3,4\n",  # an ideographic space
    "x,y\n1\t,2\n3,4\n",  # a tab
    "x\n1\n2\n",  # one column
    "x,y\n1.5e-3,-2\n+7,.5\n",  # number forms
    "w,x\nabc,1\n2,2\n",  # not numbers: the error comes later, from the number system
]


@pytest.mark.parametrize("text", CSV_FILES)
def test_the_reader_gives_what_the_csv_module_gives(tmp_path, text):
    (tmp_path / "f.csv").write_text(text, encoding="utf-8", newline="")
    assert data.read_columns(str(tmp_path / "f.csv")) == by_csv_module(text)


def random_csv(seed: int) -> str:
    """A CSV file with plain rows and, now and then, quotes, quoted commas and line ends, blanks."""
    rng = random.Random(seed)
    names = rng.sample(["x", "y", "z", "w"], rng.randint(1, 4))
    cells = ["1", "-2.5", "3e-2", " 4 ", "+.5", "abc"] * 5 + ['"6"', "7\u3000", "\t8", '"9,0"', '"1\n2"', '"a""b"']
    lines = [",".join(names)]
    for _ in range(rng.randint(1, 8)):
        lines.append("" if rng.random() < 0.05 else ",".join(rng.choice(cells) for _ in names))
    return rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n", "\n\n"])


@pytest.mark.parametrize("seed", range(30))
def test_the_reader_on_random_files(tmp_path, seed):
    text = random_csv(seed)
    (tmp_path / "f.csv").write_text(text, encoding="utf-8", newline="")
    assert data.read_columns(str(tmp_path / "f.csv")) == by_csv_module(text)


def test_an_error_names_the_row_and_line_of_a_plain_file(tmp_path):
    (tmp_path / "p.csv").write_text("x,y\n1,3\n2,5\n4,x9\n", encoding="utf-8")
    code, out, err = run_cgrad_inprocess("descend", LINE, "--data", str(tmp_path / "p.csv"), "--params", "w=0,b=0")
    assert code == 2 and out == ""
    assert err.startswith("error:") and "row 3 (line 4), column y = x9: not a number" in err and len(err.splitlines()) == 1


def test_csv_and_json_lines_give_the_same_descent(tmp_path):
    """The same 2 000 rows through the fast CSV reader and through the JSON-lines reader."""
    rng = random.Random(7)
    points = [(f"{rng.uniform(-2, 2):.4f}", f"{rng.uniform(-6, 4):.4f}") for _ in range(2000)]
    (tmp_path / "p.csv").write_text("x,y\n" + "".join(f"{x},{y}\n" for x, y in points), encoding="utf-8")
    (tmp_path / "p.jsonl").write_text("".join(f'{{"x": {x}, "y": {y}}}\n' for x, y in points), encoding="utf-8")
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
def test_decimal_columns_are_the_doubles_of_the_text_columns(tmp_path, seed):
    """The float mode's fast reading of a file of decimals against the number system's own reading of
    the same texts (from_nested), bit for bit; forms JSON does not write (+1, .5, 5., 007) take the
    text path, and give the same doubles too."""
    from cgcli.numbers import number_system
    from cgcli.numbers.tensor import from_nested

    rng = random.Random(seed)
    rows = [[random_decimal(rng) for _ in range(3)] for _ in range(3000)]
    (tmp_path / "f.csv").write_text("a,b,c\n" + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    columns, lines = data.read_columns(str(tmp_path / "f.csv"), floats=True)
    assert list(lines) == list(range(2, 3002))
    for index, name in enumerate("abc"):
        expected = from_nested([row[index] for row in rows], number_system("float"))
        got = columns[name] if hasattr(columns[name], "dtype") else from_nested(columns[name], number_system("float"))
        assert got.tobytes() == expected.tobytes()


def test_decimal_blocks_are_read_as_doubles(tmp_path):
    """Shortest round-trip decimals (what repr and most tools write) come back as float64 arrays, equal to float()."""
    rng = random.Random(5)
    rows = [(repr(rng.uniform(-1e3, 1e3)), repr(rng.expovariate(1e-5)), str(rng.randint(-99, 99))) for _ in range(2000)]
    (tmp_path / "f.csv").write_text("a,b,c\n" + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    columns, _ = data.read_columns(str(tmp_path / "f.csv"), floats=True)
    for index, name in enumerate("abc"):
        assert hasattr(columns[name], "dtype")
        assert columns[name].tolist() == [float(row[index]) for row in rows]


@pytest.mark.parametrize("text", [
    "x,y\n1,2\n3,1e999\n",  # not finite: the text columns name the cell
    "x,y\n1,\n3,4\n",  # an empty cell
    "x,y\n1,2,3\n3\n",  # a long row and a short one: as many cells in all
    "x,y\n1e,2\n",  # a malformed number
    "x,y\n1,2.5.1\n",
    "x,y\n-0,2\n",  # JSON reads -0 as the integer 0
])
def test_decimal_reader_leaves_other_files_to_the_text_readers(tmp_path, text):
    from cgcli.cli.point_rows import PointReader, float_columns

    (tmp_path / "f.csv").write_text(text, encoding="utf-8")
    with open(tmp_path / "f.csv", "rb") as handle:
        reader = PointReader(handle, "f.csv")
        assert all(float_columns(block, [0, 1], 2) is None for block in reader.blocks())


def test_decimal_file_and_text_file_give_the_same_descent(tmp_path):
    """The same rows, once as bare decimals (NumPy's parser) and once with a blank after each
    comma (the text columns): the same descent, bit for bit."""
    rng = random.Random(11)
    points = [(f"{rng.uniform(-3, 3):.{rng.randint(0, 9)}e}", f"{rng.uniform(-9, 9):.{rng.randint(0, 15)}f}")
              for _ in range(300)]
    (tmp_path / "a.csv").write_text("x,y\n" + "".join(f"{x},{y}\n" for x, y in points), encoding="utf-8")
    (tmp_path / "b.csv").write_text("x,y\n" + "".join(f"{x}, {y}\n" for x, y in points), encoding="utf-8")
    assert hasattr(data.read_columns(str(tmp_path / "a.csv"), floats=True)[0]["x"], "dtype") or any(
        cell == "-0" for point in points for cell in point)  # JSON reads -0 as 0: such a file goes as text
    outputs = [run_cgrad_inprocess("descend", "(w*x/(1 + x^2) + b - y)^2", "--data", str(tmp_path / name),
                                   "--params", "w=0,b=0", "--lr", "0.1", "--steps", "20", "--format", "json")
               for name in ("a.csv", "b.csv")]
    assert outputs[0] == outputs[1] and outputs[0][0] == 0
