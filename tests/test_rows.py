"""The one row reader and writer: every command that reads rows (eval --points from CSV and JSON lines,
descend --data) makes the same checks with the same words (repeated columns and keys, RFC 4180
quoting, the csv field limit, cut-off ends, the size limits, NFC names); and the fast float writer
writes what repr-based text writes, on random and edge doubles."""
from __future__ import annotations

import csv
import io
import json
import math
import struct

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from cgcli.cli.row_writer import float_json_lines, float_lines, float_text
from conftest import run_cgrad_inprocess

# Each reader: how to run it on FILE, and whether a row error stops it (descend's data is read whole).
READERS = {
    "points csv": (lambda path: ("eval", "x*y", "--points", path), "csv"),
    "points jsonl": (lambda path: ("eval", "x*y", "--points", path), "jsonl"),
    "descend csv": (lambda path: ("descend", "(w*x - y)^2", "--params", "w=0", "--data", path, "--steps", "1"), "csv"),
    "descend jsonl": (lambda path: ("descend", "(w*x - y)^2", "--params", "w=0", "--data", path, "--steps", "1"),
                      "jsonl"),
}


def _file(tmp_path, kind: str, rows: list[dict[str, str]] | str) -> str:
    """rows as a CSV (header from the first row's keys) or JSON-lines file; a str is written as it is."""
    path = tmp_path / f"rows.{kind}"
    if isinstance(rows, str):
        path.write_bytes(rows.encode("utf-8"))
    elif kind == "csv":
        path.write_text(",".join(rows[0]) + "\n" + "".join(",".join(row.values()) + "\n" for row in rows))
    else:
        path.write_text("".join("{" + ", ".join(f'"{k}": {v}' for k, v in row.items()) + "}\n" for row in rows))
    return str(path)


def _run(reader: str, path: str) -> tuple[int, str, str]:
    return run_cgrad_inprocess(*READERS[reader][0](path))


def _one_error(code: int, err: str, status: int = 2) -> str:
    assert code == status, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


def _row_error(reader: str, path: str) -> str:
    """The reader's one error line on path, without `error: ` and the `--data FILE: ` descend puts first
    (a long FILE is shortened with an ellipsis)."""
    line = _one_error(*_run(reader, path)[::2]).removeprefix("error: ")
    if reader.startswith("descend"):
        assert line.startswith("--data ") and ": " in line, line
        line = line.split(": ", 1)[1]
    return line


@pytest.mark.parametrize("reader", ["points csv", "descend csv"])
def test_a_repeated_column_is_refused(tmp_path, reader):
    path = _file(tmp_path, "csv", "x,y,x\n1,2,3\n")
    line = _one_error(*_run(reader, path)[::2])
    assert "the header (line 1) names the column x twice" in line


@pytest.mark.parametrize("reader", ["points jsonl", "descend jsonl"])
@pytest.mark.parametrize("row", ['{"x": 1, "y": 2, "x": 3}', '{"x": 1, "y": 2, "\\u0078": 3}',
                                 '{"x": 1, "y": 2, "e\\u0301": 1, "\\u00e9": 2}'])
def test_a_repeated_key_is_refused_with_its_row(tmp_path, reader, row):
    # json.loads (and orjson) would keep the last of the two silently; after NFC, é and e + U+0301 are one key
    path = _file(tmp_path, "jsonl", '{"x": 1, "y": 2}\n' * 3 + row + "\n")
    key = "é" if "u0301" in row else "x"
    assert _row_error(reader, path) == f"row 4 (line 4): the key {key} is given twice"


@pytest.mark.parametrize("reader", ["points csv", "descend csv"])
def test_quoted_cells_hold_commas_quotes_and_line_ends(tmp_path, reader):
    # RFC 4180: row 1 spans lines 2-3; so row 2 is on line 4, and its quoted "4,5" is one cell
    path = _file(tmp_path, "csv", 'x,"y"\n"1\n",2\n3,"4,5"\n')
    line = _one_error(*_run(reader, path)[::2])
    assert "row 2 (line 4), column y" in line and "4,5" in line


def test_quoted_cells_are_read_as_the_csv_module_reads_them(tmp_path):
    rows = [("1", "2"), ("3\n", "4"), ("5", '"6"')]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([("x", "y"), *rows[:2]])
    code, out, err = run_cgrad_inprocess("eval", "x*y", "--points", "-", input=buffer.getvalue())
    assert code == 0, err
    assert out == "f,df/dx,df/dy\n2,2,1\n12,4,3\n"


@pytest.mark.parametrize("reader", ["points csv", "descend csv"])
def test_a_cell_over_the_csv_field_limit_is_a_row_error(tmp_path, reader):
    limit = csv.field_size_limit()
    for quoted in (False, True):
        cell = '"' + "9" * (limit + 1) + '"' if quoted else "9" * (limit + 1)
        path = _file(tmp_path, "csv", f"x,y\n1,2\n1,{cell}\n")
        line = _one_error(*_run(reader, path)[::2])
        assert "row 2 (line 3)" in line and str(limit) in line, line


def test_a_cell_over_the_field_limit_is_skipped_like_any_failed_row(tmp_path):
    path = _file(tmp_path, "csv", f"x,y\n1,2\n1,{'9' * (csv.field_size_limit() + 1)}\n3,4\n")
    code, out, err = run_cgrad_inprocess("eval", "x*y", "--points", path, "--on-error", "skip")
    assert code == 0 and out == "f,df/dx,df/dy\n2,2,1\n12,4,3\n"
    assert "row 2 (line 3)" in err


def _json_error(text: str) -> str:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return str(error)
    raise AssertionError(f"{text!r} is JSON")


# a file cut inside its last row: the content, and the error (the JSON detail is the json module's own words)
CUT_LINE = '{"x": 3, "y"'
CUT_SHORT = {"csv": ('x,y\n1,2\n3,"4', "row 2 (line 3): a quoted cell is not closed: the input ends inside it (cut off?)"),
             "jsonl": ('{"x": 1, "y": 2}\n' + CUT_LINE, f"row 2 (line 2): not JSON ({_json_error(CUT_LINE)})")}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_file_cut_inside_its_last_row_is_refused(tmp_path, reader):
    content, expected = CUT_SHORT[READERS[reader][1]]
    assert _row_error(reader, _file(tmp_path, READERS[reader][1], content)) == expected


def test_an_input_without_its_last_line_end_is_answered_with_a_warning(tmp_path):
    # a file cut at a line's end cannot be told from a whole one; one cut inside its last line can
    # only be suspected: the rows are answered, and stderr says the last one may be short
    code, out, err = run_cgrad_inprocess("eval", "x*y", "--points", "-", input="x,y\n1,2\n3,4")
    assert code == 0 and out == "f,df/dx,df/dy\n2,2,1\n12,4,3\n"
    assert err == ("warning: --points -: the input ends without a line end (line 3); "
                   "if it was cut off, so was its last row\n")


@pytest.mark.parametrize("reader", list(READERS))
def test_endless_input_without_a_line_end_ends_at_the_row_limit(reader):
    code, out, err = _run(reader, "/dev/zero")
    line = _one_error(code, err)
    assert "/dev/zero: line 1 starts a row longer than 1 MiB (the limit of one row)" in line


def test_the_row_limit_names_the_line_of_the_long_row(tmp_path, monkeypatch):
    # the limit bounds what is held while a row has not ended: reads of 64 bytes, rows up to 100
    import cgcli.cli.commands.points as points
    import cgcli.cli.point_rows as point_rows

    monkeypatch.setattr(point_rows, "ROW_BYTES", 100)
    monkeypatch.setattr(points, "BLOCK_BYTES", 64)
    path = _file(tmp_path, "csv", "x,y\n" + "1,2\n" * 300 + "1," + "2" * 150 + "\n")
    code, out, err = run_cgrad_inprocess("eval", "x*y", "--points", path)
    assert out.count("\n") == 1 + 300
    assert "line 302 starts a row longer than" in _one_error(code, err)


def test_descend_data_states_its_size_limit(tmp_path, monkeypatch):
    import cgcli.cli.data_rows as data

    monkeypatch.setattr(data, "DATA_BYTES", 1000)
    path = _file(tmp_path, "csv", "x,y\n" + "1,2\n" * 600)
    line = _one_error(*_run("descend csv", path)[::2])
    assert "the limit of --data" in line


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_names_are_nfc_in_every_reader(tmp_path, kind):
    # the program says é (U+00E9); the file writes it e + U+0301 (what macOS file names and some editors give)
    decomposed = "e\u0301"
    rows = [{decomposed: "1", "y": "2"}, {decomposed: "3", "y": "4"}]
    path = _file(tmp_path, kind, rows)
    code, out, err = run_cgrad_inprocess("eval", "é*y", "--points", path, "--format", "csv")
    assert code == 0 and out == "f,df/dé,df/dy\n2,2,1\n12,4,3\n", err
    code, out, err = run_cgrad_inprocess("descend", "(w*é - y)^2", "--params", "w=0", "--data", path,
                                         "--steps", "1", "--format", "json")
    assert code == 0, err


def test_a_header_repeated_after_nfc_is_refused(tmp_path):
    path = _file(tmp_path, "csv", "é,e\u0301\n1,2\n")
    assert "names the column é twice" in _one_error(*_run("points csv", path)[::2])


# ---------------------------------------------------------------------------------------------
# The fast float writer against repr-based text
# ---------------------------------------------------------------------------------------------

EDGES = [0.0, -0.0, 1.0, -1.0, 21.0, 0.1, 0.5, 2.0 ** 53, 2.0 ** 53 - 1, -(2.0 ** 53) + 1, 2.0 ** 53 + 2, 1e15,
         1e16, 1e16 + 2, 9999999999999998.0, 1e22, 1e-4, 1e-5, 9.999999999999999e-5, 1.0000000000000001e-4,
         1e-10, 9.999999999999999e-11, 1.0000000000000001e-10, 1e-7, 2.5e-7, 5e-324, -5e-324,
         2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308,
         math.nan, math.inf, -math.inf, 0.30000000000000004, 123456789012345.6, 1.2345678901234567e19]


def _reference(columns: list[list[float]]) -> str:
    """What cgrad wrote before the fast writer, one cell at a time: an integral double below 2**53
    as an integer (-0.0 as 0), any other as repr gives it."""
    def text(value: float) -> str:
        return str(int(value)) if value.is_integer() and abs(value) < 2 ** 53 else repr(value)
    return "".join(",".join(text(column[row]) for column in columns) + "\n" for row in range(len(columns[0])))


def _double(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


doubles = st.one_of(st.sampled_from(EDGES), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(0, 2 ** 64 - 1).map(_double), st.integers(-2 ** 53, 2 ** 53).map(float),
                    st.floats(1e-11, 1e-3), st.floats(1e14, 1e17))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(doubles, min_size=width, max_size=width),
                                                        min_size=1, max_size=20)))
def test_fast_writer_equals_repr_text(rows):
    columns = [list(column) for column in zip(*rows)]
    expected = _reference(columns)
    assert float_lines([np.array(column, dtype=float) for column in columns]) == expected
    names = [f"c{k}" for k in range(len(columns))]
    records = [dict(zip(names, line.split(","))) for line in expected.splitlines()]
    assert float_json_lines([np.array(column) for column in columns], names) == "".join(
        "{" + ", ".join(f'"{name}": {value}' for name, value in record.items()) + "}\n" for record in records)


def test_fast_writer_on_random_bit_patterns():
    """Every exponent, both signs, subnormals: the writer and repr agree on each (one vectorised call)."""
    rng = np.random.default_rng(24)
    bits = rng.integers(0, 2 ** 64 - 1, 60_000, dtype=np.uint64, endpoint=True)
    values = bits.view(np.float64)
    columns = [values[k::2] for k in range(2)]
    assert float_lines(columns) == _reference([column.tolist() for column in columns])


@pytest.mark.parametrize("width", [3, 32, 33])  # 31 and more columns: more than the writer has marks for
def test_fast_json_lines_writer_with_any_names_and_widths(width):
    rng = np.random.default_rng(width)
    columns = [rng.choice(EDGES, 50) for _ in range(width)]
    names = (["α", 'a"b', "\x01\n"] + [f"d{k}" for k in range(width)])[:width]
    cells = [line.split(",") for line in _reference([column.tolist() for column in columns]).splitlines()]
    assert float_json_lines(columns, names) == "".join(
        "{" + ", ".join(f"{json.dumps(name, ensure_ascii=False)}: {cell}" for name, cell in zip(names, row)) + "}\n"
        for row in cells)


def test_float_text_is_the_one_cell_writer():
    assert [float_text(v) for v in (21.0, -0.0, 0.1, 1e-05, 1e16, 2.0 ** 53)] == \
        ["21", "0", "0.1", "1e-05", "1e+16", "9007199254740992.0"]


@pytest.mark.parametrize("reader, content", [
    ("points csv", "x,\x1b]0;owned\x07y\n1,2\n"),  # a header name
    ("points csv", "x,y\n1,\x1b[31m2\n"),  # a cell
    ("points jsonl", '{"x": 1, "y": 2, "\\u001b]0;owned\\u0007": 1, "\\u001b]0;owned\\u0007": 2}\n'),  # a key
    ("descend csv", "x,y\n1,\x1b[31m2\n"),
    ("descend jsonl", '{"x": 1, "y": "\\u001b[31m2"}\n'),
])
def test_user_text_in_messages_is_escaped(tmp_path, reader, content):
    code, out, err = _run(reader, _file(tmp_path, reader.split()[1], content))
    assert code == 2 and "\x1b" not in err and "\x07" not in err and "\\x1b" in err, err


def test_failed_rows_keep_their_errors_without_the_frames_that_raised_them():
    """10⁶ rows may fail: each kept error must not hold the scalar passes' frames (and their values)."""
    import cgcli

    batch = cgcli.compile("log(x)*y").batch([np.array([1.0, -1.0, -2.0]), np.array([1.0, 2.0, 3.0])])
    assert sorted(batch.failures) == [1, 2]
    for error in batch.failures.values():
        assert error.__traceback__ is None and error.__context__ is None and "log of a non-positive" in error.message


@pytest.mark.parametrize("value", [9007199254740991.0, 2.0 ** 53, 9.1e15, 1e16, -1e15, 123456.0, 2.5e-7])
def test_a_double_reads_the_same_in_the_table_the_json_and_the_rows(value):
    # one rule, stated here independently: an integral double below 2**53 has no ".0"; any other, repr
    expected = str(int(value)) if value.is_integer() and abs(value) < 2 ** 53 else repr(value)
    at = f"x={value!r}"
    _, table, _ = run_cgrad_inprocess("eval", "x*1", "--at", at, "--no-trace")
    _, document, _ = run_cgrad_inprocess("eval", "x*1", "--at", at, "--no-trace", "--format", "json")
    _, rows, _ = run_cgrad_inprocess("eval", "x*1", "--points", "-", input=f"x\n{value!r}\n")
    assert table.splitlines()[-1].split()[2] == expected
    assert document.split('"value": ')[1].split(",")[0] == expected
    assert rows.splitlines()[1].split(",")[0] == expected  # the columns f, df/dx


@pytest.mark.parametrize("cell, words", [("abc", "column y = abc: not a number"), ("", "column y: no value"),
                                         ("1e999", "column y = 1e999: the number 1e999 is too large")])
def test_both_row_readers_word_a_bad_cell_alike(tmp_path, cell, words):
    data = tmp_path / "d.csv"
    data.write_text(f"x,y\n1,2\n3,{cell}\n")
    _, _, points = run_cgrad_inprocess("eval", "x*y", "--points", "d.csv", cwd=str(tmp_path))
    _, _, descend = run_cgrad_inprocess("descend", "(w*x - y)^2", "--data", "d.csv", "--params", "w=0",
                                        "--steps", "1", cwd=str(tmp_path))
    assert points.startswith(f"error: row 2 (line 3), {words}")
    assert descend.startswith(f"error: --data d.csv: row 2 (line 3), {words}")
