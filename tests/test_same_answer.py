"""The same answer everywhere (issue 19, point 6): every command that can answer a question about a
formula at a point (eval in reverse, forward and both modes, hessian, check, derive evaluated at
--at, codegen's Python executed, eval --points) is run on the same generated programs and points,
and they must agree with each other and with an independent reference (mpmath: the program
evaluated by mpmath's own functions, differentiated numerically at 30 digits) on the value, the
partial derivatives, and on which points are refused and with which message. Guarded points
(0, ±1) are drawn often, so the refusals are compared, not only the answers.

The second test plants a wrong tanh rule in the op table and shows that every command reports it
(each reads the one rule), by the same check."""
from __future__ import annotations

import json
import math
import re

import mpmath
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from cgcli.ops import OPS
from cgcli.ops.declaration import replace
from conftest import run_cgrad_inprocess

mp = mpmath.mp.clone() if hasattr(mpmath.mp, "clone") else mpmath.mp


def _cbrt(x):
    return mpmath.sign(x) * mpmath.cbrt(abs(x))


# name → (arity, mpmath reference); operators are written infix
UNARY = {"sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "exp": mpmath.exp, "log": mpmath.log,
         "sqrt": mpmath.sqrt, "cbrt": _cbrt, "tanh": mpmath.tanh, "sinh": mpmath.sinh, "cosh": mpmath.cosh,
         "asinh": mpmath.asinh, "atan": mpmath.atan, "asin": mpmath.asin, "acos": mpmath.acos,
         "atanh": mpmath.atanh, "acosh": mpmath.acosh, "erf": mpmath.erf, "abs": abs,
         "sigmoid": lambda v: 1 / (1 + mpmath.exp(-v)), "softplus": lambda v: mpmath.log1p(mpmath.exp(v)),
         "relu": lambda v: max(v, 0), "log1p": mpmath.log1p}
BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
          "hypot": mpmath.hypot, "atan2": mpmath.atan2, "max": max, "min": min}
KINKS = {"abs", "relu", "max", "min"}  # no reference derivative where their argument is 0 (a tie)
VALUES = ("0", "1", "-1", "0.5", "-0.3", "2")  # 0 and ±1: where sqrt, log, asin, atanh, acosh, atan2 refuse

# a program: a nested tuple (op, operand, ...) with leaves "x", "y" and constants, of 3 to 7 ops,
# built from the random numbers hypothesis draws (derandomized: the same programs every run)
def random_tree(random) -> tuple:
    def grow(size: int):
        if size == 0:
            return random.choice(["x", "y", "x", "y", "x", "y", "2", "0.5"])
        kind = random.random()
        if kind < 0.45:
            return (random.choice(sorted(UNARY)), grow(size - 1))
        if kind < 0.55:
            return ("^", grow(size - 1), random.choice(["2", "3"]))
        left = random.randint(0, size - 1)
        return (random.choice(sorted(BINARY)), grow(left), grow(size - 1 - left))
    return grow(random.randint(3, 7))


trees = st.builds(random_tree, st.randoms(use_true_random=False))


def source(tree) -> str:
    if isinstance(tree, str):
        return tree
    op, *operands = tree
    texts = [source(operand) for operand in operands]
    if op in UNARY or op in ("hypot", "atan2", "max", "min"):
        return f"{op}({', '.join(texts)})"
    return f"({texts[0]} {op} {texts[1]})"


def reference(tree, point: dict) -> tuple[object, bool]:
    """(value by mpmath or None where it is complex or undefined, whether a kink is met exactly)."""
    kinked = False
    values: dict[int, object] = {}
    stack = [(tree, False)]
    while stack:  # no recursion, as everywhere in cgrad
        node, ready = stack.pop()
        if isinstance(node, str):
            values[id(node)] = point[node] if node in point else mpmath.mpf(node)
            continue
        if not ready:
            stack.append((node, True))
            stack += [(operand, False) for operand in node[1:]]
            continue
        op, *operands = node
        args = [values[id(operand)] for operand in operands]
        if any(a is None for a in args):
            values[id(node)] = None
            continue
        try:
            if op == "^":
                result = args[0] ** int(operands[1])
            else:
                result = (UNARY.get(op) or BINARY[op])(*args)
        except (ZeroDivisionError, ValueError):
            result = None
        if op in KINKS and (args[0] == 0 if op in ("abs", "relu") else args[0] == args[1]):
            kinked = True
        if op == "atan2" and args[0] == 0 and args[1] < 0:  # on its branch cut, where it jumps by 2π
            kinked = True
        values[id(node)] = None if isinstance(result, mpmath.mpc) else result
    return values[id(tree)], kinked


def _message(stderr: str) -> str:
    """The one error line, without its place in the source (columns differ between programs)."""
    line = stderr.strip().splitlines()[0]
    line = re.sub(r"^(error|warning): (row \d+ \(line \d+\): )?", "", line)
    return re.sub(r" \((line \d+, )?column \d+\)$", "", line)


def _close(a, b, rel: float = 1e-7, absolute: float = 1e-9) -> bool:
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=absolute)


def answers(program: str, variables: list[str], points: list[dict]) -> dict:
    """command → one answer per point: ("value", value, gradient) or ("refused", status, message)."""
    results: dict[str, list] = {}
    at = [",".join(f"{name}={point[name]}" for name in variables) for point in points]

    def collect(command: str, args: list[str], read) -> None:
        for binding in at:
            code, out, err = run_cgrad_inprocess(*args, "--at", binding)
            if code == 0:
                document = json.loads(out)
                results.setdefault(command, []).append(("value", *read(document)))
            else:
                results.setdefault(command, []).append(("refused", code, _message(err)))

    plain = lambda d: (d["value"], d["gradient"])  # noqa: E731
    collect("reverse", ["eval", program, "--format", "json", "--no-trace"], plain)
    collect("forward", ["eval", program, "--mode", "forward", "--format", "json", "--no-trace"], plain)
    collect("both", ["eval", program, "--mode", "both", "--format", "json", "--no-trace"], plain)
    collect("hessian", ["hessian", program, "--format", "json"], plain)
    collect("derive", ["derive", program, "--format", "json"], plain)
    collect("check", ["check", program, "--format", "json"],
            lambda d: (None, {name: v["gradient"] if v["passed"] else "check failed" for name, v in d["variables"].items()}))
    # codegen: the Python it writes, run; no domain checks there (documented): a refusal is an
    # exception or a non-finite number
    code, text, err = run_cgrad_inprocess("codegen", program, "--lang", "python")
    assert code == 0, err
    scope: dict = {}
    exec(compile(text, "<codegen>", "exec"), scope)
    inputs = re.search(r"def value_and_grad\((.*)\):", text).group(1).split(", ")
    for point in points:
        try:
            value, gradient = scope["value_and_grad"](*[float(point[name]) for name in inputs])
            numbers = [value, *gradient]
            answer = (("value", value, dict(zip(inputs, gradient))) if all(map(math.isfinite, numbers))
                      else ("refused", None, "not finite"))
        except (ValueError, ZeroDivisionError, OverflowError) as failure:
            answer = ("refused", None, type(failure).__name__)
        results.setdefault("codegen", []).append(answer)
    # --points: every point as one row of JSON lines, the failed rows written empty
    rows = "".join(json.dumps({name: float(point[name]) for name in variables}) + "\n" for point in points)
    code, out, err = run_cgrad_inprocess("eval", program, "--points", "-", "--format", "jsonl", "--on-error", "null",
                                         input=rows)
    assert code == 0, err
    failures = {int(m.group(1)): _message(line) for line in err.splitlines()
                if (m := re.match(r"warning: row (\d+) ", line))}
    for number, line in enumerate(out.splitlines(), 1):
        record = json.loads(line)
        if number in failures:
            results.setdefault("points", []).append(("refused", None, failures[number]))
        else:
            results.setdefault("points", []).append(
                ("value", record["f"], {name: record[f"df/d{name}"] for name in variables}))
    return results


def _agrees(answer, value, gradient, variables, rel: float) -> bool:
    return (answer[1] is None or _close(answer[1], value)) and all(
        isinstance(answer[2][n], (int, float)) and _close(answer[2][n], gradient[n], rel, rel) for n in variables)


def disagreements(tree, program: str, variables: list[str], points: list[dict]) -> dict[str, list[str]]:
    """command → what it got wrong: a refusal unlike the reverse pass's, or an answer unlike mpmath's
    (unlike the reverse pass's where mpmath has none: on a kink, or where it is complex)."""
    results = answers(program, variables, points)
    wrong: dict[str, list[str]] = {}
    for k, point in enumerate(points):
        truth = results["reverse"][k]
        with mpmath.workdps(30):
            value, kinked = reference(tree, {n: mpmath.mpf(v) for n, v in point.items()})
        with mpmath.workprec(53):  # as a double computes it: where that differs, doubles cannot tell
            rough, _ = reference(tree, {n: mpmath.mpf(v) for n, v in point.items()})
        conditioned = value is not None and rough is not None and _close(rough, value, 1e-9, 1e-12)
        expected = None
        if truth[0] == "value" and conditioned and not kinked:
            f = lambda *xs: reference(tree, dict(zip(variables, xs)))[0]  # noqa: E731
            with mpmath.workdps(30):
                at = [mpmath.mpf(point[n]) for n in variables]
                expected = ("value", value, {n: mpmath.diff(f, at, tuple(int(i == j) for i in range(len(variables))))
                                             for j, n in enumerate(variables)})
        for command, answered in results.items():
            mine = answered[k]
            if command == "check" and truth[0] == "value" and expected is None:
                continue  # finite differences across a kink or a jump are not the one-sided convention
            if truth[0] == "refused":
                same = mine[0] == "refused" and (command == "codegen" or mine[2] == truth[2]) and (
                    mine[1] in (None, truth[1]))
            elif mine[0] == "refused":
                same = False
            elif expected is not None:
                same = _agrees(mine, expected[1], expected[2], variables, 1e-6)
            elif value is not None and not conditioned:
                same = True  # ill-conditioned (cos of 10^11): NumPy's and math's last bits may both be right
            else:
                same = _agrees(mine, truth[1], truth[2], variables, 1e-7)
            if not same:
                wrong.setdefault(command, []).append(f"{point}: {mine} where eval gives {truth}, mpmath {expected}")
    return wrong


@seed(19)
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(tree=trees, xs=st.lists(st.sampled_from(VALUES), min_size=2, max_size=2),
       ys=st.lists(st.sampled_from(VALUES), min_size=2, max_size=2))
def test_every_command_gives_the_same_answer(tree, xs, ys):
    program = source(tree)
    variables = [name for name in ("x", "y") if re.search(rf"\b{name}\b", program)]
    if not variables:
        program, variables = f"({program}) + x", ["x"]
        tree = ("+", tree, "x")
    program = f"f = {program}"  # the output's name in every command's answer
    points = [{name: value for name, value in zip(("x", "y"), pair) if name in variables} for pair in zip(xs, ys)]
    assert disagreements(tree, program, variables, points) == {}, program


# guarded points, each met by every command: the same refusal everywhere
@pytest.mark.parametrize("program, point", [
    ("sqrt(x) + y", {"x": "0", "y": "1"}), ("cbrt(x) * y", {"x": "0", "y": "2"}),
    ("log(x) + y", {"x": "0", "y": "1"}), ("asin(x) + y", {"x": "1", "y": "1"}),
    ("atanh(x) + y", {"x": "-1", "y": "1"}), ("acosh(x) + y", {"x": "1", "y": "1"}),
    ("hypot(x, y)", {"x": "0", "y": "0"}), ("atan2(y, x)", {"x": "0", "y": "0"}),
    ("x / y", {"x": "1", "y": "0"}), ("(x * y) ^ 2 + sqrt(x * y)", {"x": "0", "y": "3"}),
])
def test_guarded_points_are_refused_alike(program, point):
    tree = None
    results = answers(program, list(point), [point])
    refusals = {command: result[0] for command, result in results.items()}
    assert all(result[0] == "refused" for result in refusals.values()), results
    messages = {command: result[0][2] for command, result in results.items() if command != "codegen"}
    assert len(set(messages.values())) == 1, messages
    statuses = {command: result[0][1] for command, result in results.items() if result[0][1] is not None}
    assert set(statuses.values()) == {1}, statuses
    del tree


def test_a_planted_wrong_tanh_rule_fails_in_every_command(monkeypatch):
    """tanh' = 1 + tanh² (the sign wrong) replaces the one rule: every command answers with it, so the
    differential test finds every command wrong (check by its own finite differences)."""
    tree = ("+", ("tanh", ("*", "x", "y")), "x")
    program, points = source(tree), [{"x": "0.5", "y": "-0.3"}, {"x": "2", "y": "1"}]
    assert disagreements(tree, program, ["x", "y"], points) == {}
    wrong = replace(OPS["tanh"], rules=(lambda ns, ans, x: ns.one + ans ** 2,))
    monkeypatch.setitem(OPS, "tanh", wrong)
    found = disagreements(tree, program, ["x", "y"], points)
    assert sorted(found) == sorted(["reverse", "forward", "both", "hessian", "derive", "check", "codegen", "points"])
    assert all(len(problems) == len(points) for problems in found.values()), found


def test_every_command_refuses_with_the_one_guard(monkeypatch):
    """sqrt's guard is the one place its refusal at 0 is decided: without it, every command meets the
    division of its rule instead, and all of them say so alike."""
    point = {"x": "0", "y": "1"}
    guarded = answers("sqrt(x) + y", ["x", "y"], [point])
    monkeypatch.setitem(OPS, "sqrt", replace(OPS["sqrt"], guards=()))
    unguarded = answers("sqrt(x) + y", ["x", "y"], [point])
    for results in (guarded, unguarded):
        assert all(result[0][0] == "refused" for result in results.values()), results
        assert len({result[0][2] for command, result in results.items() if command != "codegen"}) == 1, results
    assert "infinite slope" in guarded["reverse"][0][2] and "infinite slope" not in unguarded["reverse"][0][2]


def test_the_trace_tables_write_each_derivative_rule_as_it_computes():
    """The notation a trace table shows for a local derivative (`1/sqrt(1 - {0}^2)`) is display text
    beside the one rule: run as a program, it computes what the rule computes (Iverson brackets,
    `[{0} > 0]`, are not the language's and are left out)."""
    from cgcli.numbers import number_system

    floats = number_system("float")
    for op in OPS.values():
        if not op.rules:
            continue
        values = [1.5, 2.5][:op.arity] if op.name == "acosh" else [0.3, 0.7, 0.2][:op.arity]
        names = ["a", "b", "c"][:op.arity]
        ans = op.forward(floats, *values)
        for position, notation in enumerate(op.partial_notations):
            if "[" in notation:
                continue
            program = notation.format(*names, ans=f"({op.notation.format(*names)})") + "".join(
                f" + 0*{name}" for name in names)
            document = json.loads(run_cgrad_inprocess(
                "eval", program, "--at", ",".join(f"{n}={v}" for n, v in zip(names, values)), "--format", "json",
                "--no-trace")[1])
            assert _close(document["value"], op.partials[position](floats, ans, *values), 1e-12, 1e-15), (
                op.name, position, notation)
