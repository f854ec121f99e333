"""Every error class: the exit status (2 wrong input, 1 failing mathematics), a first line
starting with `error:`, a caret under the right column for errors with a place in the source,
a message that says what and where, and never a Python traceback. Also closed pipes,
Ctrl-C, huge inputs and unicode junk.

Columns in the expectations are counted by hand from the source strings (1-based).
"""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, _environment

INPUT, MATH = 2, 1


def assert_clean_error(code: int, out: str, err: str, expected_code: int | tuple[int, ...]) -> str:
    """The shared contract of every failure; returns the first line of stderr."""
    expected = expected_code if isinstance(expected_code, tuple) else (expected_code,)
    assert code in expected, f"exit {code}, expected {expected}; stderr:\n{err}"
    assert err.startswith("error:"), f"stderr does not start with 'error:':\n{err}"
    assert "Traceback" not in err and "Traceback" not in out
    assert "internal error" not in err, err          # the CLI's catch-all for unexpected exceptions
    return err.splitlines()[0]


def caret(err: str) -> tuple[str, int]:
    """The quoted source line and the index of the caret under it (ASCII lines: index = column)."""
    lines = err.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == "^" and index > 0:
            return lines[index - 1], line.index("^")
    raise AssertionError(f"no caret line in:\n{err}")


# --------------------------------------------------------------------------------------------
# Syntax errors: where the caret points
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, column, character", [
    ("3*(a+", 6, None),            # the input ends after '+': caret just past the end, column 6
    ("x + * y", 5, "*"),           # an operator where an operand belongs
    ("(x + 1))", 8, ")"),          # one ')' too many
    ("3 $ x", 3, "$"),             # a character the language does not have
    ("x + @", 5, "@"),
    ("2 3", 3, "3"),               # two numbers side by side
    ("x y", 3, "y"),               # two names side by side (implicit product only after a number)
    ("max(x,, y)", 7, ","),
    ("= x", 1, "="),
    ("x = ", 4, None),             # nothing after "=": caret just past it, column 4
    ("(x) = x^2", 5, "="),         # "=" cannot follow a group (f(x) = x^2 defines a function: test_definitions.py)
])
def test_syntax_error_caret(run_cgrad, source, column, character):
    code, out, err = run_cgrad("eval", source, "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert f"column {column}" in first
    shown, at = caret(err)
    start = shown.index(source.rstrip())        # the quoted line is indented
    assert at - start == column - 1, err
    if character is not None:
        assert shown[at] == character, err


def test_syntax_error_says_what_was_expected(run_cgrad):
    code, out, err = run_cgrad("eval", "3*(a+", "--at", "a=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "syntax error" in first and "end of input" in first and "expected" in first


def test_syntax_error_on_second_line(run_cgrad):
    # "b = a +* 2": b(1) ' '(2) =(3) ' '(4) a(5) ' '(6) +(7) *(8)
    code, out, err = run_cgrad("eval", "a = 1\nb = a +* 2", "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "line 2" in first and "column 8" in first
    shown, at = caret(err)
    assert shown.strip() == "b = a +* 2" and shown[at] == "*"


def test_unexpected_character_names_it(run_cgrad):
    code, out, err = run_cgrad("eval", "x + 😀", "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "😀" in first and "column 5" in first
    # the caret sits under the emoji (the four ASCII characters before it are one column each)
    shown, at = caret(err)
    assert shown[shown.index("x + ") + 4] == "😀" and at == shown.index("x + ") + 4


def test_caret_counts_wide_characters_as_two_columns(run_cgrad):
    # "中文 + @": the CJK characters take two terminal columns each, so the caret under '@'
    # sits 2 + 2 + 3 = 7 columns after the start of the quoted line (the message says column 6:
    # the sixth character)
    code, out, err = run_cgrad("eval", "中文 + @")
    first = assert_clean_error(code, out, err, INPUT)
    assert "column 6" in first
    shown, at = caret(err)
    start = shown.index("中文")
    assert at - start == 7


def test_caret_keeps_tabs(run_cgrad):
    # a tab before the error is repeated in the caret line, so the caret lines up at any tab width
    code, out, err = run_cgrad("eval", "x +\t@", "--at", "x=1")
    assert_clean_error(code, out, err, INPUT)
    lines = err.splitlines()
    caret_line = next(line for line in lines if line.strip() == "^" or line.rstrip().endswith("^"))
    shown = lines[lines.index(caret_line) - 1]
    assert caret_line.index("^") == shown.index("@")
    assert caret_line[shown.index("\t")] == "\t"


def test_unclosed_parenthesis_in_a_long_line_keeps_caret_in_view(run_cgrad):
    source = "(" * 5000 + "x"
    code, out, err = run_cgrad("eval", source, "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "column 5002" in first
    shown, at = caret(err)
    assert len(shown) < 200                      # a window around the column, not the whole line
    assert at == len(shown)                      # just past the last character shown: the end of input


# --------------------------------------------------------------------------------------------
# Names: unknown functions, arity, unbound variables, assignments
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, suggestion, column", [
    ("sinn(x)", "sin", 1),
    ("x + sqr(x)", "sqrt", 5),
    ("sigmod(x)", "sigmoid", 1),
    ("x*tanhh(x)", "tanh", 3),
])
def test_unknown_function_with_suggestion(run_cgrad, source, suggestion, column):
    code, out, err = run_cgrad("eval", source, "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    name = source.split("(")[0].split()[-1].split("*")[-1]
    assert f"'{name}'" in first or name in first
    assert f"did you mean {suggestion}" in first
    assert "known functions" in first and "softplus" in first   # lists the known ones
    assert f"column {column}" in first
    shown, at = caret(err)
    assert shown[at:].startswith(name)


def test_unknown_function_without_close_match(run_cgrad):
    code, out, err = run_cgrad("eval", "frobnicate(x)", "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "frobnicate" in first and "known functions" in first and "did you mean" not in first


@pytest.mark.parametrize("source, function, wanted, got", [
    ("max(x)", "max", 2, 1),
    ("min(x, x, x)", "min", 2, 3),
    ("sin(x, x)", "sin", 1, 2),
    ("exp()", "exp", 1, 0),
])
def test_wrong_arity(run_cgrad, source, function, wanted, got):
    code, out, err = run_cgrad("eval", source, "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert function in first and str(wanted) in first and str(got) in first


def test_function_name_without_call(run_cgrad):
    code, out, err = run_cgrad("eval", "sin + 1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "sin" in first


def test_all_unbound_variables_listed_at_once(run_cgrad):
    code, out, err = run_cgrad("eval", "a*b + c*d", "--at", "b=1")
    first = assert_clean_error(code, out, err, INPUT)
    for name in ("a", "c", "d"):
        assert f"'{name}'" in first
    assert "'b'" not in first
    assert "--at" in first                   # says how to give them


def test_unbound_with_no_at_at_all(run_cgrad):
    code, out, err = run_cgrad("eval", "p = x + y; g = p*z")
    first = assert_clean_error(code, out, err, INPUT)
    assert all(f"'{name}'" in first for name in "xyz")


@pytest.mark.parametrize("source, words", [
    ("x = 1; x = 2", ["'x'", "twice"]),
    ("y = x + 1; x = 2", ["'x'", "before"]),
    ("sin = 3", ["sin", "function"]),
])
def test_bad_assignments(run_cgrad, source, words):
    code, out, err = run_cgrad("eval", source, "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    for word in words:
        assert word in first


def test_assigned_twice_caret_under_second_assignment(run_cgrad):
    code, out, err = run_cgrad("eval", "x = 1; x = 2")
    first = assert_clean_error(code, out, err, INPUT)
    shown, at = caret(err)
    assert at - shown.index("x = 1") == 7          # the second x, column 8
    assert "column 8" in first


@pytest.mark.parametrize("source", ["", "   ", "\n\n", "# only a comment", " ; ; "])
def test_empty_expression(run_cgrad, source):
    code, out, err = run_cgrad("eval", source, "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "empty" in first or "nothing" in first


def test_empty_stdin(run_cgrad):
    code, out, err = run_cgrad("eval", "-", input="")
    assert_clean_error(code, out, err, INPUT)


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["x+y", "--at", "x=1,y=2,z=3"], ["z", "x, y"]),                    # --at name not in the expression
    (["x", "--at", "x=abc"], ["x=abc", "not a number"]),
    (["x", "--at", "x"], ["NAME=VALUE"]),
    (["x", "--at", "=1"], ["NAME=VALUE"]),
    (["x", "--at", "x=1", "--at", "x=2"], ["twice"]),
    (["u = x*2; u", "--at", "u=3,x=1"], ["u"]),                         # a computed name
    (["pi*x", "--at", "pi=3,x=1"], ["pi"]),                             # a constant
    (["x", "--at", "x=1", "--wrt", "y"], ["--wrt", "y"]),
    (["x*y", "--at", "x=1,y=2", "--wrt", "x,q,r"], ["q", "r"]),
    (["u = x*2; v = u + 1", "--at", "x=1", "--output", "w"], ["--output", "w"]),
    (["x", "--at", "x=1", "--format", "xml"], ["--format"]),
    (["x", "--at", "x=1", "--bogus"], ["--bogus"]),
    (["x", "--at", "x=1", "--max-rows", "-1"], ["--max-rows"]),
    (["x", "-f", "somefile", "--at", "x=1"], ["EXPR", "-f"]),          # both EXPR and -f
    (["-f", "/nonexistent/dir/file.cg"], ["/nonexistent/dir/file.cg"]),
    ([], ["EXPR"]),                                                     # no expression at all
])
def test_option_errors(run_cgrad, args, words):
    code, out, err = run_cgrad("eval", *args)
    first = assert_clean_error(code, out, err, INPUT)
    for word in words:
        assert word in first, first


def test_unknown_command(run_cgrad):
    code, out, err = run_cgrad("evaluate", "x")
    assert_clean_error(code, out, err, INPUT)


@pytest.mark.parametrize("value", ["1/0", "1e999"])
def test_at_values_that_are_not_finite(run_cgrad, value):
    # Both are refused; whether this counts as wrong input (2) or failing mathematics (1)
    # the contract leaves open.
    code, out, err = run_cgrad("eval", "x", "--at", f"x={value}")
    first = assert_clean_error(code, out, err, (INPUT, MATH))
    assert value in first


def test_program_file_not_utf8(run_cgrad, tmp_path):
    path = tmp_path / "latin1.cg"
    path.write_bytes("x + \xe9".encode("latin-1"))
    code, out, err = run_cgrad("eval", "-f", str(path), "--at", "x=1")
    assert_clean_error(code, out, err, INPUT)


@pytest.mark.parametrize("environment", [{}, {"PYTHONIOENCODING": "utf-8"}], ids=["locale", "strict-utf8"])
def test_stdin_not_utf8(environment):
    # With a strict UTF-8 stdin (PYTHONIOENCODING=utf-8, or a UTF-8 locale other than C.UTF-8)
    # the undecodable bytes must give an input error, as they do for -f FILE.
    completed = subprocess.run([sys.executable, "-m", "cgcli", "eval", "-", "--at", "x=1"], input=b"x+\xff\xfe",
                               capture_output=True, env=_environment(environment), cwd=REPO, timeout=60)
    err = completed.stderr.decode("utf-8", "replace")
    assert_clean_error(completed.returncode, completed.stdout.decode("utf-8", "replace"), err, INPUT)


def test_null_byte_on_stdin(run_cgrad):
    code, out, err = run_cgrad("eval", "-", "--at", "x=1", input="x +\x00 1")
    first = assert_clean_error(code, out, err, INPUT)
    assert "column 4" in first


# --------------------------------------------------------------------------------------------
# Mathematics that fails: exit 1, the node's source text and its operands' values
# --------------------------------------------------------------------------------------------

def test_division_by_zero_names_node_and_operands(run_cgrad):
    code, out, err = run_cgrad("eval", "q = x/(y-1); f = q + 1", "--at", "x=2,y=1")
    first = assert_clean_error(code, out, err, MATH)
    assert "division by zero" in first
    assert "x/(y-1)" in first                       # the node's source text
    assert "x = 2" in first and "y-1 = 0" in first  # its operands' values
    shown, at = caret(err)
    assert shown[at:].startswith("x/(y-1)")


@pytest.mark.parametrize("source, at, words", [
    ("log(x)", "x=0", ["log(x)", "x = 0"]),
    ("log(x)", "x=-1", ["log(x)", "x = -1"]),
    ("1 + log(x - 3)", "x=1", ["log(x - 3)", "x - 3 = -2"]),
    ("sqrt(x)", "x=-1", ["sqrt(x)", "x = -1"]),
    ("exp(x)", "x=1000", ["exp(x)", "x = 1000"]),
    ("(-8)^(1/3)", None, ["(-8)^(1/3)"]),           # a negative base to a fractional power
    ("0^-1", None, ["0^-1"]),
    ("1/(x-x)", "x=3", ["1/(x-x)", "x-x = 0"]),
])
def test_math_errors(run_cgrad, source, at, words):
    code, out, err = run_cgrad("eval", source, *(["--at", at] if at else []))
    first = assert_clean_error(code, out, err, MATH)
    for word in words:
        assert word in first, first


@pytest.mark.parametrize("source, at", [
    ("exp(1000)", []), ("10^400", []), ("1e400", []), ("2*1e400", []),
    ("exp(x)^2", ["--at", "x=400"]),         # exp(400) ≈ 5e173 is fine, its square is not
    ("x*x*x", ["--at", "x=1e150"]),
])
def test_overflow(run_cgrad, source, at):
    code, out, err = run_cgrad("eval", source, *at)
    first = assert_clean_error(code, out, err, MATH)
    assert "overflow" in first or "too large" in first


def test_literal_too_large_points_at_the_literal(run_cgrad):
    code, out, err = run_cgrad("eval", "x*1e400", "--at", "x=1")
    assert_clean_error(code, out, err, MATH)
    shown, at = caret(err)
    assert shown[at:].startswith("1e400")


@pytest.mark.parametrize("source, at", [
    ("sqrt(x)", "x=0"),            # d sqrt/dx = 1/(2·sqrt(0)) is infinite
    ("log(x)", "x=1e-320"),        # 1/x overflows for a subnormal x
    ("x^y", "x=-2,y=2"),           # d/dy needs log(-2)
])
def test_derivative_failures_are_math_errors(run_cgrad, source, at):
    code, out, err = run_cgrad("eval", source, "--at", at)
    first = assert_clean_error(code, out, err, MATH)
    assert "derivative" in first


def test_math_error_in_program_names_the_assigned_node(run_cgrad):
    code, out, err = run_cgrad("eval", "a = x - 1\nb = log(a)\nc = b*2", "--at", "x=1")
    first = assert_clean_error(code, out, err, MATH)
    assert "log(a)" in first and "a = 0" in first and "line 2" in first


# --------------------------------------------------------------------------------------------
# Closed pipes and Ctrl-C
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def long_program(tmp_path_factory):
    """A sum of n terms i*x: with --max-rows 0 about 480 bytes of table per term, 600 of JSON."""
    directory = tmp_path_factory.mktemp("pipe")

    def make(terms: int) -> str:
        path = directory / f"sum{terms}.cg"
        path.write_text(" + ".join(f"{i}*x" for i in range(1, terms + 1)), encoding="utf-8")
        return str(path)
    return make


# 400 terms of table (~0.2 MB) and 3000 of JSON (~1.8 MB): far more than a 64 KB pipe buffer
@pytest.mark.parametrize("output_format, terms", [("table", 400), ("json", 3000)])
def test_closed_pipe_is_quiet(long_program, output_format, terms):
    producer = subprocess.Popen([sys.executable, "-m", "cgcli", "eval", "-f", long_program(terms), "--at", "x=1",
                                 "--max-rows", "0", "--format", output_format],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(), cwd=REPO)
    consumer = subprocess.Popen(["head", "-c", "1"], stdin=producer.stdout, stdout=subprocess.PIPE)
    producer.stdout.close()            # only head holds the read end now
    first_byte, _ = consumer.communicate(timeout=120)
    err = producer.stderr.read().decode("utf-8", "replace")
    code = producer.wait(timeout=120)
    assert len(first_byte) == 1
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err
    assert err == "", err
    assert code == 141, code


def test_closed_pipe_through_the_shell(long_program):
    command = (f"{sys.executable} -m cgcli eval -f {long_program(400)} --at x=1 --max-rows 0 | head -c 1 >/dev/null")
    completed = subprocess.run(command, shell=True, capture_output=True, text=True, env=_environment(), cwd=REPO,
                               timeout=120)
    assert completed.returncode == 0       # head's status
    assert completed.stderr == "", completed.stderr


def test_ctrl_c_is_quiet_with_130():
    # cgrad waits for a program on stdin; Ctrl-C (SIGINT) must end it with 130 and no traceback
    # the child gets the default SIGINT back: a suite started in the background has SIGINT ignored,
    # and Python would then leave it ignored in the child too
    process = subprocess.Popen([sys.executable, "-m", "cgcli", "eval", "-", "--at", "x=1"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(), cwd=REPO,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        # wait until the interpreter is up and blocked reading stdin (state S after a short while)
        deadline = time.monotonic() + 20
        time.sleep(0.5)
        while time.monotonic() < deadline:
            with open(f"/proc/{process.pid}/stat") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
            if state == "S":
                time.sleep(0.5)
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    err = err.decode("utf-8", "replace")
    assert process.returncode == 130, (process.returncode, err)
    assert err == "error: interrupted\n", err       # one line: no blank lines, no traceback


# --------------------------------------------------------------------------------------------
# Huge inputs and unicode junk
# --------------------------------------------------------------------------------------------

def test_syntax_error_at_end_of_huge_input(run_cgrad, tmp_path):
    path = tmp_path / "huge.cg"
    path.write_text("x + " * 50_000 + "* 2", encoding="utf-8")    # 200 000 characters
    code, out, err = run_cgrad("eval", "-f", str(path), "--at", "x=1")
    first = assert_clean_error(code, out, err, INPUT)
    assert f"column {4 * 50_000 + 1}" in first
    assert len(err) < 1000                     # the quoted line is a window, not 800 000 characters
    shown, at = caret(err)
    assert shown[at] == "*"


@pytest.mark.parametrize("source, at, expected_code", [
    ("9" * 5000, [], MATH),                                   # a literal far beyond the double range
    ("x + " + "y" * 100_000 + "(x)", ["--at", "x=1"], INPUT),  # an unknown function, 100 000-letter name
    ("x + " + "q" * 100_000, ["--at", "x=1"], INPUT),          # an unbound variable, 100 000-letter name
])
def test_huge_tokens_give_short_messages(run_cgrad, tmp_path, source, at, expected_code):
    # The caret line is cut to a window around the column; the message line should be
    # bounded the same way instead of repeating a huge token whole.
    path = tmp_path / "huge.cg"
    path.write_text(source, encoding="utf-8")
    code, out, err = run_cgrad("eval", "-f", str(path), *at)
    first = assert_clean_error(code, out, err, expected_code)
    assert len(first) < 1000, f"first line of the message is {len(first)} characters long"


@pytest.mark.parametrize("junk", [
    "x + 😀", "x\u200b+ 1", "x ∑ y", "\u0301", "x\u202e+1", "\U0001F600" * 50, "\\", "`x`",
    "\ufeffx", "x ± 1", "x = = 1", "((((", "))))", "x,y", "x;;=", "1 2 3 +",
    "sin(x", "max(,)", "2^^3", "x**", "x ÷", "..5", "1.2.3", "1e", "x = y = 1",
])
def test_unicode_and_ascii_junk(run_cgrad, junk):
    code, out, err = run_cgrad("eval", junk, "--at", "x=1,y=2")
    assert_clean_error(code, out, err, INPUT)


def test_random_junk_through_the_api_raises_only_cgrad_errors():
    # 400 random strings over a mix of the language's characters and arbitrary code points:
    # parsing and evaluating either works or raises a CgradError, never anything else.
    from cgcli.errors import CgradError
    from cgcli.numbers import FloatNumbers
    from cgcli.passes.forward_backward import differentiate
    from cgcli.language.syntax import parse

    rng = random.Random(1234)
    alphabet = list("xy+-*/^()0123456789.,;=e \n#") + ["sin", "max", "**", "pi", "·", "−", "θ"]
    for _ in range(400):
        pieces = []
        for _ in range(rng.randint(1, 20)):
            if rng.random() < 0.8:
                pieces.append(rng.choice(alphabet))
            else:
                code = rng.randint(1, 0x2FFFF)
                if 0xD800 <= code <= 0xDFFF:
                    code = 0x2603
                pieces.append(chr(code))
        source = "".join(pieces)
        try:
            program = parse(source)
            values = {name: 0.5 for name in program.variables}
            differentiate(program.graph(), values, FloatNumbers())
        except CgradError:
            pass


def test_random_junk_through_the_cli(run_cgrad):
    rng = random.Random(4321)
    for _ in range(5):
        junk = "".join(chr(rng.choice([rng.randint(0x21, 0x7E), rng.randint(0xA1, 0x2FFF)])) for _ in range(30))
        code, out, err = run_cgrad("eval", junk, "--at", "x=1")
        if code != 0:
            assert_clean_error(code, out, err, (INPUT, MATH))
