"""What a user would write with micrograd instead of `cgrad eval -f FILE --at ... --format json`.

Usage:
    python micrograd_eval.py EXPR_FILE x1=0.501,x2=0.502,...
    python micrograd_eval.py EXPR_FILE @VALUES.json     # {"x1": "0.501", ...}, as cgrad's --at @FILE

Reads the expression from EXPR_FILE ('-' for stdin), translates `^` to `**`,
evaluates it with Python's eval() over micrograd `Value` objects, calls
backward() and prints {"value": ..., "gradient": {name: ...}} as JSON.

Two things a user has to do by hand for long expressions (measured with the
Rosenbrock sum, n=2000, 80 000 characters, 3997 chained `+`):

1. Python's compiler recurses over the AST.  A flat sum `t1 + t2 + ...` is a
   left-nested BinOp chain ~4000 deep, and compile()/eval() fails with
   "RecursionError: maximum recursion depth exceeded during compilation" at
   the default recursion limit of 1000.
2. micrograd's Value.backward() builds its topological order with a recursive
   build_topo(), one Python frame per level of the chain: again ~4000 deep.

So we raise sys.setrecursionlimit().  Measured at n=2000 on the main thread:
limit 1000 fails in compile, 2000-3000 fail in backward, 5000 works.  For
larger inputs the C stack that the compiler's recursion uses (8 MB on the main
thread) becomes the next limit, so the work runs in a thread with a 512 MB
stack and the limit is set far above any depth we use.
"""

import json
import sys
import threading

from micrograd.engine import Value

RECURSION_LIMIT = 1_000_000
THREAD_STACK_BYTES = 512 * 1024 * 1024


def parse_values(args: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for arg in args:
        if arg.startswith("@"):  # 20 000 values are past the length limit of one argument
            with open(arg[1:]) as f:
                values.update((name, float(text)) for name, text in json.load(f).items())
            continue
        for pair in arg.split(","):
            name, _, text = pair.partition("=")
            values[name.strip()] = float(text)
    return values


def run(expr_text: str, values: dict[str, float], result: dict) -> None:
    variables = {name: Value(v) for name, v in values.items()}
    out = eval(expr_text.replace("^", "**"), {"__builtins__": {}}, variables)
    out.backward()
    result["value"] = out.data
    result["gradient"] = {name: var.grad for name, var in variables.items()}


def main() -> None:
    expr_file, *value_args = sys.argv[1:]
    if expr_file == "-":
        expr_text = sys.stdin.read()
    else:
        with open(expr_file) as f:
            expr_text = f.read()
    print(json.dumps(run_deep(run, expr_text.strip(), parse_values(value_args))))


def run_deep(target, *arguments) -> dict:
    """target(*arguments, result) in a thread with a big stack and a high recursion limit, which
    micrograd's recursive topological sort and Python's compiler need on large expressions."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(THREAD_STACK_BYTES)
    result: dict = {}
    worker = threading.Thread(target=target, args=(*arguments, result))
    worker.start()
    worker.join()
    if not result:
        sys.exit("error: evaluation failed (see the traceback above)")
    return result


if __name__ == "__main__":
    main()
