"""Issue 9 (hardening) for descend, diagrams, paths and data files: the trips of a new user.

Expected values are computed here, independently of cgrad: by hand (derivations in the
comments), by plain-Python gradient-descent loops, or by NumPy's least squares.
"""
from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import pytest

from conftest import run_cgrad_inprocess

INPUT, MATH = 2, 1
MODES = {"float": [], "exact": ["--exact"], "digits": ["--digits", "20"], "interval": ["--interval"]}


def one_error_line(code: int, out: str, err: str, expected: int = INPUT) -> str:
    """The single `error:` line of a refused run, after checking its exit status and silence on stdout."""
    assert code == expected, f"exit {code}, expected {expected}; stdout:\n{out}\nstderr:\n{err}"
    assert out == "", out
    assert err.startswith("error:") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    return err.rstrip("\n")


# ============================================================================================
# 1. descend: every numeric option refuses values outside its domain (exit 2, naming the option)
# ============================================================================================

NOT_NUMBERS = ["1/0", "-3/0", "abc", "", "nan", "inf", "[1, 2]", "1e3x"]
DOMAINS = {  # option → values that are numbers but outside its domain, in every number mode
    "--lr": ["0", "-1", "-1/3", "-0.0"],
    "--tol": ["-1", "-1e-9"],
    "--grad-tol": ["-2/7"],
    "--momentum": ["1", "1.5", "-0.1", "1e400"],
    "--beta1": ["1", "9/8", "-1e-3", "1e400"],
    "--beta2": ["1", "2", "-0.5"],
    "--eps": ["0", "-1e-8"],
}
SWEEP = [(option, value, mode) for option, values in DOMAINS.items()
         for value, mode in itertools.product(NOT_NUMBERS + values, MODES)]
SWEEP += [(option, "1e400", "float") for option in ("--lr", "--tol", "--grad-tol", "--eps")]  # inf as a double


@pytest.mark.parametrize("option, value, mode", SWEEP)
def test_descend_refuses_bad_option_values(option, value, mode):
    code, out, err = run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", "--steps", "3",
                                         "--optimizer", "adam", *MODES[mode], option, value)
    line = one_error_line(code, out, err)
    assert line.startswith(f"error: {option} {value}:"), line


@pytest.mark.parametrize("option, value, words", [
    ("--lr", "1/0", "division by zero"),
    ("--lr", "-1", "must be positive"),
    ("--lr", "1e400", "not a finite number"),
    ("--momentum", "1", "below 1"),
    ("--eps", "0", "must be positive"),
    ("--tol", "-1", "0 or more"),
])
def test_descend_option_messages_say_why(option, value, words):
    line = one_error_line(*run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", option, value))
    assert words in line, line


@pytest.mark.parametrize("mode", MODES)
def test_descend_accepts_the_edges_of_each_domain(mode):
    # 0 is allowed for --tol, --grad-tol, --momentum and the betas; 1/2 for all. With --lr 1/4 on
    # (x-3)² from 0, one step of gd is x1 = 0 − 1/4·(−6) = 3/2 whatever the other options say.
    code, out, err = run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", "--lr", "1/4", "--steps", "1",
                                         "--tol", "0", "--grad-tol", "0", "--momentum", "0", "--beta1", "0",
                                         "--beta2", "1/2", "--eps", "1/2", *MODES[mode], "--format", "json")
    assert code == 0, err
    x = json.loads(out)["params"]["x"]
    low, high = (Fraction(v) for v in x) if isinstance(x, list) else (Fraction(x), Fraction(x))
    assert low <= Fraction(3, 2) <= high and high - low < Fraction(1, 10 ** 12)
