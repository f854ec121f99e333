"""LaTeX: names, numbers and op notations as math, and the whole derivation as an align* fragment
(forward pass, then the chain rule node by node) that compiles with amsmath."""
from __future__ import annotations

import re
import unicodedata

from ..graph.nodes import CONSTANT, VARIABLE
from ..ops import FUNCTIONS, OPS
from ..language.syntax import one_line
from ..numbers.written import Written, read
from .derivation import (BLANK_TEXT, NAIVE_TITLE, BackwardLine, Derivation, ForwardLine, GradientLine, TangentLine,
                         NumberText, TermLine, laid_out)
from .formats import RenderOptions
from .notation import PLACEHOLDER, needs_parentheses
from ..text import LazyPattern

GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
         "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon",
         "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon",
         "Phi", "Psi", "Omega"}
ACCENTS = {"hat": r"\hat", "bar": r"\bar", "tilde": r"\tilde", "vec": r"\vec", "dot": r"\dot"}
SYMBOLS = {"·": r" \cdot ", "×": r" \times ", "≥": r" \geq ", "≤": r" \leq ", "≠": r" \neq ", "−": "-",
           "ᵀ": r"^{\top}", "@": " ", "∂": r"\partial ", "Σ": r"\sum ", "…": r"\ldots ", "→": r"\to ", "π": r"\pi "}
BLANK = r"\underline{\qquad}"
_TRAILING_DIGITS = LazyPattern(r"(.*?[^\W\d_])([0-9]+)")
_WORDS = LazyPattern(r"(?<![\\A-Za-z{])[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})*(?![A-Za-z}])")


# ---- names ----

def _greek_letter(ch: str) -> str | None:
    """θ → \\theta, Δ → \\Delta; None for any other character."""
    parts = unicodedata.name(ch, "").split()
    if len(parts) == 4 and parts[0] == "GREEK" and parts[2] == "LETTER":
        word = parts[3].lower()
        word = "lambda" if word == "lamda" else word
        if parts[1] == "CAPITAL":
            word = word.capitalize()
        if word in GREEK:
            return "\\" + word
        if word == "final":
            return r"\varsigma"
    return None


def _letters(text: str) -> str:
    """A run of letters: one letter in italics, a word upright, Greek as commands."""
    if text in GREEK:
        return "\\" + text
    if len(text) == 1 and text.isascii():
        return text
    if text.isascii():
        return r"\mathrm{" + text.replace("_", r"\_") + "}"
    out, ascii_run = [], ""
    for ch in text:
        greek = _greek_letter(ch)
        if greek is None and ch.isascii():
            ascii_run += ch
            continue
        if ascii_run:
            out.append(_letters(ascii_run))
            ascii_run = ""
        out.append(greek + " " if greek else r"\text{" + ch + "}")
    if ascii_run:
        out.append(_letters(ascii_run))
    return "".join(out).rstrip()


def _token(text: str) -> str:
    """x1 → x_{1}, theta2 → \\theta_{2}, loss → \\mathrm{loss}."""
    match = _TRAILING_DIGITS.fullmatch(text)
    if match:
        return f"{_letters(match.group(1))}_{{{match.group(2)}}}"
    return _letters(text)


def name(text: str) -> str:
    """A cgrad name as LaTeX math: w_1 → w_{1}, hat_y → \\hat{y}, θ → \\theta, x1 → x_{1}."""
    base, _, sub = text.partition("_")
    if not base or not sub or sub.endswith("_") or "__" in sub:
        return _token(text) if "_" not in text else r"\mathrm{" + text.replace("_", r"\_") + "}"
    if "_" not in sub and base in ACCENTS:
        return f"{ACCENTS[base]}{{{_token(sub)}}}"
    subscript = _token(sub) if "_" not in sub else r"\mathrm{" + sub.replace("_", r"\_") + "}"
    return f"{{{_token(base)}}}_{{{subscript}}}"


def partial(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {name(top)}}}{{\partial {name(bottom)}}}"


# ---- numbers ----

def number(text: str) -> str:
    """A number's text (a literal, or as the number systems print it) in LaTeX: -19/21 →
    -\\frac{19}{21}, 1e-05 → 1 \\times 10^{-5}, [lo, hi] → \\left[lo, hi\\right], a blank → a line to write on."""
    text = text.strip()
    return BLANK if text == BLANK_TEXT else written(read(text))


def written(number: Written) -> str:
    """A number in parts in LaTeX, read from its fields."""
    if number.other is not None:
        text = number.other
        if text.startswith("[") and text.endswith("]"):  # a tensor: its rows as they print
            return r"\left[" + _plain(text[1:-1]) + r"\right]"
        return _plain(text)
    if number.items is not None:
        return r"\left[" + ", ".join(written(item) for item in number.items) + r"\right]"
    approximate = r"\approx " if number.approximate else ""
    sign = number.sign
    if number.denominator is not None:
        top = Written(digits=number.digits, fraction=number.fraction, more=number.more, elided=number.elided,
                      doubt=number.doubt, exponent=number.exponent)
        return f"{approximate}{sign}\\frac{{{written(top)}}}{{{written(number.denominator)}}}"
    mantissa = number.digits + ("" if number.fraction is None else "." + number.fraction)
    if number.elided is not None:  # 123456789012…(23 digits)
        tail = ("?" if number.doubt else "") + ("" if number.exponent is None else "e" + number.exponent)
        return (f"{approximate}{sign}{_plain(mantissa)}\\ldots\\,(\\text{{{number.elided} digits}})"
                f"{_plain(tail)}")
    if number.exponent is not None and not number.doubt and (number.digits or number.fraction is not None):
        exponent = number.exponent
        power = f"10^{{{'-' if exponent.startswith('-') else ''}{exponent.lstrip('+-').lstrip('0') or '0'}}}"
        return f"{approximate}{sign}{_plain(mantissa + ('…' if number.more else ''))} \\times {power}"
    body = mantissa + ("…" if number.more else "") + ("?" if number.doubt else "") + (
        "" if number.exponent is None else "e" + number.exponent)
    return approximate + sign + _plain(body)


def _plain(text: str) -> str:
    """Text (a tensor's rows, a + bε) in math, character by character."""
    long_integer = re.fullmatch(r"(.*)…\((\d+) digits\)(.*)", text) if "digits)" in text else None
    if long_integer:  # a tensor's element 123456789012…(23 digits)
        head, count, tail = long_integer.groups()
        return f"{_plain(head)}\\ldots\\,(\\text{{{count} digits}}){_plain(tail)}"
    out = []
    for ch in text:
        if ch in SYMBOLS:
            out.append(SYMBOLS[ch].strip() + ("{}" if ch == "…" else ""))
        elif ch in "#$%&_{}~^\\":
            out.append({"\\": r"\backslash ", "~": r"\sim ", "^": r"\hat{}"}.get(ch, "\\" + ch))
        elif not ch.isascii():
            out.append(r"\text{" + ch + "}")
        else:
            out.append(ch)
    return "".join(out)


def factor(latex: str, negative: bool) -> str:
    """A number as a factor of a product: a negative one (as the derivation says) in parentheses."""
    return rf"\left({latex}\right)" if negative else latex


def matrix(rows: list[str], columns: int) -> str:
    """Rows (each its cells joined by ` & `) as a matrix in brackets: a bmatrix, or past amsmath's 10
    columns (its MaxMatrixCols: pdflatex stops at an 11th) an array, which has no such limit."""
    body = r" \\ ".join(rows)
    if columns <= 10:
        return r"\begin{bmatrix}" + body + r"\end{bmatrix}"
    return r"\left[\begin{array}{" + "c" * columns + "}" + body + r"\end{array}\right]"


def value(shown: NumberText) -> str:
    """A value in LaTeX; a vector or matrix as a bmatrix of its elements (tensors larger than
    the number system prints in full as their summary text)."""
    if shown.not_taken:
        return r"\text{" + _plain_text(shown.short) + "}"
    grid = shown.grid
    if grid is not None:
        return matrix([" & ".join(written(element) for element in row) for row in grid],
                      max((len(row) for row in grid), default=1))
    if shown.tensor:
        return r"\text{" + _plain_text(shown.short) + "}"
    return short(shown)


def short(shown: NumberText) -> str:
    """A value's short number (as pictures show it) in LaTeX; a blank as a line to write on."""
    return BLANK if shown.blank else written(shown.written)


def _plain_text(text: str) -> str:
    """Text for \\text{}: TeX's special characters escaped."""
    return "".join({"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(ch, "\\" + ch)
                   if ch in "#$%&_{}~^\\" else ch for ch in text)


# ---- op notations ----

def notation(template: str, operands: list[str], function_call: bool, ans: str = "", g: str = "G") -> str:
    """An op table notation (`{0} · {1}`, `{1}·{0}^({1} - 1)`, `sigmoid({0})`) in LaTeX, its
    placeholders filled with LaTeX `operands` (names or numbers)."""
    slots: list[str] = []

    def slot(match: re.Match) -> str:
        key = match.group(1)
        filled = (operands[int(key)] if key.isdigit() else ans if key == "ans" else g if key == "g" else key)
        slots.append(filled)
        return chr(0xE000 + len(slots) - 1)

    text = PLACEHOLDER.sub(slot, template)
    text = _calls(text)
    text = re.sub(r"\s*\^\s*([\ue000-\ue0ff]|\d+)", r"^{\1}", text)
    out = []
    for ch in text:
        if 0xE000 <= ord(ch) <= 0xE0FF:
            out.append(ch)
        elif ch in SYMBOLS:
            out.append(SYMBOLS[ch])
        elif not ch.isascii():
            out.append(r"\text{" + ch + "}")
        else:
            out.append(ch)
    text = re.sub(r" {2,}", " ", "".join(out)).strip()
    # the words of a rule written in English ("G copied to every element") as text, not italics
    text = _WORDS.sub(lambda match: r"\text{ " + match.group(0) + " }", text)
    for index, filled in enumerate(slots):
        mark = chr(0xE000 + index)
        if needs_parentheses(filled, function_call):
            filled = rf"\left({filled}\right)"
        elif ("\\frac" in filled or "\\times" in filled) and mark + "^" in text:
            filled = rf"\left({filled}\right)"
        text = text.replace(mark, filled)
    return text


def call(function: str, operands: list) -> list:
    """A call of the function users call `function` on LaTeX `operands` (texts, or lists of text
    parts), as the op table spells it: `\\sin\\left(x\\right)`, `\\sqrt[3]{x}`, `\\log_{b}\\left(x\\right)`.
    Parts in, parts out, so that a printer may keep its operands as lists."""
    op = FUNCTIONS.get(function, {}).get(len(operands))
    template = op.spelled("latex") if op is not None else (
        rf"\operatorname{{{{{function}}}}}\left(" + ", ".join(f"{{{i}}}" for i in range(len(operands))) + r"\right)")
    pieces = re.split("([\ue100-\ue1ff])", template.format(*[chr(0xE100 + i) for i in range(len(operands))]))
    out: list = []
    for position, piece in enumerate(pieces):
        if position % 2 == 0:
            out.append(piece)
        else:
            operand = operands[ord(piece) - 0xE100]
            out += operand if isinstance(operand, list) else [operand]
    return [piece for piece in out if piece != ""]


def _call_ends(function: str) -> tuple[str, str]:
    """The texts before the first operand and after the last of a call (the op table's LaTeX), for
    the function's form of one operand where it has one."""
    arities = FUNCTIONS.get(function, {1: None})
    count = 1 if 1 in arities else min(arities)
    text = "".join(call(function, [chr(0xE100 + i) for i in range(count)]))
    return text.partition("\ue100")[0], text.rpartition(chr(0xE100 + count - 1))[2]


def _calls(text: str) -> str:
    """f(…) → the op table's LaTeX for the call (`\\arcsin\\left(…\\right)`, `\\sqrt[3]{…}`);
    ^(…) → ^{…}. Parentheses are matched by a loop (templates are a few characters long)."""
    out, closers, i = [], [], 0
    while i < len(text):
        match = re.match(r"([A-Za-z][A-Za-z0-9]*)\(", text[i:])
        if match and (i == 0 or not text[i - 1].isalnum()):
            opening, closing = _call_ends(match.group(1))
            out.append(opening)
            closers.append(closing)
            i += match.end()
            continue
        ch = text[i]
        if ch == "^" and text[i + 1:i + 2] == "(":
            out.append("^{")
            closers.append("}")
            i += 2
            continue
        if ch == "(":
            closers.append(")")
        elif ch == ")" and closers:
            ch = closers.pop()
        out.append(ch)
        i += 1
    return "".join(out)


def definition(row, operands: list[str] | None = None) -> str:
    """A node's definition in LaTeX, with its operands' names, or the LaTeX `operands` given."""
    op = OPS[row.op]
    filled = operands if operands is not None else [_operand(text) for text in row.operands]
    if op.callable:  # the op table's LaTeX for the call, as every other printer writes it
        return "".join(call(op.function, filled))
    return notation(op.notation, filled, op.callable)


def _operand(text: str) -> str:
    """An operand as the trace names it: a node's name, or a constant's literal text (pi and π are
    \\pi as names: Greek letters)."""
    if text[:1].isdigit() or text[:1] in "-.":
        return number(text)
    return name(text)


def local_rule(term, upstream: str = "G") -> str:
    """∂consumer/∂node written out in LaTeX; for a tensor op its vector-Jacobian product with
    `upstream` (LaTeX for ∂out/∂consumer)."""
    op = OPS[term.consumer_op]
    return notation(op.partial_notations[term.operand_index], [_operand(t) for t in term.consumer_operands],
                    op.callable, name(term.consumer), upstream)


# ---- the derivation ----

def forward_lines(derivation: Derivation) -> list[str]:
    """`u &= b \\cdot c = 2 \\cdot 3 = 6`: each node's definition, with its operands' values, and its value."""
    return laid_out(derivation.forward_shown, forward_equation, lambda elided: r"&\vdots")


def forward_equation(line: ForwardLine) -> str:
    """`u &= b \\cdot c = 2 \\cdot 3 = 6` (the first `=` aligned as `&=`)."""
    own = value(line.value)
    if line.op in (VARIABLE, CONSTANT):
        return f"{name(line.name)} &= {own}"
    symbolic = definition(line)
    if line.value.not_taken:
        return f"{name(line.name)} &= {symbolic} \\quad \\text{{{_plain_text(line.value.text)}}}"
    steps = [symbolic]
    if not line.value.blank and not any(shown.blank for shown in line.operand_values if shown is not None):
        substituted = definition(line, [_operand(text) if shown is None else value(shown)
                                        for text, shown in zip(line.operands, line.operand_values)])
        shown = substituted.replace(r"\left", "").replace(r"\right", "")  # what the reader sees
        if substituted != symbolic and len(shown) <= 80:  # long values: the result alone
            steps.append(substituted)
    steps.append(own)
    return f"{name(line.name)} &= " + " = ".join(dict.fromkeys(steps))


def backward_lines(derivation: Derivation) -> list[str]:
    """The chain rule at each node of the backward pass, output to inputs."""
    top = derivation.output
    return laid_out(derivation.backward_shown, lambda line: chain_equation(top, line), lambda _: r"&\vdots")


def chain_equation(top: str, line: BackwardLine) -> str:
    """∂out/∂node = Σ ∂out/∂consumer · ∂consumer/∂node = Σ upstream · local = adjoint, without `$$`
    (the first `=` is where align* aligns it, as `&=`)."""
    left = partial(top, line.name)
    adjoint = value(line.adjoint)
    if not line.terms:
        return f"{left} &= {adjoint}"
    if len(line.terms) == 1 and line.terms[0].record.consumer == top:
        local = _product_term(line.terms[0], alone=True)
        return f"{left} &= {local}" + ("" if local == adjoint else f" = {adjoint}")
    symbols = " + ".join(partial(*term.upstream_partial) + partial(*term.local_partial) for term in line.terms)
    products = " + ".join(_product_term(term) for term in line.terms)
    return f"{left} &= {symbols} = {products} = {adjoint}"


def _product_term(term: TermLine, alone: bool = False) -> str:
    """upstream · local; the local alone when the upstream is ∂out/∂out; a tensor op's VJP."""
    if term.vjp is not None:
        return local_rule(term.record, partial(*term.upstream_partial))
    local = value(term.local)
    if alone:
        return local
    return f"{factor(value(term.upstream), term.upstream.negative)} \\cdot {factor(local, term.local.negative)}"


def tangent_chain(line: TangentLine) -> str:
    """`\\frac{∂u}{∂x} \\dot{x} + …`: the forward-mode chain rule's sum at `line`'s node."""
    return " + ".join(rf"{partial(term.partial.top, term.partial.bottom)} \cdot \dot{{{name(term.operand)}}}"
                      if term.local is not None else rf"\mathrm{{JVP}}(\dot{{{name(term.operand)}}})"
                      for term in line.terms)


def tangent_equation(line: TangentLine) -> str:
    """`\\dot{u} &= Σ ∂u/∂operand · operand's tangent = Σ local · tangent = u̇` (directions side by
    side as a tuple), without `$$`, the first `=` as `&=`."""
    left, own = rf"\dot{{{name(line.name)}}}", _tangents(line.tangents, factor_of=False)
    if not line.terms:
        return f"{left} &= {own}"
    products = " + ".join(_tangents(term.contributions) if term.local is None else
                          rf"{factor(value(term.local), term.local.negative)} \cdot {_tangents(term.tangents)}"
                          for term in line.terms)
    return f"{left} &= " + " = ".join(dict.fromkeys([tangent_chain(line), products, own]))


def _tangents(texts: list[NumberText], factor_of: bool = True) -> str:
    """One tangent (as a factor, or plain), or one per direction as a tuple."""
    if len(texts) == 1:
        return factor(value(texts[0]), texts[0].negative) if factor_of else value(texts[0])
    return r"\left(" + ", ".join(value(t) for t in texts) + r"\right)"


def gradient_line(derivation: Derivation) -> str:
    lines = derivation.gradient_shown
    partials = ", ".join(laid_out(lines, lambda line: partial(derivation.output, line.name), lambda _: r"\ldots"))
    values = ", ".join(laid_out(lines, lambda line: value(line.gradient), lambda _: r"\ldots"))
    return rf"\nabla {name(derivation.output)} = \left({partials}\right) &= \left({values}\right)"


def naive_lines(derivation: Derivation) -> str:
    """The classic mistake and why it goes wrong (or not), then what the assigning backward pass
    gives for each partial derivative, a wrong one next to the right value (`1 \\neq 4`)."""
    def line(gradient: GradientLine) -> str:
        naive = value(gradient.naive)
        shown = rf"{naive} \neq {value(gradient.gradient)}" if gradient.naive_wrong else naive
        return rf"{partial(derivation.output, gradient.name)}\Big|_{{\text{{naive}}}} &= {shown}"

    reason = derivation.naive.reason(lambda node: f"${name(node)}$")
    return (r"\intertext{" + _plain_text(NAIVE_TITLE) + ". " + _prose(reason) + "}\n"
            + " \\\\[3pt]\n".join(laid_out(derivation.gradient_shown, line, lambda _: r"&\vdots")))


def _prose(text: str) -> str:
    """A sentence for \\intertext: TeX's special characters escaped outside its $…$ math."""
    pieces = text.split("$")
    return "$".join(piece if index % 2 else _plain_text(piece) for index, piece in enumerate(pieces))


def render(derivation: Derivation, options: RenderOptions = RenderOptions()) -> str:
    """The derivation as a fragment: comments, then one align* with the forward pass, the chain rule
    for every node (output to inputs) and the gradient. Needs amsmath."""
    top, title = derivation.output, options.title
    head = [f"% {title}" if title else None, "% cgrad: " + one_line(derivation.source),
            f"% at {derivation.at}",
            f"% numbers: {derivation.description}" + "".join(f"; {note}" for note in derivation.conventions),
            r"% needs \usepackage{amsmath}"]
    body = forward_lines(derivation)
    backward = backward_lines(derivation)
    parts = []
    if body:
        parts.append(r"\intertext{Forward pass (inputs to output)}" + "\n" + " \\\\\n".join(body))
    if backward:
        parts.append(rf"\intertext{{Backward pass (output to inputs): the chain rule for $\partial {name(top)}/\partial\,\mathrm{{node}}$}}"
                     + "\n" + " \\\\[3pt]\n".join(backward))  # fractions need room
    if derivation.gradient:
        parts.append(r"\intertext{Gradient}" + "\n" + gradient_line(derivation))
    if derivation.naive is not None:
        parts.append(naive_lines(derivation))
    return ("\n".join(line for line in head if line) + "\n\\begin{align*}\n" + " \\\\\n".join(parts)
            + "\n\\end{align*}\n")
