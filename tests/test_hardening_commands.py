"""Issue 9 (hardening) for descend, diagrams, paths and data files: the trips of a new user.

Expected values are computed here, independently of cgrad: by hand (derivations in the
comments), by plain-Python gradient-descent loops, or by NumPy's least squares.
"""
from __future__ import annotations

import itertools
import json
import math
import os
import re
import shlex
from fractions import Fraction

import pytest

from conftest import run_cgrad_inprocess

INPUT, MATH = 2, 1
MODES = {"float": [], "exact": ["--exact"], "digits": ["--digits", "20"], "interval": ["--interval"]}


def one_error_line(code: int, out: str, err: str, expected: int = INPUT) -> str:
    """The single `error:` line of a refused run, after checking its exit status and silence on stdout."""
    assert code == expected, f"exit {code}, expected {expected}; stdout:\n{out}\nstderr:\n{err}"
    assert out == "", out
    assert err.startswith("error:") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    return err.rstrip("\n")


# ============================================================================================
# 1. descend: every numeric option refuses values outside its domain (exit 2, naming the option)
# ============================================================================================

NOT_NUMBERS = ["1/0", "-3/0", "abc", "", "nan", "inf", "[1, 2]", "1e3x"]
DOMAINS = {  # option → values that are numbers but outside its domain, in every number mode
    "--lr": ["0", "-1", "-1/3", "-0.0"],
    "--tol": ["-1", "-1e-9"],
    "--grad-tol": ["-2/7"],
    "--momentum": ["1", "1.5", "-0.1", "1e400"],
    "--beta1": ["1", "9/8", "-1e-3", "1e400"],
    "--beta2": ["1", "2", "-0.5"],
    "--eps": ["0", "-1e-8"],
}
SWEEP = [(option, value, mode) for option, values in DOMAINS.items()
         for value, mode in itertools.product(NOT_NUMBERS + values, MODES)]
SWEEP += [(option, "1e400", "float") for option in ("--lr", "--tol", "--grad-tol", "--eps")]  # inf as a double


@pytest.mark.parametrize("option, value, mode", SWEEP)
def test_descend_refuses_bad_option_values(option, value, mode):
    code, out, err = run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", "--steps", "3",
                                         "--optimizer", "adam", *MODES[mode], option, value)
    line = one_error_line(code, out, err)
    assert line.startswith(f"error: {option} {value}:"), line


@pytest.mark.parametrize("option, value, words", [
    ("--lr", "1/0", "division by zero"),
    ("--lr", "-1", "must be positive"),
    ("--lr", "1e400", "too large for float"),
    ("--momentum", "1", "below 1"),
    ("--eps", "0", "must be positive"),
    ("--tol", "-1", "0 or more"),
])
def test_descend_option_messages_say_why(option, value, words):
    line = one_error_line(*run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", option, value))
    assert words in line, line


@pytest.mark.parametrize("mode", MODES)
def test_descend_accepts_the_edges_of_each_domain(mode):
    # 0 is allowed for --tol, --grad-tol, --momentum and the betas; 1/2 for all. With --lr 1/4 on
    # (x-3)² from 0, one step of gd is x1 = 0 − 1/4·(−6) = 3/2 whatever the other options say.
    code, out, err = run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", "--lr", "1/4", "--steps", "1",
                                         "--tol", "0", "--grad-tol", "0", "--momentum", "0", "--beta1", "0",
                                         "--beta2", "1/2", "--eps", "1/2", *MODES[mode], "--format", "json")
    assert code == 0, err
    x = json.loads(out)["params"]["x"]
    low, high = (Fraction(v) for v in x) if isinstance(x, list) else (Fraction(x), Fraction(x))
    assert low <= Fraction(3, 2) <= high and high - low < Fraction(1, 10 ** 12)


@pytest.mark.parametrize("option, value", [("--steps", "-1"), ("--steps", "1.5"), ("--batch-size", "0"),
                                           ("--max-rows", "-1"), ("--steps", "1/0"), ("--digits", "0")])
def test_descend_integer_options_refuse_bad_values(option, value):
    line = one_error_line(*run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", option, value))
    assert option in line, line


# ============================================================================================
# 2. descend keeps no history: memory flat in the number of steps, traces streamed
# ============================================================================================

def hand_descent(x: float, lr: float, steps: int) -> tuple[float, float, float]:
    """Gradient descent on (x − 3)² written out: ∂L/∂x = 2(x − 3); (x, loss, gradient) at the end."""
    for _ in range(steps):
        x -= lr * 2 * (x - 3)
    return x, (x - 3) ** 2, 2 * (x - 3)


def traced_peak(steps: int) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        code, _, err = run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", "--lr", "1e-6",
                                           "--steps", str(steps), "--grad-tol", "0")
        assert code == 0, err
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_descend_memory_does_not_grow_with_steps():
    traced_peak(5)  # imports and caches first, so that they count in neither run
    short, long = traced_peak(300), traced_peak(1500)
    # keeping every step cost ~580 bytes a step: 1200 more steps were ~700 kB more
    assert long - short < 200_000, (short, long)


def test_descend_keeps_a_bounded_loss_sample_and_the_same_answer():
    from cgcli.passes.descent import Settings, descend
    from cgcli.numbers import FloatNumbers
    from cgcli.language.syntax import parse

    steps, lr = 20_000, 1e-5
    settings = Settings(lr=lr, steps=steps, tol=0.0, grad_tol=None, optimizer="gd", hyper={})
    result = descend(parse("(x-3)^2").graph(), {"x": 0.0}, {}, {}, 0, FloatNumbers(), settings)
    x, loss, gradient = hand_descent(0.0, lr, steps)
    assert result.updates == steps and result.stopped == "--steps reached"
    assert math.isclose(result.params["x"], x, rel_tol=1e-12)
    assert math.isclose(result.loss, loss, rel_tol=1e-12)
    assert math.isclose(result.gradient["x"], gradient, rel_tol=1e-12)
    assert not hasattr(result, "history")
    assert len(result.curve.kept) <= result.curve.capacity < steps
    losses = result.curve.losses()
    assert losses[0] == 9 and math.isclose(losses[-1], loss, rel_tol=1e-12)
    assert all(a >= b for a, b in zip(losses, losses[1:]))  # (x − 3)² falls at every step here


def test_loss_samples_keep_every_stride_th_step():
    from cgcli.passes.descent import LossSamples

    samples = LossSamples(capacity=8)
    for step in range(100):
        samples.add(step, float(step))
    steps = [step for step, _ in samples.kept]
    # the 8 places fill at steps 7, 14, 28 and 56, so the stride doubles at steps 8, 16, 32 and 64
    assert samples.stride == 16 and steps == [0, 16, 32, 48, 64, 80, 96]
    assert samples.losses() == [0.0, 16.0, 32.0, 48.0, 64.0, 80.0, 96.0, 99.0]


@pytest.mark.parametrize("output_format", ["csv", "json", "markdown"])
def test_descend_traces_are_written_as_they_go(monkeypatch, output_format):
    import cgcli.cli.output

    pieces = []
    write = cgcli.cli.output.write
    monkeypatch.setattr(cgcli.cli.output, "write", lambda text: (pieces.append(len(text)), write(text)))
    steps, lr = 4000, 1e-3
    code, out, err = run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", "--lr", str(lr), "--steps",
                                         str(steps), "--grad-tol", "0", "--format", output_format)
    assert code == 0, err
    assert len(pieces) > 2 and max(pieces) < 70_000  # in pieces of about 64 KiB, not one text at the end
    x, loss, _ = hand_descent(0.0, lr, steps)
    if output_format == "json":
        document = json.loads(out)
        assert len(document["trace"]) == steps + 1 and document["steps"] == steps
        assert math.isclose(document["params"]["x"], x, rel_tol=1e-12)
        assert document["trace"][-1]["params"]["x"] == document["params"]["x"]
    else:
        rows = [line for line in out.splitlines() if line[:1].isdigit() or line.startswith("| ")]
        assert len(rows) == steps + 1 + (output_format == "markdown")  # markdown: its header row too
        assert math.isclose(float(rows[-1].strip("| ").replace("|", ",").split(",")[2]), x, rel_tol=1e-12)


def test_descend_failing_early_prints_nothing_on_stdout():
    # lr 3/2 on (x − 3)²: the error is multiplied by 1 − 2·3/2 = −2 a step; the loss 9·4^k passes 1e8·9 at k = 14
    code, out, err = run_cgrad_inprocess("descend", "(x-3)^2", "--params", "x=0", "--lr", "3/2", "--format", "json")
    line = one_error_line(code, out, err, MATH)
    assert "diverged at step 14" in line


# ============================================================================================
# 6. --data: a cell that is not a usable number is bad input (exit 2), naming row and column
# ============================================================================================

LINE = "(w*x + b - y)^2"
BAD_CELLS = ["abc", "inf", "-inf", "nan", "NaN", "1/0", "-2/0", "", "--1", "1e", "0x10"]


def run_data(tmp_path, name: str, content: str, *extra: str):
    (tmp_path / name).write_text(content, encoding="utf-8")
    return run_cgrad_inprocess("descend", LINE, "--data", name, "--params", "w=0,b=0", "--steps", "2", *extra,
                               cwd=str(tmp_path))


def csv_with(cell: str) -> str:
    return f"x,y\n1,3\n2,5\n3,{cell}\n"  # the bad cell: row 3 (line 4), column y


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cell", BAD_CELLS)
def test_bad_csv_cell_is_input_error(tmp_path, mode, cell):
    line = one_error_line(*run_data(tmp_path, "points.csv", csv_with(cell), *MODES[mode]))
    assert "points.csv" in line and "row 3 (line 4)" in line and "column y" in line, line


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", ['"abc"', '"inf"', '"1/0"', "true", "null", "[1, 2]", '{"a": 1}', '""'])
def test_bad_json_value_is_input_error(tmp_path, mode, value):
    content = '{"x": 1, "y": 3}\n\n{"x": 2, "y": ' + value + '}\n'  # row 2, line 3
    line = one_error_line(*run_data(tmp_path, "points.jsonl", content, *MODES[mode]))
    assert "points.jsonl" in line and "row 2 (line 3)" in line and "column y" in line, line


@pytest.mark.parametrize("name, content", [("points.csv", csv_with("1e400")),
                                           ("points.jsonl", '{"x": 1, "y": 3}\n{"x": 2, "y": 5}\n{"x": 3, "y": 1e400}\n')])
def test_cell_beyond_a_double_is_input_error_in_float_mode(tmp_path, name, content):
    line = one_error_line(*run_data(tmp_path, name, content))
    assert "row 3 (line" in line and "column y" in line and "1e400" in line and "too large" in line, line


def test_cell_beyond_a_double_is_fine_in_exact_mode(tmp_path):
    # exactly, 10^400 is a number like any other: at w = b = 0 the mean loss is (3² + 5² + 10^800)/3
    code, out, err = run_data(tmp_path, "points.csv", csv_with("1e400"), "--exact", "--steps", "0", "--format", "json")
    assert code == 0, err
    assert Fraction(json.loads(out)["loss"]) == Fraction(9 + 25 + 10 ** 800, 3)


@pytest.mark.parametrize("row", ['{"x": 2, "y": 5, "y": 6}', '{"x": 2, "x": 2, "y": 5}', '{"y": 5, "x": 2, "y": 5}'])
def test_duplicate_json_keys_are_input_errors(tmp_path, row):
    content = '{"x": 1, "y": 3}\n' + row + "\n"
    line = one_error_line(*run_data(tmp_path, "points.jsonl", content))
    repeated = "y" if row.count('"y"') == 2 else "x"
    assert "points.jsonl" in line and "row 2 (line 2)" in line and f"the key {repeated} is given twice" in line, line


# ============================================================================================
# 4. Named nodes are differentiable targets: the same ∂ in eval --wrt, paths and diagram
# ============================================================================================

NAMED_CASES = [
    # program, --at, {name: ∂output/∂name by hand}
    # y = c·x at x = 3: ∂y/∂c = x = 3, ∂y/∂x = c = 3
    ("c = 3; y = c*x", "x=3", {"c": 3, "x": 3}),
    # J = 3(a + bc): ∂J/∂v = 3, ∂J/∂u = 3·1, ∂J/∂b = 3·c = 9
    ("u = b*c; v = a + u; J = 3v", "a=1,b=2,c=3", {"v": 3, "u": 3, "b": 9, "J": 1}),
    # fan-out of a named constant: f = (k·x)(k + x) at k = 2, x = 3: ∂f/∂k = x(k + x) + kx = 15 + 6,
    # ∂f/∂s = t = 5, ∂f/∂t = s = 6
    ("k = 2; s = k*x; t = k + x; f = s*t", "x=3", {"k": 21, "s": 5, "t": 6, "x": 5 * 2 + 6}),
    # a named constant in an exponent: y = x^n, ∂y/∂n = xⁿ·ln x = 8 ln 2 at x = 2, n = 3
    ("n = 3; y = x^n", "x=2", {"n": 8 * math.log(2), "x": 3 * 4}),
    # a named constant feeding a named intermediate: w = h·x, L = (w − 1)²; ∂L/∂h = 2(hx − 1)·x = 2·5·3
    ("h = 2; w = h*x; L = (w - 1)^2", "x=3", {"h": 30, "w": 10}),
]


@pytest.mark.parametrize("source, at, expected", NAMED_CASES)
def test_eval_wrt_any_named_node(source, at, expected):
    code, out, err = run_cgrad_inprocess("eval", source, "--at", at, "--wrt", ",".join(expected), "--format", "json")
    assert code == 0, err
    gradient = json.loads(out)["gradient"]
    assert list(gradient) == list(expected)
    for name, value in expected.items():
        assert math.isclose(gradient[name], value, rel_tol=1e-12), (name, gradient[name], value)


@pytest.mark.parametrize("source, at, expected", NAMED_CASES)
def test_paths_to_any_named_node(source, at, expected):
    code, out, err = run_cgrad_inprocess("paths", source, "--at", at, "--wrt", ",".join(expected), "--format", "json")
    assert code == 0, err
    for report in json.loads(out)["paths"]:
        value = expected[report["wrt"]]
        assert math.isclose(report["gradient"], value, rel_tol=1e-12), report
        assert math.isclose(sum(path["product"] for path in report["paths"]), value, rel_tol=1e-12), report


def test_paths_of_a_fanned_out_constant():
    # f = s·t with s = k·x and t = k + x: two paths down to k, products ∂f/∂s·∂s/∂k = t·x = 15 and
    # ∂f/∂t·∂t/∂k = s·1 = 6
    code, out, err = run_cgrad_inprocess("paths", "k = 2; s = k*x; t = k + x; f = s*t", "--at", "x=3", "--wrt", "k",
                                         "--format", "json")
    assert code == 0, err
    (report,) = json.loads(out)["paths"]
    assert [(path["nodes"], path["product"]) for path in report["paths"]] == [(["f", "s", "k"], 15),
                                                                              (["f", "t", "k"], 6)]


@pytest.mark.parametrize("source, at, expected", NAMED_CASES)
def test_diagram_labels_every_named_node_with_its_derivative(source, at, expected):
    code, out, err = run_cgrad_inprocess("diagram", source, "--at", at)
    assert code == 0, err
    output = source.rsplit(";", 1)[-1].split("=")[0].strip()
    for name, value in expected.items():
        shown = str(int(value)) if float(value).is_integer() else None
        label = next(line for line in out.splitlines() if ":::" in line and f'"{name} = ' in line)  # its node
        assert f"∂{output}/∂{name} = " in label, (name, label)
        if shown is not None:
            assert f"∂{output}/∂{name} = {shown}" in label, (name, label)


def test_named_constant_one_answer_everywhere():
    # the example: ∂y/∂c = 3 in paths, diagram and eval --wrt, and the highlighted edge c → y has it
    args = ("c = 3; y = c*x", "--at", "x=3")
    _, paths_out, _ = run_cgrad_inprocess("paths", *args, "--wrt", "c")
    _, diagram_out, _ = run_cgrad_inprocess("diagram", *args, "--highlight", "c")
    _, eval_out, _ = run_cgrad_inprocess("eval", *args, "--wrt", "c", "--format", "json")
    assert "∂y/∂c = 3 (backward pass)" in paths_out and "no path" not in paths_out
    assert 'n0 -->|"∂y/∂c = 3"| n2' in diagram_out and "linkStyle 0 " in diagram_out
    assert json.loads(eval_out)["gradient"] == {"c": 3}


def test_named_constant_exact():
    # y = c·x² with c = 1/3 at x = 3: ∂y/∂c = x² = 9, ∂y/∂x = 2cx = 2
    code, out, err = run_cgrad_inprocess("eval", "c = 1/3; y = c*x*x", "--at", "x=3", "--wrt", "c,x", "--exact",
                                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["gradient"] == {"c": "9", "x": "2"}


def test_eval_wrt_generated_names_and_unknown_names():
    # 3·(a + b·c): t1 = b·c, t2 = a + t1, f = 3·t2; ∂f/∂t1 = ∂f/∂t2 = 3
    code, out, err = run_cgrad_inprocess("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--wrt", "t1,t2",
                                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["gradient"] == {"t1": 3, "t2": 3}
    line = one_error_line(*run_cgrad_inprocess("eval", "c = 3; y = c*x", "--at", "x=3", "--wrt", "c,q"))
    assert "--wrt" in line and "q" in line, line
    line = one_error_line(*run_cgrad_inprocess("eval", "c = 3; y = c*x", "--at", "x=3", "--wrt", ","))
    assert "--wrt" in line, line


# ============================================================================================
# 5. Diagrams: each DOT attribute once, constants as circles, every rounded number marked …
# ============================================================================================

DOT_ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\]\s]+)')
DRAWN = [  # every kind of node: variables, ops, the output, literals, named constants, summaries
    ("c = 3; u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2"),
    ("k = 2; s = k*x; t = k + x; f = s*t", "--at", "x=3"),
    ("; ".join(["h0 = x"] + [f"h{i} = tanh(w{i}*h{i - 1})" for i in range(1, 8)]), "--collapse", "2"),
]


def dot_nodes(source: str) -> dict[str, dict[str, list[str]]]:
    """Node id → attribute name → the values it is given (a list, to catch repeats)."""
    nodes = {}
    for line in source.splitlines():
        match = re.fullmatch(r"\s*(n\d+) \[(.*)\];", line)
        if match:
            attributes: dict[str, list[str]] = {}
            for key, value in DOT_ATTRIBUTE.findall(match.group(2)):
                attributes.setdefault(key, []).append(value)
            nodes[match.group(1)] = attributes
    return nodes


@pytest.mark.parametrize("args", DRAWN)
def test_dot_gives_each_attribute_once_highlighted_or_not(args):
    for highlight in ([], ["--highlight", "x" if "x" in args[0] else "b"]):
        code, out, err = run_cgrad_inprocess("diagram", *args, *highlight, "--format", "dot")
        assert code == 0, err
        nodes = dot_nodes(out)
        assert nodes
        for node, attributes in nodes.items():
            repeated = {key: values for key, values in attributes.items() if len(values) > 1}
            assert not repeated, (node, repeated)
        if highlight:
            assert any(attributes["fillcolor"] == ['"#ff99ff"'] and attributes["penwidth"] == ["4"]
                       for attributes in nodes.values())


def test_dot_and_mermaid_draw_constants_as_circles():
    # 'k = 2' is a named constant, the 3 in 3*s a literal: both are constants, drawn as (small dashed) circles
    args = ("k = 2; s = k*x; f = 3*s", "--at", "x=1")
    _, dot, _ = run_cgrad_inprocess("diagram", *args, "--format", "dot")
    _, mermaid, _ = run_cgrad_inprocess("diagram", *args)
    shapes = {attributes["label"][0].split("\\n")[0].strip('"'): attributes["shape"][0]
              for attributes in dot_nodes(dot).values()}
    assert shapes == {"k = 2": "circle", "x = 1": "box", "s = k · x = 2": "box", "3": "circle", "f = 3 · s = 6": "box"}
    constants = [line for line in mermaid.splitlines() if line.endswith(":::const")]
    assert len(constants) == 2 and all('(("' in line and '"))' in line for line in constants), constants


def test_sigmoid_label_is_marked_as_rounded():
    # σ(1) = 0.7310585786300049 (a double); 12 significant digits are 0.731058578630 and digits follow
    code, out, err = run_cgrad_inprocess("diagram", "sigmoid(x)", "--at", "x=1")
    assert code == 0, err
    assert repr(1 / (1 + math.exp(-1))) == "0.7310585786300049"
    assert "f = sigmoid(x) = 0.731058578630…" in out


SHOWN_VALUES = ([math.sin(k) for k in range(1, 40)] + [k / 7 for k in range(1, 30)] + [3 ** k / 7 ** 9 for k in range(30)]
                + [0.1 * k for k in range(1, 30)] + [k * 1e30 / 3 for k in range(1, 10)] + [1 / (1 + math.exp(-1)), 0.5])


@pytest.mark.parametrize("value", SHOWN_VALUES)
def test_every_shortened_number_has_an_ellipsis(value):
    from decimal import Decimal

    from cgcli.render.notation import shorten_number

    text = repr(value)
    shown = shorten_number(text)
    digits = shown.rstrip("…").replace("…e", "e")
    difference = abs(Decimal(digits) - Decimal(text))
    assert difference <= abs(Decimal(text)) * Decimal("5e-12"), (text, shown)  # rounded to 12 digits
    if "…" in shown:
        assert difference > 0, (text, shown)  # digits really were dropped
    else:
        # nothing dropped but zeros, or only a double's last-place noise (0.1·3 = 0.30000000000000004)
        assert difference <= abs(Decimal(text)) * Decimal("1e-15"), (text, shown)
        assert len(text.replace("-", "").replace(".", "").split("e")[0].lstrip("0")) <= 17


# ============================================================================================
# 7. The documented descend example runs on the shipped examples/points.csv
# ============================================================================================

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POINTS = os.path.join(REPO, "examples", "points.csv")


def test_the_documented_descend_example_fits_the_least_squares_line():
    """docs/descend.md's run on the shipped points (tests/test_docs_examples.py checks what it prints)."""
    np = pytest.importorskip("numpy")
    args = shlex.split("descend '(w*x + b - y)^2' --data examples/points.csv --params w=0,b=0 --lr 0.05 --steps 500 --tol 1e-12")
    document = json.loads(run_cgrad_inprocess(*args, "--format", "json", cwd=REPO)[1])
    data = np.loadtxt(POINTS, delimiter=",", skiprows=1)
    design = np.column_stack([data[:, 0], np.ones(len(data))])
    (w, b), *_ = np.linalg.lstsq(design, data[:, 1], rcond=None)
    assert abs(w - 2.5) < 0.05 and abs(b + 1) < 0.05  # the line the points were made from
    assert abs(document["params"]["w"] - w) < 1e-5 and abs(document["params"]["b"] - b) < 1e-5, (document, w, b)


def test_example_points_are_the_documented_line_and_noise():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_points", os.path.join(REPO, "examples", "make_points.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(POINTS, encoding="utf-8") as handle:
        header, *rows = handle.read().splitlines()
    assert header == "x,y"
    assert [tuple(map(float, row.split(","))) for row in rows] == module.points()


def test_descend_help_uses_the_shipped_example():
    code, out, err = run_cgrad_inprocess("descend", "--help")
    assert code == 0, err
    example = next(line.strip() for line in out.splitlines() if "--data" in line and line.strip().startswith("cgrad"))
    assert "examples/points.csv" in example and os.path.exists(POINTS)
    code, out, err = run_cgrad_inprocess(*shlex.split(example)[1:], cwd=REPO)
    assert code == 0 and "stopped because" in out, err

