"""The Python API: values against hand-computed ones, errors carrying the CLI's messages (docs/points.md's examples run as doctests in test_docs_examples.py)."""
from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest

import cgcli
from conftest import run_cgrad_inprocess



def test_float_value_and_gradient_by_hand():
    result = cgcli.evaluate("x*sin(y) + x^2", at={"x": 1.5, "y": 0.25})
    assert result.value == pytest.approx(1.5 * math.sin(0.25) + 2.25, rel=1e-15)
    assert result.gradient["x"] == pytest.approx(math.sin(0.25) + 3.0, rel=1e-15)
    assert result.gradient["y"] == pytest.approx(1.5 * math.cos(0.25), rel=1e-15)


def test_parsed_once_evaluated_exactly_at_two_points():
    program = cgcli.parse("p = x/y; q = p^2")
    for x, y in ((Fraction(1, 3), Fraction(2)), (Fraction(5), Fraction(7, 2))):
        result = cgcli.evaluate(program, at={"x": str(x), "y": str(y)}, numbers="exact")
        assert result.value == (x / y) ** 2
        assert result.gradient == {"x": 2 * x / y ** 2, "y": -2 * x ** 2 / y ** 3}
        assert result.output == "q"


def test_wrt_and_output_names():
    result = cgcli.evaluate("u = a*b; v = u + a; w = 2v", at={"a": 2, "b": 5}, output="v", wrt=["u", "b"])
    assert result.value == 12.0 and result.gradient == {"u": 1.0, "b": 2.0}


def test_interval_encloses_the_value():
    enclosure = cgcli.evaluate("exp(x)", at={"x": 1}, numbers="interval").value
    assert math.e in enclosure.iv


@pytest.mark.parametrize("text, at, error_type", [
    ("sqrt(x - 4)", {"x": 1}, cgcli.MathError),
    ("x / (y - y)", {"x": 1, "y": 3}, cgcli.MathError),
    ("x * (y", {"x": 1, "y": 3}, cgcli.InputError),
    ("x + z", {"x": 1}, cgcli.InputError),
    ("x + 1", {"x": "one"}, cgcli.InputError),
])
def test_errors_carry_the_cli_message(text, at, error_type):
    with pytest.raises(error_type) as caught:
        cgcli.evaluate(text, at=at)
    point = ",".join(f"{name}={value}" for name, value in at.items())
    code, out, err = run_cgrad_inprocess("eval", text, "--at", point)
    assert code == error_type.status
    assert err.splitlines()[0].startswith(f"error: {caught.value.message}")


def test_bad_number_system_is_an_input_error():
    with pytest.raises(cgcli.InputError, match="numbers='decimal'"):
        cgcli.evaluate("x", at={"x": 1}, numbers="decimal")
    with pytest.raises(cgcli.InputError, match="digits=N"):
        cgcli.evaluate("x", at={"x": 1}, numbers="digits")


def test_py_typed_ships_in_the_package():
    assert (Path(cgcli.__file__).parent / "py.typed").exists()
