"""cgrad eval --each: one program per line, error records with line numbers, shared --at, the exit status."""
from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

from conftest import run_cgrad_inprocess

MIXED = "a*b + 1\n\n# skipped\nexp(a) / 0\nb^3\nb +* 2\n  # indented comment\nsqrt(a)\n"


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_mixed_lines_answered_in_order_with_line_numbers():
    code, out, err = run_cgrad_inprocess("eval", "-", "--each", "--at", "a=4,b=-2", input=MIXED)
    got = records(out)
    assert [record["line"] for record in got] == [1, 4, 5, 6, 8]
    assert got[0] == {"line": 1, "expression": "a*b + 1", "value": -7, "gradient": {"a": -2, "b": 4}}
    assert "division by zero" in got[1]["error"]
    assert got[2]["value"] == -8 and got[2]["gradient"] == {"b": 12}  # a is unused here: no error
    assert got[3]["error"].startswith("syntax error")
    assert got[4]["value"] == 2 and got[4]["gradient"] == {"a": 0.25}
    assert code == 2 and err == "error: 2 of 5 lines failed (lines 4, 6); their records say why\n"


def test_error_record_is_the_cli_message():
    code, out, _ = run_cgrad_inprocess("eval", "-", "--each", "--at", "y=0", input="log(y)\n")
    single_code, _, single_err = run_cgrad_inprocess("eval", "log(y)", "--at", "y=0")
    assert code == single_code == 1
    assert single_err.startswith(f"error: {records(out)[0]['error']}")


def test_math_failures_alone_exit_1_and_all_good_exit_0():
    assert run_cgrad_inprocess("eval", "-", "--each", "--at", "x=-1", input="x^2\nlog(x)\n")[0] == 1
    assert run_cgrad_inprocess("eval", "-", "--each", "--at", "x=-1", input="x^2\n# c\n\nx - 1\n")[0] == 0


def test_unbound_variable_is_an_input_error_record():
    code, out, _ = run_cgrad_inprocess("eval", "-", "--each", "--at", "x=1", input="x + q\n")
    assert code == 2 and "'q'" in records(out)[0]["error"]


def test_exact_each_from_a_file(tmp_path):
    program = tmp_path / "formulas.txt"
    program.write_text("x/y\nx^2*y\n", encoding="utf-8")
    code, out, _ = run_cgrad_inprocess("eval", "-f", str(program), "--each", "--exact", "--at", "x=1/3,y=0.5")
    x, y = Fraction(1, 3), Fraction(1, 2)
    first, second = records(out)
    assert Fraction(first["value"]) == x / y and Fraction(first["gradient"]["y"]) == -x / y ** 2
    assert Fraction(second["value"]) == x ** 2 * y and Fraction(second["gradient"]["x"]) == 2 * x * y
    assert code == 0


def test_csv_columns():
    code, out, _ = run_cgrad_inprocess("eval", "-", "--each", "--format", "csv", "--at", "t=2",
                                       input="t*t\n1/(t-2)\n")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["line", "expression", "value", "gradient", "error"]
    assert rows[0]["value"] == "4" and json.loads(rows[0]["gradient"]) == {"t": 4}
    assert rows[1]["line"] == "2" and rows[1]["value"] == "" and "division by zero" in rows[1]["error"]
    assert code == 1


def test_digits_and_interval_each():
    _, out, _ = run_cgrad_inprocess("eval", "-", "--each", "--digits", "25", "--at", "x=2", input="x/3\n")
    assert records(out)[0]["value"] == "0.6666666666666666666666667"
    _, out, _ = run_cgrad_inprocess("eval", "-", "--each", "--interval", "--at", "x=1..2", input="x^2\n")
    assert records(out)[0]["value"] == ["1", "4"]


def test_table_format_refused_with_each_and_csv_without():
    code, _, err = run_cgrad_inprocess("eval", "-", "--each", "--format", "table", "--at", "x=1", input="x\n")
    assert code == 2 and err.startswith("error: --each writes JSON lines or CSV")
    code, _, err = run_cgrad_inprocess("eval", "x", "--format", "csv", "--at", "x=1")
    assert code == 2 and "add --each" in err


def test_one_program_on_stdin_notes_the_discarded_line():
    code, out, err = run_cgrad_inprocess("eval", "-", "--at", "x=2", "--format", "json", "--no-trace",
                                         input="x^2\nx^3\n")
    assert code == 0 and json.loads(out)["value"] == 8
    assert err.startswith("note:") and "--each" in err
    code, _, err = run_cgrad_inprocess("eval", "-", "--at", "x=2", input="u = x^2\nu + 1\n")
    assert code == 0 and err == ""
