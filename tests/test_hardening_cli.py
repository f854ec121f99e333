"""The edges of the command line: exit statuses (70 internal, 74 output, 130, 141), output that is
never cut or lost (closed pipes, partial writes, /dev/full, closed stdout and stdin, -o FILE),
Ctrl-C, -h in every command, tables on narrow terminals, shell completion.

Real processes only where only a process shows it: pipes closed by the reader, /dev/full, closed
file descriptors, PYTHONUNBUFFERED. Everything else runs in-process.
"""
from __future__ import annotations

import errno
import io
import os
import re
import shlex
import signal
import subprocess
import sys
import time

import mpmath
import pytest

from conftest import REPO, _environment, run_cgrad_inprocess

import cgcli.cli.output
from cgcli.cli.main import COMMANDS
from cgcli.errors import ExitStatus, OutputClosed
from cgcli.text import shorten

SEED_001 = ("u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3")

# one small run of every command, and the help, version and bare-`cgrad` outputs
EVERY_OUTPUT = {
    "eval table": ["eval", "x*y", "--at", "x=2,y=3"],
    "eval json": ["eval", "x*y", "--at", "x=2,y=3", "--format", "json"],
    "eval -o -": ["eval", "x*y", "--at", "x=2,y=3", "--format", "markdown", "-o", "-"],
    "diagram": ["diagram", "x*y"],
    "paths": ["paths", "x*y", "--at", "x=2,y=3", "--wrt", "x"],
    "descend": ["descend", "(x-3)^2", "--params", "x=0", "--steps", "2"],
    "help": ["--help"],
    "eval -h": ["eval", "-h"],
    "version": ["--version"],
    "bare": [],
}


def process(args: list[str], *, stdout=subprocess.PIPE, env: dict | None = None,
            unbuffered: bool | None = None) -> subprocess.Popen:
    environment = _environment(env)
    if unbuffered is True:
        environment["PYTHONUNBUFFERED"] = "1"
    elif unbuffered is False:
        environment.pop("PYTHONUNBUFFERED", None)
    return subprocess.Popen([sys.executable, "-m", "cgcli", *args], stdout=stdout, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=environment, cwd=REPO)


def shell(command: str) -> tuple[int, str]:
    """`command` through sh, where `cgrad` is this interpreter's cgcli; (status, stderr)."""
    cgrad = f"{shlex.quote(sys.executable)} -m cgcli"
    completed = subprocess.run(["sh", "-c", command.replace("cgrad", cgrad, 1)], capture_output=True, text=True,
                               env=_environment(), cwd=REPO, timeout=60)
    return completed.returncode, completed.stderr


# --------------------------------------------------------------------------------------------
# exit statuses
# --------------------------------------------------------------------------------------------

def test_exit_status_numbers_follow_sysexits():
    assert (ExitStatus.INTERNAL, ExitStatus.OUTPUT) == (70, 74)      # EX_SOFTWARE, EX_IOERR
    assert (ExitStatus.INTERRUPTED, ExitStatus.BROKEN_PIPE) == (128 + signal.SIGINT, 128 + signal.SIGPIPE)


def test_internal_error_is_70_and_asks_for_a_report(monkeypatch):
    import cgcli.cli.commands.eval

    def broken(text):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(cgcli.cli.commands.eval, "parse", broken)
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=1")
    assert code == 70 and out == ""
    assert err.startswith("error: internal error, please report it") and "ZeroDivisionError: a bug" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


# --------------------------------------------------------------------------------------------
# closed pipes: 141, quietly, for every command and with or without PYTHONUNBUFFERED
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sums(tmp_path_factory):
    """Program files: the sum 1*x + 2*x + … + n*x."""
    directory = tmp_path_factory.mktemp("sums")

    def make(terms: int) -> str:
        path = directory / f"sum{terms}.cg"
        if not path.exists():
            path.write_text(" + ".join(f"{i}*x" for i in range(1, terms + 1)), encoding="utf-8")
        return str(path)
    return make


# each writes from ~90 KB to ~600 KB: more than the 64 KB a pipe holds, in one write
BIG_OUTPUTS = {
    "eval json": (["eval", "--at", "x=1", "--format", "json"], 1000, b'{"output":'),
    "eval table": (["eval", "--at", "x=1", "--max-rows", "0"], 200, b"Forward pa"),
    "eval latex -o -": (["eval", "--at", "x=1", "--format", "latex", "--max-rows", "0", "-o", "-"], 1000, None),
    "diagram dot": (["diagram", "--format", "dot"], 1000, b"digraph cg"),
    "paths": (["paths", "--at", "x=1", "--wrt", "x", "--max-paths", "250"], 250, b"Paths from"),
}


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
@pytest.mark.parametrize("name", list(BIG_OUTPUTS))
def test_reader_closing_the_pipe_gives_141_and_no_message(sums, name, unbuffered):
    args, terms, start = BIG_OUTPUTS[name]
    producer = process([args[0], "-f", sums(terms), *args[1:]], unbuffered=unbuffered)
    first = producer.stdout.read(10)       # the write has begun: the pipe is full behind these bytes
    producer.stdout.close()                # the reader leaves, as `head -c 10` does
    err = producer.stderr.read().decode("utf-8", "replace")
    code = producer.wait(timeout=60)
    assert len(first) == 10 and (start is None or first == start)
    assert (code, err) == (141, ""), err   # not 0: with PYTHONUNBUFFERED the rest was silently dropped


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED=1", "buffered"])
def test_descend_stream_into_a_closed_pipe(unbuffered):
    producer = process(["descend", "(x-3)^2", "--params", "x=0", "--lr", "0.001", "--steps", "2000",
                        "--grad-tol", "0", "--format", "csv"], unbuffered=unbuffered)
    assert producer.stdout.read(4) == b"step"
    producer.stdout.close()
    err = producer.stderr.read().decode("utf-8", "replace")
    assert (producer.wait(timeout=60), err) == (141, "")


def test_help_into_a_closed_pipe():
    producer = process(["eval", "-h"])
    producer.stdout.close()                # closed before anything is written
    err = producer.stderr.read().decode("utf-8", "replace")
    assert (producer.wait(timeout=60), err) == (141, "")   # click's own echo ended with 1


# --------------------------------------------------------------------------------------------
# /dev/full, closed stdout, closed stdin, closed stderr
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(EVERY_OUTPUT))
def test_full_disk_is_74_with_the_os_reason(name):
    with open("/dev/full", "w") as full:
        producer = process(EVERY_OUTPUT[name], stdout=full)
        err = producer.stderr.read().decode("utf-8", "replace")
        code = producer.wait(timeout=60)
    assert (code, err) == (74, "error: cannot write to standard output: No space left on device\n")


@pytest.mark.parametrize("name", ["eval table", "eval json", "descend", "help", "bare"])
def test_closed_stdout_is_74(name):
    code, err = shell(f"cgrad {shlex.join(EVERY_OUTPUT[name])} >&-")
    assert (code, err) == (74, f"error: cannot write to standard output: {os.strerror(errno.EBADF)}\n")


@pytest.mark.parametrize("program", [["-"], ["-f", "-"]])
def test_closed_stdin_is_an_input_error(program):
    code, err = shell(f"cgrad eval {shlex.join(program)} --at x=1 <&-")
    assert (code, err) == (2, f"error: cannot read standard input: {os.strerror(errno.EBADF)}\n")


def test_closed_stderr_keeps_the_exit_status():
    assert shell("cgrad eval 'log(x)' --at x=0 2>&-")[0] == 1
    assert shell("cgrad eval 'x +' --at x=0 2>&-")[0] == 2
    # commands that write notes or a progress bar to stderr still succeed without one
    assert shell("cgrad descend '(x-3)^2' --params x=0 2>&- >/dev/null")[0] == 0
    terms = " + ".join(f"{i}*x" for i in range(1, 200))   # a Mermaid graph past maxEdges: a note on stderr
    assert shell(f"cgrad diagram '{terms}' 2>&- >/dev/null")[0] == 0


def test_an_encoding_without_the_characters_is_an_output_failure():
    producer = process(EVERY_OUTPUT["eval table"], env={"PYTHONIOENCODING": "ascii"})
    producer.stdout.read()
    err = producer.stderr.read().decode("utf-8", "replace")
    assert producer.wait(timeout=60) == 74
    assert err.startswith("error: cannot write to standard output: its encoding ascii has no U+00B7 MIDDLE DOT")


# --------------------------------------------------------------------------------------------
# output.write itself: every byte, or the right error
# --------------------------------------------------------------------------------------------

class ShortWrites(io.RawIOBase):
    """A raw file that takes at most `chunk` bytes per write (as a pipe does), then fails as told."""

    def __init__(self, chunk: int, fail_after: int | None = None, failure: OSError | None = None) -> None:
        self.chunk, self.fail_after, self.failure, self.data = chunk, fail_after, failure, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.fail_after is not None and len(self.data) >= self.fail_after:
            raise self.failure
        taken = bytes(data[:self.chunk])
        self.data += taken
        return len(taken)


def unbuffered_stdout(raw: ShortWrites) -> io.TextIOWrapper:
    """sys.stdout as PYTHONUNBUFFERED=1 makes it: a write-through text layer over the raw file."""
    return io.TextIOWrapper(raw, encoding="utf-8", write_through=True)


def test_partial_writes_are_completed(monkeypatch):
    raw = ShortWrites(chunk=4096)
    monkeypatch.setattr(sys, "stdout", unbuffered_stdout(raw))
    text = "".join(f"{i} ∂f/∂x\n" for i in range(50_000))
    cgcli.cli.output.write(text)
    assert raw.data.decode("utf-8") == text           # sys.stdout.write alone kept the first 4096 bytes


@pytest.mark.parametrize("failure, expected", [
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), OutputClosed),
    (OSError(errno.ENOSPC, "No space left on device"), cgcli.cli.output.OutputFailed),
    (OSError(errno.EIO, "Input/output error"), cgcli.cli.output.OutputFailed),
])
def test_write_failures_become_cgrad_errors(monkeypatch, failure, expected):
    monkeypatch.setattr(sys, "stdout", unbuffered_stdout(ShortWrites(chunk=100, fail_after=300, failure=failure)))
    with pytest.raises(expected) as caught:
        cgcli.cli.output.write("x" * 1000)
    assert caught.type is expected                    # OutputClosed is not an OutputFailed, nor the reverse
    if expected is cgcli.cli.output.OutputFailed:
        assert caught.value.status == 74
        assert caught.value.message == f"cannot write to standard output: {failure.strerror}"


def test_no_stdout_at_all(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    with pytest.raises(cgcli.cli.output.OutputFailed, match="Bad file descriptor"):
        cgcli.cli.output.write("x")
    assert cgcli.cli.output.is_terminal() is False


# --------------------------------------------------------------------------------------------
# -o FILE: whatever the system refuses is exit 74, naming the file
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["eval", "x*y", "--at", "x=2,y=3"], ["diagram", "x*y"],
                                     ["paths", "x*y", "--at", "x=2,y=3", "--wrt", "x"]])
@pytest.mark.parametrize("where, reason", [("missing/out.txt", "No such file or directory"),
                                           (".", "Is a directory"),
                                           ("/dev/full", "No space left on device")])
def test_unwritable_out_file_is_74(tmp_path, command, where, reason):
    target = where if where.startswith("/") else str(tmp_path / where)
    code, out, err = run_cgrad_inprocess(*command, "-o", target)
    assert (code, out) == (74, "")
    assert err == f"error: cannot write {shorten(target)}: {reason}\n", err   # long paths elided in the middle
    assert target[-15:] in err


def test_out_dash_is_stdout():
    code, out, _ = run_cgrad_inprocess("eval", *SEED_001, "--format", "json", "-o", "-")
    assert code == 0 and '"value": 21' in out


# --------------------------------------------------------------------------------------------
# Ctrl-C: 130 and one line
# --------------------------------------------------------------------------------------------

def test_sigint_is_130_with_one_line_and_the_handler_is_restored(monkeypatch):
    import cgcli.cli.commands.eval

    def interrupted(text):
        os.kill(os.getpid(), signal.SIGINT)           # as the terminal sends it on Ctrl-C
        for _ in range(500):  # the handler runs at the main thread's next check, not always at once
            time.sleep(0.01)
        raise AssertionError("SIGINT did not interrupt")
    # a suite started in the background has SIGINT ignored, as a shell does for background jobs
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        monkeypatch.setattr(cgcli.cli.commands.eval, "parse", interrupted)
        code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=1")
        assert (code, out, err) == (130, "", "error: interrupted\n")    # click's blank line is gone too
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, ignored)


# --------------------------------------------------------------------------------------------
# -h and --help in every command; expressions that start with -h still work
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("where", ["alone", "after EXPR", "before EXPR"])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help_everywhere(name, where, flag):
    args = {"alone": [name, flag], "after EXPR": [name, "x^2", flag], "before EXPR": [name, flag, "x^2"]}[where]
    code, out, err = run_cgrad_inprocess(*args)
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: cgrad {name} [OPTIONS]")
    examples = [line.strip() for line in out.splitlines() if line.strip().startswith(f"cgrad {name} ")]
    assert "Examples:" in out and examples, out


def test_group_help_lists_every_command():
    for flag in ("-h", "--help"):
        code, out, err = run_cgrad_inprocess(flag)
        assert (code, err) == (0, "")
        assert all(re.search(rf"^\s+{name}\s", out, re.M) for name in COMMANDS), out


@pytest.mark.parametrize("expression, at, value, gradient", [
    ("-x^2", "x=3", -9, {"x": -6}),                   # -(x²): by hand -9, d/dx = -2x = -6
    ("-h^2", "h=3", -9, {"h": -6}),
    ("-h*x", "h=3,x=2", -6, {"h": -2, "x": -3}),
    ("-h", "h=5", -5, {"h": -1}),                     # behind '--' the expression may even be -h itself
])
def test_expressions_starting_with_dash_h(expression, at, value, gradient):
    import json

    words = ["--", expression] if expression == "-h" else [expression]
    code, out, err = run_cgrad_inprocess("eval", "--at", at, "--format", "json", *words)
    assert code == 0, err
    document = json.loads(out)
    assert (document["value"], document["gradient"]) == (value, gradient)


# --------------------------------------------------------------------------------------------
# narrow terminals: every digit and every header stays
# --------------------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def on_terminal(monkeypatch, columns: int, *args: str) -> str:
    """`cgrad ARGS` as a terminal of `columns` columns shows it (escape codes removed)."""
    monkeypatch.setattr(cgcli.cli.output, "is_terminal", lambda: True)
    code, out, err = run_cgrad_inprocess(*args, env={"COLUMNS": str(columns)})
    assert (code, err) == (0, "")
    return ANSI.sub("", out)


def squeezed(text: str) -> str:
    """Folded pieces joined: a cell cut across lines reads whole again once all blanks are gone."""
    return re.sub(r"\s+", "", text)


def assert_all_shown(shown: str, columns: int, texts: list[str]) -> None:
    from rich.cells import cell_len

    assert "…" not in shown
    assert max(cell_len(line) for line in shown.splitlines()) <= columns
    missing = [text for text in texts if squeezed(text) not in squeezed(shown)]
    assert not missing, f"missing {missing} in:\n{shown}"


SEED_001_TEXTS = [
    # headers
    "node", "definition", "source", "value", "chain rule", "local derivative", "upstream × local", "∂J/∂node",
    "variable", "∂J/∂variable",
    # cells, by hand from seed 001: u = 6, v = 7, J = 21; ∂J/∂v = 3, ∂J/∂u = 3, ∂J/∂a = 3, ∂J/∂b = 9, ∂J/∂c = 6
    "b · c", "a + u", "3 · v", "3v", "(output)", "∂J/∂J · ∂J/∂v", "∂J/∂v · ∂v/∂a", "∂J/∂u · ∂u/∂c",
    "∂J/∂v = 3", "∂u/∂c = b = 2", "∂u/∂b = c = 3", "1 × 3", "3 × 2", "3 × 3", "J = 21",
]


@pytest.mark.parametrize("columns", [40, 60, 80, 200])
def test_seed_001_on_a_narrow_terminal(monkeypatch, columns):
    shown = on_terminal(monkeypatch, columns, "eval", *SEED_001)
    assert_all_shown(shown, columns, SEED_001_TEXTS)


def digits60(value) -> str:
    return mpmath.mp.nstr(value, 60, strip_zeros=False)


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_sixty_digits_on_a_narrow_terminal(monkeypatch, columns):
    shown = on_terminal(monkeypatch, columns, "eval", "sin(x)/y", "--at", "x=1,y=3", "--digits", "60")
    with mpmath.workdps(80):                           # an independent reference: f = sin(x)/y at (1, 3)
        sin1, cos1 = mpmath.sin(1), mpmath.cos(1)
        numbers = [1, 3, sin1, sin1 / 3, cos1, mpmath.mpf(1) / 3, -sin1 / 9, cos1 / 3]  # values, locals, adjoints
        texts = [digits60(mpmath.mpf(n)) for n in numbers]
    assert_all_shown(shown, columns, texts + ["∂f/∂node", "∂f/∂variable", "upstream × local", "local derivative",
                                              "∂f/∂y = -t1/y^2", "∂t1/∂x = cos(x)"])


def test_a_pipe_never_cuts_a_long_number():
    # 12 000 digits: wider than the 10 000 columns a piped table used to get
    code, out, err = run_cgrad_inprocess("eval", "x/3", "--at", "x=1", "--digits", "12000")
    assert (code, err) == (0, "")
    third = "0." + "3" * 12000
    assert "…" not in out and out.count(third) >= 3    # value of f, ∂f/∂x = 1/3 (local and adjoint)
    assert all(line == line.rstrip() for line in out.splitlines())


def test_record_layout_is_what_a_narrow_terminal_gets(monkeypatch):
    shown = on_terminal(monkeypatch, 40, "eval", *SEED_001)
    backward = shown[shown.index("Backward pass"):shown.index("Gradient")]
    # each node is a block: its name, then one indented `header  cell` line per non-empty cell
    assert re.search(r"^c\n\s+chain rule\s+∂J/∂u · ∂u/∂c\n\s+local derivative\s+∂u/∂c = b = 2\n"
                     r"\s+upstream × local\s+3 × 2\n\s+∂J/∂node\s+6$", backward, re.M), backward


# --------------------------------------------------------------------------------------------
# shell completion
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shell_name, marker", [("bash", "complete -o nosort -F _cgrad_completion cgrad"),
                                                 ("zsh", "#compdef cgrad"),
                                                 ("fish", "complete --no-files --command cgrad")])
def test_completion_script(shell_name, marker):
    code, out, err = run_cgrad_inprocess(env={"_CGRAD_COMPLETE": f"{shell_name}_source"})
    assert (code, err) == (0, "")
    assert marker in out and "_CGRAD_COMPLETE" in out


@pytest.mark.parametrize("words, index, expected", [
    ("cgrad ev", 1, ["eval"]),
    ("cgrad eval --format ", 3, ["table", "json", "markdown", "latex", "jsonl", "csv"]),
])
def test_completion_answers(words, index, expected):
    code, out, err = run_cgrad_inprocess(env={"_CGRAD_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                              "COMP_CWORD": str(index)})
    assert (code, err) == (0, "")
    assert [line.split(",", 1)[1] for line in out.splitlines()] == expected
