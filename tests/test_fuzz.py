"""Property: whatever a user types, cgrad answers with exit 0, 1 or 2 — a result, or one clear
`error:` line — never an internal error or a traceback, and never hangs.

Hypothesis generates grammar-aware expressions and programs (every function of the op table,
with right and wrong numbers of arguments), mangled texts, tensors and hostile `--at` values,
and option sets with bad values, for every command, run in-process. CI runs a fixed
derandomised sample (CGRAD_FUZZ_EXAMPLES, default 50 per property); `bench/fuzz.py` runs a long
random one.
"""
from __future__ import annotations

import os
import re
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgcli.ops import FUNCTIONS
from conftest import run_cgrad_inprocess

EXAMPLES = int(os.environ.get("CGRAD_FUZZ_EXAMPLES", "50"))
RANDOM = bool(os.environ.get("CGRAD_FUZZ_RANDOM"))
SECONDS_PER_INPUT = 20.0  # far above any refusal; a hang or a runaway computation fails it
FUZZ = settings(max_examples=EXAMPLES, derandomize=not RANDOM, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])

NAMES = ["x", "y", "z", "w1", "θ"]
NUMBERS = ["0", "1", "2", "0.5", "3.25", "1e3", "2.5e-3", "1e308", "1e-320", "1e999", "0.1", "10", "7"]
BINARY = ["+", "-", "*", "/", "^", "**", "·", "×", "@", "−", "÷"]


def _call(name: str, arguments: list[str]) -> str:
    return f"{name}({', '.join(arguments)})"


@st.composite
def calls(draw, children) -> str:
    name = draw(st.sampled_from(sorted(FUNCTIONS)))
    arities = sorted(FUNCTIONS[name])
    count = draw(st.sampled_from(arities + [0, max(arities) + 1]))  # right, and sometimes wrong
    return _call(name, [draw(children) for _ in range(count)])


def _extend(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"({c})"),
        st.tuples(st.sampled_from(["2", "3", "0.5"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, st.sampled_from(["0", "1", "-1", "x", "0, 1", "2.5"])).map(lambda t: f"{t[0]}[{t[1]}]"),
        children.map(lambda c: f"{c}.T"),
        calls(children),
        # piecewise, sums and the program's own function f (defined by programs(), or not)
        st.tuples(children, st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "="]), children, children, children).map(
            lambda t: f"if({t[0]} {t[1]} {t[2]}, {t[3]}, {t[4]})"),
        st.tuples(children, children).map(lambda t: f"if(not {t[0]} > 0 and {t[1]} < 1 or x > y, {t[0]}, {t[1]})"),
        st.tuples(st.sampled_from(["1..3", "0..0", "3..1", "1..n", "1.5..2"]), children).map(
            lambda t: f"sum(i = {t[0]}, x_i*{t[1]})"),
        st.lists(children, max_size=3).map(lambda arguments: _call("f", arguments)),
    )


LEAVES = st.one_of(st.sampled_from(NAMES), st.sampled_from(NUMBERS), st.sampled_from(["pi", "e", "π"]))
EXPRESSIONS = st.recursive(LEAVES, _extend, max_leaves=12)


@st.composite
def programs(draw) -> str:
    count = draw(st.integers(0, 3))
    targets = draw(st.sampled_from([["u", "v", "w"], ["u", "v", "w"], ["u", "u", "v"], ["pi", "x", "u"]]))
    statements = [f"{target} = {draw(EXPRESSIONS)}" for target in targets[:count]]
    if draw(st.integers(0, 3)) == 0:  # a function of the program's own, maybe calling itself
        statements.insert(0, f"f({draw(st.sampled_from(['x', 'x, y', '', 'x, x', 'f']))}) = {draw(EXPRESSIONS)}")
    statements.append(draw(EXPRESSIONS))
    return draw(st.sampled_from(["; ", "\n", ";"])).join(statements)


@st.composite
def mangled(draw) -> str:
    """A generated program with a character inserted, deleted or replaced."""
    text = draw(programs())
    position = draw(st.integers(0, len(text)))
    character = draw(st.sampled_from(list("()[],;=+-*/^.eE0123456789xé²½ \n\t\\#@'\"") + ["\x00", "…"]))
    edit = draw(st.sampled_from(["insert", "delete", "replace"]))
    if edit == "insert":
        return text[:position] + character + text[position:]
    if edit == "delete":
        return text[:position] + text[position + 1:]
    return text[:position] + character + text[position + 1:]


# ---- LaTeX math: what people and sympy's latex() write, and mangled versions of it ----

LATEX_LEAVES = st.sampled_from(["x", "y", "x_1", "x_{1}", r"\theta", r"\omega_{0}", r"\mathrm{Ef}", "2", "0.5", r"\pi",
                                "e", "10"])


def _latex_extend(children):
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda t: f"{t[0]} + {t[1]}"), pair.map(lambda t: f"{t[0]} - {t[1]}"),
        pair.map(lambda t: rf"{t[0]} \cdot {t[1]}"), pair.map(lambda t: f"{t[0]} {t[1]}"),
        pair.map(lambda t: rf"\frac{{{t[0]}}}{{{t[1]}}}"), pair.map(lambda t: f"{{{t[0]}}}^{{{t[1]}}}"),
        children.map(lambda c: rf"\left({c}\right)"), children.map(lambda c: rf"\sqrt{{{c}}}"),
        children.map(lambda c: rf"\sqrt[3]{{{c}}}"), children.map(lambda c: rf"\left|{c}\right|"),
        st.tuples(st.sampled_from([r"\sin", r"\cos", r"\exp", r"\ln", r"\log", r"\tanh", r"\arcsin",
                                   r"\operatorname{erf}", r"\text{relu}", r"\sin^{2}", r"\log_{2}"]), children).map(
            lambda t: rf"{t[0]}{{\left({t[1]} \right)}}"),
        pair.map(lambda t: rf"\max\left({t[0]}, {t[1]}\right)"),
        st.tuples(children, children, children).map(
            lambda t: rf"\begin{{cases}} {t[0]} & \text{{if }} {t[1]} > 0 \\ {t[2]} & \text{{otherwise}} \end{{cases}}"),
        children.map(lambda c: rf"\sum_{{i=1}}^{{3}} x_i {c}"),
        children.map(lambda c: f"f({c})"),
    )


LATEX_EXPRESSIONS = st.recursive(LATEX_LEAVES, _latex_extend, max_leaves=8)


@st.composite
def latex_programs(draw) -> str:
    """$…$ or $$…$$ around LaTeX equations (a function f maybe defined first), sometimes mangled."""
    statements = [draw(LATEX_EXPRESSIONS)]
    if draw(st.booleans()):
        statements.insert(0, f"f({draw(st.sampled_from(['x', 'x_1, y', 'x, x']))}) = {draw(LATEX_EXPRESSIONS)}")
    if draw(st.booleans()):
        statements.insert(0, f"u = {draw(LATEX_EXPRESSIONS)}")
    text = draw(st.sampled_from([r" \\ ", "; ", "\n"])).join(statements)
    if draw(st.integers(0, 2)) == 0:
        position = draw(st.integers(0, len(text)))
        character = draw(st.sampled_from(list("{}()^_\\&|$,=<") + [r"\int", r"\frac", r"\left(", r"\right)", " "]))
        text = text[:position] + character + text[position + 1:]
    wrapper = draw(st.sampled_from(["$", "$$"]))
    return f"{wrapper}{text}{wrapper}"


SCALARS = st.one_of(
    st.sampled_from(["1", "-2.5", "1/3", "0", "3e-4", "1e400", "-1e-400", "inf", "nan", "1/0", "0.99..1.01",
                     "2..1", "abc", "", "1e999999", "--1", "1/3/4", "0x10", "١"]),
    st.integers(-10 ** 30, 10 ** 30).map(str),
    st.fractions(max_denominator=10 ** 6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
TENSORS = st.sampled_from(["[1, 2]", "[[1, 2], [3, 4]]", "[[1, 2, 3]]", "[]", "[[1], [2, 3]]", "[1, [2]]",
                           "[0.5, -1, 2]", "[[0]]", "[1e400]"])


@st.composite
def at_options(draw, program: str) -> list[str]:
    """Mostly a good value for every variable the program uses; sometimes a hostile one, a tensor,
    a name too many or one too few."""
    used = [name for name in NAMES if re.search(rf"(?<!\w){name}(?!\w)", program)]
    bindings = []
    for name in used:
        if draw(st.integers(0, 9)) == 0:
            continue  # no value for it
        hostile = draw(st.integers(0, 5)) == 0
        value = draw(st.one_of(SCALARS, TENSORS) if hostile else st.sampled_from(GOOD_VALUES))
        bindings.append(f"{name}={value}")
    if draw(st.integers(0, 9)) == 0:
        bindings.append(f"{draw(st.sampled_from(NAMES + ['u', 'pi', '2x', '']))}={draw(SCALARS)}")
    return ["--at", ",".join(bindings)] if bindings else []


GOOD_VALUES = ["1", "2", "-1.5", "1/3", "0.5", "3", "-2", "0.25", "0", "[1, 2]", "[[1, 2], [3, 4]]"]
GOOD_MODES = [[], ["--exact"], ["--digits", "20"], ["--interval"], ["--relu0", "0.5"], ["--digits", "300"]]
BAD_MODES = [["--digits", "0"], ["--digits", "x"], ["--exact", "--interval"], ["--max-digits", "5"], ["--relu0", "2"]]
MODES = st.one_of(st.sampled_from(GOOD_MODES), st.sampled_from(GOOD_MODES), st.sampled_from(GOOD_MODES),
                  st.sampled_from(BAD_MODES))
EVAL_OPTIONS = st.lists(st.sampled_from([["--format", "json"], ["--format", "markdown"], ["--format", "latex"],
                                         ["--format", "json"], ["--format", "markdown"], ["--format", "latex"],
                                         ["--no-trace"], ["--max-rows", "3"], ["--wrt", "x"], ["--output", "u"], ["--naive"],
                                         ["--blank", "grads"], ["--blank", "all"], ["--answers"], ["--format", "yaml"],
                                         ["--max-rows", "-1"], ["--wrt", "q"], ["--output", "nope"],
                                         ["--output", "all"], ["--output", "u,x"], ["--mode", "forward"]]),
                        max_size=3).map(lambda groups: [word for group in groups for word in group])


# what may not reach a terminal raw (issue 23): C0 controls but tab and newline, DEL, C1, bidi overrides
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _check(args: list[str], input: str | None = None, output_required: bool = True) -> None:
    started = time.monotonic()
    code, out, err = run_cgrad_inprocess(*args, input=input)
    elapsed = time.monotonic() - started
    shown = " ".join(repr(a) for a in args)
    assert "internal error" not in err and "Traceback" not in err, f"cgrad {shown}\n{err}"
    assert not RAW_CONTROL.search(err), f"a control character reached stderr: cgrad {shown}\n{err!r}"
    assert code in (0, 1, 2), f"exit {code}: cgrad {shown}\n{err}"
    if code:
        assert err.startswith("error: "), f"cgrad {shown}\n{err}"
    elif output_required:
        assert out, f"no output: cgrad {shown}"
    assert elapsed < SECONDS_PER_INPUT, f"{elapsed:.1f} s: cgrad {shown}"


@FUZZ
@given(data=st.data(), program=st.one_of(programs(), programs(), mangled()), mode=MODES, options=EVAL_OPTIONS)
def test_eval_never_fails_internally(data, program, mode, options):
    _check(["eval", program, *data.draw(at_options(program)), *mode, *options])


@FUZZ
@given(data=st.data(), program=programs(), mode=MODES)
def test_eval_from_stdin_never_fails_internally(data, program, mode):
    _check(["eval", "-", *data.draw(at_options(program)), *mode, "--format", "json"], input=program)


CELLS = st.one_of(SCALARS, st.sampled_from(["", " ", "abc", '"1"', "[1, 2]", "true", "null", "1,2"]))


@st.composite
def point_inputs(draw) -> str:
    """A CSV or JSON lines input for --points: the program's names, some missing or extra, hostile cells."""
    names = draw(st.lists(st.sampled_from(NAMES + ["id", "u", ""]), min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(names), max_size=len(names) + 1), max_size=5))
    if draw(st.booleans()):
        return ",".join(names) + "\n" + "".join(",".join(row) + "\n" for row in rows)
    return "".join(json.dumps(dict(zip(names, row))) + "\n" for row in rows)


@FUZZ
@given(data=st.data(), program=programs(), mode=MODES, points=point_inputs(),
       options=st.sampled_from([[], ["--on-error", "skip"], ["--on-error", "null"], ["--format", "table"],
                                ["--format", "jsonl"], ["--wrt", "x"], ["--no-header"]]))
def test_points_never_fail_internally(data, program, mode, points, options):
    at = [option for option in data.draw(at_options(program)) if option != "--at"][:1]
    _check(["eval", program, "--points", "-", *(["--at", at[0].split(",")[0]] if at else []), *mode, *options], input=points,
           output_required=False)


@FUZZ
@given(data=st.data(), program=st.one_of(programs(), mangled()), mode=MODES,
       options=st.sampled_from([[], ["--format", "dot"], ["--highlight", "x"], ["--highlight", "zz"],
                                ["--collapse", "2"], ["--format", "mermaid"], ["--products"], ["--direction", "tb"],
                                ["--steps"], ["--steps", "--format", "dot"], ["--steps", "--blank", "grads"],
                                ["--steps", "--mode", "forward"], ["--mode", "forward", "--tangent", "x=1"],
                                ["--steps", "--mode", "forward", "--tangent", "q=1"]]))
def test_diagram_never_fails_internally(data, program, mode, options):
    _check(["diagram", program, *data.draw(at_options(program)), *mode, *options])


@FUZZ
@given(data=st.data(), program=programs(), mode=MODES, wrt=st.sampled_from(["x", "y", "u", "v", "x,y", "q", ""]))
def test_paths_never_fails_internally(data, program, mode, wrt):
    _check(["paths", program, *data.draw(at_options(program)), *mode, "--wrt", wrt])


DESCEND_OPTIONS = st.lists(st.tuples(
    st.sampled_from(["--lr", "--steps", "--tol", "--grad-tol", "--momentum", "--beta1", "--beta2", "--eps", "--optimizer", "--batch-size", "--reduce"]),
    st.sampled_from(["0.1", "0.1", "0.01", "0.5", "0", "-1", "1/0", "1e400", "inf", "nan", "abc", "3", "0.9", "1",
                     "adam", "gd", "momentum", "mean", "sum"])),
    max_size=3).map(lambda pairs: [word for pair in pairs for word in pair])


@FUZZ
@given(loss=st.sampled_from(["(x-3)^2", "x^2 + y^2", "relu(x) + (y-1)^2", "log(x)", "x/y", "exp(x)", "x"]),
       params=st.sampled_from(["x=0", "x=1,y=2", "x=1,y=2", "x=1/3,y=-1", "x=0.5", "x=1/0", "x=[1,2]", "q=1",
                               "x=1e400"]),
       mode=st.sampled_from([[], ["--exact"], ["--digits", "15"], ["--interval"]]), options=DESCEND_OPTIONS)
def test_descend_never_fails_internally(loss, params, mode, options):
    _check(["descend", loss, "--params", params, "--steps", "20", *mode, *options])


@FUZZ
@given(data=st.data(), program=st.one_of(programs(), mangled()), mode=MODES,
       command=st.sampled_from([["derive"], ["derive", "--wrt", "x"], ["derive", "--format", "latex"],
                                ["hessian"], ["hessian", "--hvp", "x=1,y=0"], ["check"],
                                ["codegen", "--lang", "python"], ["codegen", "--lang", "c"],
                                ["eval", "--mode", "forward"], ["eval", "--mode", "both"],
                                ["eval", "--tangent", "x=1"]]))
def test_derivative_commands_never_fail_internally(data, program, mode, command):
    _check([command[0], program, *data.draw(at_options(program)), *mode, *command[1:]])


@FUZZ
@given(lines=st.lists(st.one_of(programs(), mangled()), min_size=1, max_size=4), mode=MODES)
def test_each_never_fails_internally(lines, mode):
    # blank lines are skipped: an input of only those has an empty answer
    _check(["eval", "-", "--each", "--at", "x=1,y=2,z=3,w1=0.5,θ=1/3", *mode], input="\n".join(lines),
           output_required=False)


@pytest.mark.parametrize("args", [
    ["eval"], ["eval", ""], ["eval", "x", "--at"], ["eval", "x", "--at", "x"], ["diagram"], ["paths", "x"],
    ["descend", "x"], ["eval", "x", "--at", "x=1", "--format"], ["nope"], ["eval", "\x00"],
])
def test_bare_and_broken_invocations(args):
    _check(args)


@FUZZ
@given(data=st.data(), program=latex_programs(), mode=MODES,
       options=st.sampled_from([[], ["--format", "json"], ["--format", "latex"], ["--format", "markdown"],
                                ["--no-trace", "--wrt", "x"]]))
def test_latex_input_never_fails_internally(data, program, mode, options):
    at = ["--at", "x=0.5,y=2,x_1=1,theta=0.25,omega_0=3,Ef=2,u=1"]
    _check(["eval", program, *at, *mode, *options])


HOSTILE = ["\x1b]0;title\x07", "\x1b[31m", "\x07", "\x00", "\u202e", "\x9b", "\r", " ", ",", "х", "𝑥", "ｘ",
           "=", "@", "..", "…", "pi", "e", "nan", "inf", "-1", "1e99999"]
TEXTS = st.lists(st.one_of(st.sampled_from(HOSTILE), st.sampled_from(NAMES + ["u", "q", "1", "2"])),
                 min_size=0, max_size=4).map("".join)
HOSTILE_OPTIONS = st.sampled_from(["--wrt", "--output", "--at", "--timeout", "--format", "--tangent", "--hvp",
                                   "--params", "--highlight", "--relu0", "-f", "--against", "--max-digits"])
COMMAND_LINES = st.sampled_from([["eval", "x*y + sin(x)"], ["eval", "u = x*y; f = u + x"], ["derive", "x^2*y"],
                                 ["paths", "x*y", "--wrt", "x"], ["hessian", "x*y"], ["check", "x*y"],
                                 ["diagram", "x*y"], ["codegen", "x*y"], ["descend", "(x-1)^2", "--params", "x=0"],
                                 ["eval", "x*y", "--mode", "forward"], ["uncertainty", "x*y"]])


@FUZZ
@given(command=COMMAND_LINES, option=HOSTILE_OPTIONS, value=TEXTS, at=st.sampled_from(
    [["--at", "x=1,y=2"], ["--at", "x=1,y=2,z=3", "--ignore-unused"], []]))
def test_hostile_option_values_are_refused_cleanly_and_escaped(command, option, value, at):
    if command[0] in ("codegen",) or (command[0] == "descend" and at[:1] == ["--at"]):
        at = []
    if command[0] == "uncertainty":
        at = ["--at", "x=1±0.1,y=2±0.1"]
    # a value of an option that reads a file is never a real file here: `-f value` reads nothing large
    _check([*command, *at, option, value], output_required=False)


@FUZZ
@given(program=programs(), extra=st.lists(st.sampled_from(["q", "zz", "u9", "θ2"]), min_size=1, max_size=3,
                                          unique=True))
def test_a_shared_at_with_ignore_unused_never_complains_of_an_unused_name(program, extra):
    at = ",".join([f"{name}=0.5" for name in NAMES] + [f"{name}=1" for name in extra])
    code, out, err = run_cgrad_inprocess("eval", program, "--at", at, "--ignore-unused", "--format", "json",
                                         "--no-trace")
    assert "no variable of that name" not in err and "internal error" not in err, err
    # the programs never use the extra names: an error naming one, in any words, is a complaint about it
    assert not any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", err) for name in extra), err
    assert code in (0, 1, 2)
