"""Shared helpers for the cgrad test suite.

* `run_cgrad_process(*args, input=None, env=None, cwd=None)` runs the command as a separate
  process, `[sys.executable, "-m", "cgcli", *args]`, and returns `(code, stdout, stderr)`: for what
  only a process shows (pipes, signals, start-up, install).
* `run_cgrad_inprocess(...)` does the same inside this process (cgcli.cli.main.main with its own
  stdin, stdout, stderr and environment): the same answer, without ~80 ms of start-up.
* `run_json(*args)` runs `cgrad ... --format json`, asserts success and returns the parsed object.
* `api(src, **values)` evaluates through the Python API (no process start-up), returns the Trace.
* `central_difference(f, point, name)` is the reference derivative used across the suite.
* the `slow` marker is registered here; slow tests still run by default
  (deselect them with `-m "not slow"`).
"""
from __future__ import annotations

import json
import math
import os
import select
import shutil
import subprocess
import sys
from typing import Callable

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds wheels, creates venvs or evaluates 10^5-node graphs "
                                       "(run by default; deselect with -m 'not slow')")


def _environment(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    # Never let the developer's terminal settings leak into assertions about output.
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    env.pop("PYTHONIOENCODING", None)
    # let the first child write cgcli's bytecode for the others (each would compile ~70 ms of source)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["COLUMNS"] = env.get("COLUMNS", "200")
    if extra:
        env.update(extra)
    return env


def run_cgrad_process(*args: str, input: str | None = None, env: dict | None = None,
                      cwd: str | None = None, timeout: float = 120) -> tuple[int, str, str]:
    """Run `python -m cgcli ARGS...`; return (exit code, stdout, stderr) as text."""
    completed = subprocess.run([sys.executable, "-m", "cgcli", *args], input=input, capture_output=True,
                               text=True, encoding="utf-8", errors="replace", env=_environment(env),
                               cwd=cwd or REPO, timeout=timeout)
    return completed.returncode, completed.stdout, completed.stderr


@pytest.fixture
def run_cgrad():
    """`run_cgrad(*args, input=None, env=None, cwd=None)`: cgrad in this process, as a fixture."""
    return run_cgrad_inprocess


def run_cgrad_inprocess(*args: str, input: str | bytes | None = None, env: dict | None = None,
                        cwd: str | None = None, timeout: float | None = None) -> tuple[int, str, str]:
    """`cgrad ARGS...` run in this process; (exit code, stdout, stderr) as text, as a process gives them.
    Standard streams are byte buffers wrapped as UTF-8 text, not terminals."""
    import gc
    import io

    from cgcli.cli.main import main

    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_env, saved_cwd, collecting = dict(os.environ), os.getcwd(), gc.isenabled()
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", newline="\n", write_through=True)
    os.environ.clear()
    os.environ.update(_environment(env))
    try:
        os.chdir(cwd or REPO)
        try:
            main(list(args))
            code = 0
        except SystemExit as leave:
            code = leave.code if isinstance(leave.code, int) else (0 if leave.code is None else 1)
    finally:
        for wrapper in (sys.stdin, sys.stdout, sys.stderr):
            if not wrapper.closed:
                wrapper.flush()
                wrapper.detach()  # else the wrapper, once collected, closes the buffer we read
        sys.stdin, sys.stdout, sys.stderr = streams
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        if collecting:
            gc.enable()  # main() turns the collector off for its short life
    return code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")


def parse_json_output(stdout: str) -> dict:
    """The one JSON object cgrad --format json prints (exactly one line of JSON)."""
    text = stdout.strip()
    assert text, "cgrad printed nothing on stdout"
    return json.loads(text)


def run_json_process(*args: str, input: str | None = None) -> dict:
    """`cgrad ARGS --format json`, asserting exit 0 and a clean stderr; the parsed object."""
    code, out, err = run_cgrad_process(*args, "--format", "json", input=input)
    assert code == 0, f"exit {code}; stderr:\n{err}"
    assert "Traceback" not in err
    return parse_json_output(out)


def run_json_inprocess(*args: str, input: str | None = None) -> dict:
    """run_json_process, in this process."""
    code, out, err = run_cgrad_inprocess(*args, "--format", "json", input=input)
    assert code == 0, f"exit {code}; stderr:\n{err}"
    assert "Traceback" not in err
    return parse_json_output(out)


@pytest.fixture
def run_json():
    return run_json_inprocess


def api(source: str, output: str | None = None, wrt: list[str] | None = None, record: bool = True,
        **values: float):
    """Evaluate `source` at `values` through the Python API; the Trace (without `record`, only
    the value, the gradient and the variables' rows)."""
    from cgcli.numbers import FloatNumbers
    from cgcli.passes.forward_backward import differentiate
    from cgcli.language.syntax import parse

    import gc

    collecting = gc.isenabled()
    gc.disable()  # as cgrad's main does: the cyclic collector would rescan a large graph over and over
    try:
        graph = parse(source).graph(output)
        return differentiate(graph, {name: float(v) for name, v in values.items()}, FloatNumbers(), wrt, record)
    finally:
        if collecting:
            gc.enable()


def central_difference(f: Callable[[dict], float], point: dict, name: str, h: float = 1e-6) -> float:
    """(f(x + h) - f(x - h)) / 2h in the coordinate `name`, with h scaled by max(1, |x|)."""
    step = h * max(1.0, abs(point[name]))
    up, down = dict(point), dict(point)
    up[name] += step
    down[name] -= step
    return (f(up) - f(down)) / (up[name] - down[name])


def close(actual: float, expected: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_)


def backward_rows(document: dict) -> dict:
    """JSON backward records by node name."""
    return {row["name"]: row for row in document["backward"]}


def forward_rows(document: dict) -> dict:
    """JSON forward records by node name."""
    return {row["name"]: row for row in document["forward"]}


def read_pseudo_terminal(master: int, process: subprocess.Popen, timeout: float = 60) -> bytes:
    """Everything a child wrote to a pseudo-terminal until it closed it (the caller has closed the
    child's side); the test fails if the terminal stays silent for `timeout` s. Returns once the child ended."""
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            process.kill()
            pytest.fail(f"no output from the pseudo-terminal for {timeout} s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.wait(timeout=timeout)
    return b"".join(chunks)


def unavailable(what: str, reason: str) -> None:
    """Skip the test for a missing outside tool, or fail it under CI, which installs every one."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI: {reason}")
    pytest.skip(reason)


def required_program(name: str, description: str, package: str) -> str:
    """The path of an outside program; the test is skipped without it (failed under CI)."""
    program = shutil.which(name)
    if program is None:
        unavailable(name, f"{description} is not installed (Debian package {package})")
    return program


def compile_latex(fragments: list[str], folder, name: str = "notes") -> str:
    """Compile the fragments in one amsmath document with pdflatex (skip without it, fail under CI);
    assert no LaTeX error, and return the log."""
    engine = required_program("pdflatex", "pdflatex", "texlive-latex-base")
    document = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{amsmath}\n\\begin{document}\n"
                + "\n".join(fragments) + "\\end{document}\n")
    (folder / f"{name}.tex").write_text(document, encoding="utf-8")
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], cwd=folder,
                          capture_output=True, text=True, errors="replace", timeout=300)
    log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert done.returncode == 0 and not errors, "\n".join(errors) or done.stdout[-3000:]
    assert "Missing character" not in log
    return log


@pytest.fixture(scope="session")
def dot() -> str:
    """The path of Graphviz's dot; the test is skipped without it (failed under CI, which installs it)."""
    return required_program("dot", "Graphviz's dot", "graphviz")
