"""The structured number every number system hands printers: its text is what `format` prints, and
LaTeX is written from its fields (values below worked out by hand)."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from cgcli.numbers import number_system
from cgcli.numbers.written import Written, fraction, read, shortened
from cgcli.render import latex

SYSTEMS = {"float": number_system("float"), "exact": number_system("exact"),
           "digits": number_system("digits", 30), "interval": number_system("interval")}


@settings(max_examples=60, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_float_text_is_format(x):
    numbers = SYSTEMS["float"]
    assert numbers.written(x).text == numbers.format(x)


@settings(max_examples=40, deadline=None)
@given(st.fractions(max_denominator=10 ** 30))
def test_other_systems_text_is_format(q):
    for name in ("exact", "digits", "interval"):
        numbers = SYSTEMS[name]
        value = numbers.literal(str(q.numerator)) / numbers.literal(str(q.denominator))
        assert numbers.written(value).text == numbers.format(value), name


def test_each_system_gives_its_parts():
    assert SYSTEMS["exact"].written(Fraction(-19, 21)) == fraction("-19", "21")
    assert SYSTEMS["float"].written(1e-05) == Written(digits="1", exponent="-05")
    low, high = SYSTEMS["interval"].written(SYSTEMS["interval"].literal("1") / SYSTEMS["interval"].literal("3")).items
    assert low.digits == high.digits == "0" and low.fraction < high.fraction  # outward: lo < 1/3 < hi


@pytest.mark.parametrize("number, expected", [
    (Written("-", "1", "25", exponent="-05"), r"-1.25 \times 10^{-5}"),
    (Written(digits="6", fraction="02", more=True, exponent="+23"), r"6.02\ldots{} \times 10^{23}"),
    (fraction("-19", "21"), r"-\frac{19}{21}"),
    (Written(digits="0", fraction="9047619", approximate=True), r"\approx 0.9047619"),
    (Written(items=(Written(digits="1"), Written("-", "2"))), r"\left[1, -2\right]"),
    (Written(digits="123", elided=23, more=True), r"123\ldots\,(\text{23 digits})"),
    (Written(digits="1", fraction="5", doubt=True), "1.5?"),
])
def test_latex_reads_the_fields(number, expected):
    assert latex.written(number) == expected


@pytest.mark.parametrize("text, expected", [
    ("0.30000000000000004", "0.3"),  # a double's last-place noise: no ellipsis
    ("0.41097328584412345", "0.410973285844…"),  # 12 significant digits, rounded half to even
    ("1.2345678901234567e+40", "1.23456789012…e+40"),
    ("123456789012345678901234", "123456789012…(24 digits)"),  # an integer is cut, not rounded
    # an interval's ends are cut, keeping two digits past where they part (13 agree: 15 kept)
    ("[0.12345678901234567890123, 0.12345678901239999999999]", "[0.123456789012345…, 0.123456789012399…]"),
    ("19/21", "19/21"),
])
def test_shortened_parts(text, expected):
    assert shortened(read(text)).text == expected
