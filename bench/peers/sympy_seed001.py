"""What a user would write with SymPy instead of `cgrad eval EXPR --at ... --format json`.

Usage:
    python sympy_seed001.py "3*(a+b*c)" a=1,b=2,c=3

Prints one JSON object {"value": ..., "gradient": {name: ...}}, the same shape as
cgrad's `--format json`.  `^` in the expression means power (sympify's convert_xor).
Values may be given as one comma-joined argument or as several arguments.
"""

import json
import sys

import sympy


def parse_values(args: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for arg in args:
        for pair in arg.split(","):
            name, _, text = pair.partition("=")
            values[name.strip()] = text.strip()
    return values


def main() -> None:
    expr_text, *value_args = sys.argv[1:]
    values = parse_values(value_args)
    symbols = {name: sympy.Symbol(name) for name in values}
    expr = sympy.sympify(expr_text, locals=symbols)
    point = {symbols[name]: sympy.sympify(text) for name, text in values.items()}

    value = expr.subs(point)
    gradient = {name: sympy.diff(expr, sym).subs(point) for name, sym in symbols.items()}

    print(json.dumps({
        "value": float(value),
        "gradient": {name: float(g) for name, g in gradient.items()},
    }))


if __name__ == "__main__":
    main()
