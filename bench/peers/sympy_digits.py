"""What a user would write with SymPy instead of `cgrad eval EXPR --at ... --digits N --format json`.

Usage:
    python sympy_digits.py "sin(x)*exp(x)/(1+x^2)" x=1/3 --digits 1000

sympify the expression (`^` means power), differentiate it symbolically with respect to every
variable, substitute the point as exact Rationals and evalf(N). Prints one JSON object
{"value": "...", "gradient": {name: "..."}} with N-significant-digit decimal strings, the same
shape as cgrad's `--digits N --format json`.
"""

import argparse
import json
import sys

import sympy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("expression")
    parser.add_argument("values", nargs="+", help="NAME=VALUE pairs, comma-joined or separate")
    parser.add_argument("--digits", type=int, required=True)
    args = parser.parse_args()
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # printing thousands of digits

    values = {}
    for arg in args.values:
        for pair in arg.split(","):
            name, _, text = pair.partition("=")
            values[name.strip()] = text.strip()
    symbols = {name: sympy.Symbol(name) for name in values}
    expr = sympy.sympify(args.expression, locals=symbols)
    point = {symbols[name]: sympy.Rational(text) for name, text in values.items()}

    def digits(e) -> str:
        return str(e.subs(point).evalf(args.digits))

    print(json.dumps({
        "value": digits(expr),
        "gradient": {name: digits(sympy.diff(expr, sym)) for name, sym in symbols.items()},
    }))


if __name__ == "__main__":
    main()
