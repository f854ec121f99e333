"""`--format latex`: names, numbers and the chain-rule lines as LaTeX, and fragments that compile.

The compile test wraps the fragments of many expressions (every number mode, odd names,
worksheets, fan-out, elided rows) in one article with amsmath and runs pdflatex
(Debian package texlive-latex-base, installed by .ci/run). Without pdflatex the fragments are
checked for balanced braces, \\left/\\right and environments instead (and under CI that is a
failure, since CI installs TeX).
"""
from __future__ import annotations

import re

import pytest

from conftest import compile_latex, run_cgrad_inprocess
from cgcli.render import latex

SEED_001 = ["u = b*c; v = a + u; J = 3v", "--at", "a=1,b=2,c=3"]


@pytest.mark.parametrize("name, expected", [
    ("a", "a"), ("J", "J"), ("x1", "x_{1}"), ("w12", "w_{12}"), ("t3", "t_{3}"), ("w_1", "{w}_{1}"),
    ("hat_y", r"\hat{y}"), ("bar_x", r"\bar{x}"), ("θ", r"\theta"), ("θ1", r"\theta_{1}"), ("Δ", r"\Delta"),
    ("λ", r"\lambda"), ("alpha", r"\alpha"), ("Delta", r"\Delta"), ("loss", r"\mathrm{loss}"),
    ("x_in", r"{x}_{\mathrm{in}}"), ("_z", r"\mathrm{\_z}"), ("a_b_c", r"{a}_{\mathrm{b\_c}}"),
    ("x_", r"\mathrm{x\_}"), ("é", r"\text{é}"),
])
def test_names(name, expected):
    assert latex.name(name) == expected


@pytest.mark.parametrize("text, expected", [
    ("3", "3"), ("-2.5", "-2.5"), ("19/21", r"\frac{19}{21}"), ("-19/21", r"-\frac{19}{21}"),
    ("1e-05", r"1 \times 10^{-5}"), ("1.5e+40", r"1.5 \times 10^{40}"), ("-1.35130360424…e+40", r"-1.35130360424\ldots{} \times 10^{40}"),
    ("[1.0, 4.0]", r"\left[1.0, 4.0\right]"), ("____", r"\underline{\qquad}"), ("≈ 0.3333333", r"\approx 0.3333333"),
    ("0.410973285843…", r"0.410973285843\ldots{}"), ("123456789012…(23 digits)", r"123456789012\ldots\,(\text{23 digits})"),
])
def test_numbers(text, expected):
    assert latex.number(text) == expected


def test_notation_of_the_op_table():
    # {1}·{0}^({1} - 1): the power rule with the exponent in braces
    assert latex.notation("{1}·{0}^({1} - 1)", ["x", "2"], False) == r"2 \cdot x^{2 - 1}"
    assert latex.notation("sqrt({0})", ["x"], True) == r"\sqrt{x}"
    assert latex.notation("sigmoid({0})", ["z"], True) == r"\operatorname{sigmoid}\left(z\right)"
    assert latex.notation("{0} - {1}", ["a", "-3"], False) == r"a - \left(-3\right)"
    assert latex.notation("max({0}, {1})", ["a", "-3"], True) == r"\max\left(a, -3\right)"
    assert latex.notation("[{0} ≥ {1}]", ["a", "b"], True) == r"[a \geq b]"
    assert latex.notation("{0} ^ {1}", [r"\frac{1}{2}", "3"], False) == r"\left(\frac{1}{2}\right)^{3}"


def run_latex(*args: str) -> str:
    code, out, err = run_cgrad_inprocess("eval", *args, "--format", "latex")
    assert code == 0, err
    return out


def test_seed_001_chain_rule_for_b():
    out = run_latex(*SEED_001)
    assert (r"\frac{\partial J}{\partial b} &= \frac{\partial J}{\partial u}\frac{\partial u}{\partial b} "
            r"= 3 \cdot 3 = 9") in out
    assert r"u &= b \cdot c = 2 \cdot 3 = 6" in out
    assert r"\frac{\partial J}{\partial v} &= 3" in out
    assert out.count(r"\begin{align*}") == 1 and out.count(r"\end{align*}") == 1


def test_fan_out_is_a_sum():
    out = run_latex("a = x; b = a + a; c = b + b", "--at", "x=1")
    assert (r"\frac{\partial c}{\partial a} &= \frac{\partial c}{\partial b}\frac{\partial b}{\partial a} + "
            r"\frac{\partial c}{\partial b}\frac{\partial b}{\partial a} = 2 \cdot 1 + 2 \cdot 1 = 4") in out


def test_tensors_are_matrices_and_their_rules_words():
    out = run_latex("Y = X @ W + b; L = sum(Y)", "--at", "X=[[1,2],[3,4]]", "--at", "W=[[1,0],[0,1]]",
                    "--at", "b=[1,1]")
    assert r"X &= \begin{bmatrix}1 & 2 \\ 3 & 4\end{bmatrix}" in out
    assert r"b &= \begin{bmatrix}1 & 1\end{bmatrix}" in out
    assert (r"\frac{\partial L}{\partial W} &= \frac{\partial L}{\partial t_{1}}\frac{\partial t_{1}}{\partial W} = "
            r"X^{\top} \frac{\partial L}{\partial t_{1}} = \begin{bmatrix}4 & 4 \\ 6 & 6\end{bmatrix}") in out
    assert r"\text{ copied to every element }" in out


def test_exact_fractions_are_frac():
    out = run_latex("x/3 + y^2/7", "--at", "x=1,y=2", "--exact")
    assert r"f &= t_{1} + t_{3} = \frac{1}{3} + \frac{4}{7} = \frac{19}{21}" in out
    assert r"\left(\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y}\right) &= \left(\frac{1}{3}, \frac{4}{7}\right)" in out


FRAGMENTS = [
    SEED_001,
    ["p = x + y; g = p*z", "--at", "x=1,y=3,z=-3"],
    ["a = x; b = a + a; c = b + b", "--at", "x=1"],
    ["x/3 + y^2/7 - x^(y-1)", "--at", "x=1,y=2", "--exact"],
    ["sin(x)*exp(x)/(1+x^2)", "--at", "x=1/3", "--digits", "60"],
    ["x*exp(x) + relu(x - 1)", "--at", "x=0.99..1.01", "--interval"],
    ["θ*w_1 + hat_y - (-3) + x2^2/sqrt(alpha) + max(θ, -w_1) + exp(-hat_y)*sigmoid(Delta) + e*pi + relu(a_b_c) + abs(_z)"
     " + min(λ, 1) + softplus(x_in) + tanh(Ω) + log(é) + cos(ŷ)",
     "--at", "θ=-1/3,w_1=2,hat_y=3,x2=2,alpha=4,Delta=0.5,a_b_c=1,_z=-2,λ=3,x_in=1,Ω=0,é=2,ŷ=1"],
    ["1e200*x*1e-10", "--at", "x=1e-5"],
    [" + ".join(f"x{i}*y{i}" for i in range(40)), "--at", ",".join(f"x{i}=1,y{i}={i}" for i in range(40)),
     "--max-rows", "10"],
    [*SEED_001, "--blank", "grads"],
    [*SEED_001, "--blank", "all"],
    [*SEED_001, "--answers"],
    [*SEED_001, "--no-trace"],
    ["Y = X @ W + b; L = sum(Y)", "--at", "X=[[1,2],[3,4]]", "--at", "W=[[1,0],[0,1]]", "--at", "b=[1/2,-1]",
     "--exact"],
    ["L = sum(X @ W)", "--at", "X=" + str([[i + j for j in range(6)] for i in range(5)]), "--at",
     "W=" + str([[1] * 6 for _ in range(6)])],
    # several outputs: the shared forward pass, each output's chain rule, the Jacobian matrix
    ["R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I", "--at", "V=4.999,I=0.019661,phi=1.04446", "--output", "all"],
    ["R = V/I; Z = V*I", "--at", "V=1/3,I=2", "--output", "Z,R", "--exact", "--mode", "forward"],
    ["u = w*x; s = sum(u); m = s/2", "--at", "w=[1,2]", "--at", "x=3", "--output", "s,m", "--no-trace"],
]


def balanced(text: str) -> None:
    """Braces, \\left/\\right and \\begin/\\end pair up (comments stripped)."""
    body = "\n".join(line.split("%")[0] for line in text.splitlines())
    depth = 0
    for index, ch in enumerate(body):
        if ch in "{}" and index and body[index - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, body[max(0, index - 60):index + 1]
    assert depth == 0
    assert len(re.findall(r"\\left\b", body)) == len(re.findall(r"\\right\b", body))
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", body):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name
    assert not stack


@pytest.fixture(scope="module")
def fragments():
    return [run_latex(*args) for args in FRAGMENTS]


def test_fragments_are_balanced(fragments):
    for fragment in fragments:
        balanced(fragment)


def test_fragments_compile(fragments, tmp_path):
    log = compile_latex(fragments, tmp_path)
    assert (tmp_path / "notes.pdf").stat().st_size > 1000
    assert "Undefined control sequence" not in log
