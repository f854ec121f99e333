"""Hopeless work is refused fast, in every number mode: --max-digits estimated before computing,
Python's int↔str limit lifted only around cgrad's own conversions, --timeout, and bad --at
values as bad input (exit 2).

Reference values are computed here with Python integers, Fractions and the decimal module,
never with cgrad's number systems."""
from __future__ import annotations

import json
import math
import signal
import sys
from contextlib import contextmanager
from decimal import Context, Decimal
from fractions import Fraction

import pytest

from conftest import parse_json_output, run_cgrad_inprocess, run_cgrad_process

MATH, INPUT = 1, 2
MODES = {"float": [], "exact": ["--exact"], "digits": ["--digits", "20"], "interval": ["--interval"]}
PRECISE_MODES = ["exact", "digits", "interval"]  # the modes --max-digits guards directly


@contextmanager
def lifted_int_limit():
    """This test process's own int↔str limit lifted, for building 10 000-digit references."""
    saved = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    if saved is not None:
        sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        if saved is not None:
            sys.set_int_max_str_digits(saved)


def cgrad(*args: str, input: str | None = None) -> tuple[int, str, str]:
    code, out, err = run_cgrad_inprocess(*args, input=input)
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out, err


def error_line(code: int, out: str, err: str, status: int) -> str:
    """The first stderr line of a clean failure with exit `status`."""
    assert code == status, f"exit {code}, expected {status}; stderr:\n{err}"
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith("error: "), err
    return first


def value_of(*args: str):
    code, out, err = cgrad(*args, "--format", "json", "--no-trace")
    assert code == 0, err
    return parse_json_output(out)["value"]


def leading_digits(value: Fraction, digits: int) -> tuple[str, int]:
    """value's first `digits` significant digits, rounded to nearest (ties to even), and its decimal
    exponent, by integer arithmetic."""
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    if value < Fraction(10) ** exponent:
        exponent -= 1
    mantissa = round(value / Fraction(10) ** (exponent - digits + 1))
    if mantissa >= 10 ** digits:
        mantissa, exponent = round(value / Fraction(10) ** (exponent - digits + 2)), exponent + 1
    return str(mantissa), exponent


def assert_refused_for_size(first: str, limit: int = 100000) -> None:
    assert "--max-digits" in first and str(limit) in first, first
    assert "raise --max-digits to go further" in first, first


# --------------------------------------------------------------------------------------------
# Huge and tiny --at values and literals, in every mode
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", PRECISE_MODES)
@pytest.mark.parametrize("value", ["1e200000", "-4.5e123456", "3e-150000", "1e99999999999", "7E+1000000000000"])
def test_at_values_beyond_max_digits_are_bad_input(mode, value):
    first = error_line(*cgrad("eval", "2*z", "--at", f"z={value}", *MODES[mode]), INPUT)
    assert f"--at z={value}" in first
    assert_refused_for_size(first)


@pytest.mark.parametrize("value", ["1e400", "-2.5e309", "1e999999", "1e300/1e-300"])
def test_at_values_beyond_float_are_bad_input_with_the_way_out(value):
    first = error_line(*cgrad("eval", "2*z", "--at", f"z={value}"), INPUT)
    assert "too large for float" in first, first
    if value == "1e999999":  # --digits would not hold it either, under the default --max-digits
        assert_refused_for_size(first)
    elif "/" not in value:
        assert "--digits" in first


@pytest.mark.parametrize("mode", PRECISE_MODES)
def test_a_literal_beyond_max_digits_is_a_math_error_pointing_at_it(mode):
    code, out, err = cgrad("eval", "x + 4e-300000", "--at", "x=1", *MODES[mode])
    first = error_line(code, out, err, MATH)
    assert_refused_for_size(first)
    caret_line = err.splitlines()[2]
    assert caret_line.index("^") == err.splitlines()[1].index("4e-300000")


def test_raising_max_digits_lets_a_large_value_through():
    assert value_of("eval", "z", "--at", "z=2e150000", "--exact", "--max-digits", "200000") == "2" + "0" * 150000
    assert value_of("eval", "z", "--at", "z=2e150000", "--digits", "3", "--max-digits", "200000") == "2.00e+150000"
    low, high = value_of("eval", "z", "--at", "z=2e-150000", "--interval", "--max-digits", "200000")
    exact = Fraction(2, 10 ** 150000)
    assert Fraction(low) <= exact <= Fraction(high) and Fraction(high) - Fraction(low) < exact / 10 ** 15


def test_interval_literals_with_large_exponents_are_enclosures():
    # mpmath reads `1e-500`-style text without directed rounding; cgrad builds the enclosure itself
    for text in ["7e-401", "123456789123456789e-700", "3e777", "9.99e-4321"]:
        low, high = value_of("eval", f"x + {text}", "--at", "x=0", "--interval")
        exact = Fraction(text)
        assert Fraction(low) <= exact <= Fraction(high), (text, low, high)


# --------------------------------------------------------------------------------------------
# Huge and tiny results of pow, exp and products, estimated before computing
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", PRECISE_MODES)
@pytest.mark.parametrize("source, at", [
    ("x^y", "x=7,y=10000000"),             # 8.45e6 digits
    ("x^y", "x=0.9,y=5e9"),                # 2.3e8 digits after the point
    ("exp(x)", "x=5e5"),                   # 2.2e5 digits (irrational, so refused anyway in --exact)
    ("u = x^60000; u*u", "x=10"),          # each factor fits, the product does not
])
def test_huge_results_are_refused_in_the_precise_modes(mode, source, at):
    if mode == "exact" and source.startswith("exp"):
        source = "x^y"  # 1000^500000: 1.5e6 digits
        at = "x=1000,y=500000"
    first = error_line(*cgrad("eval", source, "--at", at, *MODES[mode]), MATH)
    assert_refused_for_size(first)
    assert "digits" in first


def test_the_estimate_comes_before_the_work():
    # a thousand-digit exponent: mpmath would need ln 2 to 3 300 bits just to start
    first = error_line(*cgrad("eval", "exp(x)", "--at", "x=" + "9" * 1000, "--digits", "10"), MATH)
    assert "more than 1e308 digits" in first
    first = error_line(*cgrad("eval", "x^(10^10)", "--at", "x=1/7", "--interval"), MATH)
    assert "8.45e+09 digits" in first and "in f = x^(10^10)" in first


def test_float_overflow_keeps_its_message_and_suggests_only_what_works():
    first = error_line(*cgrad("eval", "exp(x)", "--at", "x=800"), MATH)
    assert "overflows float" in first and "--digits N can represent it" in first
    first = error_line(*cgrad("eval", "x^y", "--at", "x=3,y=1e7"), MATH)
    assert "overflows float" in first and "4.77e+06 digits" in first
    assert_refused_for_size(first)


def test_what_float_overflows_digits_computes():
    reference = Context(prec=40).exp(Decimal(800))  # correctly rounded by the decimal module
    mantissa, exponent = f"{reference:.19e}".split("e")
    assert value_of("eval", "exp(x)", "--at", "x=800", "--digits", "20") == f"{mantissa}e{int(exponent):+d}"


def test_a_vanishing_intermediate_is_not_refused():
    # softplus(x) = x + log(1 + exp(-x)): exp(-1e6) has 434 295 digits but vanishes in the sum
    document = json.loads(cgrad("eval", "softplus(x)", "--at", "x=1e6", "--digits", "15", "--format", "json",
                                "--no-trace")[1])
    assert document["value"] == "1000000.00000000" and document["gradient"] == {"x": "1.00000000000000"}


def test_exp_below_max_digits_underflows_to_an_enclosure_of_zero():
    # as a float's exp underflows to 0: sigmoid(-1e6) = exp(-1e6)/(1 + exp(-1e6)) ≈ 10^-434295
    low, high = value_of("eval", "sigmoid(x)", "--at", "x=-1e6", "--interval")
    assert Fraction(low) == 0 and 0 < Fraction(high) <= Fraction(1, 10 ** 99998)
    low, high = value_of("eval", "3*exp(-x*x) + 2", "--at", "x=1e300", "--interval")
    assert Fraction(low) <= 2 <= Fraction(high) and Fraction(high) - Fraction(low) < Fraction(1, 10 ** 15)


@pytest.mark.parametrize("value, expected", [("1e99999", 1), ("-4e88888", -1)])
def test_tanh_of_a_huge_argument_is_its_limit(value, expected):
    low, high = value_of("eval", "tanh(x)", "--at", f"x={value}", "--interval")
    assert Fraction(low) <= expected <= Fraction(high) and Fraction(high) - Fraction(low) < Fraction(1, 10 ** 15)


@pytest.mark.parametrize("function", ["sin", "cos"])
def test_sin_and_cos_of_a_wide_huge_enclosure_are_their_range_at_once(function):
    # [1e99999 ± one ulp] spans many periods: no reduction modulo π to 330 000 bits
    assert value_of("eval", f"{function}(x)", "--at", "x=1e99999", "--interval") == ["-1", "1"]


@pytest.mark.parametrize("power", [-20000, -31234, 25000])
def test_powers_past_4300_digits_print_right_in_interval_and_digits(power):
    exact = Fraction(2) ** power
    low, high = value_of("eval", f"2^({power})", "--interval")
    assert Fraction(low) <= exact <= Fraction(high) and Fraction(high) - Fraction(low) < exact / 10 ** 15
    with lifted_int_limit():
        mantissa, exponent = leading_digits(exact, 25)
    assert value_of("eval", f"2^({power})", "--digits", "25") == f"{mantissa[0]}.{mantissa[1:]}e{exponent:+d}"


def test_a_large_magnitude_within_max_digits_is_cheap_in_digits_mode():
    with lifted_int_limit():
        mantissa, exponent = leading_digits(Fraction(3) ** 150000, 12)
    code, out, err = cgrad("eval", "3^x", "--at", "x=150000", "--digits", "12", "--max-digits", "80000",
                           "--format", "json")
    document = parse_json_output(out)
    assert code == 0 and document["value"] == f"{mantissa[0]}.{mantissa[1:]}e+{exponent}"


# --------------------------------------------------------------------------------------------
# Exact rational powers: irrationality decided cheaply
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "9^(7000000001/14000000000)", "(2/3)^(1/99999999999)", "5^(3/1000)", "x^(1/123456789)",
    "(3^200000 + 1)^(1/1000)",  # a degree below the bit length: Newton's method from a float estimate
])
def test_irrational_powers_with_huge_denominators_are_refused_at_once(source):
    values = ["--at", "x=12345678901234567890"] if "x" in source else []
    first = error_line(*cgrad("eval", source, *values, "--exact"), MATH)
    assert "irrational" in first and "--digits" in first


@pytest.mark.parametrize("source, expected", [
    ("(2^1000)^(1/1000)", "2"),
    ("(3^1000)^(7/500)", str(3 ** 14)),
    ("((5/7)^999)^(-2/999)", "49/25"),
    ("1^(1/1000000000000)", "1"),
    ("0^(3/1000000000000)", "0"),
])
def test_rational_powers_with_large_denominators_are_found(source, expected):
    assert value_of("eval", source, "--exact") == expected


# --------------------------------------------------------------------------------------------
# Python's int↔str limit: lifted only around cgrad's conversions
# --------------------------------------------------------------------------------------------

def test_the_process_int_limit_is_left_as_it_was():
    if not hasattr(sys, "get_int_max_str_digits"):
        pytest.skip("no int↔str limit before Python 3.11")
    saved = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(4321)
    try:
        exact = value_of("eval", "x^6000", "--at", "x=7", "--exact")
        digits = value_of("eval", "x/7", "--at", "x=1", "--digits", "5000")
        interval = value_of("eval", "x", "--at", "x=" + "3" * 5000, "--interval", "--digits", "5000")
        assert sys.get_int_max_str_digits() == 4321
    finally:
        sys.set_int_max_str_digits(saved)
    with lifted_int_limit():
        assert exact == str(7 ** 6000)
        assert digits == "0." + ("142857" * 834)[:5000]
        assert interval == ["3" * 5000, "3" * 5000]


# --------------------------------------------------------------------------------------------
# --timeout
# --------------------------------------------------------------------------------------------

def test_timeout_gives_up_at_the_node_it_was_computing():
    code, out, err = run_cgrad_process("eval", "sin(sin(sin(sin(sin(x)))))", "--at", "x=1/3", "--digits", "50000",
                                       "--timeout", "0.5", timeout=60)
    first = error_line(code, out, err, MATH)
    assert first.startswith("error: gave up after 0.5 s at node t"), first
    assert first.endswith("(raise --timeout to allow more)") and "sin(" in first


@pytest.mark.parametrize("command", [
    ["eval", "exp(sin(x))*cos(x)", "--at", "x=2/7"],
    ["diagram", "exp(sin(x))*cos(x)", "--at", "x=2/7"],
    ["paths", "exp(sin(x))*cos(x)", "--at", "x=2/7", "--wrt", "x"],
])
def test_timeout_works_in_every_command_and_restores_the_signal_state(command):
    handler = signal.getsignal(signal.SIGALRM)
    first = error_line(*cgrad(*command, "--digits", "40000", "--timeout", "0.2"), MATH)
    assert first.startswith("error: gave up after 0.2 s") and "raise --timeout" in first
    assert signal.getsignal(signal.SIGALRM) == handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_timeout_in_descend():
    first = error_line(*cgrad("descend", "(x-3)^2", "--params", "x=0", "--steps", "100000000", "--grad-tol", "0",
                              "--digits", "30", "--timeout", "0.3"), MATH)
    assert first.startswith("error: gave up after 0.3 s") and "raise --timeout" in first


def test_a_run_within_its_timeout_leaves_no_timer_behind():
    handler = signal.getsignal(signal.SIGALRM)
    assert value_of("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--timeout", "30") == 21
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == handler


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_timeout_must_be_a_positive_number(value):
    first = error_line(*cgrad("eval", "x", "--at", "x=1", "--timeout", value), INPUT)
    assert "--timeout" in first


# --------------------------------------------------------------------------------------------
# Bad values given by the user: exit 2 in every mode
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("value, words", [
    ("2/0", "division by zero"), ("-5/0.0", "division by zero"), ("1/0e7", "division by zero"),
    ("inf", "not a number"), ("-inf", "not a number"), ("nan", "not a number"), ("Infinity", "not a number"),
    ("[1, 3/0]", "division by zero"), ("[[1, nan]]", "nested list"),
])
def test_bad_at_values_are_bad_input_in_every_mode(mode, value, words):
    first = error_line(*cgrad("eval", "sum(x)" if value.startswith("[") else "x", "--at", f"x={value}",
                              *MODES[mode]), INPUT)
    assert f"--at x={value}" in first and words in first, first


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("document, words", [
    ('{"x": "4/0"}', "division by zero"),
    ('{"x": 1e999999}', "--max-digits"),
    ('{"x": [1, 2e999999]}', "--max-digits"),
    ('{"x": NaN}', "is not a name with a number"),
])
def test_bad_values_in_a_json_file_are_bad_input(tmp_path, mode, document, words):
    path = tmp_path / "values.json"
    path.write_text(document)
    first = error_line(*cgrad("eval", "sum(x)", "--at", f"@{path}", *MODES[mode]), INPUT)
    assert words in first, first


@pytest.mark.parametrize("document, name", [
    ('{"a": 1, "b": 2, "a": 1}', "a"),
    ('{"w": [1, 2], "x": 0, "w": [3, 4]}', "w"),
])
def test_a_name_twice_in_a_json_file_is_bad_input(tmp_path, document, name):
    path = tmp_path / "values.json"
    path.write_text(document)
    first = error_line(*cgrad("eval", "sum(w)*x + a*b", "--at", f"@{path}"), INPUT)
    assert f"'{name}' is given twice" in first and "values.json" in first, first


@pytest.mark.parametrize("option, value, words", [
    ("--lr", "1/0", "division by zero"), ("--lr", "1e500", "too large for float"),
    ("--params", "x=7/0", "division by zero"), ("--momentum", "nan", "not a number"),
])
def test_bad_values_in_descend_are_bad_input(option, value, words):
    args = ["descend", "(x-3)^2", "--params", "x=0", "--steps", "2"]
    if option == "--params":
        args[3] = value
    else:
        args += [option, value]
    first = error_line(*cgrad(*args), INPUT)
    assert words in first, first


def test_bad_data_cells_are_bad_input(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y\n1,2\n2,5/0\n")
    first = error_line(*cgrad("descend", "(w*x - y)^2", "--params", "w=0", "--data", str(path), "--exact"), INPUT)
    assert "row 2" in first and "column y" in first and "division by zero" in first, first


def test_math_on_good_values_is_still_a_math_error():
    first = error_line(*cgrad("eval", "1/(x-2)", "--at", "x=2", "--exact"), MATH)
    assert "division by zero" in first


def test_significant_digits_match_fraction_rounding():
    # cgrad's integer-only rounding against Fraction's floor, ceil and round (ties to even)
    import random

    from cgcli.numbers.decimals import round_down, round_to_nearest, round_up, significant

    generator = random.Random(9)
    for _ in range(2000):
        value = Fraction(generator.randint(-10 ** 30, 10 ** 30) or 1, generator.randint(1, 10 ** 25))
        value *= Fraction(10) ** generator.randint(-400, 400)
        digits = generator.randint(1, 25)
        exponent = math.floor(math.log10(abs(value.numerator))) - math.floor(math.log10(value.denominator))
        while abs(value) < Fraction(10) ** exponent:
            exponent -= 1
        while abs(value) >= Fraction(10) ** (exponent + 1):
            exponent += 1
        for rounding, reference in ((round_down, math.floor), (round_up, math.ceil), (round_to_nearest, round)):
            mantissa = reference(value / Fraction(10) ** (exponent - digits + 1))
            expected = (mantissa, exponent)
            if abs(mantissa) == 10 ** digits:  # 9.99… rounded up to 10.0: one more digit before the point
                expected = (reference(value / Fraction(10) ** (exponent - digits + 2)), exponent + 1)
            assert significant(value, digits, rounding) == expected, (value, digits, rounding.__name__)
