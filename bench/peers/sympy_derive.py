"""What a user would write with SymPy instead of `cgrad derive -f FILE --at ... --format json`:
sympy's diff for every variable, each derivative printed with str() (the formula text).
Evaluating 2000 printed derivatives with evalf takes sympy minutes, so the job compares the
formulas' construction and printing only (cgrad derive without --at).

Usage:
    python sympy_derive.py FILE.expr

Prints one JSON object {"output_chars": N, "input_chars": M}, N the total length of the printed
derivatives.  `^` in the expression means power (sympify's convert_xor).
"""

import json
import sys

import sympy


def main() -> None:
    with open(sys.argv[1]) as handle:
        source = handle.read().strip()
    # sympify of the whole 2000-term sum hits Python's recursion limit while compiling; the terms
    # of a top-level sum contain no " + ", so the sum is built term by term
    expr = sympy.Add(*(sympy.sympify(term) for term in source.split(" + ")))
    symbols = sorted(expr.free_symbols, key=lambda symbol: int(symbol.name[1:]) if symbol.name[1:].isdigit() else 0)
    texts = [str(sympy.diff(expr, symbol)) for symbol in symbols]
    print(json.dumps({"output_chars": sum(map(len, texts)), "input_chars": len(source)}))


if __name__ == "__main__":
    main()
