"""Generated code keeps cgrad's names apart and valid (issue 23): every name the language accepts
(names Python folds together by NFKC, 𝑥 and x, ﬁ and fi, µ and μ, x₁ and x1; Python and C keywords;
<math.h>'s macros and functions; the macros GCC predefines) gives Python and NumPy that import and
C that compiles, each computing what `cgrad eval` computes."""
from __future__ import annotations

import ctypes
import math
import re
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgcli.compiled.codegen import identifier
from cgcli.ops import CONSTANTS, FUNCTIONS
from conftest import run_cgrad_inprocess, run_json_inprocess

C_KEYWORDS = ("auto break case char const continue default do double else enum extern float for goto if inline "
              "int long register restrict return short signed sizeof static struct switch typedef union unsigned "
              "void volatile while").split()
CONFUSABLE = ["𝑥", "x", "ﬁ", "fi", "µ", "μ", "x₁", "x1", "ℌ", "H", "ｘ"]
PYTHON = ["lambda", "def", "class", "None", "True", "import", "math", "np", "abs", "max", "min", "float", "in",
          "grad", "value_and_grad", "g_x", "u__78_", "t1", "match", "print"]


def _math_h_macros() -> list[str]:
    """The macros <math.h> and the compiler define, without a leading underscore (NAN, M_PI, linux…)."""
    if shutil.which("cc") is None:
        return ["NAN", "INFINITY", "M_PI", "M_E", "HUGE_VAL", "FP_NAN", "isnan", "signbit", "linux", "unix"]
    listing = subprocess.run(["cc", "-dM", "-E", "-"], input="#include <math.h>\n", capture_output=True, text=True,
                             check=True).stdout
    return sorted({m[1] for m in re.finditer(r"#define ([A-Za-z]\w*)", listing)})


# the candidates the language takes as names (cgrad's own functions and constants are not)
NAMES = [name for name in dict.fromkeys(CONFUSABLE + PYTHON + C_KEYWORDS + _math_h_macros() + ["pow", "fmax", "y0", "j1"])
         if name not in FUNCTIONS and name not in CONSTANTS]


def _program(names: list[str]) -> tuple[str, dict]:
    """A program using every name with its own weight, one name assigned from another (𝑥 = y*2 kind),
    and values for the rest."""
    first, rest = names[0], names[1:]
    terms = " + ".join(f"{k + 2} * {name} * sin({first})" for k, name in enumerate(rest))
    source = f"{first} = {rest[0]} * 2; f = {first} + {terms}" if rest else f"f = {first} * 3"
    point = {name: round(0.1 * (k + 3), 2) for k, name in enumerate(rest or [first])}
    return source, point


def _eval(source: str, point: dict) -> tuple[float, dict]:
    at = ",".join(f"{name}={value!r}" for name, value in point.items())
    document = run_json_inprocess("eval", source, "--at", at, "--no-trace")
    return document["value"], document["gradient"]


def _generated(source: str, language: str) -> str:
    code, out, err = run_cgrad_inprocess("codegen", source, "--lang", language)
    assert code == 0, err
    return out


def _inputs(text: str, source: str) -> list[str]:
    """The generated function's parameters, as the program's names (in the order first written)."""
    from cgcli.language.syntax import parse

    program = parse(source)
    graph = program.graph()
    used = {graph.names[i] for i in graph.variables()}
    return [name for name in program.variables if name in used]


def _close(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-300)


def _check(value, gradient, names, expected) -> None:
    assert _close(value, expected[0])
    for name, got in zip(names, gradient):
        assert _close(got, expected[1][name]), name


def test_identifiers_are_kept_where_the_target_reads_them_as_themselves():
    assert identifier("x", "python") == "x" and identifier("θ", "python") == "θ" and identifier("μ", "python") == "μ"
    for name in ("𝑥", "ﬁ", "µ", "x₁", "ｘ", "lambda", "math", "g__x"):
        assert identifier(name, "python") != name
    assert identifier("θ", "c") != "θ" and identifier("static", "c") != "static" and identifier("M_PI", "c") != "M_PI"
    # one-to-one: the names Python would fold together stay apart, and none meets a kept one
    mangled = {identifier(name, language) for name in NAMES for language in ("python",)}
    assert len(mangled) == len(NAMES)
    assert len({identifier(name, "c") for name in NAMES}) == len(NAMES)


def test_the_issue_example_computes_what_eval_computes():
    source = "𝑥 = y*2; f = 𝑥 + x"
    text = _generated(source, "python")
    scope: dict = {}
    exec(compile(text, "<codegen>", "exec"), scope)
    names = _inputs(text, source)
    value, gradient = scope["value_and_grad"](*[{"x": 5.0, "y": 1.0}[name] for name in names])
    assert value == 7.0 and dict(zip(names, gradient)) == {"x": 1.0, "y": 2.0}  # 2·1 + 5 by hand


GROUPS = [NAMES[i:i + 12] for i in range(0, len(NAMES), 12)]


@pytest.mark.parametrize("names", GROUPS, ids=[f"names{i}" for i in range(len(GROUPS))])
def test_python_and_numpy_for_every_kind_of_name(names):
    source, point = _program(names)
    expected = _eval(source, point)
    for language in ("python", "numpy"):
        text = _generated(source, language)
        scope: dict = {}
        exec(compile(text, "<codegen>", "exec"), scope)
        inputs = _inputs(text, source)
        arguments = [point[name] if language == "python" else np.array([point[name]]) for name in inputs]
        value, gradient = scope["value_and_grad"](*arguments)
        _check(np.ravel(value)[0], [np.ravel(g)[0] for g in gradient], inputs, expected)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler (cc) on this machine")
def test_c_for_every_kind_of_name_compiles_and_agrees(tmp_path):
    """One file, one compiler run: each program's function renamed by the preprocessor."""
    cases = [_program(names) for names in GROUPS]
    parts = []
    for k, (source, _) in enumerate(cases):
        parts += [f"#define value_and_grad value_and_grad_{k}", _generated(source, "c"), "#undef value_and_grad"]
    (tmp_path / "names.c").write_text("\n".join(parts), encoding="utf-8")
    subprocess.run(["cc", "-shared", "-fPIC", "-O0", "-Werror=implicit-function-declaration", "-o",
                    str(tmp_path / "names.so"), str(tmp_path / "names.c"), "-lm"], check=True)
    library = ctypes.CDLL(str(tmp_path / "names.so"))
    for k, (source, point) in enumerate(cases):
        inputs = _inputs("", source)
        function = getattr(library, f"value_and_grad_{k}")
        function.restype = ctypes.c_double
        given_values = (ctypes.c_double * len(inputs))(*[point[name] for name in inputs])
        gradient = (ctypes.c_double * len(inputs))()
        value = function(given_values, gradient)
        _check(value, list(gradient), inputs, _eval(source, point))


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.text(st.characters(categories=["Lu", "Ll", "Lo", "Nl", "Mn", "Nd", "Pc"]), min_size=1, max_size=3),
                min_size=2, max_size=5, unique=True))
def test_generated_names_give_python_that_computes_what_eval_computes(texts):
    from cgcli.language.bindings import NAME
    from cgcli.text import language_form

    names = list(dict.fromkeys(language_form(t) for t in texts if NAME.fullmatch(language_form(t))))
    names = [name for name in names if name not in CONSTANTS and name not in FUNCTIONS]
    if len(names) < 2:
        return
    source, point = _program(names)
    code, _, _ = run_cgrad_inprocess("eval", source, "--at", ",".join(f"{n}={v}" for n, v in point.items()),
                                     "--format", "json", "--no-trace")
    if code != 0:
        return  # a name the language refuses (a keyword of its own): nothing to generate
    expected = _eval(source, point)
    text = _generated(source, "python")
    scope: dict = {}
    exec(compile(text, "<codegen>", "exec"), scope)
    inputs = _inputs(text, source)
    value, gradient = scope["value_and_grad"](*[point[name] for name in inputs])
    _check(value, gradient, inputs, expected)
