"""cgrad codegen: the generated Python, NumPy and C give cgrad eval's value and gradient (1e-12
relative) on random expressions (test_random_gradients' generator), conventions at kinks, refusals."""
from __future__ import annotations

import ctypes
import math
import re
import shutil
import subprocess

import numpy as np
import pytest

from conftest import run_cgrad_inprocess, run_json_inprocess
from test_random_gradients import _generate
from cgcli.ops import OPS

CASES = _generate(60, seed=4321)


def _code(source: str, language: str, *options: str) -> str:
    code, out, err = run_cgrad_inprocess("codegen", source, "--lang", language, *options)
    assert code == 0, err
    return out


def _function(text: str):
    scope: dict = {}
    exec(compile(text, "<codegen>", "exec"), scope)
    return scope["value_and_grad"]


def _inputs(text: str) -> list[str]:
    return re.search(r"def value_and_grad\((.*)\):", text)[1].split(", ")


def _reference(source: str, point: dict) -> tuple[float, dict]:
    at = ",".join(f"{name}={value!r}" for name, value in point.items())
    document = run_json_inprocess("eval", source, "--at", at, "--no-trace")
    return document["value"], document["gradient"]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def _assert_matches(value, gradient, names, reference) -> None:
    expected_value, expected_gradient = reference
    assert _close(float(value), expected_value)
    for name, got in zip(names, gradient):
        assert _close(float(got), expected_gradient[name]), name


REFERENCES = {}


def _reference_of(index: int):
    if index not in REFERENCES:
        source, _, point = CASES[index]
        REFERENCES[index] = _reference(source, point)
    return REFERENCES[index]


@pytest.mark.parametrize("language", ["python", "numpy"])
def test_random_expressions_python_and_numpy(language):
    for index, (source, _, point) in enumerate(CASES):
        text = _code(source, language)
        names = _inputs(text)
        arguments = [point[name] if language == "python" else np.array([point[name]]) for name in names]
        value, gradient = _function(text)(*arguments)
        _assert_matches(np.ravel(value)[0], [np.ravel(g)[0] for g in gradient], names, _reference_of(index))


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler (cc) on this machine")
def test_random_expressions_c(tmp_path):
    units, orders = [], []
    for index, (source, _, _) in enumerate(CASES):
        units.append(_code(source, "c").replace("value_and_grad", f"f{index}").replace("#include <math.h>", ""))
        orders.append(_inputs(_code(source, "python")))
    (tmp_path / "all.c").write_text("#include <math.h>\n" + "\n".join(units), encoding="utf-8")
    subprocess.run(["cc", "-shared", "-fPIC", "-O0", "-o", str(tmp_path / "all.so"), str(tmp_path / "all.c"), "-lm"],
                   check=True)
    library = ctypes.CDLL(str(tmp_path / "all.so"))
    for index, (source, _, point) in enumerate(CASES):
        names = orders[index]
        function = getattr(library, f"f{index}")
        function.restype = ctypes.c_double
        inputs = (ctypes.c_double * len(names))(*(point[name] for name in names))
        grad = (ctypes.c_double * len(names))()
        value = function(inputs, grad)
        _assert_matches(value, list(grad), names, _reference_of(index))


@pytest.mark.parametrize("relu0", ["0", "0.5", "1"])
def test_relu_convention_at_zero(relu0):
    for language in ("python", "numpy"):
        text = _code("relu(x) * y", language, "--relu0", relu0)
        assert f"relu'(0) = {relu0}" in text
        value, (gx, gy) = _function(text)(0.0, 3.0)
        assert float(gx) == 3 * float(relu0) and float(value) == 0.0


def test_max_min_abs_ties():
    for language in ("python", "numpy"):
        f = _function(_code("max(x, y) + 2*min(x, y) + abs(x - 1)", language))
        value, (gx, gy) = f(1.0, 1.0)
        assert (float(value), float(gx), float(gy)) == (3.0, 3.0, 0.0)  # ties go to the first operand; abs'(0) = 0


def test_numpy_is_elementwise():
    f = _function(_code("x*y + relu(x)", "numpy"))
    value, (gx, gy) = f(np.array([-1.0, 0.0, 2.0]), np.array([3.0, 4.0, 5.0]))
    assert value.tolist() == [-3.0, 0.0, 12.0]
    assert gx.tolist() == [3.0, 4.0, 6.0] and gy.tolist() == [-1.0, 0.0, 2.0]


def test_names_kept_and_order_of_first_appearance():
    text = _code("u = b*a; v = u + sin(u); v*c", "python")
    assert "def value_and_grad(b, a, c):" in text and "    u = b * a" in text and "    v = u +" in text
    assert "g_u +=" in text  # fan-out: u is used twice


def test_imports_only_math_or_numpy():
    assert re.findall(r"^import .*", _code("exp(x)", "numpy"), re.M) == ["import math", "import numpy as np"]
    assert re.findall(r"^import .*", _code("exp(x)", "python"), re.M) == ["import math"]
    assert re.findall(r"^#include .*", _code("exp(x)", "c"), re.M) == ["#include <math.h>"]


def test_every_scalar_op_has_templates_in_every_language():
    from cgcli.compiled.codegen import LANGUAGES, templates

    for op in OPS.values():
        if op.partials:  # elementwise (scalar) ops
            for language in LANGUAGES:
                assert len(templates(op.name, language)) == 1 + op.arity, (op.name, language)


def test_tensor_op_refused():
    code, out, err = run_cgrad_inprocess("codegen", "sum(x)", "--lang", "c")
    assert code == 2 and out == "" and err.startswith("error:") and "sum" in err and "c" in err


@pytest.mark.parametrize("language", ["python", "numpy", "c"])
@pytest.mark.parametrize("source", ["0[0]", "x + 2[0]"])
def test_a_tensor_op_needing_no_derivative_is_refused_too(source, language):
    # its forward line alone once wrote np.index(0.0, 0.0), a call that does not exist
    code, out, err = run_cgrad_inprocess("codegen", source, "--lang", language)
    assert (code, out) == (2, "") and err.startswith("error: codegen") and "tensor ops" in err, err


def test_points_with_a_tensor_op_answer_each_row_as_eval_does():
    # the kernel refuses the op, so the rows go through the passes and fail as eval fails (a bug: exit 70)
    code, out, err = run_cgrad_inprocess("eval", "((0[0]))", "--points", "-", input='{"x": "1"}\n')
    eval_code, _, eval_err = run_cgrad_inprocess("eval", "0[0]")
    assert code == eval_code == 1 and "1 index for a scalar" in err and "1 index for a scalar" in eval_err


@pytest.mark.parametrize("source", ["x*1e999", "1e400 - x"])
def test_a_literal_no_double_holds_is_refused_as_eval_refuses_it(source):
    code, out, err = run_cgrad_inprocess("codegen", source)
    eval_code, _, eval_err = run_cgrad_inprocess("eval", source, "--at", "x=1")
    assert code == eval_code == 1 and out == ""  # not `inf` in the code
    assert err.splitlines()[0].split(" (column")[0] in eval_err.splitlines()[0]


def test_out_file(tmp_path):
    target = tmp_path / "f.py"
    code, out, err = run_cgrad_inprocess("codegen", "x^2", "-o", str(target))
    assert code == 0 and out == ""
    assert _function(target.read_text(encoding="utf-8"))(3.0) == (9.0, (6.0,))
