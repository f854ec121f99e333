"""cgrad eval --points: every row's record equals `cgrad eval` at that point (the vectorised kernel
in float, row by row in the other number systems), in input order, with the rows that fail
reported by row number under each --on-error; and cgcli.compile, the same kernel from Python."""
from __future__ import annotations

import csv
import io
import json
import math
import random
import subprocess
import sys

import numpy as np
import pytest

import cgcli
from conftest import REPO, _environment, run_cgrad_inprocess
from test_random_gradients import _generate

FORMULA = "sin(x*y) + x^2/(1 + y^2)"


def _by_hand(x: float, y: float) -> tuple[float, float, float]:
    q = 1 + y * y
    return (math.sin(x * y) + x * x / q, y * math.cos(x * y) + 2 * x / q,
            x * math.cos(x * y) - 2 * x * x * y / (q * q))


def _points(*args: str, input: str) -> tuple[int, str, str]:
    return run_cgrad_inprocess("eval", *args, input=input)


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _csv_input(names: list[str], rows: list[dict]) -> str:
    return ",".join(names) + "\n" + "".join(",".join(repr(row[n]) for n in names) + "\n" for row in rows)


def test_csv_rows_against_the_hand_derived_formulas():
    rng = random.Random(7)
    points = [(rng.uniform(-3, 3), rng.uniform(-3, 3)) for _ in range(50)]
    code, out, err = _points(FORMULA, "--points", "-", input=_csv_input(["x", "y"], [dict(x=x, y=y) for x, y in points]))
    assert (code, err) == (0, "")
    records = _csv(out)
    assert list(records[0]) == ["f", "df/dx", "df/dy"]
    assert len(records) == len(points)
    for record, (x, y) in zip(records, points):  # in input order
        for column, expected in zip(("f", "df/dx", "df/dy"), _by_hand(x, y)):
            assert float(record[column]) == pytest.approx(expected, rel=1e-13, abs=1e-15)


# random expressions, random and awkward points: the kernel agrees with the scalar passes, and a
# point where `cgrad eval` fails (log of a negative number, 0/0, an overflow) fails here too
EDGES = [0.0, -1.0, 1.0, 2.0, -0.5, 1e-300, 1e300, -700.0, 710.0]


@pytest.mark.parametrize("source, python, used", _generate(40, seed=2468))
def test_every_row_is_what_eval_gives_there(source, python, used):
    rng = random.Random(source)
    names = list(used)
    rows = [used] + [{name: rng.choice(EDGES + [round(rng.uniform(-3, 3), 3)]) for name in names} for _ in range(7)]
    code, out, err = _points(source, "--points", "-", "--on-error", "null", input=_csv_input(names, rows))
    assert code == 0, err
    records = _csv(out)
    assert len(records) == len(rows)
    for row, record in zip(rows, records):
        try:
            expected = cgcli.evaluate(source, at=row)
        except cgcli.CgradError:
            assert all(cell == "" for cell in record.values()), (source, row, record)
            continue
        assert list(record) == ["f"] + [f"df/d{name}" for name in expected.gradient]
        cells = [expected.value] + list(expected.gradient.values())
        for cell, want in zip(record.values(), cells):
            assert cell != "", (source, row, err)
            assert float(cell) == pytest.approx(want, rel=1e-12, abs=1e-300), (source, row)


def test_json_lines_in_and_out_with_parameters_and_wrt():
    lines = "".join(json.dumps({"x": x, "id": i}) + "\n" for i, x in enumerate([0.5, -2, 3.25]))
    code, out, err = _points("w*x^2 + b", "--at", "w=3,b=-1", "--wrt", "x,w", "--points", "-", input=lines)
    assert (code, err) == (0, "")
    records = [json.loads(line) for line in out.splitlines()]
    assert [list(r) for r in records] == [["f", "df/dx", "df/dw"]] * 3
    for record, x in zip(records, [0.5, -2, 3.25]):
        assert record == {"f": 3 * x * x - 1, "df/dx": 6 * x, "df/dw": x * x}


@pytest.mark.parametrize("mode", [[], ["--exact"], ["--digits", "25"], ["--interval"]])
@pytest.mark.parametrize("output_format", ["csv", "jsonl"])
def test_every_number_system_gives_evals_json_at_each_row(mode, output_format):
    source = "u = x/y; u^2 - 3*u*x"
    rows = [("1/3", "2"), ("0.1", "-0.7"), ("5", "0.25")]
    text = "x,y\n" + "".join(f"{x},{y}\n" for x, y in rows)
    code, out, err = _points(source, *mode, "--points", "-", "--format", output_format, input=text)
    assert (code, err) == (0, "")
    records = _csv(out) if output_format == "csv" else [json.loads(line) for line in out.splitlines()]
    for (x, y), record in zip(rows, records, strict=True):
        code, single, _ = run_cgrad_inprocess("eval", source, "--at", f"x={x},y={y}", *mode, "--format", "json",
                                              "--no-trace")
        expected = json.loads(single)
        values = [expected["value"], expected["gradient"]["x"], expected["gradient"]["y"]]
        if output_format == "jsonl":
            assert list(record.values()) == values
        else:  # CSV cells: text as it is, numbers as JSON, intervals as [lo, hi]
            shown = [v if isinstance(v, str) else json.dumps(v).replace('"', "") for v in values]
            assert list(record.values()) == shown


def test_blocks_keep_order_and_row_numbers(monkeypatch):
    import cgcli.cli.commands.points as points

    monkeypatch.setattr(points, "BLOCK_BYTES", 64)  # a block every few rows
    xs = [i / 7 - 3 for i in range(200)]
    text = "x\n" + "".join(f"{x!r}\n" + ("\n" if i % 13 == 0 else "") for i, x in enumerate(xs))
    code, out, err = _points("sqrt(x)", "--points", "-", "--on-error", "skip", input=text)
    kept = [x for x in xs if x > 0]  # sqrt'(0) is infinite: eval refuses x = 0 too
    records = _csv(out)
    assert [float(r["f"]) for r in records] == [math.sqrt(x) for x in kept]
    failed = [i for i, x in enumerate(xs) if x <= 0]
    lines = err.splitlines()
    assert lines[0].startswith(f"warning: row {failed[0] + 1} (line ")  # blank lines are not rows
    assert len(lines) == 11 and lines[-1] == f"warning: {len(failed)} of {len(xs)} rows failed and were skipped " \
                                             "(--on-error skip)"
    # the line numbers count the blank lines: row 16 is on line 16 + 1 (header) + 2 blank lines before it
    code, out, err = _points("sqrt(x - 2)", "--points", "-", input=text)
    row = next(i for i, x in enumerate(xs) if x - 2 < 0) + 1
    assert code == 1 and err.startswith(f"error: row {row} (line {row + 1 + (row - 1 + 12) // 13}): in f = sqrt")


@pytest.mark.parametrize("policy, status, rows_out", [("stop", 1, 2), ("skip", 0, 3), ("null", 0, 4)])
def test_on_error(policy, status, rows_out):
    text = "x,y\n1,2\n3,4\n-1,5\n7,8\n"
    code, out, err = _points("log(x)*y", "--points", "-", "--on-error", policy, input=text)
    records = _csv(out)
    assert code == status and len(records) == rows_out  # nothing before the failure is lost
    assert float(records[1]["f"]) == pytest.approx(math.log(3) * 4)
    message = "row 3 (line 4): in t1 = log(x): log of a non-positive number, where x = -1"
    assert err.splitlines()[0] == ("error: " if policy == "stop" else "warning: ") + message
    if policy == "null":
        assert records[2] == {"f": "", "df/dx": "", "df/dy": ""} and float(records[3]["f"]) == pytest.approx(math.log(7) * 8)


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_minus_zero_is_read_as_float_reads_it_in_every_block(monkeypatch, kind):
    """-0 is -0.0 (atan2(-0.0, -1) = -pi), where JSON reads it as the integer 0: the block reader
    must not take it, in the first block or a later one, among other zeros or none."""
    import cgcli.cli.commands.points as points

    monkeypatch.setattr(points, "BLOCK_BYTES", 64)  # a block every few rows
    between = [("0", "-1"), ("2.5", "-1")] * 8  # more than a block: the next -0 is in a block of its own
    rows = [("-0", "-1"), ("0", "-1"), ("1.5", "-1"), ("2", "-1")] * 6 + [("-0", "-1"), ("3", "-1"), ("-0", "-1")] \
        + between + [("-0\t", "-1")] + between + [("-0 ", "-1")] + between
    text = "x,y\n" + "".join(f"{x},{y}\n" for x, y in rows) if kind == "csv" else \
        "".join(f'{{"x": {x}, "y": {y}}}\n' for x, y in rows)
    code, out, err = _points("atan2(x, y)", "--points", "-", "--format", "csv", input=text)
    assert code == 0, err
    assert [float(record["f"]) for record in _csv(out)] == pytest.approx([math.atan2(float(x), float(y))
                                                                        for x, y in rows], rel=1e-15)


def test_on_error_null_in_json_lines_writes_null_for_each_value():
    code, out, err = _points("log(x)*y", "--points", "-", "--on-error", "null", "--format", "jsonl",
                             input="x,y\n1,2\n-1,5\n4,0.5\n")
    assert code == 0 and err.startswith("warning: row 2 (line 3): in t1 = log(x)")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"f": 0, "df/dx": 2, "df/dy": 0}, {"f": None, "df/dx": None, "df/dy": None},
        {"f": math.log(4) * 0.5, "df/dx": 0.5 / 4, "df/dy": math.log(4)}]


@pytest.mark.parametrize("row, fragment", [
    ("2,abc", "row 2 (line 3), column y = abc: not a number"),
    ("2,", "row 2 (line 3), column y: no value"),
    ("2,3,4", "row 2 (line 3): 3 cells for the header's 2 columns"),
    ("1e999,2", "row 2 (line 3), column x = 1e999: the number 1e999 is too large for float"),
    ("nan,2", "row 2 (line 3), column x = nan: not a number"),
])
def test_bad_cells_are_input_errors_with_their_place(row, fragment):
    code, out, err = _points("x*y", "--points", "-", input=f"x,y\n1,2\n{row}\n5,6\n")
    assert code == 2 and _csv(out) == [{"f": "2", "df/dx": "2", "df/dy": "1"}]
    assert err.startswith("error: " + fragment) and len(err.splitlines()) == 1


@pytest.mark.parametrize("row, fragment", [
    ("2,3,4", "3 cells for the header's 2 columns"), ("2", "1 cell for the header's 2 columns"),
    ("2,", "column y: no value"), (",3", "column x: no value"), ("2,,3", "3 cells for the header's 2 columns"),
    ("1e999,2", "column x = 1e999: the number 1e999 is too large for float"), ("2,+-3", "column y = +-3: not a number"),
])
def test_a_bad_row_among_blocks_of_decimals_is_found_in_its_block(monkeypatch, row, fragment):
    """Blocks after the first (which holds the header) are read at once when the reader finds only
    decimals and the header's number of cells on every line; a row that breaks it is answered alone."""
    import cgcli.cli.commands.points as points

    monkeypatch.setattr(points, "BLOCK_BYTES", 64)  # a block every few rows
    rows = [(i / 4 - 3, i % 5 - 1.5) for i in range(60)]
    lines = [f"{x!r},{y!r}\n" for x, y in rows]
    lines[41] = row + "\n"
    code, out, err = _points("x*y + x", "--points", "-", "--on-error", "null", input="x,y\n" + "".join(lines))
    place = "row 42 (line 43)" + (", " if fragment.startswith("column") else ": ")
    assert code == 0 and err.splitlines()[0].startswith(f"warning: {place}{fragment}")
    records = _csv(out)
    assert len(records) == 60 and records[41] == {"f": "", "df/dx": "", "df/dy": ""}
    for (x, y), record in zip(rows[:41] + rows[42:], records[:41] + records[42:]):
        assert [float(record[k]) for k in ("f", "df/dx", "df/dy")] == [x * y + x, y + 1, x]


@pytest.mark.parametrize("args, text, status, fragment", [
    (["x*y"], "x,z\n1,2\n", 2, "no column y in the header (x, z)"),
    (["x*y", "--at", "y=2"], "x,y\n1,2\n", 2, "--at y: y is also a column"),
    (["x*y"], "x,x\n1,2\n", 2, "names the column x twice"),
    (["x*y", "--format", "json"], "x,y\n1,2\n", 2, "--format csv, jsonl or table"),
    (["x*y", "--each"], "x,y\n1,2\n", 2, "does not take --each"),
    (["x*1e999"], "x\n1\n", 1, "the number 1e999 is too large for float"),  # refused before any row, as eval does
])
def test_refusals(args, text, status, fragment):
    code, out, err = _points(*args, "--points", "-", input=text)
    assert code == status and out == "" and fragment in err and err.startswith("error:")


def test_empty_input_gives_the_header_and_a_header_only_input_too():
    assert _points("x*y", "--points", "-", input="") == (0, "f,df/dx,df/dy\n", "")
    assert _points("x*y", "--points", "-", input="y,x\n") == (0, "f,df/dx,df/dy\n", "")
    assert _points("x*y", "--points", "-", "--no-header", input="x,y\n1,2\n") == (0, "2,2,1\n", "")


def test_tensor_rows_go_row_by_row():
    code, out, err = _points("sum(x*x)*y", "--points", "-", input='{"x": [1, 2], "y": 3}\n{"x": [0.5, -1], "y": 2}\n')
    assert code == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [
        {"f": 15, "df/dx": [6, 12], "df/dy": 5}, {"f": 2.5, "df/dx": [2, -4], "df/dy": 1.25}]


def test_table_shows_the_first_rows(monkeypatch):
    import cgcli.cli.commands.points as points

    monkeypatch.setattr(points, "TABLE_ROWS", 3)
    code, out, err = _points("x^2", "--points", "-", "--format", "table", input="x\n1\n2\n3\n4\n5\n")
    assert code == 0 and err.startswith("note: the first 3 rows")
    body = [line.split() for line in out.splitlines() if line.strip() and line.split()[0].isdigit()]
    assert body == [["1", "1", "2"], ["2", "4", "4"], ["3", "9", "6"]]


def test_results_come_out_before_the_input_ends():
    """A slow producer gets each answer as its line arrives, not at the end of the input."""
    child = subprocess.Popen([sys.executable, "-m", "cgcli", "eval", "x^2", "--points", "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(None), cwd=REPO)
    child.stdin.write(b"x\n3\n")
    child.stdin.flush()
    assert child.stdout.readline() == b"f,df/dx\n"
    assert child.stdout.readline() == b"9,6\n"  # the input is still open
    child.stdin.write(b"4\n")
    child.stdin.close()
    assert child.stdout.read() == b"16,8\n" and child.wait(timeout=30) == 0


def test_a_reader_leaving_mid_stream_ends_quietly(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("x\n" + "".join(f"{i}\n" for i in range(40_000)))  # more than a pipe holds
    child = subprocess.Popen([sys.executable, "-m", "cgcli", "eval", "x^2", "--points", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(None), cwd=REPO)
    assert child.stdout.read(8) == b"f,df/dx\n"
    child.stdout.close()
    assert (child.wait(timeout=60), child.stderr.read()) == (141, b"")


# ---------------------------------------------------------------------------------------------
# cgcli.compile
# ---------------------------------------------------------------------------------------------

def test_compile_matches_the_hand_derived_formulas_and_broadcasts():
    f = cgcli.compile(FORMULA)
    assert (f.inputs, f.wrt, f.output) == (("x", "y"), ("x", "y"), "f")
    xs, ys = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 4))
    value, gradient = f(xs, y=ys)
    assert value.shape == xs.shape and set(gradient) == {"x", "y"}
    for x, y, v, dx, dy in zip(xs.ravel(), ys.ravel(), value.ravel(), gradient["x"].ravel(), gradient["y"].ravel()):
        assert (v, dx, dy) == pytest.approx(_by_hand(x, y), rel=1e-13, abs=1e-15)


def test_compile_with_parameters_errors_and_nan():
    f = cgcli.compile("w*log(x)", at={"w": 2}, wrt=["x", "w"])
    assert f.inputs == ("x",)
    value, gradient = f(np.array([1.0, np.e, -1.0, 4.0]), on_error="nan")
    assert np.isnan(value[2]) and np.isnan(gradient["x"][2])
    assert value[[0, 1, 3]] == pytest.approx([0, 2, 2 * math.log(4)])
    assert gradient["w"][[0, 1, 3]] == pytest.approx([0, 1, math.log(4)])
    with pytest.raises(cgcli.MathError) as caught:
        f([1.0, -1.0])
    with pytest.raises(cgcli.MathError) as single:
        cgcli.evaluate("w*log(x)", at={"w": 2, "x": -1})
    assert caught.value.message == f"at index 1: {single.value.message} (column 3)"
    with pytest.raises(cgcli.InputError, match="no values for x"):
        f()
    with pytest.raises(cgcli.InputError, match="z: not an input"):
        f([1.0], z=[2.0])


def test_json_lines_that_are_not_numbers_fail_alone_and_a_list_goes_row_by_row():
    lines = '{"x": 1}\n[1]\n{"x": true}\n{"x": null}\n{"x": [1, 2]}\n{"x": "1/4"}\n'
    code, out, err = _points("x*2", "--points", "-", "--on-error", "null", input=lines)
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"f": 2, "df/dx": 2}, *[{"f": None, "df/dx": None}] * 3, {"f": [2, 4], "df/dx": [2, 2]}, {"f": 0.5, "df/dx": 2}]
    assert err.splitlines()[:3] == ["warning: row 2 (line 2): expected a JSON object of name → value",
                                    "warning: row 3 (line 3), key x = true: not a number",
                                    "warning: row 4 (line 4), key x: no value"]


def test_a_compiled_formula_pickles_as_its_program():
    """What Dask's worker processes receive: the formula rebuilt from its text, parameters and --wrt kept."""
    import pickle

    f = cgcli.compile("w*sin(x*y)", at={"w": "1/3"}, wrt=["x", "w"], relu0="0.5")
    g = pickle.loads(pickle.dumps(f))
    assert (g.inputs, g.wrt, g.headers) == (("x", "y"), ("x", "w"), ["f", "df/dx", "df/dw"])
    xs, ys = np.array([0.5, 2.0]), np.array([3.0, -1.0])
    value, gradient = g(xs, ys)
    assert value == pytest.approx(np.sin(xs * ys) / 3, rel=1e-15)
    assert gradient["x"] == pytest.approx(ys * np.cos(xs * ys) / 3, rel=1e-15)
    assert gradient["w"] == pytest.approx(np.sin(xs * ys), rel=1e-15)
