"""What a user would write with SymPy instead of `cgrad eval PROGRAM --output all --format json --no-trace`.

Usage:
    python sympy_jacobian.py "R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I" V=4.999,I=0.019661,phi=1.04446

Each statement `name = expr` may use the names before it. Prints one JSON object {"values": {output: ...},
"jacobian": {output: {variable: ...}}}, the shape of cgrad's. `^` means power (sympify's convert_xor).
"""

import json
import sys

import sympy


def main() -> None:
    program, values_text = sys.argv[1:]
    values = dict(pair.split("=", 1) for pair in values_text.split(","))
    symbols = {name: sympy.Symbol(name) for name in values}
    defined: dict = {}
    for statement in program.split(";"):
        name, _, text = statement.partition("=")
        defined[name.strip()] = sympy.sympify(text, locals={**symbols, **defined})
    outputs = list(defined)
    matrix = sympy.Matrix([defined[name] for name in outputs]).jacobian(list(symbols.values()))
    point = {symbols[name]: sympy.Rational(text) for name, text in values.items()}
    print(json.dumps({
        "values": {name: float(defined[name].evalf(subs=point)) for name in outputs},
        "jacobian": {name: {variable: float(matrix[i, j].evalf(subs=point)) for j, variable in enumerate(symbols)}
                     for i, name in enumerate(outputs)},
    }))


if __name__ == "__main__":
    main()
