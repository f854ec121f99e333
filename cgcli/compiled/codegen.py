"""`cgrad codegen`: straight-line Python, NumPy or C computing a formula's value and gradient, the
forward pass then the reverse pass unrolled: each value as the op table spells it in the language,
each local derivative the op's one derivative rule printed in it."""
from __future__ import annotations

import keyword
import math
import re
import unicodedata
from dataclasses import dataclass

from ..errors import InputError, MathError
from ..graph.nodes import CONSTANT, VARIABLE, Graph, Node
from ..ops import OPS
from .branches import branch_guards, emission_order, guarded
from ..ops.declaration import ATOM, UNARY
from ..text import LazyPattern

LANGUAGES = ("python", "numpy", "c")
_CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e}
_COMMENT = {"python": "#", "numpy": "#", "c": "//"}
# Names a user's name must not take in the generated code: the code's own, every name the op table's
# spellings in the language call (math, abs, fmax…), and in C the keywords (C11), the rest of
# <math.h>'s functions and its macros, and the macros GCC predefines in its default GNU mode.
_OWN = {"math", "np", "value_and_grad", "in", "grad", "float", "int"}
_C_KEYWORDS = set("""auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void
    volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
    _Thread_local""".split())
_MATH_H = set("""exp2 expm1 frexp ilogb ldexp logb modf scalbn scalbln fabs erfc lgamma tgamma ceil floor nearbyint
    rint lrint llrint round lround llround trunc fmod remainder remquo copysign nan nextafter nexttoward fdim fmax
    fmin fma j0 j1 jn y0 y1 yn gamma signbit fpclassify isfinite isinf isnan isnormal isgreater isgreaterequal
    isless islessequal islessgreater isunordered math_errhandling NAN INFINITY HUGE_VAL HUGE_VALF HUGE_VALL
    MATH_ERRNO MATH_ERREXCEPT linux unix i386""".split())
_C_PREFIXES = ("M_", "FP_")  # <math.h>'s constants (M_PI, M_SQRT2) and classes (FP_NAN)
_CALLED: dict[str, set[str]] = {}


def _called(language: str) -> set[str]:
    """The names the op table's spellings in `language` use: a user's name must not shadow them."""
    if language not in _CALLED:
        _CALLED[language] = {word for op in OPS.values() if op.rules
                             for word in re.findall(r"[A-Za-z_]\w*", op.spelled(language))}
    return _CALLED[language]


def identifier(name: str, language: str) -> str:
    """A program's name (already the language's, NFC) as an identifier of `language`: kept where the
    target reads it as itself and does not reserve it (C: ASCII only); else `u__` and the name with every
    character other than an ASCII letter or digit written `_<hex code point>_`. Kept names never
    contain `__` and mangled ones always start with `u__`, and the escapes are one-to-one, so two
    names cgrad tells apart stay apart (Python folds `𝑥` into `x` by NFKC: mangled, it cannot)."""
    if _kept(name, language):
        return name
    return "u__" + "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in name)


def _kept(name: str, language: str) -> bool:
    if not name.isidentifier() or "__" in name or name.startswith("_") or name in _OWN or name in _called(language):
        return False
    if language == "c":
        return (name.isascii() and name not in _C_KEYWORDS and name not in _MATH_H
                and not name.startswith(_C_PREFIXES))
    # Python reads an identifier as its NFKC form: a name that form changes would meet another
    return unicodedata.normalize("NFKC", name) == name and not keyword.iskeyword(name)


def _literal(value) -> str:
    """A constant as code: the double nearest it (an exact rational, or pi and e)."""
    return repr(float(value))


def _atomic(text: str) -> bool:
    """Whether code text needs no parentheses as an operand: a name, an unsigned number, or a call."""
    if re.fullmatch(r"[\w.{}]+", text):
        return True
    head = re.match(r"[\w.]*\(", text)  # a call, or an expression in parentheses
    if head is None or not text.endswith(")"):
        return False
    depth = 0
    for position in range(head.end() - 1, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return position == len(text) - 1
    return False


def _generated(op, language: str):
    """The op, if code is generated for it: an op without derivative rules (a tensor op) has none,
    in its forward line as in its backward lines."""
    if not op.rules:
        raise InputError(f"codegen --lang {language}: the op {op.name} has no {language} code "
                         "(tensor ops are not generated yet)")
    return op


_PLAIN_CALL = LazyPattern(r"[\w.]+\(\{0\}(?:, \{\d\})*\)")


def _call(op_name: str, language: str, operands: list[str], precedences: list[int] | None = None
          ) -> tuple[str, int]:
    """(text, precedence) of the op applied to operand texts in `language`, as the op table spells it.
    An operator's operands are parenthesised as the precedence table says; any other spelling is a
    template that may put an operand anywhere (`-{0}` inside sigmoid), so a compound one is always."""
    op = _generated(OPS[op_name], language)
    template, own, least = op.written(language)
    if precedences is not None and _PLAIN_CALL.fullmatch(template):  # f(a, b): its operands are whole
        return template.format(*operands), own
    if op.precedence is None or precedences is None or template != op.spelled("text"):
        # not written as the operator itself (a comparison as a conditional expression): an atom
        return template.format(*[text if _atomic(text) else f"({text})" for text in operands]), ATOM
    # -(-1.0): in C, -- is another operator
    fitted = [text if precedence >= needed and not (op_name == "neg" and text.startswith("-")) else f"({text})"
              for text, precedence, needed in zip(operands, precedences, least)]
    return template.format(*fitted), own


def _printed(builder, root: int, language: str) -> str:
    """A formula of a FormulaBuilder as one expression in `language`, node by node (no recursion)."""
    texts: dict[int, tuple[str, int]] = {}
    wanted = {root}
    for index in range(root, -1, -1):  # the nodes the root needs: inputs come before their users
        if index in wanted:
            wanted.update(builder.nodes[index].inputs)
    for index in sorted(wanted):
        node = builder.nodes[index]
        if node.op == VARIABLE:
            texts[index] = node.name, ATOM
        elif node.op == CONSTANT:
            value = builder.rational.get(index)
            text = _float(node.literal) if value is None else _literal(value)
            texts[index] = text, UNARY if text.startswith("-") else ATOM
        else:
            texts[index] = _call(node.op, language, [texts[i][0] for i in node.inputs],
                                 [texts[i][1] for i in node.inputs])
    return texts[root][0]


_TEMPLATES: dict[tuple, tuple] = {}


def templates(op_name: str, language: str, relu0: str = "0", literals: tuple[str | None, ...] = ()
              ) -> tuple[str, ...]:
    """The op's (value, ∂/∂operand...) code in `language` over {0}, {1} (the operands) and {ans} (its
    value): the value as the op table spells it, each derivative its one derivative rule run over
    formulas and printed; refused for an op without derivative rules. An operand with a literal in
    `literals` enters the rule as that number, so the formula folds it (x^2: 2.0 * x)."""
    from ..graph.symbolic import FormulaBuilder

    op = OPS[op_name]
    key = (op_name, language, relu0, literals)
    cached = _TEMPLATES.get(key)
    if cached is not None and cached[0] is op:  # the op, not a stale copy (tests replace rules)
        return cached[1]
    _generated(op, language)
    builder = FormulaBuilder(relu0)
    literals = literals or (None,) * op.arity
    operands = [builder.variable(f"{{{position}}}") if literal is None else builder.literal(literal)
                for position, literal in enumerate(literals)]
    ans = builder.variable("{ans}")
    code = (op.spelled(language),) + tuple(_printed(builder, rule(builder, ans, *operands).index, language)
                                           for rule in op.rules)
    _TEMPLATES[key] = (op, code)
    return code


@dataclass
class StraightLine:
    """The two passes of a graph as assignments in one language: `forward` (name, expression) per
    computed or named node, `backward` (adjoint, term, first) per contribution, the output's seed first."""

    names: list[str | None]  # per node: its identifier in the code (None: a literal, written inline)
    adjoint: dict[int, str]  # per node the backward pass reaches: the identifier of ∂output/∂node
    forward: list[tuple[str, str]]
    backward: list[tuple[str, str, bool]]
    value: str  # the output: its identifier, or its literal


def straight_line(graph: Graph, language: str, relu0: str, active: list[bool] | None = None,
                  names: list[str | None] | None = None) -> StraightLine:
    """The passes of `graph`, the backward one over the `active` nodes (default: those depending on a
    variable), nodes called by `names` (default: the program's names, made safe in the language)."""
    active = graph.active if active is None else active
    names = _identifiers(graph, language) if names is None else names
    guards = branch_guards(graph)  # a node only one branch of an if needs is computed under its condition

    def operand(index: int) -> str:
        return _operand(graph, index, names)

    forward = []
    for index in emission_order(graph, guards):
        if graph.nodes[index].op != VARIABLE and names[index] is not None:
            target, expression = _forward_line(graph, index, names, language, relu0)
            forward.append((target, guarded(expression, guards.get(index), operand, language)
                            if graph.nodes[index].inputs else expression))
    adjoint = _adjoint_names(graph, names, active)
    backward = _backward_lines(graph, names, adjoint, active, language, relu0,
                               lambda index, term: guarded(term, guards.get(index), operand, language))
    return StraightLine(names, adjoint, forward, backward, names[graph.output] or _operand(graph, graph.output, names))


def generate(graph: Graph, variables: list[str], language: str, relu0: str, source: str) -> str:
    """The whole file (Python, NumPy) or function (C) for `graph`, inputs `variables` in that order."""
    code = straight_line(graph, language, relu0)
    by_name = {graph.names[i]: i for i in graph.variables()}
    inputs = [code.names[by_name[name]] for name in variables]
    gradient = [code.adjoint[by_name[name]] for name in variables]
    return _assemble(language, _header(language, source, graph, relu0), inputs, code.forward, code.backward,
                     gradient, code.value)


def _float(text: str, graph: Graph | None = None, node: Node | None = None) -> str:
    """A literal (or --relu0's value) as code: the double it stands for, refused as `cgrad eval`
    refuses it when no double can hold it (1e999)."""
    value = _CONSTANTS.get(text)
    value = float(text) if value is None else value
    if not math.isfinite(value):
        raise MathError(f"the number {text} is too large for float (IEEE double)", graph and graph.source,
                        node and node.start)
    return repr(value)


def _identifiers(graph: Graph, language: str) -> list[str | None]:
    """Per node: its name in the generated code (identifier()), or None for a literal."""
    return [None if name is None else identifier(name, language) for name in graph.names]


def _operand(graph: Graph, index: int, names: list[str | None]) -> str:
    node = graph.nodes[index]
    if node.op == CONSTANT and node.name is None:
        return _float(node.literal, graph, node)
    return names[index]


def _forward_line(graph: Graph, index: int, names, language: str, relu0: str) -> tuple[str, str]:
    node = graph.nodes[index]
    if node.op == CONSTANT:
        return names[index], _float(node.literal, graph, node)
    operands = [_operand(graph, i, names) for i in node.inputs]
    return names[index], _call(node.op, language, operands)[0]


def _adjoint_names(graph: Graph, names, active: list[bool]) -> dict[int, str]:
    """g_x for x, unless the program has a g_x of its own."""
    adjoint = {}
    taken = set(filter(None, names))
    for index in graph.order:
        if active[index]:
            name = "g_" + names[index]
            while name in taken:
                name = "g" + name
            adjoint[index] = name
            taken.add(name)
    return adjoint


def _backward_lines(graph: Graph, names, adjoint, active: list[bool], language: str,
                    relu0: str, guard=lambda index, term: term) -> list[tuple[str, str, bool]]:
    """(adjoint, term, first) per contribution, the output's adjoint first (1): fan-out sums; each
    term of a node as guard(node, term) writes it."""
    output = graph.output
    if not active[output]:
        return []
    lines = [(adjoint[output], "1.0", True)]
    seen = {output}
    for index in reversed(graph.order):
        node = graph.nodes[index]
        if not active[index] or node.op in (VARIABLE, CONSTANT):
            continue
        operands = [_operand(graph, i, names) for i in node.inputs]
        literals = tuple(graph.nodes[i].literal if graph.nodes[i].op == CONSTANT and graph.nodes[i].name is None
                         else None for i in node.inputs)
        partials = templates(node.op, language, relu0, literals)[1:]
        for position, operand in enumerate(node.inputs):
            if not active[operand]:
                continue
            partial = partials[position].format(*operands, ans=names[index])
            lines.append((adjoint[operand], guard(index, _term(adjoint[index], partial)), operand not in seen))
            seen.add(operand)
    return lines


def _term(upstream: str, partial: str) -> str:
    if partial == "1.0":
        return upstream
    if partial == "-1.0":
        return "-" + upstream
    return f"{upstream} * {partial if _atomic(partial) else f'({partial})'}"


def _header(language: str, source: str, graph: Graph, relu0: str) -> list[str]:
    mark = _COMMENT[language]
    conventions = sorted({OPS[graph.nodes[i].op].convention for i in graph.order
                          if graph.nodes[i].op in OPS and OPS[graph.nodes[i].op].convention})
    lines = ["Generated by cgrad codegen: the value of the formula and its gradient,",
             f"  {' '.join(source.split())}",
             "the forward pass, then the reverse pass unrolled (g_name = ∂output/∂name; fan-out sums).",
             "No domain checks: outside the domain " + ("Python raises ValueError, ZeroDivisionError or OverflowError."
                                                       if language == "python" else "the results are nan or inf.")]
    lines += ["Conventions at kinks: " + "; ".join(c.format(relu0=relu0) for c in conventions)] if conventions else []
    return [f"{mark} {line}".rstrip() for line in lines]


def _assemble(language, header, inputs, forward, backward, gradient, value) -> str:
    given = set(inputs)
    if language == "c":
        body = [f"    const double {name} = in[{i}];" for i, name in enumerate(inputs)]
        body += [f"    const double {target} = {expression};" for target, expression in forward
                 if target not in given]
        body += [f"    {'double ' if first else ''}{target} {'=' if first else '+='} {term};"
                 for target, term, first in backward]
        body += [f"    grad[{i}] = {g};" for i, g in enumerate(gradient)] + [f"    return {value};"]
        return "\n".join(header + ["#include <math.h>", "",
                                   "double value_and_grad(const double *in, double *grad)", "{"] + body + ["}"]) + "\n"
    imports = ["import math"] + (["", "import numpy as np"] if language == "numpy" else [])
    body = [f"    {target} = {expression}" for target, expression in forward if target not in given]
    body += [f"    {target} {'=' if first else '+='} {term}" if language == "python" or first
             else f"    {target} = {target} + {term}" for target, term, first in backward]
    body.append(f"    return {value}, ({', '.join(gradient)}{',' if len(gradient) == 1 else ''})")
    return "\n".join(header + [""] + imports + ["", "", f"def value_and_grad({', '.join(inputs)}):"] + body) + "\n"

